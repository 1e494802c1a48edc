"""Unit tests of the desk's service-level clocks (working days: weekends and the holiday file skipped) and
of the new-complaint e-mail (a real local SMTP server; a dead one only leaves a log line)."""
from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from faq_service.complaints import notify, workdays
from faq_service.complaints.workdays import TZ, add_workdays, clock, clocks, deadline, load_holidays, parse_holidays
from tests.complaints.desk_support import body_text, start_mailbox
from tests.support.procs import REPO, free_port


def bangkok(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


# 2030-03-01 is a Friday; Monday 2030-03-04 is made a holiday for these tests (not a real-world claim).
FRIDAY_EVENING = bangkok(2030, 3, 1, 18, 30)
HOLIDAY = date(2030, 3, 4)


def test_working_days_skip_weekends_and_holidays():
    assert add_workdays(date(2030, 3, 1), 3, {}) == date(2030, 3, 6)          # Fri + 3 → Wed
    assert add_workdays(date(2030, 3, 1), 3, {HOLIDAY: ""}) == date(2030, 3, 7)  # Monday off → Thu
    assert add_workdays(date(2030, 3, 2), 1, {}) == date(2030, 3, 4)          # received on a Saturday
    assert workdays.workdays_between(date(2030, 3, 1), date(2030, 3, 8), {HOLIDAY: ""}) == 4


def test_the_deadline_is_the_end_of_the_last_working_day_in_bangkok():
    due = deadline(FRIDAY_EVENING, 3, {HOLIDAY: ""})
    assert due == bangkok(2030, 3, 8, 0, 0)  # the end of Thursday 7 March, local time
    assert due.utcoffset().total_seconds() == 0 and due.hour == 17
    # a naive time (as SQLite gives it back) is UTC: 23:30 UTC on Friday is already Saturday in Bangkok
    assert deadline(datetime(2030, 3, 1, 23, 30), 1, {}) == bangkok(2030, 3, 5, 0, 0)


def test_overdue_with_a_holiday():
    holidays = {HOLIDAY: "test holiday"}
    wednesday_noon = bangkok(2030, 3, 6, 12)
    ack = clock(FRIDAY_EVENING, 3, None, holidays, wednesday_noon)
    assert ack.state == "open" and ack.working_days == 1      # Thursday still to come
    assert clock(FRIDAY_EVENING, 3, None, {}, wednesday_noon).working_days == 0  # without the holiday: due today
    thursday_late = bangkok(2030, 3, 7, 23, 59)
    assert clock(FRIDAY_EVENING, 3, None, holidays, thursday_late).state == "open"
    overdue = clock(FRIDAY_EVENING, 3, None, holidays, bangkok(2030, 3, 11, 9))  # the next Monday
    assert overdue.overdue and overdue.working_days == 2      # Friday 8 and Monday 11 have passed
    assert clock(FRIDAY_EVENING, 3, None, {}, bangkok(2030, 3, 7, 9)).overdue  # no holiday: Thursday is late
    late = clock(FRIDAY_EVENING, 3, bangkok(2030, 3, 8, 9), holidays, bangkok(2030, 3, 20))
    assert late.state == "late" and not late.overdue
    assert clock(FRIDAY_EVENING, 3, bangkok(2030, 3, 5, 9), holidays, bangkok(2030, 3, 20)).state == "done"
    ack, result = clocks(FRIDAY_EVENING, None, bangkok(2030, 3, 6, 9), 3, 30, holidays, bangkok(2030, 4, 30))
    assert ack.state == "done" and result.state == "done"  # closing at once counts as acknowledging in time


def test_the_holiday_file_format_and_reload(tmp_path):
    assert parse_holidays({"holidays": [date(2030, 1, 1), "2030-01-02", {"date": "2030-01-03", "name": "x"}]}) == {
        date(2030, 1, 1): "", date(2030, 1, 2): "", date(2030, 1, 3): "x"}
    for bad in ({"holidays": ["next tuesday"]}, {"holidays": [{"name": "no date"}]}, ["2030-01-01"],
                {"holidays": "2030-01-01"}):
        with pytest.raises(workdays.HolidayFileError):
            parse_holidays(bad)
    path = tmp_path / "holidays.yml"
    assert load_holidays(path) == {}  # no file: no holidays
    path.write_text("holidays:\n  - 2030-13-45\n")  # YAML itself fails on this date
    with pytest.raises(workdays.HolidayFileError, match="holidays.yml"):
        load_holidays(path)
    path.write_text("holidays:\n  - 2030-03-04\n")
    assert load_holidays(path) == {HOLIDAY: ""}
    path.write_text("holidays:\n  - date: 2030-03-05\n    name: changed\n")
    assert load_holidays(path) == {date(2030, 3, 5): "changed"}  # edited while running: read again
    shipped = REPO / "data" / "complaints" / "holidays.yml"
    assert isinstance(load_holidays(shipped), dict)  # the file staff keep parses


def _settings(**values) -> SimpleNamespace:
    base = {"smtp_url": None, "smtp_from": "thamtob@example.org", "smtp_timeout_s": 5.0,
            "complaint_notify_to": "desk@example.org, other@example.org", "console_url": "https://console.example",
            "host": "127.0.0.1", "port": 8000}
    return SimpleNamespace(**{**base, **values})


def test_the_mail_goes_to_a_real_smtp_server_and_carries_no_content():
    box, controller = start_mailbox()
    try:
        settings = _settings(smtp_url=f"smtp://127.0.0.1:{box.port}")
        future = notify.new_complaint(settings)
        assert future.result(timeout=30) == 2
        mail = box.wait_for_new(0)
        assert mail.recipients == ["desk@example.org", "other@example.org"]
        body = body_text(mail.message)
        assert "https://console.example/console/complaints" in body
        assert "เรื่องร้องเรียนใหม่" in body and "new complaint" in body.lower()
        # Nothing about any complaint can be in it: the function is not even given one.
        assert set(notify.new_complaint.__code__.co_varnames[:notify.new_complaint.__code__.co_argcount]) == {
            "settings", "db"}
    finally:
        controller.stop()


def test_no_server_no_mail_and_no_error(caplog):
    assert notify.new_complaint(_settings()) is None  # THAMTOB_SMTP_URL unset: nothing to do
    dead = _settings(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    with caplog.at_level(logging.WARNING, logger="faq_service.complaints.notify"):
        future = notify.new_complaint(dead)
        assert future.result(timeout=30) == 0
    assert "complaint notification not sent" in caplog.text
    assert notify.recipients_for(_settings(complaint_notify_to="not-an-address, a@b.org,A@B.org")) == ["a@b.org"]


def test_settings_take_only_smtp_urls():
    from pydantic import ValidationError

    from faq_service.core.settings import Settings

    assert Settings(THAMTOB_SMTP_URL="smtp+starttls://u:p@mail.example:587").smtp_url.startswith("smtp+starttls")
    with pytest.raises(ValidationError):
        Settings(THAMTOB_SMTP_URL="http://mail.example")
    assert Path(Settings().complaint_holidays).name == "holidays.yml"
