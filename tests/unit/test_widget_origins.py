"""THAMTOB_WIDGET_ORIGINS: the one list of websites that may embed the chat widget, read as browsers write
an Origin header, and the origins `thamtob web rasa-cors` gives Rasa (the chat page's, then the list)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from pydantic import ValidationError

from faq_service.core.settings import Settings

THAMTOB = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "thamtob"


def settings(**env) -> Settings:
    return Settings(**{"THAMTOB_PUBLIC_URL": "https://thamtob.example.org/", **env})


def test_origins_are_normalised_and_the_chat_page_comes_first():
    s = settings(THAMTOB_WIDGET_ORIGINS=" https://WWW.tceb.or.th/ ,https://www.tceb.or.th:443,http://127.0.0.1:8081,")
    assert s.widget_origin_list() == ["https://www.tceb.or.th", "http://127.0.0.1:8081"]
    assert s.chat_origins() == ["https://thamtob.example.org", "https://www.tceb.or.th", "http://127.0.0.1:8081"]
    assert settings(THAMTOB_WIDGET_ORIGINS="").chat_origins() == ["https://thamtob.example.org"]
    assert settings(THAMTOB_PUBLIC_URL="https://thamtob.example.org/chat",
                    THAMTOB_WIDGET_ORIGINS="https://thamtob.example.org").chat_origins() == ["https://thamtob.example.org"]


@pytest.mark.parametrize("value", ["*", "https://*.tceb.or.th", "www.tceb.or.th", "https://www.tceb.or.th/news",
                                   "https://www.tceb.or.th?x=1", "ftp://files.tceb.or.th", "null",
                                   "https://user:pw@www.tceb.or.th", "http://[::1]:8081", "https://a.example,*"])
def test_anything_but_plain_origins_is_refused(value):
    with pytest.raises(ValidationError, match="is not an origin"):
        settings(THAMTOB_WIDGET_ORIGINS=value)


def test_rasa_cors_command():
    env = {**os.environ, "THAMTOB_PUBLIC_URL": "http://127.0.0.1:8000",
           "THAMTOB_WIDGET_ORIGINS": "https://www.tceb.or.th,http://127.0.0.1:8081"}
    done = subprocess.run([str(THAMTOB), "web", "rasa-cors"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["http://127.0.0.1:8000", "https://www.tceb.or.th", "http://127.0.0.1:8081"]
    bad = subprocess.run([str(THAMTOB), "web", "rasa-cors"], env={**env, "THAMTOB_WIDGET_ORIGINS": "*"},
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "THAMTOB_WIDGET_ORIGINS" in bad.stderr and not bad.stdout
