"""Fiscal years and half-year periods: Buddhist Era, Bangkok midnights, the edges on the right side."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from faq_service.measures.periods import FiscalYear, Period
from faq_service.reports.content import (date_long, date_short, period_range, thai_date_long,
                                         thai_date_short)

BKK = ZoneInfo("Asia/Bangkok")


def bkk(*args) -> datetime:
    return datetime(*args, tzinfo=BKK)


def test_fy2563_spans_1_oct_2019_to_30_sep_2020():
    fy = FiscalYear(2563)
    assert fy.first_day == date(2019, 10, 1) and fy.last_day == date(2020, 9, 30)
    h1, h2 = fy.half(1), fy.half(2)
    assert (h1.first_day, h1.last_day) == (date(2019, 10, 1), date(2020, 3, 31))
    assert (h2.first_day, h2.last_day) == (date(2020, 4, 1), date(2020, 9, 30))
    # Bangkok midnight is 17:00 UTC the day before
    assert h1.start == datetime(2019, 9, 30, 17, tzinfo=timezone.utc)
    assert h1.end == h2.start == datetime(2020, 3, 31, 17, tzinfo=timezone.utc)
    assert h2.end == datetime(2020, 9, 30, 17, tzinfo=timezone.utc)


@pytest.mark.parametrize("moment, key", [
    (bkk(2019, 9, 30, 23, 59, 59), "FY2562-H2"),
    (bkk(2019, 10, 1, 0, 0, 0), "FY2563-H1"),
    (bkk(2020, 3, 31, 23, 59, 59, 999999), "FY2563-H1"),
    (bkk(2020, 4, 1, 0, 0, 0), "FY2563-H2"),
    (bkk(2020, 9, 30, 23, 59, 59), "FY2563-H2"),
    (bkk(2020, 10, 1), "FY2564-H1"),
    # 20:00 UTC on 30 Sep is already 1 Oct in Bangkok
    (datetime(2019, 9, 30, 20, 0, tzinfo=timezone.utc), "FY2563-H1"),
    (datetime(2019, 9, 30, 16, 59, 59, tzinfo=timezone.utc), "FY2562-H2"),
    (datetime(2020, 3, 31, 17, 0, tzinfo=timezone.utc), "FY2563-H2"),
    (datetime(2020, 3, 31, 16, 59, 59), "FY2563-H1"),  # naive = UTC (as SQLite returns it)
])
def test_edges_fall_on_the_right_side(moment, key):
    period = Period.containing(moment)
    assert period.key == key
    assert period.contains(moment)
    other = Period(2563, 2 if period.half == 1 else 1) if period.fiscal_year == 2563 else Period(2563, 1)
    assert not other.contains(moment)


def test_months_are_bangkok_months():
    months = Period(2563, 1).months()
    assert [m[0] for m in months] == [date(2019, 10, 1), date(2019, 11, 1), date(2019, 12, 1),
                                      date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)]
    assert months[3][1] == datetime(2019, 12, 31, 17, tzinfo=timezone.utc)
    assert months[-1][2] == Period(2563, 1).end


def test_invalid_periods_are_refused():
    with pytest.raises(ValueError):
        Period(2020, 1)  # Christian Era
    with pytest.raises(ValueError):
        Period(2563, 3)


def test_thai_dates_in_buddhist_era():
    assert thai_date_short(date(2020, 5, 22)) == "22 พ.ค. 63"
    assert thai_date_long(date(2020, 5, 22)) == "22 พฤษภาคม 2563"
    # a UTC instant late on 21 May is 22 May in Bangkok
    assert thai_date_short(datetime(2020, 5, 21, 18, 0, tzinfo=timezone.utc)) == "22 พ.ค. 63"
    assert date_short(date(2019, 10, 1), "en") == "1 Oct 2019"
    assert date_long(date(2020, 3, 31), "th") == "31 มีนาคม 2563"
    assert period_range(Period(2563, 1), "th") == "1 ตุลาคม 2562 – 31 มีนาคม 2563"
    assert period_range(Period(2563, 2), "th", long=False) == "1 เม.ย. 63 – 30 ก.ย. 63"
