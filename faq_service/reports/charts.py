"""Charts of the six-month report (matplotlib, Agg backend), returned as PNG data URIs for embedding
in the HTML/PDF and as PNG bytes for the XLSX."""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure as MplFigure  # noqa: E402

from faq_service.reports.content import channel_label, month_label, pct_text, texts  # noqa: E402
from faq_service.reports.figures import Figures  # noqa: E402

# Thai-capable families from Debian's fonts-thai-tlwg / fonts-noto-core, first one installed wins.
THAI_FAMILIES = ("Loma", "Garuda", "Noto Sans Thai", "Noto Sans Thai UI", "Tlwg Typo", "Kinnari")
DPI = 150
COLORS = ("#1f4e79", "#2e8b57", "#c0504d")


def _thai_family() -> list[str]:
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = [f for f in THAI_FAMILIES if f in names]
    return found + ["DejaVu Sans"]


@dataclass
class Chart:
    title: str
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


def _png(fig: MplFigure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    return buf.getvalue()


def _new(width: float = 6.0, height: float = 2.8):
    plt.rcParams["font.family"] = _thai_family()
    fig, ax = plt.subplots(figsize=(width, height), facecolor="white")
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def questions_per_month(fig_data: Figures, lang: str) -> Chart:
    t = texts(lang)
    fig, ax = _new()
    labels = [month_label(m.month, lang) for m in fig_data.months]
    asked = [m.asked for m in fig_data.months]
    answered = [m.answered for m in fig_data.months]
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], asked, width=0.4, color=COLORS[0], label=t["questions"])
    ax.bar([x + 0.2 for x in xs], answered, width=0.4, color=COLORS[1], label=t["answered"])
    ax.set_xticks(list(xs), labels)
    ax.set_ylabel(t["axis_questions"])
    ax.legend(frameon=False, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return Chart(t["chart_months"], _png(fig))


def answered_rate(fig_data: Figures, lang: str) -> Chart:
    t = texts(lang)
    fig, ax = _new()
    labels = [month_label(m.month, lang) for m in fig_data.months]
    rates = [m.answered_pct if m.answered_pct is not None else float("nan") for m in fig_data.months]
    ax.plot(labels, rates, marker="o", color=COLORS[1])
    for x, r in zip(labels, rates):
        if r == r:  # not NaN
            ax.annotate(f"{r:.1f}", (x, r), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel(t["axis_answered_pct"])
    return Chart(t["chart_rate"], _png(fig))


def top_unanswered(fig_data: Figures, lang: str) -> Chart:
    t = texts(lang)
    fig, ax = _new(6.0, 0.5 + 0.45 * max(1, len(fig_data.top_unanswered)))
    if fig_data.top_unanswered:
        labels = [(q if len(q) <= 45 else q[:44] + "…") for q, _ in fig_data.top_unanswered][::-1]
        counts = [n for _, n in fig_data.top_unanswered][::-1]
        ax.barh(range(len(labels)), counts, color=COLORS[2])
        ax.set_yticks(range(len(labels)), labels)
        for y, n in enumerate(counts):
            ax.annotate(str(n), (n, y), textcoords="offset points", xytext=(4, -3), fontsize=8)
    else:
        ax.text(0.5, 0.5, t["chart_no_data"], ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    return Chart(t["chart_topics"], _png(fig))


def by_channel(fig_data: Figures, lang: str) -> Chart:
    """Questions and answered questions per channel, each group noted with its answered and 👍 shares."""
    t = texts(lang)
    fig, ax = _new()
    channels = fig_data.channels
    xs = range(len(channels))
    asked = [c.asked for c in channels]
    ax.bar([x - 0.2 for x in xs], asked, width=0.4, color=COLORS[0], label=t["questions"])
    ax.bar([x + 0.2 for x in xs], [c.answered for c in channels], width=0.4, color=COLORS[1], label=t["answered"])
    def pct(value: float | None) -> str:
        return pct_text(value) + ("%" if value is not None else "")

    # Under each channel's name: its answered rate and the 👍 share of its feedback.
    ax.set_xticks(list(xs), [channel_label(c.channel, lang) + "\n" + t["chart_channel_note"].format(
        answered=pct(c.answered_pct), helpful=pct(c.helpful_pct)) for c in channels], fontsize=8)
    ax.set_ylabel(t["axis_questions"])
    ax.legend(frameon=False, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return Chart(t["chart_channels"], _png(fig))


def all_charts(fig_data: Figures, lang: str) -> list[Chart]:
    return [questions_per_month(fig_data, lang), answered_rate(fig_data, lang), by_channel(fig_data, lang),
            top_unanswered(fig_data, lang)]
