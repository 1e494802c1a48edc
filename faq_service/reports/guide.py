"""The Q&A answering guide (คู่มือแนวทางการตอบคำถาม Q&A, the seed's E9 step 2): every published entry
by category, Thai and English, with the guide's version (the knowledge-base change counter) and date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.core.db import utcnow
from faq_service.faqs.models import FaqEntry
from faq_service.faqs.service import kb_version
from faq_service.reports import content
from faq_service.reports.render import _env, html_to_pdf


@dataclass
class GuideCategory:
    key: str
    title_th: str
    title_en: str
    entries: list[dict] = field(default_factory=list)


@dataclass
class Guide:
    version: int
    generated_at: datetime
    categories: list[GuideCategory]

    @property
    def count(self) -> int:
        return sum(len(c.entries) for c in self.categories)


def build_guide(session: Session, now: datetime | None = None) -> Guide:
    th, en = content.texts("th"), content.texts("en")
    cats: dict[str, GuideCategory] = {}
    rows = session.scalars(select(FaqEntry).where(FaqEntry.status == "published")
                           .order_by(FaqEntry.category, FaqEntry.key))
    for e in rows:
        cat = cats.setdefault(e.category, GuideCategory(e.category, th.get(f"cat_{e.category}", e.category),
                                                        en.get(f"cat_{e.category}", e.category)))
        cat.entries.append({
            "key": e.key, "version": e.version, "needs_review": e.needs_review, "source_url": e.source_url,
            "updated_th": content.date_short(e.updated_at, "th"), "updated_en": content.date_short(e.updated_at, "en"),
            "th": {"q": e.question_th, "a": e.answer_th, "alt": list(e.alternates_th or [])[:5]},
            "en": {"q": e.question_en, "a": e.answer_en, "alt": list(e.alternates_en or [])[:5]},
        })
    return Guide(kb_version(session), now or utcnow(), list(cats.values()))


def guide_html(guide: Guide) -> str:
    return _env.get_template("guide.html").render(
        g=guide, th=content.texts("th"), en=content.texts("en"),
        date_th=content.date_long(guide.generated_at, "th"), date_en=content.date_long(guide.generated_at, "en"))


def render_guide(guide: Guide, fmt: str) -> bytes:
    html = guide_html(guide)
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return html_to_pdf(html)
    raise ValueError("format must be html or pdf")
