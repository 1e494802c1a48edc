"""`thamtob measures …`: load the ITA measures (data/measures) into the database."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from faq_service.core.settings import REPO_ROOT

measures_app = typer.Typer(help="ITA measures: import the measure tables.", no_args_is_help=True)
console = Console()


@measures_app.command("import")
def measures_import(path: Path = typer.Argument(REPO_ROOT / "data" / "measures", exists=True,
                                                help="a .yml file or a folder (default data/measures)"),
                    author: str = typer.Option("cli-import")) -> None:
    """Upsert indicators, items and measures by key; changes are kept in the measures' history."""
    from faq_service.core.migrations import open_database
    from faq_service.measures.service import MeasureError, import_path

    try:
        with open_database().session() as s:
            counts = import_path(s, path, author)
    except MeasureError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    console.print(f"measures: created {counts.created}, updated {counts.updated}, unchanged {counts.unchanged}")
