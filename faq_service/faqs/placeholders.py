"""Values an answer may name in braces ({complaint_ack_days}, {complaints_form_url}…), filled from the
settings when the answer is shown: time frames and addresses the service is configured with are
never written into the knowledge base as facts, and change with the settings. Only these names are
filled; any other braces stay as they are."""
from __future__ import annotations

import re


def values_from(settings) -> dict[str, str]:
    base = settings.public_url.rstrip("/")
    return {"complaints_form_url": f"{base}/complaints", "complaints_status_url": f"{base}/complaints/status",
            "complaint_ack_days": str(settings.complaint_ack_days),
            "complaint_result_days": str(settings.complaint_result_days)}


_NAMES = ("complaints_form_url", "complaints_status_url", "complaint_ack_days", "complaint_result_days")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(_NAMES) + r")\}")


def fill(text: str | None, values: dict[str, str]) -> str | None:
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text) if text else text
