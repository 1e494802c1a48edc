"""Key rotation: every encrypted value of the complaint tables decrypted with the old key and sealed
again with the new one, in one transaction (all or nothing). docs/security.md says how to run it."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from faq_service.complaints.crypto import ContentCipher
from faq_service.complaints.models import (Complaint, ComplaintEvent, ComplaintEvidence, ComplaintMessage,
                                           ComplaintReplay)

# Each encrypted column with the purpose it was sealed for (the associated data of crypto.py).
SEALED = {
    Complaint: {"description_enc": "description", "when_enc": "when", "where_enc": "where",
                "concerned_enc": "concerned", "name_enc": "name", "contact_enc": "contact"},
    ComplaintEvent: {"note_enc": "note"},
    ComplaintMessage: {"text_enc": "message"},
    ComplaintEvidence: {"filename_enc": "filename", "data_enc": "evidence"},
    ComplaintReplay: {"answer_enc": "replay"},
}


def rekey(session: Session, old: ContentCipher, new: ContentCipher) -> int:
    """Values sealed again; a value the old key does not open stops everything (ValueError)."""
    done = 0
    for model, columns in SEALED.items():
        for row in session.scalars(select(model)):
            for column, purpose in columns.items():
                blob = getattr(row, column)
                if blob is not None:
                    setattr(row, column, new.seal(old.open_bytes(blob, purpose), purpose))
                    done += 1
    return done
