"""End-to-end: the chat side of the complaints channel, through the REST webhook of a real `rasa run`, the
action server and faq_service.

- The greeting carries a "report wrongdoing" button in Thai and English.
- The intake in Thai and English: the wish to report (with details typed in, as visitors do), a stray
  sentence typed during the form (asked again, never answered from the knowledge base), the kind and the
  mode by button or typed choice, then the link {THAMTOB_PUBLIC_URL}/complaints?kind=…&mode=…&lang=….
- A status question with a tracking code leads to the status page; the code is not repeated.
- A question about complaints gets the knowledge base's answer with a report button; the button starts the
  intake. Cancelling ends it, and the conversation goes on normally.
- Confidential by construction: the raw tracker database (SQLite file; on PostgreSQL every stored event)
  holds no word of the opening message, of the text typed during the intake, nor the tracking code; the
  question log has no row of these conversations, and no process log shows them.
"""
from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from faq_service.questions.service import hash_session
from tests.support.procs import free_port

pytestmark = pytest.mark.bot

PUBLIC_URL = (os.environ.get("THAMTOB_PUBLIC_URL") or "http://127.0.0.1:8000").strip().rstrip("/")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LINK_RE = re.compile(r"https?://[^\s<>\"']+")
KIND_TITLES = {"th": ["การทุจริต/สินบน", "การจัดซื้อจัดจ้าง", "การบริหารงานบุคคล", "การให้บริการของ สสปน.",
                      "เรื่องอื่น ๆ", "ยกเลิก"],
               "en": ["Corruption or bribery", "Procurement", "Personnel administration", "TCEB's service",
                      "Something else", "Cancel"]}
# What the mode question must say (confidential: nothing kept, reached only through the status page).
MODE_WORDS = {"th": ["ทางลับ", "ไม่เก็บชื่อ", "รหัสแชต", "รหัสลับ", "หน้าติดตามสถานะ", "ระบุชื่อ"],
              "en": ["Confidential", "No name, contact, chat ID or internet address is kept", "secret",
                     "status page", "Named"]}
DONT_TYPE = {"th": "อย่าพิมพ์", "en": "don't type"}


def sender(prefix: str = "cmp") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def marker() -> str:
    return "zq" + uuid.uuid4().hex[:10]


def tracking_code() -> str:
    groups = ["".join(random.choice(CROCKFORD) for _ in range(4)) for _ in range(3)]
    return "TC-" + "-".join(groups)


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def payload(replies: list[dict], slot: str, value: str) -> str:
    for b in buttons(replies):
        if b["payload"].startswith("/report_wrongdoing{"):
            if json.loads(b["payload"][len("/report_wrongdoing"):]).get(slot) == value:
                return b["payload"]
    raise AssertionError(f"no {slot}={value} button in {replies}")


def links(reply: str) -> list[str]:
    return [m.rstrip(".,;:!?)]}»”") for m in LINK_RE.findall(reply)]


def session_rows(stack, user: str) -> list[dict]:
    """Question-log rows of this conversation (the log keeps a keyed hash of the session id)."""
    stack.log_rows("")  # opens the engine
    with stack._engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            text("SELECT question_text, intent, outcome FROM question_log WHERE session_hash = :h"),
            {"h": hash_session(user, stack.faq.env["THAMTOB_SECRET_KEY"])})]


def question_log_text(stack) -> str:
    stack.log_rows("")
    with stack._engine.connect() as conn:
        return "\n".join(str(r._mapping) for r in conn.execute(text("SELECT * FROM question_log")))


def assert_nowhere(stack, secrets: list[str]) -> None:
    """None of `secrets` in the raw SQLite tracker file, the question log or a process log."""
    raw = (stack.root / "tracker.db").read_bytes()
    log_text = question_log_text(stack)
    process_logs = {p.name: p.log_path.read_text(errors="replace") for p in (stack.faq, stack.actions, stack.rasa)}
    for secret in secrets:
        for form in {secret, json.dumps(secret)[1:-1]}:  # UTF-8, or JSON's \u escapes
            assert form.encode() not in raw, f"{secret!r} is in the tracker database"
        assert secret not in log_text, f"{secret!r} is in the question log"
        for name, content in process_logs.items():
            assert secret not in content, f"{secret!r} is in the {name} log"


def user_events(stack, user: str) -> list[dict]:
    with sqlite3.connect(stack.root / "tracker.db") as conn:
        return [json.loads(data) for (data,) in conn.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (user,))]


