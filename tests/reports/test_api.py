"""Staff API and console pages for measures and the report, against the real service (SQLite and
PostgreSQL): login needed, viewers read, editors edit (with history), downloads in three formats."""
from __future__ import annotations

import os
import subprocess

import pytest

from tests.staff.conftest import start_staff_service
from tests.support.procs import REPO, VENV_BIN


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def svc(request, tmp_path_factory, postgres_dbs, artifacts_dir):
    service = start_staff_service(request.param, tmp_path_factory.mktemp(f"measures-{request.param}"),
                                  postgres_dbs, artifacts_dir)
    done = subprocess.run([str(VENV_BIN / "thamtob"), "measures", "import"], cwd=REPO, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "DATABASE_URL": service.database_url})
    assert done.returncode == 0, done.stderr
    yield service
    service.proc.stop()


def _e8_e9(client) -> dict:
    items = client.get("/api/v1/staff/measures", params={"fy": 2563}).json()["items"]
    assert len(items) == 13
    return next(m for m in items if m["key"] == "fy2563-2.1-e8-e9")


def test_login_is_required(svc):
    with svc.client(None) as anon:
        assert anon.get("/api/v1/staff/measures").status_code == 401
        assert anon.get("/api/v1/staff/reports/2563/1/pdf").status_code == 401
        page = anon.get("/console/measures", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/console/login")


def test_viewer_reads_but_cannot_edit(svc):
    with svc.client("viewer") as viewer:
        m = _e8_e9(viewer)
        assert [i["code"] for i in m["items"]] == ["E9", "E8"]
        assert viewer.patch(f"/api/v1/staff/measures/steps/{m['steps'][0]['id']}",
                            json={"status": "done"}).status_code == 403
        assert viewer.put(f"/api/v1/staff/measures/{m['id']}/results/2563/2", json={"result_th": "x"}).status_code == 403
        page = viewer.get("/console/measures")
        assert page.status_code == 200 and "fy2563-2.1-e8-e9" not in page.text and "E10" in page.text
        detail = viewer.get(f"/console/measures/{m['id']}")
        assert detail.status_code == 200 and 'name="status"' not in detail.text


def test_editor_edits_steps_and_results_with_history(svc):
    with svc.client("editor") as editor:
        m = _e8_e9(editor)
        step = m["steps"][3]  # "วางระบบให้มี CHATBOT ในอนาคต"
        r = editor.patch(f"/api/v1/staff/measures/steps/{step['id']}",
                         json={"status": "done", "evidence": "ThamTob", "expected_version": step["version"]})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "done" and r.json()["version"] == step["version"] + 1
        stale = editor.patch(f"/api/v1/staff/measures/steps/{step['id']}",
                             json={"status": "planned", "expected_version": step["version"]})
        assert stale.status_code == 409
        bad = editor.patch(f"/api/v1/staff/measures/steps/{step['id']}", json={"status": "finished"})
        assert bad.status_code == 422
        r = editor.put(f"/api/v1/staff/measures/{m['id']}/results/2563/2",
                       json={"result_th": "เปิดให้บริการผู้ช่วยถาม-ตอบแล้ว", "obstacles_th": "ไม่มี"})
        assert r.status_code == 200 and r.json()["half"] == 2
        # the console form does the same (bearer logins need no CSRF token)
        form = editor.post(f"/console/measures/{m['id']}/results",
                           data={"fy": "2563", "half": "2", "version": str(r.json()["version"]),
                                 "result_th": "เปิดให้บริการแล้ว (แก้ไข)", "obstacles_th": "ไม่มี"},
                           follow_redirects=False)
        assert form.status_code == 303
        detail = editor.get(f"/api/v1/staff/measures/{m['id']}").json()
        assert next(x for x in detail["results"] if x["half"] == 2)["result_th"] == "เปิดให้บริการแล้ว (แก้ไข)"
        hist = detail["history"]
        assert any(h["entity"] == "step" and h["author"] == "editor-user"
                   and h["changes"]["status"] == ["in_progress", "done"] for h in hist)
        assert any(h["entity"] == "result" and h["action"] == "update" for h in hist)
        page = editor.get(f"/console/measures/{m['id']}?fy=2563&half=2")
        assert "เปิดให้บริการแล้ว (แก้ไข)" in page.text and 'name="status"' in page.text


def test_report_figures_and_downloads(svc):
    for q in ("สสปน. คืออะไร", "ร้องเรียนการทุจริตได้อย่างไร"):
        svc.ask(q)
    with svc.client("viewer") as viewer:
        from datetime import datetime, timezone

        from faq_service.measures.periods import Period

        now = Period.containing(datetime.now(timezone.utc))
        fig = viewer.get("/api/v1/staff/reports/figures", params={"fy": now.fiscal_year, "half": now.half}).json()
        assert fig["asked"] >= 2 and fig["complaint_questions"] >= 1
        pdf = viewer.get("/api/v1/staff/reports/2563/1/pdf")
        assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
        xlsx = viewer.get("/api/v1/staff/reports/2563/1/xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
        html = viewer.get("/console/reports/file", params={"fy": 2563, "half": 1, "format": "html"})
        assert html.status_code == 200 and "ปัญหา/อุปสรรค" in html.text
        assert "frame-ancestors 'none'" in html.headers["content-security-policy"]
        page = viewer.get("/console/reports", params={"fy": now.fiscal_year, "half": now.half})
        assert page.status_code == 200 and 'id="figures"' in page.text
        assert viewer.get("/api/v1/staff/reports/2020/1/pdf").status_code == 422


def test_console_shows_questions_per_channel(svc):
    """Questions asked through the widget and LINE appear in their own rows of the figures and of the
    console's report page: questions, answered rate and the 👍 share of the feedback."""
    import re
    from datetime import datetime, timezone

    import httpx

    from faq_service.measures.periods import Period

    now = Period.containing(datetime.now(timezone.utc))
    params = {"fy": now.fiscal_year, "half": now.half}

    def per_channel(viewer) -> dict:
        return {c["channel"]: c for c in viewer.get("/api/v1/staff/reports/figures", params=params).json()["channels"]}

    with svc.client("viewer") as viewer:
        before = per_channel(viewer)
        asked = [svc.ask(q, channel="widget") for q in ("สสปน. คืออะไร", "What is TCEB?")]
        svc.ask("ติดต่อ สสปน. ได้อย่างไร", channel="line")
        for body, helpful in zip(asked, (True, False)):
            r = httpx.post(f"{svc.url}/api/v1/feedback", json={"log_id": body["log_id"], "helpful": helpful})
            assert r.status_code == 204
        after = per_channel(viewer)
        assert list(after) == ["web", "widget", "line", "api"]
        assert after["widget"]["asked"] - before["widget"]["asked"] == 2
        assert after["widget"]["helpful_yes"] - before["widget"]["helpful_yes"] == 1
        assert after["widget"]["helpful_no"] - before["widget"]["helpful_no"] == 1
        assert after["line"]["asked"] - before["line"]["asked"] == 1
        w = after["widget"]
        assert w["answered_pct"] == round(100.0 * w["answered"] / w["asked"], 1)
        assert w["helpful_pct"] == round(100.0 * w["helpful_yes"] / (w["helpful_yes"] + w["helpful_no"]), 1)
        page = viewer.get("/console/reports", params={**params, "lang": "en"}).text
    row = re.search(r'<tr data-channel="widget"><th scope="row">([^<]+)</th><td>(\d+)</td><td>([^<]+)</td>'
                    r'<td>([^<]+)</td></tr>', page)
    assert row, page
    assert row.groups() == ("Chat widget on websites", str(w["asked"]), str(w["answered_pct"]), str(w["helpful_pct"]))


def test_measure_times_are_rfc3339_in_utc(svc):
    import re

    with svc.client("viewer") as viewer:
        m = viewer.get(f"/api/v1/staff/measures/{_e8_e9(viewer)['id']}").json()
        times = [m["updated_at"], *(s["updated_at"] for s in m["steps"]), *(h["changed_at"] for h in m["history"])]
        figures = viewer.get("/api/v1/staff/reports/figures", params={"fy": 2563, "half": 1}).json()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", t) for t in times + [figures["start"]]), times
    assert figures["start"] == "2019-09-30T17:00:00Z"  # 1 Oct 2019 (FY2563 H1), midnight in Bangkok
