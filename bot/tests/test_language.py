"""The bot's Thai/English rule (bot/language.py) gives the expected language for every shared case
(tests/cases/detect_lang.yml, which faq_service's rule is tested against too)."""
from pathlib import Path

import pytest
import yaml

from bot.language import detect_lang

CASES_FILE = Path(__file__).resolve().parents[2] / "tests" / "cases" / "detect_lang.yml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def test_the_case_file_covers_both_languages():
    assert len(CASES) >= 20
    assert {case["lang"] for case in CASES} == {"th", "en"}


@pytest.mark.parametrize("case", CASES, ids=[repr(case["text"]) for case in CASES])
def test_detect_lang(case):
    assert detect_lang(case["text"]) == case["lang"]


def test_the_bot_side_wrappers_use_the_rule():
    from bot.channels.guarded_rest import guess_lang
    from bot.components.language_detector import detect_language

    mixed = "Where can I find the guideline for MICE subsidies from ทีเส็บ?"
    assert detect_lang(mixed) == detect_language(mixed) == guess_lang(mixed) == "en"
    assert detect_language(None) == "en"
    assert guess_lang(None) is None and guess_lang("  ") is None and guess_lang(12345) is None
