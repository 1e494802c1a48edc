"""Imports every domain's models so that Base.metadata knows all tables (Alembic, tests)."""


def import_all_models() -> None:
    from faq_service.faqs import models as _faqs  # noqa: F401
    from faq_service.questions import models as _questions  # noqa: F401
