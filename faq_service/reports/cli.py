"""`thamtob report` (the six-month report) and `thamtob guide` (the Q&A answering guide)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

console = Console()


def report(fy: int = typer.Option(..., "--fy", help="fiscal year in Buddhist Era, e.g. 2563"),
           half: int = typer.Option(..., "--half", min=1, max=2, help="1 = Oct–Mar, 2 = Apr–Sep"),
           fmt: str = typer.Option("pdf", "--format", help="pdf, html or xlsx"),
           out: Path = typer.Option(..., "--out"),
           lang: str = typer.Option("th", "--lang", help="th or en")) -> None:
    """Write the six-month report on the ITA measures for one half of a fiscal year."""
    from faq_service.core.migrations import open_database
    from faq_service.measures.periods import Period
    from faq_service.reports.render import FORMATS, render_report
    from faq_service.reports.report import build

    if fmt not in FORMATS or lang not in ("th", "en"):
        console.print(f"[red]--format must be one of {', '.join(FORMATS)}; --lang th or en[/red]")
        raise typer.Exit(2)
    try:
        period = Period(fy, half)
    except ValueError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    with open_database().session() as s:
        rep = build(s, period, lang)
    out.write_bytes(render_report(rep, fmt))
    console.print(f"wrote {period.key} report ({len(rep.rows)} measures, {rep.figures.asked} questions) to {out}")


def guide(fmt: str = typer.Option("pdf", "--format", help="html or pdf"),
          out: Path = typer.Option(..., "--out")) -> None:
    """Write the Q&A answering guide: published entries by category, Thai and English."""
    from faq_service.core.migrations import open_database
    from faq_service.reports.guide import build_guide, render_guide

    if fmt not in ("html", "pdf"):
        console.print("[red]--format must be html or pdf[/red]")
        raise typer.Exit(2)
    with open_database().session() as s:
        g = build_guide(s)
    out.write_bytes(render_guide(g, fmt))
    console.print(f"wrote the guide (version {g.version}, {g.count} entries) to {out}")


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("guide")(guide)
