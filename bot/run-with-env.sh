#!/usr/bin/env bash
# Usage: bot/run-with-env.sh COMMAND [ARGS...]
# Sets the environment that bot/endpoints.yml expects (with defaults), then runs COMMAND from the repo root.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
export SQLALCHEMY_SILENCE_UBER_WARNING=1

export ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export ACTIONS_URL="${ACTIONS_URL:-http://127.0.0.1:${ACTIONS_PORT}/webhook}"
export FAQ_URL="${FAQ_URL:-http://127.0.0.1:${FAQ_PORT:-8000}}"
export ACTION_QUEUE_DIR="${ACTION_QUEUE_DIR:-$REPO/var/action-queue}"

mkdir -p "$REPO/var"
export RASA_TRACKER_DB_URL="${RASA_TRACKER_DB_URL:-sqlite:///$REPO/var/rasa-tracker.db}"
case "$RASA_TRACKER_DB_URL" in
  sqlite*) dialect=sqlite ;;
  postgres*) dialect=postgresql ;;
  *) dialect="${RASA_TRACKER_DB_URL%%:*}"; dialect="${dialect%%+*}" ;;
esac
export RASA_TRACKER_DIALECT="${RASA_TRACKER_DIALECT:-$dialect}"

export RASA_REDIS_KEY_PREFIX="${RASA_REDIS_KEY_PREFIX:-thamtob}"
if [[ -n "${REDIS_URL:-}" ]]; then
  re='^rediss?://(([^:@/]*)?(:([^@/]*))?@)?([^:/]+)(:([0-9]+))?(/([0-9]+))?/?$'
  if [[ "$REDIS_URL" =~ $re ]]; then
    export RASA_LOCK_STORE_TYPE=redis
    export RASA_REDIS_PASSWORD="${BASH_REMATCH[4]}"
    export RASA_REDIS_HOST="${BASH_REMATCH[5]}"
    export RASA_REDIS_PORT="${BASH_REMATCH[7]:-6379}"
    export RASA_REDIS_DB="${BASH_REMATCH[9]:-0}"
  else
    echo "run-with-env: cannot parse REDIS_URL (expected redis://[:PASSWORD@]HOST[:PORT][/DB])" >&2
    exit 2
  fi
else
  export RASA_LOCK_STORE_TYPE=in_memory RASA_REDIS_HOST=localhost RASA_REDIS_PORT=6379
  export RASA_REDIS_DB=0 RASA_REDIS_PASSWORD=
fi

exec "$@"
