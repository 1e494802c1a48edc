"""ThamTob custom actions. Every user-facing text is a domain response (bot/domain.yml); the actions
only choose which response to send and fill in the data that comes from the FAQ service.

- action_answer_faq: POST /api/v1/ask (session_id = sender id, channel = input channel). Answered → the
  answer, "information as of <date>", the source link and 👍/👎 buttons (payloads /affirm{"log_id": n}
  and /deny{"log_id": n}, handled by action_feedback). Suggestions → "did you mean" buttons (payload
  /ask_question{"faq_id": n}: a click gives that entry's answer). Declined → a polite decline with the
  contact channels. Service down → the contact channels within the time budget, and the question is
  queued on disk for the question log (outcome `unavailable`).
- action_feedback: affirm/deny → POST /api/v1/feedback for the answer shown (button or typed yes/no).
Every reply of action_answer_faq ends with a machine-readable part, a message holding only
`custom: {"thamtob": {"outcome", "key", "log_id", "highlights"}}` (LINE ignores it; evaluations and
integrations read what happened from it instead of parsing the text). For an answer, `highlights` names the
answer message's exact text and the [start, end) code-point offsets into it of the sentences that answer
the question (the service's `source.highlights`), which the chat page and the widget show in bold.
Informational intents do not pre-empt the knowledge base: a wish to talk to a person is asked too, and
only when the service has no confident answer does the bot list the contacts (the contact entry itself
answers most such questions).
Every question sent to faq_service carries its intent and, for the intents reports count, a neutral
`topic` (actions/config.py TOPIC_BY_INTENT).
A confidential turn (bot/confidential.py: a complaint intake or status check, or a message holding a
tracking code) is never sent to faq_service — neither asked nor logged; the rules never route one here,
and these guards make sure of it. The complaint actions are in actions/complaints.py.
"""
from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Text

from pythainlp.util import thai_strftime

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.channels import question_channel
from actions.complaints import status_link
from actions.config import FIXED_REPLY_WHEN_UNANSWERED, settings, topic_for
from actions.faq_client import FaqClient, FaqRejected, FaqUnavailable
from actions.question_queue import QuestionQueue, new_idempotency_key
from bot.confidential import STATUS_INTENT, contains_tracking_code, is_confidential
from bot.language import detect_lang

logger = logging.getLogger(__name__)

BANGKOK = timezone(timedelta(hours=7), "ICT")  # Thailand keeps no daylight saving; no tz database needed
QUEUE = QuestionQueue()
QUEUE.start_background()  # deliver what an earlier process left behind


def client() -> FaqClient:
    return FaqClient()  # FAQ_URL / THAMTOB_SERVICE_TOKEN / FAQ_TIMEOUT_S from actions/config.py


def user_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def user_lang(tracker: Tracker) -> str:
    """The language of the current message: the `lang` slot (set from it), else detected here by the
    same rule (bot/language.py)."""
    lang = tracker.get_slot("lang")
    if lang in ("th", "en"):
        return lang
    return detect_lang(user_text(tracker))


def channel_name(tracker: Tracker) -> str:
    return question_channel(tracker.get_latest_input_channel(), (tracker.latest_message or {}).get("metadata"))