def walk_intake(stack, user: str, lang: str, opening: str, stray: str, kind: tuple[str, str | None],
                mode: tuple[str, str | None], rasa=None) -> str:
    """The whole intake; kind/mode are (value, typed text or None for the button). Returns the link."""
    first = stack.say(user, opening, rasa=rasa)
    first_text = stack.texts(first)
    assert DONT_TYPE[lang] in first_text, first
    assert [b["title"] for b in buttons(first)] == KIND_TITLES[lang], first
    assert buttons(first)[-1]["payload"] == "/deny"

    again = stack.say(user, stray, rasa=rasa)  # details typed anyway: the question again, nothing else
    assert [b["title"] for b in buttons(again)] == KIND_TITLES[lang], again
    assert not any(b["payload"].startswith(("/affirm", "/deny{")) for b in buttons(again)), again

    kind_value, kind_typed = kind
    second = stack.say(user, kind_typed or payload(again, "complaint_kind", kind_value), rasa=rasa)
    second_text = stack.texts(second)
    for words in MODE_WORDS[lang]:
        assert words in second_text, (words, second_text)

    mode_value, mode_typed = mode
    last = stack.say(user, mode_typed or payload(second, "complaint_mode", mode_value), rasa=rasa)
    form_links = [u for u in links(stack.texts(last)) if urlsplit(u).path.endswith("/complaints")]
    assert len(form_links) == 1, last
    status = [u for u in links(stack.texts(last)) if urlsplit(u).path.endswith("/complaints/status")]
    assert status == [f"{PUBLIC_URL}/complaints/status?lang={lang}"], last
    return form_links[0]


INTAKES = [
    # lang, opening (details typed in), stray sentence in the form, kind (value, typed?), mode (value, typed?)
    ("th", "อยากแจ้งเรื่องทุจริต เจ้าหน้าที่ชื่อ {m} เรียกรับเงินจากบริษัทเรา", "ชื่อเจ้าหน้าที่คือ {m2}",
     ("corruption", None), ("confidential", "ทางลับครับ")),
    ("en", "I want to report corruption: officer {m} took a bribe from our company", "the officer's name is {m2}",
     ("procurement", "procurement"), ("named", None)),
    ("th", "ขอแจ้งเรื่องร้องเรียนครับ เรื่อง {m}", "เกิดขึ้นวันที่ 3 ที่ห้อง {m2}",
     ("personnel", "การบริหารงานบุคคล"), ("named", None)),
    ("en", "I'd like to file an anonymous report about {m}", "it happened in room {m2}",
     ("other", None), ("confidential", None)),
]


@pytest.mark.parametrize("lang,opening,stray,kind,mode", INTAKES)
def test_intake_hands_over_the_link_and_keeps_nothing(bot_stack, lang, opening, stray, kind, mode):
    user, m, m2 = sender(), marker(), marker()
    link = walk_intake(bot_stack, user, lang, opening.format(m=m), stray.format(m2=m2), kind, mode)
    parts = urlsplit(link)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{PUBLIC_URL}/complaints", link
    assert parse_qs(parts.query) == {"kind": [kind[0]], "mode": [mode[0]], "lang": [lang]}, link

    # four messages, each stored as "/<intent>" (the stray sentence under whatever intent NLU gave it)
    texts = [e["text"] for e in user_events(bot_stack, user)]
    assert len(texts) == 4 and texts[0] == "/report_wrongdoing", texts
    assert all(re.fullmatch(r"/[a-z_]+", t) for t in texts), texts
    assert session_rows(bot_stack, user) == []
    assert_nowhere(bot_stack, [m, m2, opening.format(m=m)])


@pytest.mark.parametrize("lang,question", [
    ("en", "where is my complaint {code}?"),
    ("th", "เรื่องร้องเรียน {code} ถึงไหนแล้วครับ"),
    ("en", "status please: {lower}"),
])
def test_status_question_leads_to_the_status_page_and_keeps_no_code(bot_stack, lang, question):
    user, code = sender("st"), tracking_code()
    replies = bot_stack.say(user, question.format(code=code, lower=code.lower()))
    reply = bot_stack.texts(replies)
    assert links(reply) == [f"{PUBLIC_URL}/complaints/status?lang={lang}"], reply
    assert code not in reply.upper()
    assert [e["text"] for e in user_events(bot_stack, user)] == ["/check_complaint_status"]
    assert session_rows(bot_stack, user) == []
    assert_nowhere(bot_stack, [code, code.lower(), code.replace("-", "")])


@pytest.mark.parametrize("lang,message", [("th", "ติดตามเรื่องร้องเรียน"), ("en", "track my complaint")])
def test_status_without_a_code(bot_stack, lang, message):
    user = sender("st")
    assert links(bot_stack.texts(bot_stack.say(user, message))) == [f"{PUBLIC_URL}/complaints/status?lang={lang}"]
    assert session_rows(bot_stack, user) == []


@pytest.mark.parametrize("lang,greeting,title", [("th", "สวัสดีครับ", "แจ้งเรื่องร้องเรียน/ทุจริต"),
                                                 ("en", "hello", "Report wrongdoing")])
