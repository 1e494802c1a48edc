"""What the report says: UI texts, Thai Buddhist-Era dates, and the figure lines for each item."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from pythainlp.util import thai_strftime

from faq_service.measures.periods import Period, as_bangkok
from faq_service.reports import complaint_text
from faq_service.reports.figures import ChannelFigure, Figures

LANGS = ("th", "en")
EN_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_MONTHS_LONG = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


@lru_cache(maxsize=1)
def _texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((Path(__file__).parent / "texts.yml").read_text(encoding="utf-8"))
    diff = set(data["th"]) ^ set(data["en"])
    if diff:
        raise ValueError(f"reports/texts.yml: keys not in both languages: {sorted(diff)}")
    return data


def texts(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}")
    return _texts()[lang]


def _day(value: date | datetime) -> date | datetime:
    return as_bangkok(value) if isinstance(value, datetime) else value


def thai_date_short(value: date | datetime) -> str:
    """22 พ.ค. 63 (Buddhist Era, two digits); datetimes are shown in Bangkok time."""
    d = _day(value)
    return thai_strftime(datetime(d.year, d.month, d.day), "%-d %b %y")


def thai_date_long(value: date | datetime) -> str:
    """22 พฤษภาคม 2563."""
    d = _day(value)
    return thai_strftime(datetime(d.year, d.month, d.day), "%-d %B %Y")


def thai_month(value: date) -> str:
    """พ.ค. 63."""
    return thai_strftime(datetime(value.year, value.month, 1), "%b %y")


def date_short(value: date | datetime, lang: str) -> str:
    if lang == "th":
        return thai_date_short(value)
    d = _day(value)
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def date_long(value: date | datetime, lang: str) -> str:
    if lang == "th":
        return thai_date_long(value)
    d = _day(value)
    return f"{d.day} {EN_MONTHS_LONG[d.month - 1]} {d.year}"


def month_label(value: date, lang: str) -> str:
    return thai_month(value) if lang == "th" else f"{EN_MONTHS[value.month - 1]} {value.year}"


def period_title(period: Period, lang: str) -> str:
    t = texts(lang)
    fy = period.fiscal_year if lang == "th" else f"{period.fiscal_year} BE ({period.fiscal_year - 543 - 1}–{period.fiscal_year - 543})"
    return f"{t['report_fy'].format(fy=fy)} {t[f'half_{period.half}']}"


def period_range(period: Period, lang: str, long: bool = True) -> str:
    fmt = date_long if long else date_short
    return texts(lang)["period_range"].format(start=fmt(period.first_day, lang), end=fmt(period.last_day, lang))


def _num(n: float | int) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


def channel_label(channel: str, lang: str) -> str:
    """A question-log channel (web, widget, line, api) in words; an unknown one as it is stored."""
    return texts(lang).get(f"channel_{channel}", channel)


def pct_text(value: float | None) -> str:
    return "–" if value is None else _num(value)


def channel_line(ch: ChannelFigure, lang: str) -> str:
    t = texts(lang)
    label = channel_label(ch.channel, lang)
    if not ch.asked:
        return t["fig_channel_empty"].format(channel=label)
    key = "fig_channel" if ch.helpful_pct is not None else "fig_channel_unrated"
    return t[key].format(channel=label, n=_num(ch.asked), answered=pct_text(ch.answered_pct),
                         helpful=pct_text(ch.helpful_pct))


# Which automatic figures evidence which assessment items (the seed's communication items).
FIGURE_ITEMS = {
    "E6": ("asked", "channels", "entries"),
    "E7": ("asked", "channels", "entries"),
    "E8": ("feedback",),
    "E9": ("asked", "outcomes", "latency", "clusters"),
    "E10": ("complaints", "complaint_records"),
    "E11": ("eservice", "improved"),
    "E12": ("eservice", "improved"),
}


def figure_lines(fig: Figures, item_codes: list[str], lang: str) -> list[str]:
    """The automatic figure lines for a measure's items, each figure once, in a stable order."""
    t = texts(lang)
    kinds: list[str] = []
    for code in item_codes:
        for kind in FIGURE_ITEMS.get(code, ()):
            if kind not in kinds:
                kinds.append(kind)
    lines = []
    for kind in kinds:
        if kind == "asked":
            lines.append(t["fig_asked"].format(n=_num(fig.asked)))
        elif kind == "channels" and fig.asked:
            lines.append(t["fig_channels"].format(channels="; ".join(channel_line(c, lang) for c in fig.channels)))
        elif kind == "entries":
            lines.append(t["fig_entries_published"].format(n=_num(fig.entries_published)))
            lines.append(t["fig_entries_changed"].format(created=_num(fig.entries_created),
                                                         updated=_num(fig.entries_updated)))
        elif kind == "feedback":
            lines.append(t["fig_feedback"].format(yes=_num(fig.helpful_yes), no=_num(fig.helpful_no),
                                                  comments=_num(fig.comments)))
        elif kind == "outcomes":
            lines.append(t["fig_outcomes"].format(answered=_num(fig.answered_pct), suggested=_num(fig.suggested_pct),
                                                  declined=_num(fig.declined_pct)))
            if fig.document_pct:  # answers from imported documents, shown apart when there are any
                lines.append(t["fig_from_documents"].format(documents=_num(fig.document_pct)))
        elif kind == "latency":
            lines.append(t["fig_latency"].format(ms=_num(fig.median_latency_ms)) if fig.median_latency_ms is not None
                         else t["fig_latency_none"])
        elif kind == "clusters":
            lines.append(t["fig_clusters"].format(opened=_num(fig.clusters_opened), closed=_num(fig.clusters_closed))
                         if fig.clusters_tracked else t["fig_clusters_untracked"])
        elif kind == "complaints":
            lines.append(t["fig_complaints"].format(n=_num(fig.complaint_questions)))
        elif kind == "complaint_records":
            lines += complaint_text.figure_lines(fig.complaints, t)
        elif kind == "eservice":
            args = dict(n=_num(fig.asked), channels=len(fig.by_channel))
            lines.append(t["fig_eservice"].format(since=date_short(fig.first_question_at, lang), **args)
                         if fig.first_question_at else t["fig_eservice_nosince"].format(**args))
        elif kind == "improved":
            lines.append(t["fig_improved"].format(n=_num(fig.entries_improved)))
    return lines


def proposal_lines(fig: Figures, item_codes: list[str], lang: str) -> list[str]:
    """Result text proposed from the period's complaint records for E10, I11 and I13–15."""
    return complaint_text.proposal_lines(fig.complaints, item_codes, texts(lang))
