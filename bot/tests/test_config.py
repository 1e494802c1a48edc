"""The action server's settings (actions/config.py): defaults, one clear line per wrong value, and the
launcher (actions/server.py) stopping on one with exit code 2 and no traceback."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rasa_sdk import Tracker

from actions.actions import log_record
from actions.config import ConfigError, Settings, load_settings, topic_for

REPO = Path(__file__).resolve().parents[2]


def test_defaults_listen_on_loopback():
    config = load_settings({})
    assert config == Settings()
    assert (config.actions_host, config.actions_port) == ("127.0.0.1", 5055)
    assert config.faq_timeout_s == 2.5 and config.action_queue_dir == "var/action-queue"
    assert config.tracker_db_url is None and config.retention_days == 30


def test_values_from_the_environment():
    config = load_settings({"ACTIONS_HOST": "0.0.0.0", "ACTIONS_PORT": "6055", "FAQ_URL": "http://faq:8000/",
                            "FAQ_TIMEOUT_S": "1.5", "THAMTOB_SERVICE_TOKEN": "s3cret",
                            "ACTION_QUEUE_DIR": "/q", "RASA_TRACKER_DB_URL": "sqlite:///t.db",
                            "BOT_RETENTION_DAYS": "7", "UNRELATED": "x"})
    assert config == Settings("0.0.0.0", 6055, "http://faq:8000", 1.5, "s3cret", "/q", "sqlite:///t.db", 7.0)
    assert load_settings({"FAQ_URL": " ", "ACTIONS_PORT": ""}) == Settings()  # blank = unset


@pytest.mark.parametrize("name,value,problem", [
    ("FAQ_TIMEOUT_S", "abc", "is not a number of seconds"),
    ("FAQ_TIMEOUT_S", "30", "is not between 0.1 and 3 seconds"),
    ("ACTIONS_PORT", "x", "is not a port number"),
    ("ACTIONS_PORT", "0", "is not a port number"),
    ("ACTIONS_HOST", "local host", "is not an IP address or host name"),
    ("FAQ_URL", "faq:8000", "is not an http:// or https:// URL"),
    ("BOT_RETENTION_DAYS", "-1", "is not a number of days"),
])
def test_a_wrong_value_is_one_line_naming_the_variable_and_an_example(name, value, problem):
    with pytest.raises(ConfigError) as error:
        load_settings({name: value})
    message = str(error.value)
    assert message.startswith(f"{name}={value!r} {problem}") and f"(example: {name}=" in message
    assert "\n" not in message


def test_the_action_server_stops_on_a_wrong_value_with_one_line():
    env = {**os.environ, "PYTHONPATH": str(REPO), "FAQ_TIMEOUT_S": "abc"}
    done = subprocess.run([sys.executable, "-m", "actions.server"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "actions: FAQ_TIMEOUT_S='abc' is not a number of seconds (example: FAQ_TIMEOUT_S=2.5)"]


def tracker(intent):
    return Tracker("visitor-1", {"lang": None}, {"text": "ร้องเรียนได้ที่ไหน", "intent": {"name": intent}},
                   [], False, None, {}, "action_listen")


def test_log_record_carries_the_topic_of_its_intent_only():
    assert topic_for("ask_complaint_channels") == "complaints" and topic_for("ask_human") == "contact"
    assert log_record(tracker("ask_complaint_channels"), "handled_by_bot")["topic"] == "complaints"
    assert log_record(tracker("ask_human"), "handled_by_bot")["topic"] == "contact"
    plain = log_record(tracker("ask_question"), "unavailable")
    assert "topic" not in plain and plain["intent"] == "ask_question" and plain["lang"] == "th"
