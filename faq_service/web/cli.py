"""`thamtob web rasa-cors`: the origins Rasa must take browser requests from (`rasa run --cors ...`)."""
from __future__ import annotations

import typer

web_app = typer.Typer(help="The web chat page and the chat widget.", no_args_is_help=True)


@web_app.command("rasa-cors")
def rasa_cors() -> None:
    """Print, space-separated, the origins of THAMTOB_PUBLIC_URL (the chat page and the widget's panel)
    and of THAMTOB_WIDGET_ORIGINS: what scripts/run.sh passes to `rasa run --cors`."""
    from faq_service.core.settings import get_settings

    typer.echo(" ".join(get_settings().chat_origins()))
