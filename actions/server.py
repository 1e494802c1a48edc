"""Starts the action server: rasa_sdk's app with this package's actions on ACTIONS_HOST:ACTIONS_PORT.

    bot/run-with-env.sh .venv-bot/bin/python -m actions.server [--debug]

`rasa run actions` (rasa_sdk 3.6) has no option for the interface and listens on every one (0.0.0.0), so
the action server is started here instead, with rasa_sdk's own create_app: on 127.0.0.1 unless
ACTIONS_HOST says otherwise (the containers set 0.0.0.0, Rasa reaches them over the Docker network).
The settings (actions/config.py) are checked before anything starts: a wrong value stops the server with
one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from actions.config import ConfigError, settings

logger = logging.getLogger("actions.server")  # not "__main__" when run with -m

ACTION_PACKAGE = "actions"
EXIT_BAD_CONFIG = 2


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--debug", action="store_true", help="log at DEBUG level")
    args = parser.parse_args(argv)
    try:
        config = settings()
    except ConfigError as exc:
        print(f"actions: {exc}", file=sys.stderr)
        return EXIT_BAD_CONFIG

    # Imported only now: a configuration error should not wait for Sanic and the actions to load.
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager

    utils.configure_colored_logging(logging.DEBUG if args.debug else logging.INFO)
    utils.update_sanic_log_level()
    app = create_app(ACTION_PACKAGE, cors_origins=None)  # no CORS: only Rasa calls it
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa_sdk.endpoint.run does
    logger.info("Action endpoint is up and running on http://%s:%d", config.actions_host, config.actions_port)
    app.run(config.actions_host, config.actions_port, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
