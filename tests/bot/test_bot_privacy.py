"""PDPA retention on the bot side, on the stack's real Rasa tracker store (SQLite, written by `rasa run`)
and its action-queue folder: `make bot-purge` deletes tracker events and queue files older than
BOT_RETENTION_DAYS, leaves newer ones, and the bot keeps talking to both conversations afterwards.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from tests.support.procs import REPO

pytestmark = pytest.mark.bot

DAY = 86400


def events(engine, sender: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            text("SELECT type_name, timestamp, data FROM events WHERE sender_id = :s"), {"s": sender})]


def test_bot_purge_removes_old_tracker_events_and_queue_files(bot_stack):
    old_user, new_user = f"old-{uuid.uuid4().hex[:8]}", f"new-{uuid.uuid4().hex[:8]}"
    old_secret = f"ขอคู่มือ MEGA EVENT หน่อย รหัส{uuid.uuid4().hex[:6]}"
    new_text = f"What does TCEB do? ref{uuid.uuid4().hex[:6]}"
    bot_stack.say(old_user, old_secret)
    bot_stack.say(new_user, new_text)

    engine = create_engine(bot_stack.tracker_db_url)
    try:
        with engine.begin() as conn:  # this conversation happened 40 days ago
            conn.execute(text("UPDATE events SET timestamp = timestamp - :d WHERE sender_id = :s"),
                         {"d": 40 * DAY, "s": old_user})
        assert any(json.loads(e["data"]).get("text") == old_secret for e in events(engine, old_user))

        failed, tmp = bot_stack.queue_dir / "failed", bot_stack.queue_dir / "tmp"
        failed.mkdir(parents=True, exist_ok=True)
        tmp.mkdir(parents=True, exist_ok=True)
        old_ns = int((time.time() - 35 * DAY) * 1e9)
        old_failed = failed / f"{old_ns:020d}-thamtob-{uuid.uuid4().hex}.json"
        new_failed = failed / f"{time.time_ns():020d}-thamtob-{uuid.uuid4().hex}.json"
        stale_tmp = tmp / f"{old_ns:020d}-thamtob-{uuid.uuid4().hex}.json"
        for path in (old_failed, new_failed, stale_tmp):
            path.write_text(json.dumps({"question": old_secret}, ensure_ascii=False), encoding="utf-8")

        env = {**os.environ, "RASA_TRACKER_DB_URL": bot_stack.tracker_db_url,
               "ACTION_QUEUE_DIR": str(bot_stack.queue_dir)}
        done = subprocess.run(["make", "-s", "bot-purge", "BOT_RETENTION_DAYS=30"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        assert summary["tracker_events_deleted"] >= 3 and summary["tracker_conversations_touched"] == 1, summary
        assert summary["queue_failed_deleted"] == 1 and summary["queue_tmp_deleted"] == 1, summary

        assert events(engine, old_user) == []
        assert events(engine, new_user), "recent conversation purged"
        raw = (bot_stack.root / "tracker.db").read_bytes()
        for form in (old_secret, json.dumps(old_secret)[1:-1]):  # as UTF-8 or as JSON \u escapes
            assert form.encode() not in raw
        assert not old_failed.exists() and not stale_tmp.exists() and new_failed.exists()
        new_failed.unlink()
    finally:
        engine.dispose()

    # both conversations go on
    assert bot_stack.say(old_user, "hello") and bot_stack.say(new_user, "thank you")
