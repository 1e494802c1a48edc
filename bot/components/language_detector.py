"""A Rasa 3 graph component that tags each user message with its language (entity `lang`).

The language is bot/language.py's rule (faq_service's): Thai (`th`) when Thai letters make up at least a
fifth of the letters, otherwise English (`en`). The entity fills the `lang` slot on every user turn, and
responses choose their Thai or English variation on it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import detect_lang


def detect_language(text: Text) -> Text:
    """`th` or `en` (bot/language.py); a message without text counts as English."""
    return detect_lang(text or "")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False
)
class LanguageDetector(GraphComponent):
    """Adds the entity `lang` (th|en) to every message that has text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {"entity": "lang"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Creates the component."""
        self.entity = config.get("entity", "lang")

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        """Creates a new component (see parent class for full docstring)."""
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data is left as it is (the language is not learned)."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        """Appends the `lang` entity to each message."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            entities = [
                e for e in message.get(ENTITIES, []) or []
                if e.get(ENTITY_ATTRIBUTE_TYPE) != self.entity
            ]
            entities.append(
                {
                    ENTITY_ATTRIBUTE_TYPE: self.entity,
                    ENTITY_ATTRIBUTE_VALUE: detect_language(text),
                    ENTITY_ATTRIBUTE_START: 0,
                    ENTITY_ATTRIBUTE_END: len(text),
                    EXTRACTOR: self.__class__.__name__,
                }
            )
            message.set(ENTITIES, entities, add_to_output=True)
        return messages
