"""The knowledge base as the retrieval index sees it (retrieval.service.EntrySource): published
entries as documents, and the change counter every process polls."""
from __future__ import annotations

from sqlalchemy.orm import Session

from faq_service.faqs import service as faqs
from faq_service.retrieval.index import EntryDoc


class PublishedEntries:
    def version(self, session: Session) -> int:
        return faqs.kb_version(session)

    def changed_since(self, session: Session, seq: int) -> tuple[list[EntryDoc], set[int]]:
        changed = faqs.entries_changed_since(session, seq)
        published = [faqs.to_doc(e) for e in changed if e.status == "published" and e.languages()]
        return published, {e.id for e in changed} - {d.faq_id for d in published}
