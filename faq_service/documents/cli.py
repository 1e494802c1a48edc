"""`thamtob docs …`: importing documents (a file or a folder) and listing them, on the database named by
DATABASE_URL. Reading runs in this process at the lowest priority (os.nice), as it does in the service's
worker process. `thamtob docs worker` runs the console's queued imports in a process of its own."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

docs_app = typer.Typer(help="Documents as knowledge: import, list, expired, worker.", no_args_is_help=True)
console = Console()


@docs_app.command("import")
def docs_import(path: Path = typer.Argument(..., exists=True, help="a PDF, .docx, .html, .md or .txt file, or a folder"),
                title: Optional[str] = typer.Option(None, help="the title (one file only; default: the document's own)"),
                source_url: Optional[str] = typer.Option(None, "--source-url", help="where the document is published"),
                valid_until: Optional[str] = typer.Option(None, "--valid-until", help="YYYY-MM-DD: it stops answering after"),
                author: str = typer.Option("cli-import")) -> None:
    """Import each file: unchanged bytes are skipped, a changed file replaces its passages. A folder's
    documents.yml gives each file's title, source URL and validity."""
    from faq_service.core.migrations import open_database
    from faq_service.core.settings import get_settings
    from faq_service.documents.formats import Limits
    from faq_service.documents.imports import files_in, import_path
    from faq_service.documents.service import ImportOptions
    from faq_service.documents.worker import lower_priority

    try:
        until = date.fromisoformat(valid_until) if valid_until else None
    except ValueError:
        console.print("[red]--valid-until must be YYYY-MM-DD[/red]")
        raise typer.Exit(2)
    lower_priority()
    settings = get_settings()
    db = open_database()
    options = ImportOptions(title, source_url, until)
    refused = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("importing", total=len(files_in(path)))

        def report(outcome) -> None:
            nonlocal refused
            if outcome.refused is not None:
                refused += 1
                progress.console.print(f"[red]refused[/red] {outcome.path.name}: {_message(outcome.refused)}")
            else:
                r = outcome.result
                also = f" (same bytes as {r.duplicate_of})" if r.duplicate_of else ""
                progress.console.print(f"{r.action} {outcome.path.name}: document {r.document_id}, "
                                       f"{r.passages} passages{also}")
            progress.advance(task)
        outcomes = import_path(db, path, author, Limits.of(settings), options, report)
    done = {a: sum(1 for o in outcomes if o.result and o.result.action == a) for a in ("created", "replaced", "unchanged")}
    console.print(f"created {done['created']}, replaced {done['replaced']}, unchanged {done['unchanged']}, "
                  f"refused {refused}")
    if refused:
        raise typer.Exit(1)


def _message(refused) -> str:
    from faq_service.documents.texts import texts

    return refused.message(texts("en"))


def _table(items: list[dict]) -> Table:
    table = Table("id", "title", "file", "status", "passages", "valid until")
    for item in items:
        status = item["status"] + (" (expired)" if item["expired"] else "")
        table.add_row(str(item["id"]), item["title"], item["source_name"], status, str(item["passages"]),
                      str(item["valid_until"] or ""))
    return table


@docs_app.command("list")
def docs_list() -> None:
    """Every document with its status and passage count."""
    from faq_service.core.migrations import open_database
    from faq_service.documents.service import list_documents

    with open_database().session() as s:
        console.print(_table(list_documents(s)))


@docs_app.command("expired")
def docs_expired() -> None:
    """Documents past their validity date: they no longer answer; review, re-import or delete them."""
    from faq_service.core.migrations import open_database
    from faq_service.documents.service import expired_documents

    with open_database().session() as s:
        items = expired_documents(s)
    console.print(_table(items) if items else "no expired documents")


@docs_app.command("worker")
def docs_worker(once: bool = typer.Option(False, "--once", help="run the queued imports, then stop"),
                heartbeat: Optional[Path] = typer.Option(None, help="a file touched at every poll and lease "
                                                               "renewal (for a container's healthcheck)")) -> None:
    """Run the console's queued imports (the runner each service process also runs, unless
    THAMTOB_DOCUMENT_JOBS_IN_SERVICE=false), at the lowest priority, until stopped (SIGTERM, Ctrl-C)."""
    import logging
    import signal

    from faq_service.core.migrations import open_database
    from faq_service.core.settings import get_settings
    from faq_service.documents.runner import ImportRunner
    from faq_service.documents.worker import lower_priority

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    lower_priority()
    runner = ImportRunner(open_database(), get_settings(), heartbeat=heartbeat)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: runner.stopping.set())
    console.print(f"import runner {runner.name}: " + ("running the queued imports" if once else "waiting for imports"))
    if once:
        console.print(f"ran {runner.drain()} imports")
    else:
        runner.serve()
