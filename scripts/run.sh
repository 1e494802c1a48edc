#!/usr/bin/env bash
# `make run`: start ThamTob — faq_service, then (training the model if it is missing or stale) the
# action server and Rasa — wait until each is ready, print the URLs, and stop them all on Ctrl-C/TERM.
set -uo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

export FAQ_PORT="${FAQ_PORT:-8000}" ACTIONS_PORT="${ACTIONS_PORT:-5055}" RASA_PORT="${RASA_PORT:-5005}"
export FAQ_HOST="${FAQ_HOST:-127.0.0.1}"
export FAQ_URL="${FAQ_URL:-http://127.0.0.1:${FAQ_PORT}}"
export RASA_PUBLIC_URL="${RASA_PUBLIC_URL:-http://127.0.0.1:${RASA_PORT}}"
export THAMTOB_PUBLIC_URL="${THAMTOB_PUBLIC_URL:-http://127.0.0.1:${FAQ_PORT}}"
export RASA_TELEMETRY_ENABLED=false
LOG_DIR="${THAMTOB_LOG_DIR:-$REPO/var/log}"
mkdir -p "$LOG_DIR"

pids=()
stopping=0
stop_all() {
  [[ $stopping -eq 1 ]] && return
  stopping=1
  echo
  echo "run: stopping ThamTob..."
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  echo "run: stopped."
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

start_bg() {  # name, command... — own process group, output to $LOG_DIR/name.log
  local name="$1"; shift
  setsid "$@" >>"$LOG_DIR/$name.log" 2>&1 &
  pids+=("$!")
  echo "run: started $name (pid $!, log $LOG_DIR/$name.log)"
}

wait_ready() {  # name, url, seconds[, pid]
  local name="$1" url="$2" deadline=$((SECONDS + $3)) pid="${4:-${pids[-1]}}"
  until curl -fs -o /dev/null --max-time 2 "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run: $name exited; last lines of $LOG_DIR/$name.log:"; tail -30 "$LOG_DIR/$name.log"; exit 1
    fi
    if (( SECONDS > deadline )); then
      echo "run: $name not ready at $url after $3 s; see $LOG_DIR/$name.log"; exit 1
    fi
    sleep 0.5
  done
  echo "run: $name ready ($url)"
}

for port in "$FAQ_PORT" "$ACTIONS_PORT" "$RASA_PORT"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    echo "run: port $port is already in use — stop what runs there or set FAQ_PORT/ACTIONS_PORT/RASA_PORT"; exit 1
  fi
done

# 1. the FAQ service first (migrations + first import happen at its start)
start_bg faq_service "$REPO/.venv/bin/thamtob" serve
wait_ready faq_service "http://127.0.0.1:$FAQ_PORT/readyz" 300

# 2. the model: `make train` retrains only when the training data or the bot config changed
make --no-print-directory -C "$REPO" train || exit 1

# 3. the action server and Rasa (the guarded REST channel). Like faq_service (FAQ_HOST), the action
#    server listens on 127.0.0.1 unless ACTIONS_HOST says otherwise (actions/config.py); Rasa only on
#    127.0.0.1. CORS: the chat page's origin and the sites in THAMTOB_WIDGET_ORIGINS, from the settings.
rasa_cors="$("$REPO/.venv/bin/thamtob" web rasa-cors)" || exit 1
start_bg actions bot/run-with-env.sh "$REPO/.venv-bot/bin/python" -m actions.server
actions_pid="${pids[-1]}"
# shellcheck disable=SC2086  # one argument per origin
start_bg rasa bot/run-with-env.sh "$REPO/.venv-bot/bin/rasa" run -i 127.0.0.1 --cors $rasa_cors \
  --model var/models/thamtob.tar.gz --port "$RASA_PORT" \
  --credentials bot/credentials.yml --endpoints bot/endpoints.yml
rasa_pid="${pids[-1]}"
wait_ready actions "http://127.0.0.1:$ACTIONS_PORT/health" 120 "$actions_pid"
wait_ready rasa "http://127.0.0.1:$RASA_PORT/" 300 "$rasa_pid"

# The LINE channel takes LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN and LINE_USER_HASH_KEY from this
# environment (Rasa inherits it); with neither credential set it stays off and its webhook answers 503.
if [[ -n "${LINE_CHANNEL_SECRET:-}" && -n "${LINE_CHANNEL_ACCESS_TOKEN:-}" ]]; then line_state="on"; else line_state="off: LINE_* not set"; fi

cat <<MSG

ThamTob is running (Ctrl-C stops everything):
  Web chat page   http://127.0.0.1:$FAQ_PORT/
  Chat widget     <script src="http://127.0.0.1:$FAQ_PORT/widget.js" data-lang="th" defer></script>
                  (on the sites in THAMTOB_WIDGET_ORIGINS: ${THAMTOB_WIDGET_ORIGINS:-none})
  FAQ API docs    http://127.0.0.1:$FAQ_PORT/docs
  Rasa REST       http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook
  Action server   http://127.0.0.1:$ACTIONS_PORT/webhook
  LINE webhook    http://127.0.0.1:$RASA_PORT/webhooks/line/webhook ($line_state; docs/line.md)
  Logs            $LOG_DIR/
MSG

# stay in the foreground until a child dies or we are stopped
while true; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run: a process (pid $pid) exited; stopping the rest"; exit 1
    fi
  done
  sleep 1
done
