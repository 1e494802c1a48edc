"""Start the real ThamTob processes for tests: faq_service, the action server, Rasa.

Every helper returns a `Proc` that the caller stops; logs go to a file under the test's tmp dir so a
failing test can show them.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
BOT_BIN = REPO / ".venv-bot" / "bin"
SERVICE_TOKEN = "test-service-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    url: str
    log_path: Path
    env: dict = field(default_factory=dict)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def start(name: str, cmd: list[str], url: str, ready_path: str, log_dir: Path, env: dict,
          deadline: float = 120) -> Proc:
    """Start `cmd` in its own process group and wait (up to `deadline` s) for GET url+ready_path → 200."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    full_env = {**os.environ, **env}
    fh = open(log_path, "ab")
    popen = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=fh, stderr=subprocess.STDOUT,
                             start_new_session=True)
    proc = Proc(name, popen, url, log_path, env)
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if popen.poll() is not None:
            raise RuntimeError(f"{name} exited with {popen.returncode}:\n{proc.log()}")
        try:
            if httpx.get(url + ready_path, timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{name} not ready within {deadline}s:\n{proc.log()}")


def start_faq_service(log_dir: Path, database_url: str, port: int | None = None,
                      extra_env: dict | None = None, deadline: float = 120) -> Proc:
    """The real faq_service (uvicorn) on 127.0.0.1:port with `database_url`; ready when /readyz is 200."""
    port = port or free_port()
    env = {
        "DATABASE_URL": database_url,
        "FAQ_HOST": "127.0.0.1",
        "FAQ_PORT": str(port),
        "THAMTOB_SERVICE_TOKEN": SERVICE_TOKEN,
        "THAMTOB_SECRET_KEY": "test-secret",
        **(extra_env or {}),
    }
    return start("faq_service", [str(VENV_BIN / "thamtob"), "serve"], f"http://127.0.0.1:{port}",
                 "/readyz", log_dir, env, deadline)
