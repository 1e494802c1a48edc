"""Thai or English: the language the bot answers in.

This is faq_service's rule (detect_lang), carried here as well because the bot must still answer in the
visitor's language while faq_service is down. Used by the action server (actions/actions.py), the NLU
component that fills the `lang` slot (bot/components/language_detector.py) and the REST channel's error
messages (bot/channels/guarded_rest.py). Both copies are checked against tests/cases/detect_lang.yml;
change the rule only together with faq_service's.

Standard library only, so that each of them can import it (the action server's image copies this one
file of bot/).
"""
from __future__ import annotations

import re

_THAI = re.compile("[\u0e00-\u0e7f]")
_LATIN = re.compile("[A-Za-z]")


def detect_lang(text: str) -> str:
    """'th' when Thai letters make up at least a fifth of the letters, else 'en'."""
    thai = len(_THAI.findall(text))
    latin = len(_LATIN.findall(text))
    if thai and thai >= 0.2 * (thai + latin):
        return "th"
    return "en"
