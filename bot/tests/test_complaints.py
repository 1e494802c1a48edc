"""The chat side of the complaints channel, without services: which turns are confidential
(bot/confidential.py), the tracker store that stores them redacted (bot/tracker_store.py, on a real
SQLite file), the NLU component that routes tracking codes to the status check, and the intake's actions
(actions/complaints.py) with the guards in actions/actions.py. End to end through `rasa run`:
tests/bot/test_bot_complaints.py."""
import asyncio
import json
import sqlite3
from urllib.parse import parse_qs, urlsplit

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as bot_actions
import actions.complaints as complaints
from actions.config import ConfigError, Settings, load_settings
from bot.components.tracking_code import TrackingCodeIntent
from bot.confidential import contains_tracking_code, is_confidential
from bot.tracker_store import ConfidentialSQLTrackerStore, redact_events

CODE = "TC-7KQ4-M2XP-9D3F"


# ------------------------------------------------------------------------------------ confidential
@pytest.mark.parametrize("text", [
    CODE, f"where is my complaint {CODE}?", "tc-7kq4-m2xp-9d3f", "TC 7KQ4 M2XP 9D3F", "TC–7KQ4–M2XP–9D3F",
    "TC7KQ4M2XP9D3F", f"เรื่อง{CODE}ถึงไหนแล้ว", f"({CODE})", "TC-7KQ4-M2XP-9D3FX",
])
def test_tracking_codes_are_found_however_typed(text):
    assert contains_tracking_code(text)


@pytest.mark.parametrize("text", [
    "", None, "TCEB", "TCEBCONVENTION", "what does TCEB do?", "tceb-2563-abcd-efgh",
    "etc 2020 plan 2021", "TC-7KQ4-M2XP", "ATC-7KQ4-M2XP-9D3F",
])
def test_other_text_is_not_a_tracking_code(text):
    assert not contains_tracking_code(text)


def test_which_turns_are_confidential():
    assert is_confidential("report_wrongdoing", "I want to report a bribe", None)
    assert is_confidential("check_complaint_status", "where is my complaint", None)
    assert is_confidential("ask_question", "anything at all", "complaint_kind_form")
    assert is_confidential("deny", "no", "complaint_mode_form")
    assert is_confidential("ask_question", f"status {CODE}", None)
    assert not is_confidential("ask_complaint_channels", "how many complaints were received?", None)
    assert not is_confidential("ask_question", "what does TCEB do?", "some_other_form")


def test_a_message_nlu_was_unsure_about_counts_when_it_leaned_to_reporting():
    leaning = [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "report_wrongdoing", "confidence": 0.46},
               {"name": "ask_question", "confidence": 0.4}]
    assert is_confidential("nlu_fallback", SECRET, None, leaning)
    assert not is_confidential("nlu_fallback", "hmm", None, [leaning[0], leaning[2], leaning[1]])
    unsure = user(SECRET, "ask_question")
    unsure.intent = {"name": "nlu_fallback", "confidence": 0.5}
    unsure.parse_data["intent"], unsure.parse_data["intent_ranking"] = unsure.intent, leaning
    assert [e.text for e in redact_events([unsure])] == ["/nlu_fallback"]


# ------------------------------------------------------------------------------------ tracker store
SECRET = "officer Somchai took 50,000 baht on 3 May"
META = {"ua": "unusual-agent/1.0", "ip": "203.0.113.7"}


def user(text, intent, entities=(), metadata=None):
    entities = list(entities) + [{"entity": "lang", "value": "en", "start": 0, "end": len(text),
                                  "extractor": "LanguageDetector"}]
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": entities,
             "intent_ranking": [{"name": intent, "confidence": 0.97}, {"name": "ask_question", "confidence": 0.03}]}
    return UserUttered(text, parse["intent"], entities, parse, input_channel="rest", message_id="m1",
                       metadata=metadata)


def conversation():
    return [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        user("what does TCEB do?", "ask_question"),  # an ordinary turn: kept as typed
        ActionExecuted("action_answer_faq"), BotUttered("TCEB promotes MICE."), ActionExecuted("action_listen"),
        user(f"I want to report that {SECRET}", "report_wrongdoing", metadata=dict(META)),
        ActionExecuted("utter_complaint_intro"), ActionExecuted("complaint_kind_form"),
        ActiveLoop("complaint_kind_form"), SlotSet("requested_slot", "complaint_kind"),
        ActionExecuted("action_listen"),
        user(f"it was {SECRET}", "ask_question", metadata=dict(META)),  # typed during the form
        ActionExecuted("complaint_kind_form"), ActionExecuted("action_listen"),
        user('/report_wrongdoing{"complaint_kind": "corruption"}', "report_wrongdoing",
             [{"entity": "complaint_kind", "value": "corruption"}]),
        ActionExecuted("complaint_kind_form"), SlotSet("complaint_kind", "corruption"),
        SlotSet("requested_slot", None), ActiveLoop(None), ActionExecuted("action_listen"),
        user(f"where is my complaint {CODE}", "check_complaint_status", metadata=dict(META)),
        ActionExecuted("action_complaint_status_link"), ActionExecuted("action_listen"),
        user("thank you", "thank"),
    ]


