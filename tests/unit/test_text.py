import pytest

from faq_service.core.text import detect_lang, normalize
from faq_service.retrieval.text import tokenize


def test_normalize_sara_am_zero_width_controls_and_spaces():
    decomposed = "น\u0e49\u0e4d\u0e32"  # น้ํา typed as nikhahit + sara aa
    assert normalize(decomposed) == "น้ำ"
    assert normalize("  สวัส\u200bดี \u0007 ครับ\n\n") == "สวัสดี ครับ"
    assert normalize("e\u0301") == "é"  # NFC


def test_tokenize_keeps_agency_names_and_maps_them_to_one_token():
    tokens = tokenize("ติดต่อสสปน.ยังไง")
    assert "ติดต่อ" in tokens and "tceb" in tokens and "สส" not in tokens and "ปน" not in tokens
    assert "tceb" in tokenize("ทีเส็บอยู่ที่ไหน")
    assert "tceb" in tokenize("Thailand Convention and Exhibition Bureau address")
    assert "tceb" in tokenize("สำนักงานส่งเสริมการจัดประชุมและนิทรรศการ (องค์การมหาชน)")


def test_tokenize_lowercases_english_and_drops_particles():
    tokens = tokenize("What is TCEB's E-mail address ครับ")
    assert "email" not in tokens and "mail" in tokens
    assert "address" in tokens and "ครับ" not in tokens and "what" not in tokens


def test_tokenize_reads_thai_digits():
    assert "2563" in tokenize("ปีงบประมาณ ๒๕๖๓")


def test_detect_lang():
    assert detect_lang("ติดต่อทีเส็บยังไง") == "th"
    assert detect_lang("MICE คืออะไร") == "th"
    assert detect_lang("How do I contact TCEB?") == "en"
    assert detect_lang("1105") == "en"


def test_tokenize_adds_the_parts_of_thai_compounds():
    compound = tokenize("ต้องเสียค่าธรรมเนียมไหม")
    assert "เสียค่าธรรมเนียม" in compound and "ค่าธรรมเนียม" in compound
    assert "ค่าธรรมเนียม" in tokenize("ค่าธรรมเนียมเท่าไร")


def _shared_cases() -> list[tuple[str, str]]:
    """The cases bot/language.py is tested against too (bot/tests/test_language.py): one rule."""
    import yaml

    from faq_service.core.settings import REPO_ROOT

    cases = yaml.safe_load((REPO_ROOT / "tests" / "cases" / "detect_lang.yml").read_text(encoding="utf-8"))
    return [(c["text"], c["lang"]) for c in cases]


@pytest.mark.parametrize("text,lang", _shared_cases())
def test_detect_lang_on_the_cases_the_bot_shares(text, lang):
    assert detect_lang(text) == lang
