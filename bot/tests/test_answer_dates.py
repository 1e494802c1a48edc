"""The "information as of" date in the reader's calendar (actions.actions.format_updated)."""
import pytest

from actions.actions import format_updated


@pytest.mark.parametrize("stamp, lang, expected", [
    ("2026-11-26T03:00:00+00:00", "th", "26 พ.ย. 2569"),
    ("2026-11-26T03:00:00+00:00", "en", "26 Nov 2026"),
    # 18:30 UTC is already the next day in Bangkok (UTC+7).
    ("2026-12-31T18:30:00Z", "th", "1 ม.ค. 2570"),
    ("2026-12-31T18:30:00", "en", "1 Jan 2027"),
])
def test_date_in_the_readers_calendar(stamp, lang, expected):
    assert format_updated(stamp, lang) == expected


def test_missing_or_odd_dates():
    assert format_updated(None, "th") is None
    assert format_updated("", "en") is None
    assert format_updated("sometime in 2026", "en") is None
