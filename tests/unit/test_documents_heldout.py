"""How the held-out document questions are judged (bench/documents_heldout.py) and how a malformed set
is refused before a service is started."""
import pytest

from bench.documents_heldout import Answer, Item, judge, load_items, scores

REPORT = "ita-report-fy2563.txt"


def _item(kind="in_scope", document=REPORT, section="หมวด 4", keys=("governance-regulation-chapters",), lang="th"):
    return Item("x", "q", lang, kind, document, section, tuple(keys))


def test_a_passage_of_the_named_document_and_section_or_an_expected_entry_is_correct():
    assert judge(_item(), Answer("answered_from_document", None, REPORT, "ข้อบังคับ › หมวด 4 ธรรมาภิบาล")).correct
    assert judge(_item(), Answer("answered", "governance-regulation-chapters")).correct
    other_section = judge(_item(), Answer("answered_from_document", None, REPORT, "หมวด 5"))
    assert other_section.right_document and not other_section.correct and other_section.wrong
    other_document = judge(_item(), Answer("answered_from_document", None, "service-manuals.md", "หมวด 4"))
    assert not other_document.right_document and other_document.wrong
    assert judge(_item(), Answer("answered", "contact-phone")).wrong
    assert not judge(_item(), Answer("suggested")).wrong and not judge(_item(), Answer("partial")).answered
    # through the bot the section is not shown: the document decides
    assert judge(_item(), Answer("answered_from_document", None, REPORT, None, section_shown=False)).correct


def test_every_answer_to_an_out_of_scope_question_is_wrong_and_figures_go_by_language():
    outside = _item("out_of_scope", None, None, (), lang="en")
    assert judge(outside, Answer("answered_from_document", None, REPORT)).wrong
    assert not judge(outside, Answer("declined")).wrong
    items = [_item(), outside, outside]
    answers = [Answer("answered", "governance-regulation-chapters"), Answer("declined"), Answer("answered", "x")]
    figures = scores(items, answers)
    assert (figures["answered_correctly"], figures["oos_not_answered"], figures["wrong_answers"]) == (1.0, 0.5, 1)


@pytest.mark.parametrize("row, problem", [
    ("- {id: a, q: x, lang: de, kind: in_scope}", "lang must be"),
    ("- {id: a, q: x, lang: th, kind: maybe}", "kind one of"),
    ("- {id: a, lang: th, kind: in_scope}", "id and q are required"),
    ("- {id: a, q: x, lang: th, kind: out_of_scope, document: a.txt}", "names no document"),
    ("- {id: a, q: x, lang: th, kind: in_scope}\n- {id: a, q: y, lang: th, kind: in_scope}", "used twice"),
])
def test_a_malformed_set_is_refused_naming_the_question(tmp_path, row, problem):
    path = tmp_path / "set.yml"
    path.write_text(row, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        load_items(path)
