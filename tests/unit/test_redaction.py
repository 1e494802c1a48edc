import pytest

from faq_service.questions.redaction import redact


@pytest.mark.parametrize("text, expected", [
    ("โทรหาผมที่ 081-234-5678 นะ", "โทรหาผมที่ [PHONE] นะ"),
    ("call 0812345678", "call [PHONE]"),
    ("+66 81 234 5678 please", "[PHONE] please"),
    ("เบอร์ ๐๘๑๒๓๔๕๖๗๘", "เบอร์ [PHONE]"),
    ("my id is 1234567890123", "my id is [ID_NUMBER]"),
    ("บัตร 1-2345-67890-12-3 ค่ะ", "บัตร [ID_NUMBER] ค่ะ"),
    ("บัตร 1 2345 67890 12 3", "บัตร [ID_NUMBER]"),
    ("mail me: somchai.k+tceb@example.co.th", "mail me: [EMAIL]"),
    # Thai digits and ID numbers grouped with dashes, spaces, Unicode dashes or spaced dashes
    ("บัตร ๑-๒๓๔๕-๖๗๘๙๐-๑๒-๓ ค่ะ", "บัตร [ID_NUMBER] ค่ะ"),
    ("เลขบัตร ๑๒๓๔๕๖๗๘๙๐๑๒๓", "เลขบัตร [ID_NUMBER]"),
    ("id 1 - 2345 - 67890 - 12 - 3", "id [ID_NUMBER]"),
    ("id 1  2345  67890  12  3", "id [ID_NUMBER]"),
    ("id 1–2345–67890–12–3", "id [ID_NUMBER]"),
    ("โทร ๐๒ ๖๙๔ ๖๐๐๐ ได้ไหม", "โทร [PHONE] ได้ไหม"),
    ("โทร 02 - 694 - 6000", "โทร [PHONE]"),
])
def test_personal_data_is_replaced(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["ITA score 93.35 in 2563", "hotline 1105", "ภ.ง.ด.90 and ภ.พ.36",
                                  "989 Rama 1 Road, Bangkok 10330",
                                  "years 2561 2562 2563 2564", "ราคา 1,500 - 2,000 บาท"])
def test_ordinary_numbers_are_kept(text):
    assert redact(text) == text
