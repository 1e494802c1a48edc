#!/bin/sh
# thamtob-backup once   — dump every database in $BACKUP_DATABASES now into /backups
# thamtob-backup loop   — do that every day at $BACKUP_AT (local time, TZ), forever
# Restore: pg_restore -h postgres -U thamtob -d thamtob --clean --if-exists /backups/thamtob-YYYYmmdd-HHMM.dump
set -eu
BACKUP_DIR="${BACKUP_DIR:-/backups}"
BACKUP_AT="${BACKUP_AT:-02:30}"
BACKUP_KEEP_DAYS="${BACKUP_KEEP_DAYS:-14}"
BACKUP_DATABASES="${BACKUP_DATABASES:-thamtob rasa}"

once() {
  stamp="$(date +%Y%m%d-%H%M)"
  for db in $BACKUP_DATABASES; do
    tmp="$BACKUP_DIR/.$db-$stamp.dump.partial"
    if pg_dump --format=custom --compress=6 --no-owner --dbname="$db" --file="$tmp"; then
      mv "$tmp" "$BACKUP_DIR/$db-$stamp.dump"
      echo "backup: $BACKUP_DIR/$db-$stamp.dump ($(du -h "$BACKUP_DIR/$db-$stamp.dump" | cut -f1))"
    else
      rm -f "$tmp"; echo "backup: pg_dump of $db FAILED" >&2; return 1
    fi
  done
  find "$BACKUP_DIR" -maxdepth 1 -name '*.dump' -mtime +"$BACKUP_KEEP_DAYS" -print -delete
}

seconds_until() {  # seconds from now until the next HH:MM
  now=$(date +%s)
  next=$(date -d "$(date +%Y-%m-%d) $1" +%s 2>/dev/null || date -D '%Y-%m-%d %H:%M' -d "$(date +%Y-%m-%d) $1" +%s)
  [ "$next" -le "$now" ] && next=$((next + 86400))
  echo $((next - now))
}

case "${1:-loop}" in
  once) once ;;
  loop)
    mkdir -p "$BACKUP_DIR"
    while true; do
      touch /tmp/backup-loop-alive
      wait_s=$(seconds_until "$BACKUP_AT")
      echo "backup: next run at $BACKUP_AT (in ${wait_s}s)"
      sleep "$wait_s"
      once || echo "backup: run failed; will try again tomorrow" >&2
    done ;;
  *) echo "usage: thamtob-backup once|loop" >&2; exit 2 ;;
esac
