"""Unit tests: the on-disk question queue delivers each question once, across restarts and outages."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


from actions.faq_client import FaqClient
from actions.question_queue import QuestionQueue


class FakeLog:
    """A stand-in for POST /api/v1/questions: 201 new key, 200 repeated key, 401 bad token."""

    def __init__(self):
        self.stored = {}
        self.posts = 0
        log = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                log.posts += 1
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.headers.get("X-Service-Token") != "tok":
                    self.send_response(401)
                elif body.get("question") == "bad":
                    self.send_response(422)
                elif body["idempotency_key"] in log.stored:
                    self.send_response(200)
                else:
                    log.stored[body["idempotency_key"]] = body
                    self.send_response(201)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def record(question="ถามหน่อย", **extra):
    return {"question": question, "channel": "rest", "session_id": "s1", "intent": "ask_question",
            "outcome": "unavailable", "asked_at": "2026-01-01T00:00:00+00:00", **extra}


def test_enqueue_writes_one_json_file_atomically(tmp_path):
    queue = QuestionQueue(str(tmp_path), FaqClient("http://127.0.0.1:9", "tok"))
    path = queue.enqueue(record())
    assert path.parent == tmp_path / "pending"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["question"] == "ถามหน่อย" and data["idempotency_key"].startswith("thamtob-")
    assert list((tmp_path / "tmp").iterdir()) == []
    assert (path.stat().st_mode & 0o777) == 0o600


def test_service_down_keeps_the_file(tmp_path):
    queue = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{free_port()}", "tok", 0.5))
    queue.enqueue(record())
    assert queue.deliver_pending() == 1
    assert len(queue.pending_files()) == 1


def test_delivered_once_after_restart_even_if_retried(tmp_path):
    port = free_port()
    first = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{port}", "tok", 0.5))
    first.enqueue(record("q1"))
    first.enqueue(record("q2"))
    assert first.deliver_pending() == 2          # service still down
    # a "new action server process": a fresh queue object on the same folder, service back up
    server = FakeLog()
    try:
        second = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{server.port}", "tok", 1))
        pending = second.pending_files()
        # simulate a crash after a POST but before the delete: post the first file by hand
        body = json.loads(pending[0].read_text(encoding="utf-8"))
        second.client.log_question_sync(body)
        assert second.deliver_pending() == 0
        assert sorted(r["question"] for r in server.stored.values()) == ["q1", "q2"]
        assert server.posts == 3                  # the retried one was answered 200, not stored twice
    finally:
        server.close()


def test_rejected_record_moves_to_failed(tmp_path):
    server = FakeLog()
    try:
        queue = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{server.port}", "tok", 1))
        queue.enqueue(record("bad"))
        queue.enqueue(record("good"))
        assert queue.deliver_pending() == 0
        assert len(list((tmp_path / "failed").iterdir())) == 1
        assert [r["question"] for r in server.stored.values()] == ["good"]
    finally:
        server.close()


def test_wrong_token_is_retried_later_not_dropped(tmp_path):
    server = FakeLog()
    try:
        queue = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{server.port}", "wrong", 1))
        queue.enqueue(record())
        assert queue.deliver_pending() == 1
    finally:
        server.close()


def test_background_thread_delivers(tmp_path):
    server = FakeLog()
    try:
        queue = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{server.port}", "tok", 1),
                              interval_s=0.1)
        queue.enqueue(record("bg"))
        queue.start_background()
        import time
        deadline = time.monotonic() + 10
        while queue.pending_files() and time.monotonic() < deadline:
            time.sleep(0.05)
        queue.stop()
        assert [r["question"] for r in server.stored.values()] == ["bg"]
    finally:
        server.close()


def test_queued_records_keep_their_topic_and_old_ones_get_it_from_the_intent(tmp_path):
    server = FakeLog()
    try:
        queue = QuestionQueue(str(tmp_path), FaqClient(f"http://127.0.0.1:{server.port}", "tok", 1))
        queue.enqueue(record("with topic", intent="ask_human", topic="contact"))
        queue.enqueue(record("queued before topics", intent="ask_complaint_channels"))
        queue.enqueue(record("no topic"))
        assert queue.deliver_pending() == 0
        sent = {r["question"]: r for r in server.stored.values()}
        assert sent["with topic"]["topic"] == "contact"
        assert sent["queued before topics"]["topic"] == "complaints"
        assert "topic" not in sent["no topic"]
    finally:
        server.close()
