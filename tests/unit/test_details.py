"""Near-scope details (retrieval/details.py, details.yml): what a question asks for that an entry does not
hold — an officer's name, a forecast, a numbered meeting or part, a result for a year the entry only plans,
a task to be done — and what is no question at all."""
from __future__ import annotations

from faq_service.retrieval.details import missing_detail
from faq_service.retrieval.index import EntryDoc
from faq_service.retrieval.scope import organisations_in, scope_gap


def test_an_officers_name_a_forecast_and_what_is_no_question():
    website = EntryDoc(14, 1, {"en": "What is TCEB's website?"}, {}, {"en": "https://www.businesseventsthailand.com"})
    for question, kind in (("name of the officer handling our application", "person_name"),
                           ("เจ้าหน้าที่ที่ดูแลโครงการชื่ออะไรคะ", "person_name"),
                           ("what grade do you expect next year", "forecast"), ("ปีหน้าคาดว่าจะได้เกรดอะไร", "forecast"),
                           ("www.example.com", "not_a_question"), ("https://example.org/page", "not_a_question"),
                           ("ทีเส็บทีเส็บทีเส็บ", "not_a_question")):
        assert missing_detail(question, website) == kind, question
    for question in ("www.businesseventsthailand.com", "tceb.or.th", "what can I expect after reporting",
                     "TCEB website", "www.example.com ใช่เว็บของทีเส็บไหม"):
        assert missing_detail(question, website) is None, question


def test_a_numbered_reference_the_entry_does_not_name_and_a_task_to_do():
    regulation = EntryDoc(15, 1, {"th": "ข้อบังคับธรรมาภิบาล"}, {},
                          {"th": "ได้รับความเห็นชอบในการประชุมครั้งที่ 11/2562 เมื่อวันที่ 26/12/2562"})
    assert missing_detail("ประชุมครั้งที่ 11/62 อนุมัติอะไร", regulation) is None
    assert missing_detail("ประชุมบอร์ดครั้งที่ 1/2563 มีมติอะไรบ้าง", regulation) == "reference"
    assert missing_detail("what was decided at board meeting 12/2562", regulation) == "reference"
    assert missing_detail("ช่วยแปลประโยคนี้เป็นภาษาจีนให้หน่อย", regulation) == "task"
    assert missing_detail("write me a short poem about Bangkok", regulation) == "task"
    assert missing_detail("can you answer in English?", regulation) is None


def test_a_year_named_only_with_a_plan_holds_no_result_and_a_numbered_parts_figure():
    score = EntryDoc(16, 1, {"en": "What is TCEB's ITA score?"}, {},
                     {"en": "TCEB's ITA score for fiscal year 2562 (2019) was 93.35. Its target for fiscal year 2563 "
                            "(2020) was 95.00.",
                      "th": "ปีงบประมาณ 2562 ได้คะแนน 93.35 คะแนน และในปีงบประมาณ 2563 ตั้งค่าเป้าหมายไว้ที่ 95.00 คะแนน"})
    assert missing_detail("did TCEB reach its 95 target in FY2563?", score) == "outcome"
    assert missing_detail("คะแนน ITA ปี 63 ออกมาจริงได้กี่คะแนน", score) == "outcome"
    for question in ("what was the ITA target for 2563", "ตั้งเป้า ITA ปี 63 ไว้กี่คะแนน", "ITA score 2562"):
        assert missing_detail(question, score) is None, question
    assert missing_detail("ตัวชี้วัดที่ 9 ได้กี่คะแนน", score) == "part"
    assert missing_detail("what is ITA indicator 9", score) is None  # not a figure: a list of them answers


def test_a_fiscal_year_is_held_only_as_a_stated_fiscal_year():
    scope = {"fiscal_years": [2563], "years": [2562, 2563]}
    assert scope_gap("ปีงบ 62 มีเรื่องร้องเรียนกี่เรื่อง", scope).years[0].year == 2562
    assert scope_gap("ตุลาคม 2562 มีเรื่องร้องเรียนไหม", scope) is None


def test_an_office_in_another_city_a_mash_a_gazette_a_trade_association_and_attendees_names():
    address = EntryDoc(17, 1, {"en": "Where is TCEB's office?"}, {}, {"en": "Siam Piwat Tower, 12th floor, Bangkok"})
    for question, kind in (("does tceb have an office in phuket", "branch"), ("มีสำนักงานที่เชียงใหม่ไหม", "branch"),
                           ("qwrtzplkj", "not_a_question"), ("ลงราชกิจจาฯ เล่มไหน", "citation"),
                           ("ขอรายชื่อผู้เข้าอบรมหน่อย", "person_name")):
        assert missing_detail(question, address) == kind, question
    for question in ("is the office in Siam Piwat Tower", "strengths of tceb", "ขอ contact ทั้งหมด จะเก็บในรายชื่อผู้ติดต่อ",
                     "my colleague writes สสปน in emails, is that you?"):
        assert missing_detail(question, address) is None, question
    assert "Trade associations" in organisations_in("phone number of the Thailand Exhibition Association")
    assert organisations_in("I'm from a German association planning a congress") == {}


