"""A confidential complaint leaves no trace of who sent it, nor of what it says, anywhere the whole stack
writes — on SQLite and on PostgreSQL.

The stack is the real one: faq_service (its rate-limit counters in Redis, the proxy at 127.0.0.1 trusted for
X-Forwarded-For), the action server and `rasa run` with its SQL tracker store on the same kind of database.
Two visitors report confidentially, each with a marker of their own in the description, an unusual user
agent and a documentation-range address (203.0.113.x) in X-Forwarded-For:

(a) through the bot: the chat intake over Rasa's REST webhook, typing the marker into the chat, then the
    form the bot links to, in Chromium;
(b) through the web form in Chromium, with an evidence file whose name holds the marker.

Then every column of every table of faq_service's and Rasa's databases (as text; binary values decoded as
latin-1), every key and value in Redis (its own database number, so everything there is this stack's),
and every file under the stack's folder (SQLite files, the action queue, every process log including the
access log) is searched for the markers, the user agents, the addresses and the secrets: none may appear.
Ciphertext of the encrypted record is searched too; it cannot contain them.

The search can fail: a third visitor plants the same kind of strings where they belong (an ordinary chat
question, an ordinary API call, a file in the action queue), and the search must find them in each place;
the officers' API, which decrypts, must show both markers. After that officer's views the search runs
again: reading a case leaves no content behind either.
"""
from __future__ import annotations

import base64
import io
import json
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import redis
from pypdf import PdfWriter
from sqlalchemy import column, create_engine, inspect, select, table
from sqlalchemy.engine import make_url

from tests.staff.conftest import PASSWORD, create_admin
from tests.support.browser import chromium
from tests.support.stack import MODEL, BotStack

pytestmark = pytest.mark.bot

REDIS = "redis://127.0.0.1:6379"
PHONE = {"width": 375, "height": 812}
OFFICER = "leak-officer"


