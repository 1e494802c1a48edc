"""Working days for the complaints desk's service levels: acknowledge within N working days of
receipt, give a result within M. Saturdays, Sundays and the days in the holiday file staff keep
(data/complaints/holidays.yml, THAMTOB_COMPLAINT_HOLIDAYS) are not working days.

Days are TCEB's days (Asia/Bangkok). A clock starts on the day after the day of receipt, so a
complaint received on Friday evening with 3 working days to acknowledge is due by the end of
Wednesday, and one received on a holiday is treated alike. A clock stops when its step is done: a
step done after its deadline was late, a step not done by then is overdue.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

TZ = ZoneInfo("Asia/Bangkok")
WEEKEND = (5, 6)  # Saturday, Sunday (date.weekday())


class HolidayFileError(ValueError):
    """The holiday file cannot be read as a list of dates; the message names the item."""


def parse_holidays(data, source: str = "holidays") -> dict[date, str]:
    """{day: name} from the file's parsed YAML: `holidays:` with dates or {date, name} items."""
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("holidays", []), list):
        raise HolidayFileError(f"{source}: expected `holidays:` followed by a list of dates")
    out: dict[date, str] = {}
    for i, item in enumerate(data.get("holidays") or [], start=1):
        day, name = (item.get("date"), str(item.get("name") or "")) if isinstance(item, dict) else (item, "")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, date) or isinstance(day, datetime):
            raise HolidayFileError(f"{source}: item {i} is not a date (YYYY-MM-DD): {item!r}")
        out[day] = name
    return out


_cache: dict[Path, tuple[tuple[int, int], dict[date, str]]] = {}
_lock = threading.Lock()


def load_holidays(path: Path) -> dict[date, str]:
    """The holiday file, read again whenever it changes (staff edit it while the service runs). A
    missing file means no holidays: the clocks then run early, never late."""
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == stamp:
            return cached[1]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: YAML reads 2099-13-45 as a date and fails
        raise HolidayFileError(f"{path.name}: cannot be read: {exc}") from exc
    days = parse_holidays(data, path.name)
    with _lock:
        _cache[path] = (stamp, days)
    return days


def is_workday(day: date, holidays) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def local_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(TZ).date()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; the service stores UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def add_workdays(start: date, n: int, holidays) -> date:
    """The n-th working day after `start` (start itself does not count)."""
    day, left = start, max(0, n)
    while left:
        day += timedelta(days=1)
        if is_workday(day, holidays):
            left -= 1
    return day


def deadline(received_at: datetime, n: int, holidays) -> datetime:
    """The end of the n-th working day after the day of receipt: the next local midnight, in UTC."""
    last = add_workdays(local_day(received_at), n, holidays)
    return datetime.combine(last + timedelta(days=1), time(0), TZ).astimezone(timezone.utc)


def workdays_between(first: date, last: date, holidays) -> int:
    """Working days after `first` up to and including `last` (negative when last is before first)."""
    if last < first:
        return -workdays_between(last, first, holidays)
    return sum(1 for i in range(1, (last - first).days + 1) if is_workday(first + timedelta(days=i), holidays))


@dataclass(frozen=True)
class Clock:
    """One service level of one complaint. state: done (in time), late (done after the deadline),
    open (not done, time left) or overdue (not done, deadline passed). working_days: for an open
    clock the working days left after today (0: due by the end of today); for an overdue one, the
    working days passed since the last day."""

    due: datetime
    done_at: datetime | None
    state: str
    working_days: int

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


def clock(received_at: datetime, days: int, done_at: datetime | None, holidays, now: datetime) -> Clock:
    due = deadline(received_at, days, holidays)
    if done_at is not None:
        done_at = as_utc(done_at)
        return Clock(due, done_at, "done" if done_at < due else "late", 0)
    now = as_utc(now)
    last_day = local_day(due - timedelta(seconds=1))
    if now < due:
        return Clock(due, None, "open", workdays_between(local_day(now), last_day, holidays))
    return Clock(due, None, "overdue", workdays_between(last_day, local_day(now), holidays))


def clocks(received_at: datetime, acknowledged_at: datetime | None, closed_at: datetime | None, ack_days: int,
           result_days: int, holidays, now: datetime) -> tuple[Clock, Clock]:
    """(acknowledge, result). Closing a complaint acknowledges it too, as far as the clock goes."""
    ack_done = acknowledged_at or closed_at
    return (clock(received_at, ack_days, ack_done, holidays, now),
            clock(received_at, result_days, closed_at, holidays, now))
