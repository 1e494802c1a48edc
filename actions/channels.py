"""Which channel a question came through, in the question log's words: web (the chat page), widget (the
chat widget on another site), line (LINE) or api (direct /api/v1/ask calls, never through the bot).

Rasa names the input channel ("rest" for the REST webhook, "line" for LINE); the chat page and the widget
both use the REST webhook and tell themselves apart by the message metadata they send,
`{"surface": "web"}` or `{"surface": "widget"}`. Any other Rasa channel, or REST without a surface, counts
as the web page: a conversation with the bot that did not come through LINE or the widget.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional

WEB, WIDGET, LINE = "web", "widget", "line"


def question_channel(input_channel: Optional[str], metadata: Optional[Mapping[str, Any]]) -> str:
    """The question-log channel of a message from Rasa's input channel name and its metadata."""
    if (input_channel or "").strip().lower() == LINE:
        return LINE
    surface = metadata.get("surface") if isinstance(metadata, Mapping) else None
    return WIDGET if surface == WIDGET else WEB