def letters(n: int = 14) -> str:
    """Lower-case letters only: nothing a redaction of numbers, names or codes would touch."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(n))


@dataclass
class Visitor:
    marker: str
    user_agent: str
    address: str

    @classmethod
    def new(cls, last_octet: int) -> "Visitor":
        tag = letters(10)
        return cls(f"leakmark{letters()}", f"Mozilla/5.0 (Ondine {tag}; rv:0.9) LeakProbe{tag}/7.3",
                   f"203.0.113.{last_octet}")

    @property
    def headers(self) -> dict:
        return {"User-Agent": self.user_agent, "X-Forwarded-For": self.address}

    def needles(self) -> list[str]:
        return [self.marker, self.user_agent, self.user_agent.rsplit(" ", 1)[-1], self.address]


# ------------------------------------------------------------------------------------------- the stack
def empty_redis_db() -> int:
    """A Redis database number nobody uses (so every key in it is this stack's); a missing Redis fails."""
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{REDIS}/{number}")
        try:
            if client.dbsize() == 0:
                return number
        except redis.RedisError as exc:
            pytest.fail(f"Redis at {REDIS} does not answer: {exc}")
        finally:
            client.close()
    pytest.fail("no empty Redis database to use")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def stack(request, tmp_path_factory, postgres_dbs):
    if not MODEL.exists():
        pytest.fail(f"no trained Rasa model at {MODEL}: run `make train` before the bot tests")
    root = tmp_path_factory.mktemp(f"leak-{request.param}")
    db_url = tracker_url = None
    if request.param == "postgres":
        db_url = postgres_dbs.create()
        tracker_url = make_url(postgres_dbs.create()).set(drivername="postgresql").render_as_string(
            hide_password=False)  # Rasa's own driver, psycopg2
    redis_db = empty_redis_db()
    stack = BotStack(root, tracker_url, db_url=db_url, rasa_env={"WEBHOOK_TRUST_FORWARDED_FOR": "1"}, faq_env={
        "THAMTOB_COMPLAINTS_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "THAMTOB_REDIS_URL": f"{REDIS}/{redis_db}", "THAMTOB_TRUSTED_PROXIES": "127.0.0.1"})
    stack.actions_env["THAMTOB_PUBLIC_URL"] = f"http://127.0.0.1:{stack.faq_port}"
    stack.redis_url = f"{REDIS}/{redis_db}"
    made = create_admin(stack.db_url)
    assert made.returncode == 0, made.stdout + made.stderr
    try:
        stack.start_all()
        yield stack
    finally:
        stack.stop_all()
        client = redis.Redis.from_url(stack.redis_url)
        client.flushdb()
        client.close()


# ------------------------------------------------------------------------------------------ the visits
def say(stack: BotStack, visitor: Visitor, sender: str, message: str) -> list[dict]:
    resp = httpx.post(f"{stack.rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                      headers=visitor.headers, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()


def button(replies: list[dict], slot: str, value: str) -> str:
    for b in (b for r in replies for b in r.get("buttons") or []):
        if b["payload"].startswith("/report_wrongdoing{") and \
                json.loads(b["payload"][len("/report_wrongdoing"):]).get(slot) == value:
            return b["payload"]
    raise AssertionError(f"no {slot}={value} button in {replies}")


def chat_intake(stack: BotStack, visitor: Visitor) -> str:
    """The intake with the marker typed into the chat; the link to the form the bot hands over."""
    sender = f"leak-{letters(8)}"
    first = say(stack, visitor, sender, f"I want to report corruption: officer {visitor.marker} took a bribe")
    again = say(stack, visitor, sender, f"his name is {visitor.marker} and it happened last week")
    mode_question = say(stack, visitor, sender, button(again or first, "complaint_kind", "corruption"))
    last = say(stack, visitor, sender, button(mode_question, "complaint_mode", "confidential"))
    words = " ".join(r.get("text") or "" for r in last).split()
    links = [w.rstrip(".,;:)") for w in words if urlsplit(w).path.endswith("/complaints")]
    assert len(links) == 1 and links[0].startswith(stack.faq.url), last
    return links[0]


def marked_pdf(marker: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": marker, "/Title": marker})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def send_form(browser, url: str, visitor: Visitor, kind: str | None = None, evidence: bool = False) -> dict:
    """The form at `url` sent from Chromium as `visitor` (phone width); the receipt shown."""
    context = browser.new_context(viewport=PHONE, user_agent=visitor.user_agent,
                                  extra_http_headers={"X-Forwarded-For": visitor.address}, service_workers="block")
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        assert page.evaluate("navigator.userAgent") == visitor.user_agent
        if kind:
            page.locator(f"#kind-{kind}").check()
        page.locator("#mode-confidential").check()
        page.locator("#description").fill(f"Officer {visitor.marker} asked for money to pass our bid")
        if evidence:
            page.locator("#evidence").set_input_files([{"name": f"{visitor.marker}.pdf", "mimeType": "application/pdf",
                                                        "buffer": marked_pdf(visitor.marker)}])
        page.locator("#submit-btn").click()
        page.locator("#done").wait_for()
        return {"tracking_code": page.locator("#done-code").inner_text().strip(),
                "secret": page.locator("#done-secret").inner_text().strip()}
    finally:
        context.close()


def plant_controls(stack: BotStack, control: Visitor) -> None:
    """The control visitor's strings where they belong: an ordinary chat question (Rasa's tracker, the
    question log), an ordinary API call from its address (the access log, the Redis rate-limit counter)
    and a file in the action queue."""
    say(stack, control, f"ctl-{letters(8)}", f"What does TCEB do {control.marker}")
    httpx.post(f"{stack.faq.url}/api/v1/ask", json={"question": f"What does TCEB do {control.marker}"},
               headers=control.headers, timeout=60)
    httpx.get(f"{stack.faq.url}/{control.marker}", headers=control.headers, timeout=30)
    stack.queue_dir.mkdir(parents=True, exist_ok=True)
    (stack.queue_dir / f"planted-{letters(6)}.json").write_text(json.dumps(control.needles()))


# ------------------------------------------------------------------------------------------ the search
def as_text(value) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("latin-1")
    return "" if value is None else str(value)


def database_texts(url: str, label: str) -> dict[str, str]:
    """Every column of every table, as one text per column."""
    url = make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    engine = create_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            for name in inspect(conn).get_table_names():
                columns = [c["name"] for c in inspect(conn).get_columns(name)]
                tbl = table(name, *[column(c) for c in columns])
                rows = conn.execute(select(tbl)).all()
                for i, col in enumerate(columns):
                    out[f"{label} {name}.{col}"] = "\n".join(as_text(r[i]) for r in rows)
    finally:
        engine.dispose()
    return out


def redis_texts(url: str) -> dict[str, str]:
    """Every key in the stack's Redis database, its name and its value, whatever its type."""
    client = redis.Redis.from_url(url)
    out = {}
    try:
        for key in client.scan_iter(count=500):
            kind = client.type(key).decode()
            if kind == "string":
                value = [client.get(key)]
            elif kind == "hash":
                value = [x for kv in client.hgetall(key).items() for x in kv]
            elif kind == "list":
                value = client.lrange(key, 0, -1)
            elif kind == "set":
                value = list(client.smembers(key))
            elif kind == "zset":
                value = [m for m, _ in client.zrange(key, 0, -1, withscores=True)]
            elif kind == "stream":
                value = [x for _, fields in client.xrange(key) for kv in fields.items() for x in kv]
            else:
                value = []
            out[f"redis {as_text(key)}"] = as_text(key) + "\n" + "\n".join(as_text(v) for v in value if v is not None)
    finally:
        client.close()
    return out


def file_texts(root: Path) -> dict[str, str]:
    """Every file the stack wrote under its folder: SQLite files, the action queue, every process log."""
    return {f"file {p.relative_to(root)}": p.read_bytes().decode("latin-1")
            for p in sorted(root.rglob("*")) if p.is_file()}


def everything(stack: BotStack) -> dict[str, str]:
    found = {**database_texts(stack.db_url, "faq db"), **database_texts(stack.tracker_db_url, "tracker db"),
             **redis_texts(stack.redis_url), **file_texts(stack.root)}
    assert any(k.startswith("file logs/") for k in found) and any(k.startswith("redis ") for k in found), found.keys()
    return found


def places(haystacks: dict[str, str], needle: str) -> list[str]:
    return [where for where, text in haystacks.items() if needle in text]


def leaks(haystacks: dict[str, str], needles: list[str]) -> dict[str, list[str]]:
    return {n: places(haystacks, n) for n in needles if places(haystacks, n)}


# ------------------------------------------------------------------------------------------- the test
def test_a_confidential_complaint_leaves_no_trace(stack):
    # Three-digit last octets only: a two-digit one ("…113.20") is a prefix of a three-digit one
    # ("…113.203"), and a needle must never be found inside another visitor's address.
    chat, web, control = Visitor.new(100 + secrets.randbelow(50)), Visitor.new(150 + secrets.randbelow(50)), \
        Visitor.new(200 + secrets.randbelow(50))
    link = chat_intake(stack, chat)
    with chromium() as browser:
        from_chat = send_form(browser, link, chat)
        from_web = send_form(browser, f"{stack.faq.url}/complaints?lang=en", web, kind="procurement", evidence=True)
    plant_controls(stack, control)

    secret_values = [from_chat["secret"], from_web["secret"]]
    haystacks = everything(stack)
    assert leaks(haystacks, chat.needles() + web.needles() + secret_values) == {}

    # The search finds what is there: the control's strings, each place where it was planted.
    assert places(haystacks, control.marker) and places(haystacks, control.address), haystacks.keys()
    for prefix in ("faq db question_log.", "tracker db events.", "file logs/faq_service.log", "file action-queue/"):
        assert any(p.startswith(prefix) for p in places(haystacks, control.marker)), (prefix, haystacks.keys())
    assert any(p.startswith("redis ") for p in places(haystacks, control.address))
    assert any(p.startswith("file logs/faq_service.log") for p in places(haystacks, control.address))
    assert any(p.startswith("file action-queue/") for p in places(haystacks, control.user_agent))
    # … and the complaints are there, encrypted: the officers' API decrypts both markers.
    token = httpx.post(f"{stack.faq.url}/api/v1/staff/token", json={"username": "admin", "password": PASSWORD},
                       timeout=30).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    assert httpx.post(f"{stack.faq.url}/api/v1/staff/users", headers=admin, timeout=30, json={
        "username": OFFICER, "password": PASSWORD, "role": "viewer"}).status_code == 201
    assert httpx.patch(f"{stack.faq.url}/api/v1/staff/users/{OFFICER}", headers=admin, timeout=30,
                       json={"complaints_officer": True}).status_code == 200
    token = httpx.post(f"{stack.faq.url}/api/v1/staff/token", json={"username": OFFICER, "password": PASSWORD},
                       timeout=30).json()["access_token"]
    officer = httpx.Client(base_url=stack.faq.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    with officer:
        queue = officer.get("/api/v1/staff/complaints").json()
        ids = {c["tracking_code"]: c["id"] for c in queue["items"]}
        cases = {who: officer.get(f"/api/v1/staff/complaints/{ids[receipt['tracking_code']]}").text
                 for who, receipt in (("chat", from_chat), ("web", from_web))}
    assert places({"chat": cases["chat"]}, chat.marker) == ["chat"]
    assert places({"web": cases["web"]}, web.marker) == ["web"]
    assert '"mode":"confidential"' in cases["chat"].replace(" ", "") and f"{web.marker}.pdf" in cases["web"]
    # Reading the cases left nothing behind either.
    assert leaks(everything(stack), chat.needles() + web.needles() + secret_values) == {}
