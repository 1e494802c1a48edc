"""`thamtob`: the command line of ThamTob (serve, knowledge-base import/export, database)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from faq_service.privacy.cli import privacy_app
from faq_service.measures.cli import measures_app
from faq_service.reports.cli import register as register_reports
from faq_service.settings import get_settings
from faq_service.staff.cli import staff_app

app = typer.Typer(help="ThamTob — TCEB's question-answering service.", no_args_is_help=True)
faq_app = typer.Typer(help="Knowledge-base import and export.", no_args_is_help=True)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(faq_app, name="faq")
app.add_typer(db_app, name="db")
app.add_typer(privacy_app, name="privacy")
app.add_typer(measures_app, name="measures")
app.add_typer(staff_app, name="staff")
register_reports(app)
console = Console()


def _database():
    from faq_service.db import Database
    from faq_service.startup import migrate

    db = Database(get_settings().database_url)
    migrate(db)
    return db


@app.command()
def serve(host: str = typer.Option(None, help="default $FAQ_HOST"),
          port: int = typer.Option(None, help="default $FAQ_PORT"),
          workers: int = typer.Option(1, help="uvicorn worker processes")) -> None:
    """Run faq_service (migrates, imports the sample KB when empty, then serves)."""
    import uvicorn

    settings = get_settings()
    uvicorn.run("faq_service.main:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, workers=workers, log_level="info", proxy_headers=False)


@faq_app.command("import")
def faq_import(path: Path = typer.Argument(..., exists=True, help="a .yml/.csv/.xlsx file or a folder"),
               author: str = typer.Option("cli-import")) -> None:
    """Upsert entries by key; keys the files do not mention are left alone."""
    from faq_service.startup import import_path

    try:
        counts = import_path(_database(), path, author)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    console.print(f"created {counts['created']}, updated {counts['updated']}, unchanged {counts['unchanged']}")


@faq_app.command("export")
def faq_export(fmt: str = typer.Option("yaml", "--format", help="yaml, csv or xlsx"),
               out: Path = typer.Option(..., "--out")) -> None:
    """Write every entry (all statuses) to a file."""
    from sqlalchemy import select

    from faq_service.faqs.io import export_bytes
    from faq_service.faqs.models import FaqEntry

    if fmt not in ("yaml", "csv", "xlsx"):
        console.print("[red]--format must be yaml, csv or xlsx[/red]")
        raise typer.Exit(2)
    with _database().session() as s:
        entries = list(s.scalars(select(FaqEntry).order_by(FaqEntry.category, FaqEntry.key)))
    out.write_bytes(export_bytes(entries, fmt))
    console.print(f"wrote {len(entries)} entries to {out}")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    from faq_service.db import Database
    from faq_service.startup import migrate

    migrate(Database(get_settings().database_url), revision)


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("base")) -> None:
    from alembic import command

    from faq_service.db import Database
    from faq_service.startup import alembic_config

    command.downgrade(alembic_config(Database(get_settings().database_url)), revision)


if __name__ == "__main__":
    app()