def test_redact_events_replaces_only_confidential_user_messages():
    events = conversation()
    redacted = redact_events(events)
    assert len(redacted) == len(events)
    texts = [e.text for e in redacted if isinstance(e, UserUttered)]
    assert texts == ["what does TCEB do?", "/report_wrongdoing", "/ask_question", "/report_wrongdoing",
                     "/check_complaint_status", "thank you"]
    for event in redacted:
        if isinstance(event, UserUttered) and event.text.startswith("/"):
            stored = json.dumps(event.as_dict())
            assert SECRET not in stored and CODE not in stored and "203.0.113.7" not in stored
            assert event.parse_data["text"] == event.text and not event.metadata
            assert {e["entity"] for e in event.entities} <= {"lang", "complaint_kind", "complaint_mode"}
            assert all("start" not in e for e in event.entities)
    kind = [e for e in redacted if isinstance(e, UserUttered)][3]
    assert {"entity": "complaint_kind", "value": "corruption"} in kind.entities
    assert redacted[-1] is events[-1]  # ordinary turns are the very same events
    assert redact_events(redacted) == redacted  # idempotent


def test_the_sql_tracker_store_keeps_no_confidential_text(tmp_path):
    db = tmp_path / "tracker.db"
    domain = Domain.load("bot/domain.yml")
    store = ConfidentialSQLTrackerStore(domain=domain, dialect="sqlite", host=f"sqlite:///{db}")
    events = conversation()
    turns, turn = [], []
    for event in events:  # as Rasa does: per user message, read the tracker, add the turn, save
        if isinstance(event, UserUttered) and turn:
            turns.append(turn)
            turn = []
        turn.append(event)
    turns.append(turn)

    async def save_in_turns():
        for turn in turns:
            tracker = await store.retrieve("visitor-1") or DialogueStateTracker("visitor-1", domain.slots)
            for event in turn:
                tracker.update(event)
            await store.save(tracker)
        return await store.retrieve("visitor-1")

    restored = asyncio.run(save_in_turns())
    rows = sqlite3.connect(db).execute("SELECT type_name, intent_name, data FROM events ORDER BY id").fetchall()
    assert len(rows) == len(events)  # every event stored once, none lost, none doubled
    raw = db.read_bytes()
    for secret in (SECRET, CODE, "203.0.113.7", "unusual-agent"):
        assert secret.encode() not in raw
    user_texts = [json.loads(data)["text"] for kind, _, data in rows if kind == "user"]
    assert user_texts[0] == "what does TCEB do?" and user_texts[-1] == "thank you"
    assert "/report_wrongdoing" in user_texts and "/check_complaint_status" in user_texts
    # the tracker read back is the redacted one, and it is a sound tracker
    assert restored.latest_message.text == "thank you"
    assert restored.get_slot("complaint_kind") == "corruption" and restored.active_loop_name is None


# ------------------------------------------------------------------------------------ NLU component
def test_a_message_with_a_tracking_code_is_a_status_check():
    component = TrackingCodeIntent({})
    coded = Message({TEXT: f"อยากรู้ว่าเรื่อง {CODE} ถึงไหน", INTENT: {"name": "ask_question", "confidence": 0.9},
                     "intent_ranking": [{"name": "ask_question", "confidence": 0.9}]})
    plain = Message({TEXT: "what does TCEB do?", INTENT: {"name": "ask_question", "confidence": 0.9}})
    component.process([coded, plain])
    assert coded.get(INTENT) == {"name": "check_complaint_status", "confidence": 1.0}
    assert coded.get("intent_ranking")[0]["name"] == "check_complaint_status"
    assert plain.get(INTENT)["name"] == "ask_question"


# ------------------------------------------------------------------------------------ settings, links
def test_public_url_setting():
    assert load_settings({}).public_url == "http://127.0.0.1:8000"
    assert load_settings({"THAMTOB_PUBLIC_URL": "https://thamtob.example.org/"}).public_url == \
        "https://thamtob.example.org"
    for wrong in ("thamtob.example.org", "https://x.org/?a=1", "https://x .org"):
        with pytest.raises(ConfigError) as error:
            load_settings({"THAMTOB_PUBLIC_URL": wrong})
        assert str(error.value).startswith(f"THAMTOB_PUBLIC_URL={wrong!r} ") and "\n" not in str(error.value)


@pytest.fixture
def public_url(monkeypatch):
    monkeypatch.setattr(complaints, "settings", lambda: Settings(public_url="https://tt.example.org"))
    return "https://tt.example.org"


def tracker(text, intent, slots=None, entities=(), active_loop=None, requested=None):
    slots = {"lang": None, "requested_slot": requested, "complaint_kind": None, "complaint_mode": None,
             **(slots or {})}
    return Tracker("visitor-1", slots, {"text": text, "intent": {"name": intent}, "entities": list(entities)},
                   [], False, None, {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, trk):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, {}))
    return events, dispatcher.messages


