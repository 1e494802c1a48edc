"""Console pages over HTTP with a session cookie: Thai/English text, filters, try a question, import
with a validation report before writing, bulk publish, admin-only pages."""
from __future__ import annotations

import re
import uuid

import httpx
import yaml

from tests.staff.conftest import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def session(svc, username: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=svc.url, follow_redirects=False, timeout=60)
    token = CSRF.search(c.get("/console/login").text).group(1)
    r = c.post("/console/login", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                       "next": "/console"})
    assert r.status_code == 303 and r.headers["location"] == "/console"
    return c, CSRF.search(c.get("/console").text).group(1)


def test_login_failure_page_and_languages(staff_service):
    c = httpx.Client(base_url=staff_service.url, follow_redirects=False)
    token = CSRF.search(c.get("/console/login").text).group(1)
    r = c.post("/console/login", data={"username": "viewer-user", "password": "nope-nope", "csrf_token": token})
    assert r.status_code == 401 and "รหัสผ่านไม่ถูกต้อง" in r.text
    c, _ = session(staff_service, "viewer-user")
    en = c.get("/console", params={"lang": "en"})
    assert "Knowledge-base entries" in en.text and "Content-Security-Policy" in en.headers
    assert "Knowledge-base entries" in c.get("/console").text  # the choice is remembered
    assert "รายการคำถาม-คำตอบ" in c.get("/console", params={"lang": "th"}).text
    assert c.get("/console/users").status_code == 403
    assert c.get("/console/audit").status_code == 403
    assert 'id="new-entry"' not in c.get("/console").text  # a viewer gets no edit controls


def test_filters_try_and_bulk_publish_in_the_console(staff_service):
    c, csrf = session(staff_service, "reviewer-user")
    tag = uuid.uuid4().hex[:6]
    ids = []
    for i in range(2):
        r = c.post("/console/entries/new", data={
            "csrf_token": csrf, "key": f"bulk-{tag}-{i}", "category": f"cat-{tag}",
            "question_en": f"Console bulk question {tag} number {i}?", "answer_en": f"Answer {i}.",
            **({"needs_review": "on"} if i == 0 else {})})
        assert r.status_code == 303, r.text
        ids.append(int(re.search(r"/console/entries/(\d+)", r.headers["location"]).group(1)))
    page = c.get("/console", params={"category": f"cat-{tag}", "status": "draft", "lang": "en"}).text
    assert f"bulk-{tag}-0" in page and f"bulk-{tag}-1" in page
    page = c.get("/console", params={"category": f"cat-{tag}", "needs_review": "yes"}).text
    assert f"bulk-{tag}-0" in page and f"bulk-{tag}-1" not in page
    assert f"bulk-{tag}-0" in c.get("/console", params={"missing_lang": "th", "q": tag}).text
    assert f"bulk-{tag}-0" not in c.get("/console", params={"missing_lang": "en", "q": tag}).text
    r = c.post("/console/bulk-publish", data={"csrf_token": csrf, "ids": [str(i) for i in ids]})
    assert r.status_code == 303
    assert f"bulk-{tag}-1" in c.get("/console", params={"category": f"cat-{tag}", "status": "published"}).text
    tried = c.get("/console/try", params={"q": "What is TCEB's e-mail address?", "lang": "en"}).text
    assert 'id="ranking"' in tried and "contact-email" in tried


def test_import_in_the_console_reports_before_writing(staff_service):
    c, csrf = session(staff_service, "reviewer-user")
    key = f"console-imp-{uuid.uuid4().hex[:6]}"
    bad = yaml.safe_dump({"entries": [{"key": key, "en": {"question": "Q?", "answer": "A."}},
                                      {"key": key, "en": {"question": "Q again?", "answer": "A."}}]}).encode()
    r = c.post("/console/import", data={"csrf_token": csrf}, files={"file": ("kb.yml", bad)})
    assert r.status_code == 422 and "appears more than once" in r.text and 'id="import-apply"' not in r.text
    good = yaml.safe_dump({"category": "imported", "entries": [
        {"key": key, "status": "draft", "en": {"question": "Console import question?", "answer": "A."}}]}).encode()
    r = c.post("/console/import", data={"csrf_token": csrf}, files={"file": ("kb.yml", good)})
    assert r.status_code == 200 and 'id="import-apply"' in r.text and key in r.text
    assert f">{key}</a>" not in c.get("/console", params={"q": key}).text  # validated, not written
    action = re.search(r'action="(/console/import/[0-9a-f]+/apply)"', r.text).group(1)
    assert c.post(action, data={}).status_code == 403  # CSRF on the confirmation too
    assert c.post(action, data={"csrf_token": csrf}).status_code == 200
    assert f">{key}</a>" in c.get("/console", params={"q": key}).text
    exported = c.get("/console/export", params={"format": "csv"})
    assert exported.status_code == 200 and key in exported.text


def test_admin_pages(staff_service):
    c, csrf = session(staff_service, "admin")
    name = f"new-{uuid.uuid4().hex[:6]}"
    r = c.post("/console/users", data={"csrf_token": csrf, "op": "create", "username": name,
                                       "password": PASSWORD, "role": "editor"})
    assert r.status_code == 303
    assert name in c.get("/console/users").text
    audit = c.get("/console/audit", params={"action": "user."}).text
    assert name in audit and "user.create" in audit


def test_the_entry_form_edits_the_scope_and_refuses_a_bad_year(staff_service):
    c, csrf = session(staff_service, "editor-user")
    key = f"scope-{uuid.uuid4().hex[:6]}"
    form = {"csrf_token": csrf, "key": key, "category": "staff-test", "question_en": "How many kites flew?",
            "answer_en": "12 kites in fiscal year 2563.", "scope_fiscal_years": "2563, 2562",
            "scope_figure_en": "number of kites", "scope_figure_th": "จำนวนว่าว"}
    bad = c.post("/console/entries/new", data={**form, "scope_fiscal_years": "2020"})
    assert bad.status_code == 422 and "2400" in bad.text and 'value="2020"' in bad.text
    r = c.post("/console/entries/new", data=form)
    assert r.status_code == 303, r.text
    page = c.get(r.headers["location"].split("?")[0], params={"lang": "en"}).text
    assert 'id="scope_fiscal_years" name="scope_fiscal_years" value="2562 2563"' in page
    assert 'value="number of kites"' in page and 'value="TCEB"' in page and "Fiscal years" in page
    entry_id = int(re.search(r"/console/entries/(\d+)", r.headers["location"]).group(1))
    tried = c.get("/console/try", params={"q": "What was TCEB's ITA score in 2022?", "lang": "en"}).text
    assert 'id="try-outcome">partial (another year or organisation)<' in tried
    with staff_service.client("viewer") as viewer:
        assert viewer.get(f"/api/v1/staff/entries/{entry_id}").json()["scope"] == {
            "fiscal_years": [2562, 2563], "figure": {"th": "จำนวนว่าว", "en": "number of kites"},
            "organisation": "TCEB"}