def test_greeting_button_starts_the_intake(bot_stack, lang, greeting, title):
    user = sender("gr")
    hello = bot_stack.say(user, greeting)
    button = next(b for b in buttons(hello) if b["payload"].startswith("/report_wrongdoing"))
    assert button["title"] == title
    started = bot_stack.say(user, button["payload"])
    assert [b["title"] for b in buttons(started)] == KIND_TITLES[lang], started
    assert DONT_TYPE[lang] in bot_stack.texts(started)


@pytest.mark.parametrize("lang,question", [("en", "how many complaint channels does TCEB have?"),
                                           ("th", "สสปน. มีช่องทางร้องเรียนกี่ช่องทาง"),
                                           ("en", "I sent a complaint last week, how do I follow it up?"),
                                           ("th", "ส่งเรื่องร้องเรียนไปแล้ว จะติดตามเรื่องยังไงครับ"),
                                           # a wish to report with a worry about giving one's name
                                           ("th", "อยากแจ้งว่ามีคนเรียกรับเงิน แต่ต้องบอกชื่อจริงไหมครับ"),
                                           ("en", "procurement complaint")])
def test_question_about_complaints_gets_the_answer_and_a_report_button(bot_stack, lang, question):
    user = sender("qa")
    replies = bot_stack.say(user, question)
    rows = bot_stack.wait_for_rows(question)
    assert len(rows) == 1 and rows[0]["intent"] == "ask_complaint_channels", rows
    if rows[0]["outcome"] == "answered":  # the knowledge base's own answer is shown
        entry = httpx.get(f"{bot_stack.faq.url}/api/v1/faqs/{rows[0]['faq_id']}", timeout=10).json()
        assert entry[f"answer_{lang}"].strip() in bot_stack.texts(replies)
        assert entry["category"] == "complaints", entry
    report = [b for b in buttons(replies) if b["payload"].startswith("/report_wrongdoing")]
    assert len(report) == 1, replies
    started = bot_stack.say(user, report[0]["payload"])
    assert [b["title"] for b in buttons(started)] == KIND_TITLES[lang], started
    assert [r["intent"] for r in session_rows(bot_stack, user)] == ["ask_complaint_channels"]  # not the click


def test_cancel_then_the_conversation_goes_on(bot_stack):
    user, m = sender("cx"), marker()
    first = bot_stack.say(user, f"I want to report misconduct by {m}")
    assert buttons(first)[-1]["title"] == "Cancel"
    second = bot_stack.say(user, payload(first, "complaint_kind", "service"))
    cancelled = bot_stack.texts(bot_stack.say(user, "/deny"))
    assert "Nothing was sent to TCEB" in cancelled, cancelled
    assert not links(cancelled) and second
    question = "What does TCEB do?"
    assert "MICE" in bot_stack.texts(bot_stack.say(user, question))
    assert [r["question_text"] for r in session_rows(bot_stack, user)] == [question]
    assert_nowhere(bot_stack, [m])


# ------------------------------------------------------------------------------ PostgreSQL tracker store
@pytest.fixture(scope="module")
def pg_rasa(bot_stack, postgres_dbs):
    pg_url = make_url(postgres_dbs.create())
    rasa_pg_url = pg_url.set(drivername="postgresql").render_as_string(hide_password=False)  # psycopg2
    proc = bot_stack.start_rasa(port=free_port(), tracker_db_url=rasa_pg_url, name="rasa-pg-complaints")
    proc.pg_url = pg_url.render_as_string(hide_password=False)
    yield proc
    proc.stop()


def test_on_postgresql_the_tracker_keeps_nothing_either(bot_stack, pg_rasa):
    user, status_user, m, m2, code = sender("pg"), sender("pgs"), marker(), marker(), tracking_code()
    link = walk_intake(bot_stack, user, "en", f"I want to report corruption: officer {m} took a bribe",
                       f"his desk is {m2}", ("corruption", None), ("confidential", None), rasa=pg_rasa)
    assert parse_qs(urlsplit(link).query) == {"kind": ["corruption"], "mode": ["confidential"], "lang": ["en"]}
    status = bot_stack.texts(bot_stack.say(status_user, f"where is my complaint {code}", rasa=pg_rasa))
    assert links(status) == [f"{PUBLIC_URL}/complaints/status?lang=en"]

    engine = create_engine(pg_rasa.pg_url)
    try:
        with engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(text("SELECT * FROM events ORDER BY id"))]
    finally:
        engine.dispose()
    mine = [r for r in rows if r["sender_id"] in (user, status_user)]
    assert any(r["type_name"] == "user" for r in mine) and any(r["type_name"] == "bot" for r in mine)
    user_texts = [json.loads(r["data"])["text"] for r in mine if r["type_name"] == "user"]
    assert user_texts and all(t.startswith("/") for t in user_texts), user_texts
    everything = "\n".join(str(r) for r in rows)
    for secret in (m, m2, code, code.lower()):
        assert secret not in everything, secret
    assert session_rows(bot_stack, user) == [] and session_rows(bot_stack, status_user) == []
