"""The chat side of the complaints channel: the intake (two one-question forms, data/rules.yml) and the
status-page link. The chat only asks the kind and the mode and hands the visitor a link to faq_service's
secure web form; the details are never typed here. Which turns are confidential is bot/confidential.py's
rule; none of the actions here calls faq_service, so none of these turns reaches the question log.

- validate_complaint_kind_form / validate_complaint_mode_form: fill the slot from the button's entity or
  from a typed choice (actions/complaint_words.yml). Otherwise `deny` (the Cancel button, "ยกเลิก", "no")
  validates nothing, so the form rejects and the cancel rule ends the intake; anything else gets the
  question again (the form stays active: a stray sentence never goes to the FAQ service).
- action_complaint_reset: forgets the choices of an earlier intake (start of every intake).
- action_complaint_link: the form link {THAMTOB_PUBLIC_URL}/complaints?kind=…&mode=…&lang=… and the
  status link, as slots for utter_complaint_link; then forgets the choices.
- action_complaint_status_link: {THAMTOB_PUBLIC_URL}/complaints/status?lang=… for utter_complaint_status_link.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple
from urllib.parse import urlencode

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.config import settings
from bot.confidential import KIND_FORM, KINDS, MODE_FORM, MODES
from bot.language import detect_lang

WORDS_FILE = Path(__file__).with_name("complaint_words.yml")
REQUESTED_SLOT = "requested_slot"
CHOICES = {"complaint_kind": KINDS, "complaint_mode": MODES}
QUESTIONS = {"complaint_kind": "utter_complaint_kind_question", "complaint_mode": "utter_complaint_mode_question"}
CANCEL_INTENT = "deny"


def visitor_lang(tracker: Tracker) -> str:
    """`th` or `en`: the `lang` slot, else the current message's language (Thai when unknown)."""
    lang = tracker.get_slot("lang")
    if lang in ("th", "en"):
        return lang
    text = (tracker.latest_message or {}).get("text") or ""
    return detect_lang(text) if text and not text.startswith("/") else "th"


def form_link(kind: Optional[str], mode: Optional[str], lang: str) -> str:
    """{THAMTOB_PUBLIC_URL}/complaints?kind=…&mode=…&lang=… (a missing choice is left out)."""
    query = {k: v for k, v in (("kind", kind), ("mode", mode)) if v}
    query["lang"] = lang
    return f"{settings().public_url}/complaints?{urlencode(query)}"


def status_link(lang: str) -> str:
    """{THAMTOB_PUBLIC_URL}/complaints/status?lang=… (never with a tracking code)."""
    return f"{settings().public_url}/complaints/status?{urlencode({'lang': lang})}"


# ------------------------------------------------------------------------------------- typed choices
@lru_cache(maxsize=1)
def _patterns() -> Dict[str, List[Tuple[str, "re.Pattern[str]"]]]:
    """Per slot, (choice, pattern) for every word, longest words first."""
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")) or {}
    out: Dict[str, List[Tuple[str, re.Pattern]]] = {}
    for slot, choices in data.items():
        pairs = []
        for choice, words in (choices or {}).items():
            if choice not in CHOICES.get(slot, ()):
                raise ValueError(f"{WORDS_FILE}: {slot} has no choice {choice!r}")
            for word in words or []:
                word = str(word).strip()
                latin = word.isascii()
                pattern = rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])" if latin else re.escape(word)
                pairs.append((choice, re.compile(pattern, re.IGNORECASE), len(word)))
        pairs.sort(key=lambda p: -p[2])
        out[slot] = [(choice, pattern) for choice, pattern, _ in pairs]
    return out


def typed_choice(slot: str, text: str) -> Optional[str]:
    """The one choice of `slot` that typed `text` names, or None (none, or more than one)."""
    text = text or ""
    if not text.strip() or text.startswith("/"):
        return None
    found = set()
    for choice, pattern in _patterns().get(slot, []):
        if pattern.search(text):
            found.add(choice)
            text = pattern.sub(lambda m: " " * len(m.group(0)), text)  # shorter words inside do not count
    return found.pop() if len(found) == 1 else None


# ------------------------------------------------------------------------------------------ actions
class OneChoiceValidation:
    """Fills the form's one slot; a message that does not choose gets the question again. (A mixin, so
    that rasa_sdk registers only the two actions below.)"""

    form = ""
    slot = ""

    def name(self) -> Text:
        return f"validate_{self.form}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot(REQUESTED_SLOT) != self.slot:  # activation: nothing asked yet
            return []
        message = tracker.latest_message or {}
        value = next(tracker.get_latest_entity_values(self.slot), None)
        if value not in CHOICES[self.slot]:
            # a typed choice first: "ไม่ระบุชื่อ" (no name) is a choice, though NLU hears "no" in it
            value = typed_choice(self.slot, message.get("text") or "")
        if value:
            return [SlotSet(self.slot, value)]
        if (message.get("intent") or {}).get("name") == CANCEL_INTENT:
            return []  # nothing validated: the form rejects, the cancel rule ends the intake
        dispatcher.utter_message(response=QUESTIONS[self.slot])
        return [SlotSet(self.slot, None)]


class ValidateComplaintKindForm(OneChoiceValidation, Action):
    form = KIND_FORM
    slot = "complaint_kind"


class ValidateComplaintModeForm(OneChoiceValidation, Action):
    form = MODE_FORM
    slot = "complaint_mode"


def forget_choices() -> List[Dict[Text, Any]]:
    return [SlotSet("complaint_kind", None), SlotSet("complaint_mode", None)]


class ActionComplaintReset(Action):
    def name(self) -> Text:
        return "action_complaint_reset"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return forget_choices() + [SlotSet("complaint_link", None), SlotSet("last_log_id", None)]


class ActionComplaintLink(Action):
    def name(self) -> Text:
        return "action_complaint_link"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        lang = visitor_lang(tracker)
        link = form_link(tracker.get_slot("complaint_kind"), tracker.get_slot("complaint_mode"), lang)
        return [SlotSet("complaint_link", link), SlotSet("complaint_status_link", status_link(lang))] \
            + forget_choices()


class ActionComplaintStatusLink(Action):
    def name(self) -> Text:
        return "action_complaint_status_link"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("complaint_status_link", status_link(visitor_lang(tracker)))]
