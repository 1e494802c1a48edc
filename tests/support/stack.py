"""The real ThamTob stack for end-to-end tests: faq_service on a temporary SQLite database, the
action server and `rasa run` with the trained model from var/models (run `make train` first: a missing
model is a failure, never a skip). Every process gets free ports; logs go under the test's tmp dir."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from tests.support.procs import BOT_BIN, REPO, SERVICE_TOKEN, VENV_BIN, Proc, free_port, start, start_faq_service

MODEL = REPO / "var" / "models" / "thamtob.tar.gz"
RUN_WITH_ENV = str(REPO / "bot" / "run-with-env.sh")
CONTACT_PHONE = "+66 2 694 6000"
CONTACT_EMAIL = "info@tceb.or.th"


def line_env(api_base_url: str, channel_secret: str, access_token: str, user_hash_key: str,
             rate_user: str = "off") -> dict:
    """The environment that turns Rasa's LINE channel on (bot/channels/line_settings.py), talking to a
    LINE stand-in (tests/support/line_standin.py) instead of LINE: pass it as BotStack(rasa_env=...)."""
    return {"LINE_CHANNEL_SECRET": channel_secret, "LINE_CHANNEL_ACCESS_TOKEN": access_token,
            "LINE_API_BASE_URL": api_base_url, "LINE_USER_HASH_KEY": user_hash_key, "LINE_RATE_USER": rate_user}


class BotStack:
    """The three processes; `faq` is replaced when a test restarts faq_service."""

    def __init__(self, root: Path, tracker_db_url: str | None = None, rasa_env: dict | None = None,
                 db_url: str | None = None, faq_env: dict | None = None, actions_env: dict | None = None):
        """`tracker_db_url`: Rasa's tracker store (default SQLite under `root`; a PostgreSQL URL works,
        the database must exist). `rasa_env`: extra environment for `rasa run` (e.g. REDIS_URL,
        RASA_REDIS_KEY_PREFIX, WEBHOOK_RATE_SENDER). `db_url`: faq_service's database (default SQLite
        under `root`); `faq_env` / `actions_env`: extra environment for faq_service / the action server."""
        self.root = root
        self.log_dir = root / "logs"
        self.db_url = db_url or f"sqlite:///{root / 'faq.db'}"
        self.queue_dir = root / "action-queue"
        self.tracker_db_url = tracker_db_url or f"sqlite:///{root / 'tracker.db'}"
        self.rasa_env = dict(rasa_env or {})
        self.faq_env = dict(faq_env or {})
        self.actions_env = dict(actions_env or {})
        self.faq_port = free_port()
        self.actions_port, self.rasa_port = free_port(), free_port()
        # One website allowed to embed the chat widget (tests/web/test_widget.py serves a page there).
        self.widget_port = free_port()
        self.widget_origin = f"http://127.0.0.1:{self.widget_port}"
        self.faq: Proc | None = None
        self.actions: Proc | None = None
        self.rasa: Proc | None = None
        self._engine = None

    # ------------------------------------------------------------------ processes
    def start_faq(self) -> Proc:
        # The chat page served by this faq_service talks to this stack's Rasa.
        self.faq = start_faq_service(self.log_dir, self.db_url, port=self.faq_port, deadline=300,
                                     extra_env={"RASA_PUBLIC_URL": f"http://127.0.0.1:{self.rasa_port}",
                                                **self.widget_env(), **self.faq_env})
        return self.faq

    def widget_env(self) -> dict:
        return {"THAMTOB_WIDGET_ORIGINS": self.widget_origin}

    def rasa_cors(self) -> list[str]:
        """Rasa's --cors as scripts/run.sh computes it: `thamtob web rasa-cors` with the chat page at this
        stack's faq_service and the widget's allowed site."""
        done = subprocess.run([str(VENV_BIN / "thamtob"), "web", "rasa-cors"], capture_output=True, text=True,
                              timeout=60, env={**os.environ, **self.widget_env(),
                                               "THAMTOB_PUBLIC_URL": f"http://127.0.0.1:{self.faq_port}"})
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    def start_all(self) -> None:
        self.start_faq()
        self.start_actions()
        self.rasa = self.start_rasa()

    def start_actions(self) -> Proc:
        """The action server on this stack's port and queue folder (also to restart it after a kill)."""
        actions_port = self.actions_port
        self.actions = start(
            "actions",
            [RUN_WITH_ENV, str(BOT_BIN / "python"), "-m", "actions.server"],
            f"http://127.0.0.1:{actions_port}", "/health", self.log_dir,
            {"FAQ_URL": self.faq.url, "THAMTOB_SERVICE_TOKEN": SERVICE_TOKEN,
             "ACTION_QUEUE_DIR": str(self.queue_dir), "ACTIONS_HOST": "127.0.0.1",
             "ACTIONS_PORT": str(actions_port), **self.actions_env},
            deadline=180)
        return self.actions

    def start_rasa(self, port: int | None = None, tracker_db_url: str | None = None,
                   extra_env: dict | None = None, name: str = "rasa") -> Proc:
        """`rasa run` with this stack's action server. Without arguments: the stack's own Rasa. With a
        port / tracker store / env: a further Rasa process (the caller stops it) sharing the action server
        and faq_service, e.g. on PostgreSQL + Redis or with low rate limits."""
        port = port or self.rasa_port
        env = {"ACTIONS_URL": f"http://127.0.0.1:{self.actions_port}/webhook",
               "RASA_TRACKER_DB_URL": tracker_db_url or self.tracker_db_url,
               # the LINE channel erases a user's question log through faq_service at unfollow
               "FAQ_URL": self.faq.url, "THAMTOB_SERVICE_TOKEN": SERVICE_TOKEN,
               **self.rasa_env, **(extra_env or {})}
        return start(
            name,
            [RUN_WITH_ENV, str(BOT_BIN / "rasa"), "run", "-i", "127.0.0.1", "--cors", *self.rasa_cors(),
             "--model", str(MODEL),
             "--port", str(port), "--credentials", "bot/credentials.yml",
             "--endpoints", "bot/endpoints.yml"],
            f"http://127.0.0.1:{port}", "/", self.log_dir, env, deadline=300)  # "/" answers once the model is loaded

    def stop_all(self) -> None:
        for proc in (self.rasa, self.actions, self.faq):
            if proc is not None:
                proc.stop()
        if self._engine is not None:
            self._engine.dispose()

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.log()}" for p in (self.faq, self.actions, self.rasa) if p)

    # ------------------------------------------------------------------ talking to it
    def say(self, sender: str, message: str, timeout: float = 30, rasa: Proc | None = None) -> list[dict]:
        resp = httpx.post(f"{(rasa or self.rasa).url}/webhooks/rest/webhook",
                          json={"sender": sender, "message": message}, timeout=timeout)
        assert resp.status_code == 200, resp.text
        return resp.json()

    @staticmethod
    def texts(replies: list[dict]) -> str:
        return "\n".join(r.get("text") or "" for r in replies)

    def log_rows(self, question: str,
                 columns: str = "question_text, channel, outcome, intent, lang, faq_id") -> list[dict]:
        """Rows of the question log (read from faq_service's database) for this exact question."""
        if self._engine is None:
            self._engine = create_engine(self.db_url)
        with self._engine.connect() as conn:
            rows = conn.execute(
                text(f"SELECT {columns} FROM question_log WHERE question_text = :q ORDER BY id"),
                {"q": question})
            return [dict(r._mapping) for r in rows]

    def wait_for_rows(self, question: str, deadline_s: float = 10) -> list[dict]:
        end = time.monotonic() + deadline_s
        rows = self.log_rows(question)
        while not rows and time.monotonic() < end:
            time.sleep(0.25)
            rows = self.log_rows(question)
        return rows
