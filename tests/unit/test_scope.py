"""The years and organisations a question names against an entry's scope (retrieval/scope.py), and the
scope field of the knowledge-base format (import and export in YAML, CSV and XLSX)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from faq_service.faqs.io import export_bytes, parse_bytes
from faq_service.faqs.models import FaqEntry
from faq_service.retrieval.details import asked_details, asks_for_number, missing_detail
from faq_service.retrieval.index import EntryDoc, Hit, Unit
from faq_service.retrieval.scope import implied_scope, organisations_in, scope_gap, years_in
from faq_service.retrieval.decision import DecisionRules, Ranking, decide

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "years.yml").read_text(encoding="utf-8"))
ITA = {"fiscal_years": [2562, 2563], "figure": {"th": "คะแนน ITA", "en": "ITA score"}, "organisation": "TCEB"}


@pytest.mark.parametrize("case", CASES, ids=[c["text"] for c in CASES])
def test_years_in_both_eras_and_short_forms(case):
    assert [[y.year, y.fiscal] for y in years_in(case["text"])] == case["years"]


@pytest.mark.parametrize("question", ["ITA score 2019", "คะแนน ITA ปีงบ 62", "TCEB ITA FY2563 target",
                                      "ITA ทีเส็บ ปี 2562 กับ 2563", "what is TCEB's ITA score"])
def test_a_question_within_the_scope_has_no_gap(question):
    assert scope_gap(question, ITA) is None


@pytest.mark.parametrize("question, year", [("ITA score 2022", 2565), ("คะแนน ITA ปี 67", 2567),
                                            ("ITA ปีงบ 2562 และ 2566", 2566), ("FY24 ITA", 2567)])
def test_another_year_is_a_gap(question, year):
    gap = scope_gap(question, ITA)
    assert gap is not None and [y.year for y in gap.years] == [year] and not gap.organisations


def test_another_organisation_is_a_gap_unless_the_entrys_own_is_named_too():
    assert scope_gap("คะแนน ITA ของ ททท.", ITA).organisations == ["ททท."]
    assert scope_gap("TAT ITA score", ITA).organisations == ["tat"]
    assert scope_gap("I work at TAT, what is the ITA score of TCEB", ITA) is None


@pytest.mark.parametrize("question, other", [
    ("ITA of TCEB compared with TAT", "tat"),
    ("is tceb's ita score higher than tat's", "tat"),
    ("TCEB vs BITEC ITA score", "bitec"),
    ("คะแนน ITA ทีเส็บเทียบกับ ททท.", "ททท."),
    ("ITA ของ สสปน. ดีกว่า ททท. ไหม", "ททท."),
    ("what's the difference between TCEB and TAT's ITA?", "tat"),
    ("ITA ทีเส็บกับ ททท ต่างกันยังไง", "ททท"),
])
def test_a_comparison_with_another_organisation_is_a_gap_even_with_the_entrys_own_named(question, other):
    """The entry holds one side of the comparison: the reply says so instead of answering."""
    assert scope_gap(question, ITA).organisations == [other]
    assert organisations_in("Thailand Convention and Exhibition Bureau") == {
        "TCEB": "thailand convention and exhibition bureau"}
    assert "TAT" not in organisations_in("statistics")  # whole words only for Latin names


def test_other_organisations_named_as_such_and_places_are_other_organisations():
    assert scope_gap("what ITA scores did other public organisations get", ITA).organisations == [
        "other public organisations"]
    assert scope_gap("คะแนน ITA ของหน่วยงานอื่น", ITA).organisations == ["หน่วยงานอื่น"]
    assert scope_gap("what time does the grand palace open", implied_scope(["Office hours are not published."], None))
    assert scope_gap("ITA ตัวชี้วัดวัดเรื่องอะไร", ITA) is None  # วัด (a temple) only as a whole name


def test_an_entry_without_a_scope_is_never_partial():
    assert scope_gap("ITA score 2030 of TAT", None) is None


def _hit(score: float) -> Hit:
    return Hit(1, score, score, score, Unit(1, "en", "question", "q"))


def test_decide_makes_an_answer_with_a_gap_partial_and_leaves_the_rest():
    gap = scope_gap("ITA score 2022", ITA)
    assert decide(Ranking([_hit(0.9)], 0.0, gap), DecisionRules(0.6, 0.4, 3)).outcome == "partial"
    assert decide(Ranking([_hit(0.9)], 0.0, None), DecisionRules(0.6, 0.4, 3)).outcome == "answered"
    assert decide(Ranking([_hit(0.5)], 0.0, gap), DecisionRules(0.6, 0.4, 3)).outcome == "suggested"


ENTRY_YAML = """
category: ita
entries:
  - key: ita-score
    scope:
      fiscal_years: [2563, 2562, 2562]
      figure: {th: คะแนน ITA, en: ITA score}
    en: {question: "What is the ITA score?", answer: "93.35 in FY2562."}
  - key: no-scope
    en: {question: "What is ITA?", answer: "An assessment."}
