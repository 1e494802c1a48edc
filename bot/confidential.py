"""What the chat must not keep about complaints: the one definition that Rasa's tracker store
(bot/tracker_store.py), the NLU pipeline (bot/components/tracking_code.py) and the action server
(actions/) share. Standard library only.

A user message is *confidential* when it opens or continues a complaint intake or a status check:
- its intent is one of CONFIDENTIAL_INTENTS (wanting to report, the intake's buttons, a status check),
  or NLU was unsure (nlu_fallback) and leaned to one of them;
- it arrived while one of the intake forms (INTAKE_FORMS) was active — whatever the visitor typed;
- it contains a tracking code (TC-XXXX-XXXX-XXXX, in any case, with dashes, spaces or no separator
  between the groups).
Such a message is stored with its text replaced by `/<intent>` (redacted_text), is never sent to the
question log, and its tracking code is never stored anywhere.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

REPORT_INTENT = "report_wrongdoing"
STATUS_INTENT = "check_complaint_status"
CONFIDENTIAL_INTENTS = frozenset({REPORT_INTENT, STATUS_INTENT})
FALLBACK_INTENT = "nlu_fallback"

KIND_FORM = "complaint_kind_form"
MODE_FORM = "complaint_mode_form"
INTAKE_FORMS = frozenset({KIND_FORM, MODE_FORM})

KINDS = ("corruption", "procurement", "personnel", "service", "other")
MODES = ("named", "confidential")

# Entities a redacted message keeps (their values are fixed words, never the visitor's text).
KEPT_ENTITIES = frozenset({"lang", "complaint_kind", "complaint_mode"})

# faq_service's codes are `TC-` and three groups of four Crockford base-32 characters. Visitors type
# them in lower case, with spaces or other dashes between the groups (a mistyped character after the
# code still counts), or without separators: then the code must stand alone and hold a digit, so that a
# word like "TCEBCONVENTION" is not taken for one.
_SEP = r"[\s\-\u2010-\u2015]+"
_GROUP = r"[0-9A-Z]{4}"
TRACKING_CODE = re.compile(
    rf"(?<![0-9A-Za-z])TC(?:{_SEP}{_GROUP}{_SEP}{_GROUP}{_SEP}{_GROUP}"
    rf"|-?(?=[0-9A-Z]{{0,11}}[0-9]){_GROUP}{_GROUP}{_GROUP}(?![0-9A-Za-z]))",
    re.IGNORECASE,
)


def contains_tracking_code(text: Optional[str]) -> bool:
    """True when `text` holds something shaped like a tracking code."""
    return bool(text) and TRACKING_CODE.search(text) is not None


def leading_intent(intent: Optional[str], ranking: Optional[Iterable[dict]] = None) -> Optional[str]:
    """The intent the classifier leaned to: `intent`, or when NLU was unsure (`nlu_fallback`) the best
    intent of its ranking."""
    if intent != FALLBACK_INTENT:
        return intent
    for candidate in ranking or []:
        name = candidate.get("name") if isinstance(candidate, dict) else None
        if name and name != FALLBACK_INTENT:
            return name
    return intent


def is_confidential(intent: Optional[str], text: Optional[str], active_loop: Optional[str],
                    ranking: Optional[Iterable[dict]] = None) -> bool:
    """Whether a user message with this intent (and intent ranking) and text, sent while `active_loop`
    was active, opens or continues a complaint intake or a status check. A message NLU was unsure about
    counts when its leading candidate is an intake or status intent: it may well hold the details."""
    return (
        (leading_intent(intent, ranking) or "") in CONFIDENTIAL_INTENTS
        or (active_loop or "") in INTAKE_FORMS
        or contains_tracking_code(text)
    )


def redacted_text(intent: Optional[str]) -> str:
    """What is stored instead of a confidential message's text: `/<intent>` (Rasa's own notation)."""
    return "/" + (intent or "redacted")


def kept_entities(entities: Iterable[dict]) -> list:
    """A confidential message's entities without positions, only those with fixed values."""
    return [
        {"entity": e.get("entity"), "value": e.get("value")}
        for e in entities or []
        if isinstance(e, dict) and e.get("entity") in KEPT_ENTITIES
    ]
