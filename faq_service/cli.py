"""`thamtob`: the command line of ThamTob. It only registers each domain's commands."""
from __future__ import annotations

import typer

from faq_service.complaints.cli import complaints_app
from faq_service.core.cli import db_app, serve
from faq_service.core.settings import settings_or_exit
from faq_service.documents.cli import docs_app
from faq_service.faqs.cli import faq_app
from faq_service.measures.cli import measures_app
from faq_service.privacy.cli import privacy_app
from faq_service.reports.cli import register as register_reports
from faq_service.staff.cli import staff_app
from faq_service.web.cli import web_app

app = typer.Typer(help="ThamTob — TCEB's question-answering service.", no_args_is_help=True,
                  callback=lambda: settings_or_exit("thamtob"))
app.command()(serve)
app.add_typer(faq_app, name="faq")
app.add_typer(db_app, name="db")
app.add_typer(privacy_app, name="privacy")
app.add_typer(measures_app, name="measures")
app.add_typer(staff_app, name="staff")
app.add_typer(complaints_app, name="complaints")
app.add_typer(docs_app, name="docs")
app.add_typer(web_app, name="web")
register_reports(app)

if __name__ == "__main__":
    app()
