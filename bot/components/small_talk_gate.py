"""A Rasa 3 graph component after the classifiers: a message taken for small talk (a greeting, thanks, a
goodbye) that carries more than the pleasantry — "hello, what can I ask here?", "thanks, and where do I
send the form?" — is a question for the knowledge base, and so is a "thanks" or "goodbye" that says
no such thing ("qwerty", a link). The fixed replies stay for pure conversation;
a question wrapped in a greeting is answered, not greeted. The pleasantries are data
(bot/small_talk.yml)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.complaint_gate import QUESTION_INTENT, cue_pattern
from bot.components.intent_rewriter import IntentRewriter

WORDS_FILE = Path(__file__).resolve().parents[1] / "small_talk.yml"
SMALL_TALK_INTENTS = frozenset({"greet", "thank", "goodbye"})
_NOT_LETTERS = re.compile(r"[\W\d_]+")


class Pleasantries:
    def __init__(self, path: Path = WORDS_FILE) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.words = cue_pattern(data["pleasantries"])
        self.asking = cue_pattern(data["question_cues"])
        self.max_left = int(data["max_left_letters"])
        self.says = {intent: cue_pattern(words) for intent, words in data["says"].items()}

    def carries_more(self, text: str) -> bool:
        """Whether a question is left once the pleasantry's words are taken out: more than a few
        letters, holding a word that asks."""
        rest = self.words.sub(" ", text.lower())
        asks = "?" in rest or "？" in rest or self.asking.search(rest) is not None
        return len(_NOT_LETTERS.sub("", rest)) > self.max_left and asks

    def is_not_what_it_was_taken_for(self, text: str, intent: str) -> bool:
        """A thanks or goodbye that says no such thing (the classifier's guess on text unlike any)."""
        says = self.says.get(intent)
        return says is not None and says.search(text.lower()) is None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class SmallTalkGate(IntentRewriter):
    """Turns small-talk intents of messages that carry a question into questions."""

    def __init__(self, config) -> None:
        super().__init__(config)
        self.pleasantries = Pleasantries()

    def revise(self, message: Message) -> None:
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        text = message.get(TEXT) or ""
        if intent in SMALL_TALK_INTENTS and (self.pleasantries.carries_more(text)
                                             or self.pleasantries.is_not_what_it_was_taken_for(text, intent)):
            self.set_intent(message, QUESTION_INTENT, drop=SMALL_TALK_INTENTS)
