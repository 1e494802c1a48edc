"""Unit tests of the bot-side purge (actions/privacy.py) on a real SQLite tracker-store table and a queue dir."""
import os
import sqlite3
import time

from actions.privacy import delete_queue_session, delete_tracker_session, main, purge_queue, purge_tracker

DAY = 86400


def make_tracker(path, now):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), type_name VARCHAR(255),"
                 " timestamp FLOAT, intent_name VARCHAR(255), action_name VARCHAR(255), data TEXT)")
    rows = [("old", now - 40 * DAY, "ข้อความเก่า old text"), ("old", now - 1 * DAY, "recent in old conv"),
            ("new", now - 60, "new text")]
    conn.executemany("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, ?)", rows)
    conn.commit()
    conn.close()


def test_purge_tracker_deletes_only_old_events_and_zeroes_them(tmp_path):
    now = time.time()
    db = tmp_path / "tracker.db"
    make_tracker(db, now)
    url = f"sqlite:///{db}"
    assert purge_tracker(url, 30, dry_run=True)["tracker_events_deleted"] == 1
    summary = purge_tracker(url, 30)
    assert summary == {"tracker_events_deleted": 1, "tracker_conversations_touched": 1}
    conn = sqlite3.connect(db)
    assert sorted(r[0] for r in conn.execute("SELECT data FROM events")) == ["new text", "recent in old conv"]
    conn.close()
    assert "ข้อความเก่า".encode() not in db.read_bytes()  # secure_delete: not left in free pages
    assert purge_tracker(url, 30)["tracker_events_deleted"] == 0


def test_purge_tracker_without_events_table(tmp_path):
    assert purge_tracker(f"sqlite:///{tmp_path / 'empty.db'}", 30)["tracker_events_deleted"] == 0


def test_purge_queue(tmp_path):
    now = time.time()
    for folder in ("pending", "failed", "tmp"):
        (tmp_path / folder).mkdir()
    old_ns, new_ns = int((now - 31 * DAY) * 1e9), int((now - 60) * 1e9)
    files = {
        "pending_old": tmp_path / "pending" / f"{old_ns:020d}-thamtob-a.json",
        "pending_new": tmp_path / "pending" / f"{new_ns:020d}-thamtob-b.json",
        "failed_old": tmp_path / "failed" / f"{old_ns:020d}-thamtob-c.json",
        "failed_new": tmp_path / "failed" / f"{new_ns:020d}-thamtob-d.json",
        "tmp_stale": tmp_path / "tmp" / "x.json",
        "tmp_fresh": tmp_path / "tmp" / "y.json",
    }
    for path in files.values():
        path.write_text('{"question": "ความลับ"}', encoding="utf-8")
    os.utime(files["tmp_stale"], (now - 7200, now - 7200))
    summary = purge_queue(str(tmp_path), 30, now=now)
    assert summary == {"queue_pending_deleted": 1, "queue_failed_deleted": 1, "queue_tmp_deleted": 1,
                       "queue_pending_left": 1}
    left = {k for k, p in files.items() if p.exists()}
    assert left == {"pending_new", "failed_new", "tmp_fresh"}


def test_cli(tmp_path, capsys):
    db = tmp_path / "t.db"
    make_tracker(db, time.time())
    assert main(["purge", "--days", "30", "--tracker-db-url", f"sqlite:///{db}",
                 "--queue-dir", str(tmp_path / "q")]) == 0
    assert '"tracker_events_deleted": 1' in capsys.readouterr().out


def test_a_queue_file_is_as_old_as_the_earliest_of_its_name_asked_at_and_mtime(tmp_path):
    now = time.time()
    (tmp_path / "failed").mkdir()
    new_ns = int((now - 60) * 1e9)
    asked_long_ago = tmp_path / "failed" / f"{new_ns:020d}-thamtob-e.json"
    asked_long_ago.write_text('{"question": "ความลับ", "asked_at": "2000-01-01T00:00:00+00:00"}', encoding="utf-8")
    recent = tmp_path / "failed" / f"{new_ns:020d}-thamtob-f.json"
    recent.write_text('{"question": "ใหม่"}', encoding="utf-8")
    assert purge_queue(str(tmp_path), 30, now=now)["queue_failed_deleted"] == 1
    assert not asked_long_ago.exists() and recent.exists()


def test_erasing_one_session(tmp_path):
    now = time.time()
    db = tmp_path / "tracker.db"
    make_tracker(db, now)
    assert delete_tracker_session(f"sqlite:///{db}", "old") == 2
    conn = sqlite3.connect(db)
    assert [r[0] for r in conn.execute("SELECT sender_id FROM events")] == ["new"]
    conn.close()
    assert "ข้อความเก่า".encode() not in db.read_bytes()  # secure_delete here too
    (tmp_path / "q" / "pending").mkdir(parents=True)
    mine = tmp_path / "q" / "pending" / "m.json"
    mine.write_text('{"session_id": "me"}', encoding="utf-8")
    theirs = tmp_path / "q" / "pending" / "t.json"
    theirs.write_text('{"session_id": "them"}', encoding="utf-8")
    assert delete_queue_session(str(tmp_path / "q"), "me") == 1
    assert not mine.exists() and theirs.exists()
