"""Rasa's SQL tracker store, minus what the chat must not keep about complaints (bot/confidential.py).

Rasa builds the stored user event from the message as the channel received it: `UserUttered.text` is
the channel's text, not anything an NLU component returns (rasa/core/processor.py,
`_handle_message_with_tracker`), and `parse_data` holds a second copy of it plus the channel's metadata.
Rewriting the text in the NLU pipeline would change only that copy. So the rewriting happens here, where
events are persisted: every confidential user event (intake and status-check intents — also when NLU
was unsure but leaned to one —, anything typed while an intake form is active, anything holding a
tracking code) is stored as `/<intent>`, with its
intent, its fixed-value entities (language, kind, mode), no metadata and no character positions.

The tracker Rasa keeps in memory for the current turn is left as it is (the intake's actions still see
what the visitor sent); only what is written — and what later turns read back — is the redacted copy.

endpoints.yml: `tracker_store: type: bot.tracker_store.ConfidentialSQLTrackerStore` with the usual SQL
settings (dialect, url, …): this class takes exactly SQLTrackerStore's arguments.
"""
from __future__ import annotations

from typing import Iterable, List, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.confidential import is_confidential, kept_entities, redacted_text


def redact_user_event(event: UserUttered) -> UserUttered:
    """The stored form of a confidential user message: `/<intent>` and nothing of what was typed."""
    intent = dict(event.intent or {})
    name = intent.get("name")
    text = redacted_text(name)
    entities = kept_entities(event.entities)
    ranking = [
        {"name": r.get("name"), "confidence": r.get("confidence")}
        for r in (event.parse_data or {}).get("intent_ranking") or []
        if isinstance(r, dict)
    ]
    parse_data = {"text": text, "intent": intent, "entities": entities, "intent_ranking": ranking,
                  "message_id": event.message_id, "metadata": {}}
    return UserUttered(text, intent, entities, parse_data, timestamp=event.timestamp,
                       input_channel=event.input_channel, message_id=event.message_id, metadata={})


def redact_events(events: Iterable[Event]) -> List[Event]:
    """`events` in order, each confidential user message replaced by its redacted form. A message is
    judged with the loop that was active when it arrived (ActiveLoop events before it)."""
    active_loop: Optional[str] = None
    out: List[Event] = []
    for event in events:
        if isinstance(event, UserUttered):
            ranking = (event.parse_data or {}).get("intent_ranking")
            if is_confidential(event.intent_name, event.text, active_loop, ranking) and not _is_redacted(event):
                event = redact_user_event(event)
        elif isinstance(event, ActiveLoop):
            active_loop = event.name
        elif isinstance(event, (Restarted, SessionStarted)):
            active_loop = None
        out.append(event)
    return out


def _is_redacted(event: UserUttered) -> bool:
    return event.text == redacted_text(event.intent_name) and not event.metadata


class ConfidentialSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that stores confidential user messages redacted (module docstring)."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        redacted = redact_events(events)
        if all(new is old for new, old in zip(redacted, events)):
            await super().save(tracker)
            return
        # Same events, same order, same count: SQLTrackerStore appends the ones not stored yet.
        copy = DialogueStateTracker.from_events(
            tracker.sender_id, redacted, slots=self.domain.slots,
            max_event_history=tracker._max_event_history,
        )
        await super().save(copy)
