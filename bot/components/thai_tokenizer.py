"""A Rasa 3 graph-component tokenizer for Thai and English on PyThaiNLP (engine newmm).

Thai has no spaces between words, so Rasa's WhitespaceTokenizer cannot be used for it. PyThaiNLP's
`newmm` dictionary-based maximal matching splits Thai runs into words and splits Latin-script runs
(English words, numbers, punctuation) at their own boundaries, so mixed messages such as
"อยากได้คู่มือ MEGA EVENT" give both Thai and English tokens. Every token keeps its character offsets
in the original text (needed by the featurizers and for entity spans).
"""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.training_data.message import Message

# The agency's names, kept whole so that they become one token each.
DEFAULT_CUSTOM_WORDS = ("สสปน", "สสพ", "สสพน", "ทีเส็บ", "ไมซ์", "ธรรมาภิบาล")

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), " ")


def _is_space(text: Text) -> bool:
    return not text.strip()


def _is_punct_only(text: Text) -> bool:
    return all(unicodedata.category(ch)[0] in "PSZ" for ch in text)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class ThaiTokenizer(Tokenizer):
    """Splits Thai and English text into words with PyThaiNLP `newmm`, keeping offsets."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Returns the component's default config."""
        return {
            # Flag to check whether to split intents
            "intent_tokenization_flag": False,
            # Symbol on which intent should be split
            "intent_split_symbol": "_",
            # Regular expression to detect tokens
            "token_pattern": None,
            # Symbol on which prefix should be split
            "prefix_separator_symbol": None,
            # PyThaiNLP engine: newmm (dictionary maximal matching, Thai Character Clusters)
            "engine": "newmm",
            # extra words for the dictionary (agency names, domain terms)
            "custom_words": list(DEFAULT_CUSTOM_WORDS),
            # drop tokens that are only punctuation/symbols (unless nothing else is left)
            "drop_punctuation": True,
        }

    @staticmethod
    def supported_languages() -> Optional[List[Text]]:
        """Thai, and English (which appears mixed into Thai messages)."""
        return ["th", "en"]

    @staticmethod
    def required_packages() -> List[Text]:
        """Packages needed by this component."""
        return ["pythainlp"]

    def __init__(self, config: Dict[Text, Any]) -> None:
        """Initialises the tokenizer and its dictionary."""
        super().__init__(config)
        self.engine = self._config.get("engine", "newmm")
        self.drop_punctuation = bool(self._config.get("drop_punctuation", True))
        self._trie = self._build_trie(self._config.get("custom_words") or [])

    @staticmethod
    def _build_trie(words: Iterable[Text]) -> Any:
        words = [w for w in words if w]
        if not words:
            return None
        from pythainlp.corpus.common import thai_words
        from pythainlp.util import dict_trie

        return dict_trie(set(thai_words()) | set(words))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ThaiTokenizer:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def split_words(self, text: Text) -> List[Text]:
        """The words of `text` (whitespace removed, punctuation optionally dropped)."""
        from pythainlp.tokenize import word_tokenize

        cleaned = text.translate(_ZERO_WIDTH)
        words = word_tokenize(
            cleaned, engine=self.engine, custom_dict=self._trie, keep_whitespace=False
        )
        words = [w.strip() for w in words if not _is_space(w)]
        if self.drop_punctuation:
            kept = [w for w in words if not _is_punct_only(w)]
            words = kept or words
        return words

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        """Tokenizes the text of `attribute`, with character offsets into the original text."""
        text = message.get(attribute) or ""
        words = self.split_words(text)
        if not words:
            words = [text] if text else []
        tokens: List[Token] = []
        position = 0
        for word in words:
            start = text.find(word, position)
            if start < 0:  # cannot happen for newmm, but never lose a token
                start = position
            end = start + len(word)
            tokens.append(Token(word, start))
            position = end
        return self._apply_token_pattern(tokens)
