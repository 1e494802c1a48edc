"""A Rasa 3 graph component, last in the NLU pipeline: a message holding a complaint tracking code
(TC-XXXX-XXXX-XXXX, bot/confidential.py) is a status check, whatever the classifier said.

So "where is my complaint TC-…" always leads to the status page and never to the FAQ service (which would
log the question, code and all, beside the session id). The code itself is never stored: the tracker
store (bot/tracker_store.py) keeps such messages as `/check_complaint_status`.
"""
from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.intent_rewriter import INTENT_RANKING, IntentRewriter
from bot.confidential import STATUS_INTENT, contains_tracking_code


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class TrackingCodeIntent(IntentRewriter):
    """Sets the intent `check_complaint_status` (confidence 1) on messages holding a tracking code."""

    def revise(self, message: Message) -> None:
        """The status intent for a message that holds a tracking code; the others lose their confidence."""
        if not contains_tracking_code(message.get(TEXT)):
            return
        ranking = [{**r, PREDICTED_CONFIDENCE_KEY: 0.0} for r in message.get(INTENT_RANKING) or []]
        message.set(INTENT_RANKING, ranking)
        self.set_intent(message, STATUS_INTENT, 1.0)