def intent_name(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def confidential_turn(tracker: Tracker) -> bool:
    """Whether the current message opens or continues a complaint intake or status check."""
    ranking = (tracker.latest_message or {}).get("intent_ranking")
    return is_confidential(intent_name(tracker), user_text(tracker), tracker.active_loop_name, ranking)


def entity(tracker: Tracker, name: str) -> Any:
    return next(tracker.get_latest_entity_values(name), None)


def as_int(value: Any) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def format_updated(value: Any, lang: str) -> Optional[str]:
    """An ISO timestamp as the day in Bangkok, the way a reader of `lang` writes dates: Thai with the
    Buddhist Era (26 พ.ย. 2569), English as 26 Nov 2026. No date is shown for an unparseable one."""
    if not value:
        return None
    text = str(value)
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:  # the service stores UTC
        stamp = stamp.replace(tzinfo=timezone.utc)
    day = stamp.astimezone(BANGKOK)
    if lang == "th":
        return thai_strftime(datetime(day.year, day.month, day.day), "%-d %b %Y")
    return f"{day.day} {day.strftime('%b')} {day.year}"


OUTCOMES = ("answered", "partial", "suggested", "declined")


def reply_part(outcome: str, key: Optional[str], log_id: Optional[int],
               highlights: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The machine-readable part of a reply that came from the FAQ service."""
    return {"thamtob": {"outcome": outcome, "key": key, "log_id": log_id, "highlights": highlights}}


def shown_answer(answer: str, highlights: Any) -> tuple:
    """The answer as the answer message carries it (without surrounding whitespace, which the page would
    trim) and the `highlights` of the reply's machine-readable part: `{"text": that exact text, "spans":
    [[start, end], ...]}`, the service's code-point offsets moved onto that text, sorted, merged where they
    touch, and only those inside it; None when no sentence is marked. The page bolds a span only in a
    message whose text equals `text`, so it never has to guess where an offset points."""
    shown = answer.strip()
    lead = len(answer) - len(answer.lstrip())
    spans = []
    for span in highlights if isinstance(highlights, list) else []:
        if not (isinstance(span, (list, tuple)) and len(span) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in span)):
            continue
        start, end = max(span[0] - lead, 0), min(span[1] - lead, len(shown))
        if start < end:
            spans.append([start, end])
    merged: List[List[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return shown, ({"text": shown, "spans": merged} if merged else None)


def outcome_of(result: Dict[str, Any]) -> str:
    """The service's own outcome when it states one we know; else read from the answer's shape."""
    stated = result.get("outcome")
    if stated in OUTCOMES:
        return stated
    if result.get("answered") and result.get("answer"):
        return "answered"
    return "suggested" if result.get("suggestions") else "declined"


def feedback_payload(intent: str, log_id: int) -> str:
    return "/" + intent + json.dumps({"log_id": log_id})


def choose_payload(faq_id: int) -> str:
    return "/ask_question" + json.dumps({"faq_id": faq_id})


def log_record(tracker: Tracker, outcome: str, intent: Optional[str] = None) -> Dict[str, Any]:
    """The question-log record of the current turn (POST /api/v1/questions, or the disk queue)."""
    intent = intent or intent_name(tracker)
    record = {
        "question": user_text(tracker)[:1000] or "(empty)",
        "lang": user_lang(tracker),
        "channel": channel_name(tracker),
        "session_id": tracker.sender_id,
        "intent": intent,
        "outcome": outcome,
        "asked_at": now_iso(),
        "idempotency_key": new_idempotency_key(),
    }
    topic = topic_for(intent)
    if topic:
        record["topic"] = topic
    return record


def pick(entry: Dict[str, Any], lang: str) -> Dict[str, Optional[str]]:
    """Answer/question of a FAQ entry in `lang`, else the other language (tolerant of the shape)."""
    order = [lang, "en" if lang == "th" else "th"]
    for code in order:
        block = entry.get(code)
        if isinstance(block, dict) and block.get("answer"):
            return {"answer": block["answer"], "question": block.get("question"), "lang": code}
        flat = entry.get(f"answer_{code}")
        if flat:
            return {"answer": flat, "question": entry.get(f"question_{code}"), "lang": code}
    if entry.get("answer"):
        return {"answer": entry["answer"], "question": entry.get("question"),
                "lang": entry.get("answer_lang") or entry.get("lang")}
    return {"answer": None, "question": None, "lang": None}


def absolute_url(url: Optional[str]) -> Optional[str]:
    """A link the visitor can open from any channel: the service's own paths (a stored document) are made
    absolute with its public address."""
    if url and url.startswith("/"):
        return settings().public_url + url
    return url


def utter_answer(dispatcher: CollectingDispatcher, lang: str, answer: str,
                 answer_lang: Optional[str], updated: Optional[str], source_url: Optional[str],
                 source: Optional[Dict[str, Any]] = None) -> None:
    if answer_lang in ("th", "en") and answer_lang != lang:
        dispatcher.utter_message(response=f"utter_faq_answer_in_{'thai' if answer_lang == 'th' else 'english'}")
    dispatcher.utter_message(response="utter_faq_answer", answer=answer)
    if updated:
        dispatcher.utter_message(response="utter_faq_updated", updated=updated)
    if source and source.get("kind") == "document" and source_url:
        # A passage is cited by its document (and page), so the reader can check it in context.
        if source.get("page"):
            dispatcher.utter_message(response="utter_faq_from_document_page", document_title=source.get("title"),
                                     page=source["page"], source_url=source_url)
        else:
            dispatcher.utter_message(response="utter_faq_from_document", document_title=source.get("title"),
                                     source_url=source_url)
    elif source_url:
        dispatcher.utter_message(response="utter_faq_source", source_url=source_url)


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        started = time.monotonic()
        lang = user_lang(tracker)
        if confidential_turn(tracker):  # never asked, never logged (the rules do not send these here)
            return self.confidential(dispatcher, tracker, lang)
        faq_id = as_int(entity(tracker, "faq_id"))
        if faq_id is not None:  # a "did you mean" button was clicked
            return await self.answer_chosen(dispatcher, lang, faq_id)

        faq = client()
        # One key for this question: if the ask times out here but the service did log it, the queued
        # "unavailable" record carries the same key and is not stored a second time.
        record = log_record(tracker, "unavailable")
        try:
            result = await faq.ask(user_text(tracker), lang, channel_name(tracker), tracker.sender_id,
                                   record["intent"], record["idempotency_key"], record.get("topic"))
        except FaqUnavailable as exc:
            logger.warning("ask failed (%s); replying with the contact channels", exc)
            dispatcher.utter_message(response="utter_service_unavailable")
            QUEUE.start_background()
            QUEUE.enqueue(record)
            return [SlotSet("last_log_id", None)]
        except FaqRejected as exc:  # e.g. an empty question after normalising
            logger.warning("ask rejected: %s", exc)
            dispatcher.utter_message(response="utter_faq_declined")
            dispatcher.utter_message(json_message=reply_part("declined", None, None))
            return [SlotSet("last_log_id", None)]

        log_id = as_int(result.get("log_id"))
        if outcome_of(result) == "partial" and result.get("answer"):
            # A near-scope question: the service's reply says what is known (for which year) and whom to
            # ask; it is not an answer to the question asked, so it carries no date or source of its own.
            dispatcher.utter_message(response="utter_faq_answer", answer=result["answer"])
            dispatcher.utter_message(json_message=reply_part("partial", result.get("key"), log_id))
            return [SlotSet("last_log_id", log_id)]
        if result.get("answered") and result.get("answer"):
            updated = format_updated(result.get("updated_at"), lang)
            if not updated and result.get("faq_id") is not None:
                remaining = 2.8 - (time.monotonic() - started)
                if remaining > 0.2:
                    try:
                        entry = await faq.get_faq(result["faq_id"], timeout_s=remaining)
                        updated = format_updated((entry or {}).get("updated_at"), lang)
                    except FaqUnavailable:
                        updated = None
            source = result.get("source") if isinstance(result.get("source"), dict) else None
            answer, highlights = shown_answer(result["answer"], (source or {}).get("highlights"))
            utter_answer(dispatcher, lang, answer, result.get("answer_lang"),
                         updated, absolute_url(result.get("source_url")), source)
            if log_id is not None:
                dispatcher.utter_message(
                    response="utter_ask_feedback",
                    payload_helpful=feedback_payload("affirm", log_id),
                    payload_not_helpful=feedback_payload("deny", log_id),
                )
            dispatcher.utter_message(json_message=reply_part("answered", result.get("key"), log_id, highlights))
            return [SlotSet("last_log_id", log_id)]

        shown = self.not_answered(dispatcher, intent_name(tracker), result)
        dispatcher.utter_message(json_message=reply_part(shown, None, log_id))
        return [SlotSet("last_log_id", None)]

    @staticmethod
    def not_answered(dispatcher: CollectingDispatcher, intent: Optional[str], result: Dict[str, Any]) -> str:
        """The reply when the service has no confident answer; returns the outcome the visitor got."""
        suggestions = [s for s in result.get("suggestions") or [] if s.get("faq_id") is not None]
        fixed = FIXED_REPLY_WHEN_UNANSWERED.get(intent or "")
        if fixed:  # NLU's reading stands: out of scope, a wish for a person, a question about the bot
            dispatcher.utter_message(response=fixed)
        elif not suggestions:
            dispatcher.utter_message(response="utter_faq_declined")
        if not suggestions:
            return "declined"
        # The closest entries are offered even after a fixed reply: when NLU misread a question, the
        # visitor is one click from its answer.
        buttons = [{"title": s.get("question") or str(s["faq_id"]),
                    "payload": choose_payload(int(s["faq_id"]))} for s in suggestions[:3]]
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return "suggested"

    @staticmethod
    def confidential(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> List[Dict[Text, Any]]:
        if intent_name(tracker) == STATUS_INTENT or contains_tracking_code(user_text(tracker)):
            dispatcher.utter_message(response="utter_complaint_status_link", complaint_status_link=status_link(lang))
        else:
            dispatcher.utter_message(response="utter_offer_report")
        return [SlotSet("last_log_id", None)]

    @staticmethod
    async def answer_chosen(dispatcher: CollectingDispatcher, lang: str,
                            faq_id: int) -> List[Dict[Text, Any]]:
        try:
            entry = await client().get_faq(faq_id)
        except FaqUnavailable:
            dispatcher.utter_message(response="utter_service_unavailable")
            return [SlotSet("last_log_id", None)]
        chosen = pick(entry or {}, lang)
        if not chosen["answer"]:
            dispatcher.utter_message(response="utter_faq_not_found")
            return [SlotSet("last_log_id", None)]
        utter_answer(dispatcher, lang, chosen["answer"], chosen["lang"],
                     format_updated((entry or {}).get("updated_at"), lang), (entry or {}).get("source_url"))
        # A click on a suggestion is not a new question: no log row of its own.
        dispatcher.utter_message(json_message=reply_part("answered", (entry or {}).get("key"), None))
        return [SlotSet("last_log_id", None)]


class ActionFeedback(Action):
    """affirm/deny: 👍/👎 on the answer shown (button payload log_id, or the last answer's log_id)."""

    def name(self) -> Text:
        return "action_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        log_id = as_int(entity(tracker, "log_id"))
        if log_id is None:
            log_id = as_int(tracker.get_slot("last_log_id"))
        if log_id is None:  # no answer to rate: a short query NLU took for yes/no ("tceb tel no")
            return await ActionAnswerFaq().run(dispatcher, tracker, domain)
        helpful = intent_name(tracker) == "affirm"
        try:
            await client().feedback(log_id, helpful)
        except (FaqUnavailable, FaqRejected) as exc:
            logger.warning("feedback for log %s not stored: %s", log_id, exc)
        dispatcher.utter_message(response="utter_feedback_thanks" if helpful else "utter_feedback_sorry")
        return [SlotSet("last_log_id", None)]
