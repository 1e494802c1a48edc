"""The text of a partial reply (outcome "partial"): what ThamTob knows for the years or organisation
the entry's figures are for, instead of presenting that figure as the answer to another year or
organisation. Texts in replies.yml, filled from the entry's scope and the question."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from faq_service.retrieval.scope import BE_OFFSET, ScopeGap


@lru_cache(maxsize=1)
def _texts() -> dict:
    return yaml.safe_load((Path(__file__).parent / "replies.yml").read_text(encoding="utf-8"))


def _t(key: str, lang: str, **values) -> str:
    texts = _texts()[key]
    return texts.get(lang, texts["en"]).format(**values)


def _year(year: int, fiscal: bool, lang: str) -> str:
    return _t("fiscal_year" if fiscal else "calendar_year", lang, year=year, ce=year - BE_OFFSET)


def _join(parts: list[str], lang: str) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + _t("and", lang) + parts[-1]


def reply_text(gap: ScopeGap, answer: str, lang: str) -> str:
    scope = gap.scope
    figure = (scope.get("figure") or {}).get(lang) or _t("figure_default", lang)
    contacts = _t("contacts", lang)
    organisation = scope.get("organisation") or "TCEB"
    if gap.organisations:
        return _t("other_organisation", lang, figure=figure, organisation=organisation,
                  asked=_join(gap.organisations, lang), contacts=contacts)
    known = [_year(y, True, lang) for y in scope.get("fiscal_years") or ()]
    known += [_year(y, False, lang) for y in scope.get("years") or ()]
    asked = _join([_year(y.year, y.fiscal, lang) for y in gap.years], lang)
    return _t("other_year", lang, figure=figure, known=_join(known, lang), asked=asked, answer=answer,
              contacts=contacts)