"""


def _entry(data) -> FaqEntry:
    return FaqEntry(**data.content(), version=1)


@pytest.mark.parametrize("fmt, name", [("yaml", "kb.yml"), ("csv", "kb.csv"), ("xlsx", "kb.xlsx")])
def test_scope_goes_through_export_and_import_unchanged(fmt, name):
    report = parse_bytes("kb.yml", ENTRY_YAML.encode())
    assert not report.errors
    scoped, plain = report.entries
    assert scoped.scope.stored() == {"fiscal_years": [2562, 2563], "figure": {"th": "คะแนน ITA", "en": "ITA score"},
                                     "organisation": "TCEB"}
    assert plain.scope is None
    again = parse_bytes(name, export_bytes([_entry(e) for e in report.entries], fmt))
    assert not again.errors
    assert [e.content() for e in again.entries] == [e.content() for e in report.entries]


@pytest.mark.parametrize("scope, problem", [
    ("{fiscal_years: [2022]}", "greater than or equal to 2400"),
    ("{fiscal_years: ['65']}", "expected an integer"),
    ("{organisation: TCEB}", "needs fiscal_years, years or a figure"),
    ("{fiscal_years: [2562], colour: red}", "Extra inputs"),
])
def test_an_invalid_scope_is_refused_with_a_message(scope, problem):
    text = f"entries:\n  - key: k\n    scope: {scope}\n    en: {{question: q, answer: a}}\n"
    report = parse_bytes("kb.yml", text.encode())
    assert not report.entries and problem in report.errors[0]


def test_a_csv_year_that_is_not_a_number_is_named():
    text = "key,question_en,answer_en,scope_fiscal_years\nk,q,a,2562 next\n"
    report = parse_bytes("kb.csv", text.encode())
    assert not report.entries and "scope.fiscal_years" in report.errors[0]


@pytest.mark.parametrize("question, asks", [
    ("TCEB มีพนักงานกี่คน", True), ("ทีเส็บเกี่ยวกับอะไร", False), ("เบอร์โทร ทีเส็บ", True),
    ("สำนักงานอยู่ชั้นไหน", True), ("how many staff does TCEB have", True), ("which floor is the office on", True),
    ("what is TCEB's phone number", True), ("what does TCEB do", False)])
def test_a_question_asking_for_a_number_is_recognised(question, asks):
    assert asks_for_number(question) is asks


@pytest.mark.parametrize("question, asked", [
    ("พิมพ์เลขบัตรประชาชนกับเบอร์มือถือในแชทได้มั้ยคะ", []), ("เบอร์ของผมจะถูกเก็บไว้ไหม", []),
    ("can I type my phone number in the chat", []), ("is it safe to give my email address here", []),
    ("should I include my mobile number", []),
    ("ขอเบอร์หน่อยค่ะ", ["number", "phone"]), ("ขออีเมลทีเส็บ", ["email"]),
    ("what is your phone number", ["number", "phone"]),
    ("I lost my notes, what is TCEB's fax number", ["number", "fax"])])
def test_a_visitors_own_number_or_address_is_given_not_asked_for(question, asked):
    assert sorted(k.name for k in asked_details(question)) == sorted(asked)


def test_an_entry_without_a_number_does_not_answer_a_question_asking_for_one():
    words = EntryDoc(1, 1, {"en": "What is TCEB?"}, {}, {"en": "A public organisation promoting MICE."})
    figures = EntryDoc(2, 1, {"en": "ITA score?"}, {}, {"en": "93.35 in fiscal year 2562."})
    assert missing_detail("how many staff work at TCEB", words) == "number"
    assert missing_detail("how many points did TCEB score", figures) is None
    assert missing_detail("what is TCEB", words) is None
    ranking = Ranking([_hit(0.9)], 0.0, None, missing_detail="number")
    assert decide(ranking, DecisionRules(0.6, 0.4, 3)).outcome == "suggested"
    assert decide(ranking, DecisionRules(0.6, 0.4, 3, check_answer_type=False)).outcome == "answered"


CONTACT = EntryDoc(3, 1, {"en": "What is TCEB's e-mail address?", "th": "อีเมล ทีเส็บ"}, {"en": ["tceb email"]},
                   {"en": "Write to info@tceb.or.th.", "th": "อีเมล info@tceb.or.th"})


@pytest.mark.parametrize("question, kind", [
    ("TCEB facebook page", "social_media"), ("เพจเฟสบุ๊คทีเส็บชื่ออะไร", "social_media"),
    ("how much does a TCEB officer earn", "salary"), ("เงินเดือนพนักงานทีเส็บ", "salary"),
    ("is TCEB hiring? I want to apply for a job", "jobs"), ("รับสมัครงานไหม", "jobs"),
    ("which BTS station is near the office", "transit"), ("the director's personal e-mail", "personal_contact"),
    ("which meeting room should I go to", "room"), ("VAT ร้อยละเท่าไหร่", "percentage"),
    ("how long does approval take", "duration"), ("how much does a call cost", "fee"),
    ("who is the current director of TCEB", "person_name"), ("ผู้อำนวยการคนปัจจุบันชื่ออะไร", "person_name"),
    ("what's the deadline to apply for mega event support", "deadline"), ("ปิดรับสมัครวันไหน", "deadline"),
    ("which of the events scored lowest", "extreme"), ("งานไหนได้คะแนนสูงที่สุด", "extreme"),
    ("how much money does the programme give", "amount"), ("งบประมาณสนับสนุนเท่าไหร่", "amount"),
    ("does TCEB have a branch in Chiang Mai", "branch"), ("มีสำนักงานสาขาที่ภูเก็ตไหม", "branch"),
    ("when is the next mega event intake", "upcoming"), ("รอบหน้าเปิดเมื่อไหร่", "upcoming"),
    ("ยุทธศาสตร์ปีหน้าจะปรับเปลี่ยนอะไรบ้าง", "change"), ("what changed in the programme last year", "change")])
def test_a_detail_the_entry_does_not_hold_keeps_it_from_answering(question, kind):
    assert missing_detail(question, CONTACT) == kind


@pytest.mark.parametrize("question", ["TCEB e-mail please", "อีเมลทีเส็บคืออะไร", "what is TCEB's job exactly",
                                      "ประกวดราคาไม่แฟร์ ร้องเรียนยังไง", "how do I reach TCEB"])
def test_a_detail_the_entry_holds_or_no_detail_asked(question):
    assert missing_detail(question, CONTACT) is None


def test_every_entry_is_about_tceb_and_the_organisations_its_texts_name():
    tax = implied_scope(["Seminar fees are deductible under Revenue Department rules."], None)
    assert scope_gap("Revenue Department deduction for seminars", tax) is None
    gap = scope_gap("TAT seminar deduction", tax)
    assert gap is not None and gap.organisations == ["tat"]
    assert scope_gap("TCEB and TAT seminar deduction", tax) is None


def test_an_entry_without_stated_years_is_about_the_years_its_texts_name():
    survey = implied_scope(["The 2019 (2562) satisfaction survey found 4.5 out of 5."], None)
    assert survey["years"] == [2562]
    assert scope_gap("satisfaction survey 2019", survey) is None
    assert [y.year for y in scope_gap("satisfaction survey 2023", survey).years] == [2566]
    assert scope_gap("satisfaction survey 2023", implied_scope(["We survey every year."], None)) is None


@pytest.mark.parametrize("text, year, fiscal", [
    ("ITA target next year", 2570, False), ("คะแนนปีที่แล้ว", 2568, False), ("ปีนี้มีงานอะไร", 2569, False),
    ("ปีงบหน้าได้งบเท่าไหร่", 2571, True), ("this fiscal year budget", 2570, True),
    ("last fiscal year", 2569, True)])
def test_years_named_relative_to_today(text, year, fiscal):
    from datetime import date
    assert [(y.year, y.fiscal) for y in years_in(text, date(2026, 12, 5))] == [(year, fiscal)]


@pytest.mark.parametrize("question, kind", [
    ("how many ebooks are in the library", "count"), ("ห้องสมุดมีหนังสือกี่เล่ม", "count"),
    ("how many complaints came in during the second half of the year", "later_half")])
def test_a_count_of_something_the_answer_does_not_count(question, kind):
    library = EntryDoc(4, 1, {"en": "Is there an e-library manual?"}, {},
                       {"en": "Yes: (1) the E-Library user manual.", "th": "มีคู่มือ (1) คู่มือ E-Library"})
    assert missing_detail(question, library) == kind
    assert missing_detail("how many manuals are there", library) is None
    assert missing_detail("มีคู่มือกี่เล่ม", library) is None


def test_a_past_year_asks_for_a_record_an_entry_without_years_does_not_hold():
    from datetime import date
    from faq_service.retrieval.scope import asks_past_record
    today = date(2026, 12, 5)
    timeless = implied_scope(["Apply for support online through TCEB Swift."], None)
    assert asks_past_record("support granted in 2024", timeless, today)
    assert asks_past_record("ปีงบ 2564 สนับสนุนกี่งาน", timeless, today)
    assert not asks_past_record("we plan a congress next year, what support is there", timeless, today)
    assert not asks_past_record("support programmes 2027", timeless, today)
    assert not asks_past_record("ITA 2019", implied_scope(["The ITA score for 2019 was 93.35."], None), today)


def test_a_passage_gets_the_near_scope_checks_an_entry_gets():
    from faq_service.retrieval.passages import PassageDoc, PassageHit
    from faq_service.retrieval.service import KnowledgeIndex
    report = PassageHit(PassageDoc(7, "ในช่วง 6 เดือนแรก ไม่มีเรื่องร้องเรียนการทุจริต", "th",
                                   "รายงานประจำปีงบประมาณ 2563", "การรายงานผล", None, "/documents/1/file"), 0.8)
    assert KnowledgeIndex._passage_holds("6 เดือนแรกของปีงบ 63 มีเรื่องร้องเรียนทุจริตไหม", report)
    assert not KnowledgeIndex._passage_holds("ปีงบ 2564 มีเรื่องร้องเรียนทุจริตไหม", report)
    assert not KnowledgeIndex._passage_holds("ครึ่งปีหลังของปีงบ 63 มีเรื่องร้องเรียนกี่เรื่อง", report)
    assert not KnowledgeIndex._passage_holds("อีเมลของผู้รับเรื่องร้องเรียน", report)


def test_numbers_written_as_words_are_numbers():
    kept = EntryDoc(5, 1, {"en": "Lost property"}, {}, {"en": "Items are kept for fourteen days, then donated."})
    assert missing_detail("How many days are lost items kept?", kept) is None
    assert missing_detail("how long are lost items kept", kept) is None
    assert missing_detail("How many staff look after lost items?", kept) == "count"


PROGRAMME = EntryDoc(5, 1, {"en": "What does the mega event programme support?", "th": "โครงการสนับสนุนเมกะอีเว้นท์"},
                     {}, {"en": "It supports large international events held in Thailand; apply online.",
                          "th": "สนับสนุนงานขนาดใหญ่ระดับนานาชาติที่จัดในประเทศไทย สมัครออนไลน์"})


def test_the_same_details_answered_by_an_entry_that_holds_them():
    holding = EntryDoc(6, 1, {"en": "Support amounts and deadlines"}, {},
                       {"en": "Up to 1 million baht; apply no later than 90 days before the event; the highest "
                              "score wins; offices in Bangkok and a regional office; open every year."})
    for question in ("what's the deadline", "how much money does it give", "which scored highest",
                     "is there a regional office", "when is the next round"):
        assert missing_detail(question, holding) is None, question
    assert missing_detail("ผู้บริหารสูงสุดได้เห็นเรื่องไหม", PROGRAMME) is None  # a title, not "the highest"


def test_a_month_the_entry_does_not_tell_of():
    from faq_service.retrieval.scope import asks_other_month, months_in
    training = implied_scope(["Staff were trained online twice: 25 people on 22 May 2020 and 32 on 29 May 2020.",
                              "อบรมออนไลน์ 2 ครั้ง 22 พฤษภาคม 2563 และ 29 พฤษภาคม 2563"], None)
    assert months_in("อบรมรอบเดือน มิ.ย. 63") == {6} and months_in("in June 2020, then in may") == {5, 6}
    assert months_in("may I ask how many people came") == set()  # "may" the verb
    assert asks_other_month("how many joined the training in June 2020", training)
    assert asks_other_month("อบรมเดือนมิ.ย. 63 มีคนเข้ากี่คน", training)
    assert not asks_other_month("how many joined the training in May 2020", training)
    assert not asks_other_month("how many joined the training", training)
    assert not asks_other_month("any training in June?", implied_scope(["Training is offered all year."], None))


def test_a_number_of_days_the_settings_fill_in_is_a_number_and_chat_spellings_of_fax_ask_for_one():
    after = EntryDoc(8, 1, {"th": "แจ้งเรื่องร้องเรียนแล้วจะเกิดอะไรขึ้น"}, {},
                     {"th": "เจ้าหน้าที่ตอบรับเรื่องภายใน {complaint_ack_days} วันทำการ"})
    assert missing_detail("แจ้งไปแล้วกี่วันถึงรู้ผล", after) is None
    assert missing_detail("how many days until I hear back", after) is None
    assert missing_detail("เบอแฟก ทีเสบ", CONTACT) == "fax" and missing_detail("ขอเลขแฟ็กหน่อย", CONTACT) == "fax"


def test_the_address_of_the_officer_in_charge_is_a_personal_contact():
    for question in ("อีเมลของเจ้าหน้าที่ฝ่าย mega event ที่ดูแลงานเราคืออะไร",
                     "the email of the officer in charge of our application"):
        assert missing_detail(question, CONTACT) == "personal_contact", question
    assert missing_detail("อีเมลติดต่อเจ้าหน้าที่", CONTACT) is None


def test_what_changed_is_not_answered_by_an_entry_that_tells_of_no_change():
    amended = EntryDoc(9, 1, {"en": "When was the regulation amended?"}, {},
                       {"en": "The board amended the regulation in 2563, replacing the 2557 version."})
    assert missing_detail("what changed in the regulation", amended) is None
    phone = EntryDoc(10, 1, {"th": "เบอร์โทร สสปน."}, {}, {"th": "โทร +66 2 694 6000"})
    assert missing_detail("ขอเบอร์โทรตรงของผู้อำนวยการ", phone) == "personal_contact"
    assert missing_detail("ขอเบอร์โทร สสปน.", phone) is None


def test_a_list_to_count_an_intern_and_a_forwarded_email():
    listing = EntryDoc(11, 1, {"th": "มีโครงการสนับสนุนอะไรบ้าง"}, {},
                       {"th": "โครงการสนับสนุน ได้แก่ การจัดประชุมในประเทศ งานแสดงสินค้า และ Mega Events"})
    assert missing_detail("โครงการสนับสนุนมีกี่แบบ", listing) is None
    assert missing_detail("โครงการสนับสนุนมีกี่แบบ", PROGRAMME) == "number"
    assert missing_detail("น้องฝึกงานถามว่าทีเส็บทำอะไร", PROGRAMME) is None
    assert missing_detail("รับนักศึกษาฝึกงานไหม", PROGRAMME) == "jobs"
    assert missing_detail("my boss forwarded me an email from TCEB, what do you do?", PROGRAMME) is None
    assert missing_detail("what is TCEB's email", PROGRAMME) == "email"
    assert missing_detail("a colleague wrote ทีเส็บ in an email, is that TCEB?", PROGRAMME) is None


def test_the_office_in_its_building_is_no_branch():
    assert missing_detail("Can I bring my pet parrot to the TCEB office in Siam Piwat Tower?", PROGRAMME) is None
    assert missing_detail("does TCEB have offices outside Bangkok", PROGRAMME) == "branch"
    assert missing_detail("mega event สนับสนุนสาขาอะไรบ้าง", PROGRAMME) is None  # a field, not an office


def test_a_floor_is_asked_of_an_entry_that_names_one():
    hours = EntryDoc(12, 1, {"th": "เปิดกี่โมง"}, {}, {"th": "โทร +66 2 694 6000 เพื่อสอบถามเวลาทำการ"})
    address = EntryDoc(13, 1, {"th": "ที่อยู่ สสปน."}, {}, {"th": "อาคารสยามพิวรรธน์ทาวเวอร์ ชั้น 12"})
    assert missing_detail("ไปถึงตึกแล้วต้องขึ้นชั้นไหนคะ", hours) == "floor"
    assert missing_detail("ไปถึงตึกแล้วต้องขึ้นชั้นไหนคะ", address) is None
    assert missing_detail("which floor is the office on", address) is None
