"""A Rasa 3 graph component after the classifiers, with word lists in bot/complaint_cues.yml:
- a message the classifier took for a report of wrongdoing or a complaint status check, but that names
  nothing of the kind (no word of `cues`), is a question for the knowledge base instead;
- a "report" that asks how reporting works (a word of `asking`) without saying the visitor wants to
  report now (no word of `wishing`) is a question about complaints: the knowledge base answers it and the
  bot offers to take a report, so a wish phrased as a question costs one click, and a question is never
  lost to an intake it did not ask for;
- a wish to report that comes with a question and a worry about what reporting requires or risks (a word
  of `worries`: "do I have to give my name?") is such a question too: the answer says how open and
  confidential reports differ, and the report button follows;
- a status check that asks how following a complaint works (a word of `how_to`) is such a question too;
- a "report" that is a bare topic (a word of `topics` in a message of at most `bare_topic_words` words,
  no wish, nothing that happened) is a search for the topic, answered the same way. A terse status check
  ("track complaint") keeps its reply, which gives the status page.

The intent classifier is confident on sentences unlike anything it was trained on ("tceb homepage" as a
wish to report). Starting the intake there fails the visitor's question, while a real report or status
check says what it is about. A message NLU was unsure about (nlu_fallback) keeps that intent, but the
complaint intents leave its ranking, so it is not treated as part of an intake. Messages holding a
tracking code are left to TrackingCodeIntent, which comes after this one.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Pattern

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.intent_rewriter import INTENT_RANKING, IntentRewriter
from bot.confidential import (CONFIDENTIAL_INTENTS, FALLBACK_INTENT, REPORT_INTENT, STATUS_INTENT,
                              contains_tracking_code, leading_intent)

CUES_FILE = Path(__file__).resolve().parents[1] / "complaint_cues.yml"
QUESTION_INTENT = "ask_question"
CHANNELS_INTENT = "ask_complaint_channels"


def cue_pattern(words: Iterable[str], whole: bool = False) -> Pattern[str]:
    """One pattern for all cue words: Latin ones at a word start (`whole`: as whole words), Thai ones and
    punctuation anywhere."""
    alternatives = []
    for word in sorted({w.strip().lower() for w in words if w and w.strip()}, key=len, reverse=True):
        escaped = re.escape(word)
        if re.match(r"[a-z]", word):  # Thai words and punctuation ("?") match anywhere
            escaped = rf"(?<![a-z]){escaped}" + (r"(?![a-z'])" if whole else "")
        alternatives.append(escaped)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def word_count(message: Message) -> int | None:
    """The words the tokenizer found (punctuation aside), or None before tokenizing."""
    tokens = message.get(TOKENS_NAMES[TEXT])
    if not tokens:
        return None
    return sum(1 for t in tokens if re.search(r"\w", t.text))


class Cues:
    """The word lists of bot/complaint_cues.yml as patterns."""

    def __init__(self, path: Path = CUES_FILE) -> None:
        lists = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.complaint, self.asking, self.wishing, self.not_wishing, self.how_to, self.worries, self.topics = (
            cue_pattern(lists[name]) for name in ("cues", "asking", "wishing", "not_wishing", "how_to", "worries",
                                                  "topics"))
        self.narrative = cue_pattern(lists["narrative"], whole=True)
        self.status = cue_pattern(lists["status_cues"])
        self.bare_topic_words = int(lists["bare_topic_words"])

    def names_a_complaint(self, text: str, status: bool = False) -> bool:
        """`status`: for a status check, which needs a word of `status_cues` as well."""
        return self.complaint.search(text) is not None and (not status or self.status.search(text) is not None)

    def wishes(self, text: str) -> bool:
        return self.wishing.search(self.not_wishing.sub(" ", text)) is not None

    def asks_how_reporting_works(self, text: str) -> bool:
        if self.asking.search(text) is None:
            return False
        return not self.wishes(text) or self.worries.search(text) is not None

    def is_bare_topic(self, text: str, words: int | None = None) -> bool:
        """`words`: the tokenizer's count (Thai has no spaces); by default, the text's space-separated words."""
        words = len(text.split()) if words is None else words
        return (words <= self.bare_topic_words and self.topics.search(text) is not None
                and self.narrative.search(text) is None and not self.wishes(text))

    def asks_how_to_follow_up(self, text: str) -> bool:
        return self.how_to.search(text) is not None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class ComplaintCueGate(IntentRewriter):
    """Turns complaint intents that name no complaint, or only ask about reporting, into questions."""

    def __init__(self, config) -> None:
        super().__init__(config)
        self.cues = Cues()

    def revise(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        leaning = leading_intent(intent, message.get(INTENT_RANKING))
        if leaning not in CONFIDENTIAL_INTENTS or contains_tracking_code(text):
            return
        if not self.cues.names_a_complaint(text, status=leaning == STATUS_INTENT):
            new_intent = FALLBACK_INTENT if intent == FALLBACK_INTENT else QUESTION_INTENT
        elif leaning == REPORT_INTENT and self.cues.asks_how_reporting_works(text):
            new_intent = CHANNELS_INTENT
        elif leaning == STATUS_INTENT and self.cues.asks_how_to_follow_up(text):
            new_intent = CHANNELS_INTENT
        elif leaning == REPORT_INTENT and self.cues.is_bare_topic(text, word_count(message)):
            new_intent = CHANNELS_INTENT
        else:
            return
        self.set_intent(message, new_intent, drop=CONFIDENTIAL_INTENTS)
