"""`thamtob staff ...`: account commands that need no running service."""
from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

staff_app = typer.Typer(help="Staff accounts.", no_args_is_help=True)
console = Console(stderr=True)


@staff_app.command("create-admin")
def create_admin(username: str = typer.Option(..., "--username", help="the new admin's user name"),
                 email: str = typer.Option("", "--email", help="optional e-mail address")) -> None:
    """Create an admin account. The password comes from $THAMTOB_ADMIN_PASSWORD, else from standard
    input (first line); there is no prompt."""
    from faq_service.core.migrations import open_database
    from faq_service.staff import service

    password = os.environ.get("THAMTOB_ADMIN_PASSWORD")
    if not password:
        password = sys.stdin.readline().rstrip("\r\n") if not sys.stdin.closed else ""
    if not password:
        console.print("[red]no password: set THAMTOB_ADMIN_PASSWORD or pipe it on standard input[/red]")
        raise typer.Exit(2)
    try:
        with open_database().session() as s:
            service.create_user(s, "cli", username, password, "admin", email)
    except service.StaffError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    console.print(f"created admin {username}")


@staff_app.command("set-email")
def set_email(username: str = typer.Argument(..., help="the account's user name"),
              email: str = typer.Argument(..., help='the address; "" removes it')) -> None:
    """Set or remove an account's e-mail address (complaints officers are told of new complaints there)."""
    from faq_service.core.migrations import open_database
    from faq_service.staff import service

    try:
        with open_database().session() as s:
            user = service.update_user(s, "cli", username, email=email)
            address = user.email
    except LookupError:
        console.print(f"[red]no user {username!r}[/red]")
        raise typer.Exit(1)
    except service.StaffError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    console.print(f"{username}: {address or 'no e-mail address'}")
