"""The published passages as the passage index sees them (retrieval.passages.PassageSource)."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from faq_service.documents import service as documents
from faq_service.retrieval.passages import PassageDoc


class PublishedPassages:
    def version(self, session: Session) -> int:
        return documents.documents_version(session)

    def passages(self, session: Session, on: date) -> list[PassageDoc]:
        return [PassageDoc(p.passage_id, p.text, p.lang, p.title, p.section, p.page, p.url)
                for p in documents.published_passages(session, on)]
