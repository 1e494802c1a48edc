"""Imports every domain's models so that Base.metadata knows all tables (Alembic, tests)."""


def import_all_models() -> None:
    from faq_service.faqs import models as _faqs  # noqa: F401
    from faq_service.questions import models as _questions  # noqa: F401
    from faq_service.core.auth import models as _auth  # noqa: F401
    from faq_service.review import models as _review  # noqa: F401
    from faq_service.measures import models as _measures  # noqa: F401
    from faq_service.reports import models as _reports  # noqa: F401
    from faq_service.retrieval import models as _retrieval  # noqa: F401
    from faq_service.complaints import models as _complaints  # noqa: F401
    from faq_service.documents import models as _documents  # noqa: F401
