"""`thamtob faq …`: knowledge-base import and export on the database named by DATABASE_URL."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

faq_app = typer.Typer(help="Knowledge-base import and export.", no_args_is_help=True)
console = Console()


@faq_app.command("import")
def faq_import(path: Path = typer.Argument(..., exists=True, help="a .yml/.csv/.xlsx file or a folder"),
               author: str = typer.Option("cli-import")) -> None:
    """Upsert entries by key; keys the files do not mention are left alone."""
    from faq_service.core.migrations import open_database
    from faq_service.faqs.service import import_path

    try:
        counts = import_path(open_database(), path, author)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    console.print(f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}")


@faq_app.command("export")
def faq_export(fmt: str = typer.Option("yaml", "--format", help="yaml, csv or xlsx"),
               out: Path = typer.Option(..., "--out")) -> None:
    """Write every entry (all statuses) to a file."""
    from sqlalchemy import select

    from faq_service.core.migrations import open_database
    from faq_service.faqs.io import export_bytes
    from faq_service.faqs.models import FaqEntry

    if fmt not in ("yaml", "csv", "xlsx"):
        console.print("[red]--format must be yaml, csv or xlsx[/red]")
        raise typer.Exit(2)
    with open_database().session() as s:
        entries = list(s.scalars(select(FaqEntry).order_by(FaqEntry.category, FaqEntry.key)))
    out.write_bytes(export_bytes(entries, fmt))
    console.print(f"wrote {len(entries)} entries to {out}")
