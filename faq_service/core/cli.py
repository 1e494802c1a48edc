"""`thamtob serve` and `thamtob db …`: running the service and migrating its database."""
from __future__ import annotations

import typer

db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)


def serve(host: str = typer.Option(None, help="default $FAQ_HOST"),
          port: int = typer.Option(None, help="default $FAQ_PORT"),
          workers: int = typer.Option(1, help="uvicorn worker processes")) -> None:
    """Run faq_service (migrates, imports the sample KB when empty, then serves)."""
    import uvicorn

    from faq_service.core.settings import get_settings

    settings = get_settings()
    uvicorn.run("faq_service.main:create_app", factory=True, host=host or settings.host,
                port=port or settings.port, workers=workers, log_level="info", proxy_headers=False)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    from faq_service.core.db import Database
    from faq_service.core.migrations import migrate
    from faq_service.core.settings import get_settings

    migrate(Database(get_settings().database_url), revision)


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("base")) -> None:
    from alembic import command

    from faq_service.core.db import Database
    from faq_service.core.migrations import alembic_config
    from faq_service.core.settings import get_settings

    command.downgrade(alembic_config(Database(get_settings().database_url)), revision)