@pytest.mark.parametrize("lang", ["th", "en"])
def test_the_link_carries_kind_mode_and_language(public_url, lang):
    trk = tracker("/report_wrongdoing", "report_wrongdoing",
                  {"lang": lang, "complaint_kind": "procurement", "complaint_mode": "confidential"})
    events, messages = run(complaints.ActionComplaintLink(), trk)
    slots = {e["name"]: e["value"] for e in events}
    link = urlsplit(slots["complaint_link"])
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{public_url}/complaints"
    assert parse_qs(link.query) == {"kind": ["procurement"], "mode": ["confidential"], "lang": [lang]}
    assert slots["complaint_status_link"] == f"{public_url}/complaints/status?lang={lang}"
    assert slots["complaint_kind"] is None and slots["complaint_mode"] is None  # forgotten once handed over
    assert messages == []


def test_status_link_never_holds_the_code(public_url):
    events, _ = run(complaints.ActionComplaintStatusLink(), tracker(f"where is {CODE}", "check_complaint_status"))
    assert events == [{"event": "slot", "timestamp": None, "name": "complaint_status_link",
                       "value": f"{public_url}/complaints/status?lang=en"}]


@pytest.mark.parametrize("slot,text,expected", [
    ("complaint_kind", "เรื่องทุจริตครับ", "corruption"),
    ("complaint_kind", "a TENDER problem", "procurement"),
    ("complaint_kind", "การบริหารงานบุคคล", "personnel"),
    ("complaint_kind", "เรื่องอื่น", "other"),
    ("complaint_kind", "corruption in a tender", None),  # two choices: ask again
    ("complaint_kind", "whatever", None),
    ("complaint_kind", "hr", "personnel"),
    ("complaint_kind", "three", None),  # "hr" only as a word
    ("complaint_mode", "ไม่ระบุชื่อ", "confidential"),
    ("complaint_mode", "ระบุชื่อ", "named"),
    ("complaint_mode", "แบบเปิดเผยชื่อ", "named"),
    ("complaint_mode", "anonymous please", "confidential"),
    ("complaint_mode", "with my name", "named"),
    ("complaint_mode", "/report_wrongdoing", None),
])
def test_typed_choices(slot, text, expected):
    assert complaints.typed_choice(slot, text) == expected


def test_validation_fills_from_a_button_or_a_typed_choice():
    validate = complaints.ValidateComplaintKindForm()
    button = tracker('/report_wrongdoing{"complaint_kind": "service"}', "report_wrongdoing",
                     entities=[{"entity": "complaint_kind", "value": "service"}],
                     active_loop="complaint_kind_form", requested="complaint_kind")
    assert run(validate, button)[0] == [
        {"event": "slot", "timestamp": None, "name": "complaint_kind", "value": "service"}]
    typed = tracker("ทุจริต", "report_wrongdoing", active_loop="complaint_kind_form", requested="complaint_kind")
    assert run(validate, typed)[0][0]["value"] == "corruption"
    mode = tracker("ไม่ระบุชื่อ", "deny", active_loop="complaint_mode_form", requested="complaint_mode")
    assert run(complaints.ValidateComplaintModeForm(), mode)[0][0]["value"] == "confidential"


def test_validation_asks_again_or_lets_the_visitor_cancel():
    validate = complaints.ValidateComplaintKindForm()
    stray = tracker(f"it was {SECRET}", "ask_question", active_loop="complaint_kind_form", requested="complaint_kind")
    events, messages = run(validate, stray)
    assert events == [{"event": "slot", "timestamp": None, "name": "complaint_kind", "value": None}]
    assert [m["response"] for m in messages] == ["utter_complaint_kind_question"]
    cancel = tracker("ยกเลิก", "deny", active_loop="complaint_kind_form", requested="complaint_kind")
    assert run(validate, cancel) == ([], [])  # nothing validated: the form rejects, the cancel rule runs
    activation = tracker("I want to report", "report_wrongdoing")
    assert run(validate, activation) == ([], [])


# ------------------------------------------------------------------------------------ guards
def test_confidential_turns_never_reach_faq_service(monkeypatch, public_url):
    class Refuse:
        def __getattr__(self, name):
            raise AssertionError(f"faq_service called: {name}")

    monkeypatch.setattr(bot_actions, "client", Refuse)
    monkeypatch.setattr(bot_actions, "status_link", complaints.status_link)
    coded = tracker(f"where is {CODE}", "ask_question", {"lang": "en"})
    events, messages = run(bot_actions.ActionAnswerFaq(), coded)
    assert messages[0]["response"] == "utter_complaint_status_link"
    assert messages[0]["complaint_status_link"] == f"{public_url}/complaints/status?lang=en"
    in_form = tracker(SECRET, "ask_question", active_loop="complaint_mode_form")
    assert run(bot_actions.ActionAnswerFaq(), in_form)[1][0]["response"] == "utter_offer_report"
