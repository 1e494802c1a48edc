"""Near-scope honesty through POST /api/v1/ask, on SQLite and PostgreSQL: a question about another
fiscal year or organisation than the best entry's figures are for gets outcome "partial" (not answered,
the known figure with its year, or the contacts), and the question log records it as not answered."""
from __future__ import annotations

import pytest

from tests.api.test_ask import ask, faq_key, log_row


@pytest.mark.parametrize("question, asked", [
    ("คะแนน ITA ของ สสปน. ปีงบประมาณ 2565 ได้เท่าไร", "2565"),
    ("What was TCEB's ITA score in 2022?", "2565 (2022)"),
    ("ITA ทีเส็บ ปี 67 ได้กี่คะแนน", "2567"),
])
def test_another_fiscal_year_gets_partial_with_the_known_figure(faq_service, question, asked):
    body = ask(faq_service, question)
    assert body["outcome"] == "partial" and body["answered"] is False
    assert faq_key(faq_service, body["faq_id"]) == "ita-score-and-target"
    assert "93.35" in body["answer"] and "2562" in body["answer"] and asked in body["answer"]
    assert "info@tceb.or.th" in body["answer"]
    row = log_row(faq_service, body["log_id"])
    assert row["outcome"] == "partial" and row["faq_id"] == body["faq_id"]


@pytest.mark.parametrize("question", ["คะแนน ITA ของ สสปน. ปีงบประมาณ 2562 ได้เท่าไร",
                                      "What was TCEB's ITA score in fiscal year 2562?",
                                      "What was TCEB's ITA score in 2019?"])
def test_the_same_fiscal_year_is_answered(faq_service, question):
    body = ask(faq_service, question)
    assert body["outcome"] == "answered" and body["answered"] is True
    assert faq_key(faq_service, body["faq_id"]) == "ita-score-and-target"
    assert "93.35" in body["answer"] and "ask TCEB directly" not in body["answer"]
    assert log_row(faq_service, body["log_id"])["outcome"] == "answered"


def test_another_organisations_phone_number_is_not_given_as_tcebs(faq_service):
    body = ask(faq_service, "เบอร์โทรศัพท์ของ ททท. คืออะไร")
    assert body["answered"] is False and body["outcome"] in ("partial", "suggested", "declined")
    if body["outcome"] == "partial":
        assert "ททท." in body["answer"] and "สสปน." in body["answer"]


def test_every_reply_says_its_outcome(faq_service):
    for question in ("TCEB phone number", "What's the recipe for green curry?", "ITA score FY22"):
        body = ask(faq_service, question)
        assert body["outcome"] in ("answered", "partial", "suggested", "declined")
        assert body["answered"] is (body["outcome"] == "answered")
