"""The form token of the complaint pages: signed with the service's secret key and valid for a few
hours, it shows a submission came from a page this service rendered. The API takes no cookies, so the
token is bound to time, not to a session; channels that do not use the pages send none."""
from __future__ import annotations

from faq_service.core.auth import security

MAX_AGE_S = 4 * 3600


def issue_form_token(secret_key: str) -> str:
    return security.sign_token(secret_key, username="complaint-form", token_version=0, kind="complaint-form",
                               ttl_s=MAX_AGE_S)


def form_token_ok(secret_key: str, token: str) -> bool:
    return security.read_token(secret_key, token, "complaint-form") is not None
