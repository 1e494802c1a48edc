"""E-mail to complaints officers when a new complaint arrives: the one module that talks to the mail
server (THAMTOB_SMTP_URL).

The message says only that a new complaint arrived, with a link to the desk: no kind, no tracking
code, no content, since mailboxes are neither encrypted like the complaint nor audited like the desk.
Sending happens after the complaint is committed, on a worker thread of its own with a time budget
(THAMTOB_SMTP_TIMEOUT): a slow or missing mail server never delays or fails a submission; a failure is
logged and the complaint waits in the desk's queue all the same.

Recipients: the addresses in THAMTOB_COMPLAINT_NOTIFY_TO and the stored e-mail address of every active
complaints officer (set by an admin in the console, the staff API or `thamtob staff set-email`; read
when the message is sent, so a revoked officer is no longer told).
"""
from __future__ import annotations

import logging
import re
import smtplib
import ssl
from concurrent.futures import Future, ThreadPoolExecutor
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from faq_service.staff.service import complaints_officers

log = logging.getLogger(__name__)

TEXTS_PATH = Path(__file__).resolve().parent / "desk.yml"
DESK_PATH = "/console/complaints"
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")

# One sender thread: messages go out one after another, never on the request's thread.
_sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="complaint-mail")


def new_complaint(settings, db=None) -> Future | None:
    """Announce a new complaint to the officers. Call it after the complaint is committed; it returns
    at once (the Future is for tests) and never raises. `db` (core.db.Database) adds the officers'
    stored addresses to the recipients."""
    if not settings.smtp_url:
        return None
    try:
        return _sender.submit(_send_safely, settings, db)
    except RuntimeError:  # the process is shutting down
        log.warning("complaint notification not sent: shutting down")
        return None


def _send_safely(settings, db) -> int:
    try:
        recipients = recipients_for(settings, db)
        if not recipients:
            log.warning("complaint notification not sent: no recipients (THAMTOB_COMPLAINT_NOTIFY_TO, or "
                        "complaints officers' e-mail addresses)")
            return 0
        send(settings, recipients, message(settings, recipients))
        log.info("complaint notification sent to %d recipient(s)", len(recipients))
        return len(recipients)
    except Exception as exc:  # noqa: BLE001 - whatever happens, the complaint is already safe
        log.warning("complaint notification not sent: %s: %s", type(exc).__name__, exc)
        return 0


def recipients_for(settings, db=None) -> list[str]:
    listed = [a.strip() for a in re.split(r"[,;\s]+", settings.complaint_notify_to or "") if a.strip()]
    officers: list[str] = []
    if db is not None:
        with db.session() as s:
            officers = [u.email for u in complaints_officers(s) if u.email]
    seen: dict[str, str] = {}
    for address in listed + officers:
        if ADDRESS.match(address):
            seen.setdefault(address.lower(), address)
    return list(seen.values())


@lru_cache(maxsize=1)
def _texts() -> dict:
    data = yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))
    return {lang: {k: data[lang][k] for k in ("mail_subject", "mail_body")} for lang in ("th", "en")}


def desk_url(settings) -> str:
    base = (settings.console_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    return base + DESK_PATH


def message(settings, recipients: list[str]) -> EmailMessage:
    """Thai, then English; the link is the only variable part."""
    texts, url = _texts(), desk_url(settings)
    msg = EmailMessage()
    msg["Subject"] = f"{texts['th']['mail_subject']} / {texts['en']['mail_subject']}"
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    msg.set_content(texts["th"]["mail_body"].format(url=url).strip() + "\n\n---\n\n"
                    + texts["en"]["mail_body"].format(url=url).strip() + "\n")
    return msg


def send(settings, recipients: list[str], msg: EmailMessage) -> None:
    url = urlsplit(settings.smtp_url)
    scheme, host = url.scheme, url.hostname
    port = url.port or DEFAULT_PORTS[scheme]
    timeout = settings.smtp_timeout_s
    if scheme == "smtps":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if scheme == "smtp+starttls":
            smtp.starttls(context=ssl.create_default_context())
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(msg, from_addr=settings.smtp_from, to_addrs=recipients)
