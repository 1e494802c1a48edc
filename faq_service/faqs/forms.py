"""The entry form of the console: a submitted form as an EntryIn, and an entry as form values."""
from __future__ import annotations

from faq_service.faqs.io import SCOPE_COLUMNS, flat_scope, scope_of_flat
from faq_service.faqs.models import LANGS
from faq_service.faqs.schemas import EntryIn

TEXT_FIELDS = ("key", "category", "source_url", "question_th", "answer_th", "alternates_th", "question_en",
               "answer_en", "alternates_en") + SCOPE_COLUMNS


def form_entry(form, key: str) -> EntryIn:
    raw: dict = {"key": key, "category": (form.get("category") or "general").strip(),
                 "needs_review": form.get("needs_review") == "on",
                 "source_url": (form.get("source_url") or "").strip() or None}
    for lang in LANGS:
        question = (form.get(f"question_{lang}") or "").strip()
        answer = (form.get(f"answer_{lang}") or "").replace("\r\n", "\n").strip()
        alternates = [a.strip() for a in (form.get(f"alternates_{lang}") or "").splitlines() if a.strip()]
        if question or answer or alternates:
            raw[lang] = {"question": question, "answer": answer, "alternates": alternates}
    scope = scope_of_flat({c: (form.get(c) or "").strip() for c in SCOPE_COLUMNS})
    if scope is not None:
        raw["scope"] = scope
    return EntryIn.model_validate(raw)


def form_values(form) -> dict:
    values = {k: (form.get(k) or "") for k in TEXT_FIELDS}
    values["needs_review"] = form.get("needs_review") == "on"
    return values


def values(content: dict) -> dict:
    out = {k: content.get(k) or "" for k in ("key", "category", "source_url", "question_th", "answer_th",
                                              "question_en", "answer_en")}
    for lang in LANGS:
        out[f"alternates_{lang}"] = "\n".join(content.get(f"alternates_{lang}") or [])
    out["needs_review"] = bool(content.get("needs_review"))
    out.update(flat_scope(content.get("scope")))
    return out