def test_a_phone_number_an_amount_per_head_and_a_numbered_indicators_score():
    overview = EntryDoc(18, 1, {"th": "ภาษีสำหรับผู้จัดงาน"}, {},
                        {"th": "ยื่นแบบ ภ.พ.36 กับกรมสรรพากร", "en": "File form P.P.36 with the Revenue Department."})
    phone = EntryDoc(19, 1, {"en": "TCEB phone"}, {}, {"en": "Call +66 2 694 6000, or the hotline 1105 in Thailand."})
    assert missing_detail("เบอร์คอลเซ็นเตอร์กรมสรรพากรคืออะไร", overview) == "phone"
    assert missing_detail("Revenue Department hotline", overview) == "phone"
    assert missing_detail("TCEB phone number", phone) is None
    assert missing_detail("can I give you my passport number and phone?", phone) is None  # given, not asked
    assert missing_detail("เงินสนับสนุนต่อหัวผู้เข้าร่วมเท่าไหร่", overview) == "per_head"
    assert missing_detail("ติดต่อคน ไม่เอาบอท", overview) is None
    assert missing_detail("TCEB's score on ITA indicator 9", overview) == "part"


def test_a_result_not_out_yet_a_target_reached_and_more_details_an_entry_may_lack():
    survey = EntryDoc(20, 1, {"en": "What was the satisfaction score?"}, {},
                      {"en": "The 2562 survey scored 85.64%. The 2563 survey runs near the end of the year, so its "
                             "result was not yet available."})
    assert missing_detail("what was the satisfaction score in 2020?", survey) == "outcome"
    assert missing_detail("when will the 2563 survey be done?", survey) is None
    score = EntryDoc(21, 1, {"en": "ITA score"}, {}, {"en": "The score for 2562 was 93.35. The target for 2563 was 95."})
    assert missing_detail("did TCEB hit its ITA target in the end?", score) == "outcome"
    assert missing_detail("is the 95 an actual score or a target?", score) is None
    for question, kind in (("who sits on the TCEB board?", "person_name"), ("what's TCEB's total annual budget?", "amount"),
                           ("maximum grant amount for a convention", "extreme"),
                           ("does TCEB have a LINE account or whatsapp?", "social_media"),
                           ("บีทีเอสเที่ยวสุดท้ายกี่โมง", "transit"), ("when is the next roadshow in europe", "upcoming"),
                           ("how many visitors use the e-library each month", "count")):
        assert missing_detail(question, score) == kind, question


def test_a_speaker_a_length_in_hours_and_each_parts_figure():
    training = EntryDoc(22, 1, {"en": "Online governance training"}, {},
                        {"en": "In May 2563 staff took a governance course over Zoom; 120 people joined.",
                         "th": "เดือนพฤษภาคม 2563 พนักงานอบรมธรรมาภิบาลผ่าน Zoom มีผู้เข้าร่วม 120 คน"})
    score = EntryDoc(21, 1, {"en": "ITA score"}, {}, {"en": "The score for 2562 was 93.35. The target for 2563 was 95."})
    for question, entry, kind in (("ใครเป็นวิทยากรอบรมธรรมาภิบาล", training, "person_name"),
                                  ("who was the speaker at the zoom training", training, "person_name"),
                                  ("how many hours was the governance training", training, "duration"),
                                  ("อบรมกี่ชั่วโมง", training, "duration"),
                                  ("ITA score 2562 broken down by indicator", score, "breakdown"),
                                  ("คะแนน ITA ปี 62 แยกรายตัวชี้วัด", score, "breakdown")):
        assert missing_detail(question, entry) == kind, question
    for question in ("how many people joined the zoom training", "ITA score 2562"):
        assert missing_detail(question, training if "zoom" in question else score) is None, question
    chapters = EntryDoc(23, 1, {"th": "ข้อบังคับธรรมาภิบาลมีกี่หมวด"}, {}, {"th": "มี 5 หมวด ได้แก่ หมวด 1 บททั่วไป …"})
    assert missing_detail("ข้อบังคับมีกี่หมวด แต่ละหมวดเรื่องอะไร", chapters) is None  # each part's topic, no figure


def test_a_floor_offered_as_a_choice_an_overseas_office_a_total_and_the_last_revision():
    manual = EntryDoc(24, 1, {"en": "Manual 3: international conventions"}, {},
                      {"en": "The International Conventions department's manual explains how to request support."})
    training = EntryDoc(22, 1, {"en": "Online governance training"}, {},
                        {"en": "Two Zoom rounds in May 2563: 120 people joined the first and 95 the second."})
    phone = EntryDoc(19, 1, {"en": "TCEB phone"}, {}, {"en": "Call +66 2 694 6000, or the hotline 1105 in Thailand."})
    for question, entry, kind in (("ฝ่ายประชุมนานาชาติอยู่ชั้น 25 หรือ 26", manual, "floor"),
                                  ("when was the conventions manual last updated", manual, "change"),
                                  ("อบรม zoom สองรอบ รวมแล้วกี่คน", training, "total"),
                                  ("combined headcount of both zoom trainings", training, "total"),
                                  ("phone number of tceb's office in london", phone, "branch")):
        assert missing_detail(question, entry) == kind, question
    assert missing_detail("how many people joined the first zoom round", training) is None
