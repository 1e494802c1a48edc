"""The LINE channel's stack: faq_service, the action server and `rasa run` with the LINE channel on,
talking to a LINE stand-in on 127.0.0.1; one for the whole folder."""
from __future__ import annotations

import pytest

from tests.channels.line_harness import ACCESS_TOKEN, HASH_KEY, SECRET, Line
from tests.support.line_standin import LineStandIn
from tests.support.procs import BOT_BIN
from tests.support.stack import MODEL, BotStack, line_env


@pytest.fixture(scope="package")
def line(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained Rasa model at {MODEL}: run `make train` before the bot tests")
    if not (BOT_BIN / "rasa").exists():
        pytest.fail(f"{BOT_BIN / 'rasa'} is missing: run `make setup-bot`")
    standin = LineStandIn(ACCESS_TOKEN).start()
    stack = BotStack(tmp_path_factory.mktemp("line-stack"),
                     rasa_env=line_env(standin.url, SECRET, ACCESS_TOKEN, HASH_KEY))
    try:
        stack.start_all()
    except Exception:
        stack.stop_all()
        standin.stop()
        raise
    yield Line(stack, standin)
    stack.stop_all()
    standin.stop()
