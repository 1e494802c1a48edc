"""The common shape of ThamTob's NLU components that only revise what the classifier chose: untrained,
configured from defaults, leaving training data alone; a subclass says how one message is revised."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

INTENT_RANKING = "intent_ranking"


class IntentRewriter(GraphComponent):
    """Base of components that set a message's intent after the classifiers."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the component."""
        self.config = config

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentRewriter":
        """Creates a new component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Revises each message's intent."""
        for message in messages:
            self.revise(message)
        return messages

    def revise(self, message: Message) -> None:
        """Sets the intent of one message (subclasses)."""
        raise NotImplementedError

    @staticmethod
    def set_intent(message: Message, name: str, confidence: Optional[float] = None,
                   drop: frozenset = frozenset()) -> None:
        """Makes `name` the message's intent (at `confidence`, default the classifier's own), first in the
        ranking, with the intents in `drop` left out of the ranking."""
        current = message.get(INTENT) or {}
        if confidence is None:
            confidence = current.get(PREDICTED_CONFIDENCE_KEY, 1.0)
        chosen = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
        ranking = [chosen] + [r for r in message.get(INTENT_RANKING) or []
                              if r.get(INTENT_NAME_KEY) not in drop | {name}]
        message.set(INTENT, chosen, add_to_output=True)
        message.set(INTENT_RANKING, ranking, add_to_output=True)
