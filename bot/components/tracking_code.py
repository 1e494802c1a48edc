"""A Rasa 3 graph component, last in the NLU pipeline: a message holding a complaint tracking code
(TC-XXXX-XXXX-XXXX, bot/confidential.py) is a status check, whatever the classifier said.

So "where is my complaint TC-…" always leads to the status page and never to the FAQ service (which would
log the question, code and all, beside the session id). The code itself is never stored: the tracker
store (bot/tracker_store.py) keeps such messages as `/check_complaint_status`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.confidential import STATUS_INTENT, contains_tracking_code

INTENT_RANKING = "intent_ranking"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class TrackingCodeIntent(GraphComponent):
    """Sets the intent `check_complaint_status` (confidence 1) on messages holding a tracking code."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {"intent": STATUS_INTENT}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the component."""
        self.intent = config.get("intent", STATUS_INTENT)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TrackingCodeIntent:
        """Creates a new component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Overrides the intent of each message that holds a tracking code."""
        for message in messages:
            if not contains_tracking_code(message.get(TEXT)):
                continue
            chosen = {INTENT_NAME_KEY: self.intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [chosen] + [
                {**r, PREDICTED_CONFIDENCE_KEY: 0.0}
                for r in message.get(INTENT_RANKING) or []
                if r.get(INTENT_NAME_KEY) != self.intent
            ]
            message.set(INTENT, chosen, add_to_output=True)
            message.set(INTENT_RANKING, ranking, add_to_output=True)
        return messages
