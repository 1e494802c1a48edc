"""`thamtob complaints …`: retention purge of closed complaints and rotation of the content key."""
from __future__ import annotations

import base64
import os

import typer
from rich.console import Console

complaints_app = typer.Typer(help="Complaints: retention purge and key rotation.", no_args_is_help=True)
console = Console()


@complaints_app.command("purge")
def purge(days: int = typer.Option(None, help="default $THAMTOB_COMPLAINT_RETENTION_DAYS")) -> None:
    """Delete complaints closed longer ago than the retention period, with their evidence and messages."""
    from faq_service.complaints.service import purge_closed
    from faq_service.core.migrations import open_database
    from faq_service.core.settings import get_settings

    days = get_settings().complaint_retention_days if days is None else days
    with open_database().session() as s:
        removed = purge_closed(s, days)
    console.print(f"complaints: {removed} closed more than {days} days ago deleted")


@complaints_app.command("rotate-key")
def rotate_key() -> None:
    """Seal every complaint value again with the key in $THAMTOB_COMPLAINTS_NEW_KEY (32 bytes, base64),
    in one transaction; then make that key THAMTOB_COMPLAINTS_KEY and restart (docs/security.md)."""
    from faq_service.complaints.crypto import ContentCipher, load_cipher
    from faq_service.complaints.rekey import rekey
    from faq_service.core.migrations import open_database
    from faq_service.core.settings import get_settings

    raw = os.environ.get("THAMTOB_COMPLAINTS_NEW_KEY", "")
    try:
        new = ContentCipher(base64.b64decode(raw, validate=True))
    except ValueError:
        console.print("[red]THAMTOB_COMPLAINTS_NEW_KEY must be 32 bytes in base64 "
                      "(example: THAMTOB_COMPLAINTS_NEW_KEY=$(head -c 32 /dev/urandom | base64))[/red]")
        raise typer.Exit(2)
    try:
        with open_database().session() as s:
            count = rekey(s, load_cipher(get_settings()), new)
    except ValueError as exc:
        console.print(f"[red]{exc}; nothing was changed[/red]")
        raise typer.Exit(1)
    console.print(f"complaints: {count} values sealed with the new key; now set THAMTOB_COMPLAINTS_KEY to it")
