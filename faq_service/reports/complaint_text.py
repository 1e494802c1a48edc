"""What the report says about the period's complaints (complaints/statistics.py): the figure lines under
E10, the result text it proposes for E10, I11 and I13–15, and the rows of the complaints section and
sheet. Wording in texts.yml (keys complaints_*, fig_complaints_*, proposal_*, ckind_* …)."""
from __future__ import annotations

from faq_service.complaints.models import OUTCOMES
from faq_service.complaints.statistics import ComplaintStats

# Which kind of complaint each assessment item's proposed result is about: E10 corruption by staff,
# I11 procurement, I13–I15 personnel administration.
PROPOSAL_KINDS = {"E10": "corruption", "I11": "procurement", "I13": "personnel", "I14": "personnel",
                  "I15": "personnel"}


def num(n: float | int) -> str:
    return f"{n:,}" if isinstance(n, int) else f"{n:,.1f}"


def _parts(t: dict, prefix: str, counts: dict[str, int], keep_zero: bool = False) -> str:
    return ", ".join(f"{t[prefix + key]} {num(n)}" for key, n in counts.items() if n or keep_zero)


def _outcomes(t: dict, counts: dict[str, int]) -> str:
    return _parts(t, "coutcome_", {o: counts.get(o, 0) for o in OUTCOMES})


def figure_lines(stats: ComplaintStats | None, t: dict) -> list[str]:
    """The period's complaint figures, as lines under E10."""
    if stats is None:
        return []
    if not stats.received:
        lines = [t["fig_complaints_none"]]
    else:
        lines = [t["fig_complaints_received"].format(n=num(stats.received), kinds=_parts(t, "ckind_", stats.by_kind)),
                 t["fig_complaints_modes"].format(modes=_parts(t, "cmode_", stats.by_mode, keep_zero=True),
                                                  channels=_parts(t, "cchannel_", stats.by_channel))]
    lines.append(ack_line(stats, t))
    lines.append(closed_line(stats, t))
    return lines


def ack_line(stats: ComplaintStats, t: dict) -> str:
    if not stats.ack_due:
        return t["fig_complaints_ack_none"].format(days=stats.ack_days, pending=num(stats.ack_pending))
    return t["fig_complaints_ack"].format(days=stats.ack_days, pct=num(stats.ack_in_time_pct),
                                          in_time=num(stats.ack_in_time), due=num(stats.ack_due),
                                          pending=num(stats.ack_pending))


def closed_line(stats: ComplaintStats, t: dict) -> str:
    if not stats.closed:
        return t["fig_complaints_closed_none"]
    return t["fig_complaints_closed"].format(n=num(stats.closed), outcomes=_outcomes(t, stats.by_outcome),
                                             days=num(stats.median_days_to_close))


def proposal_lines(stats: ComplaintStats | None, item_codes: list[str], t: dict) -> list[str]:
    """Result text the figures support for a measure's items, one sentence per kind of complaint, for
    staff to check and copy into the result: "no corruption complaint was received in the period",
    or how many were received and what became of them."""
    if stats is None:
        return []
    kinds: list[str] = []
    for code in item_codes:
        kind = PROPOSAL_KINDS.get(code)
        if kind and kind not in kinds:
            kinds.append(kind)
    lines = []
    for kind in kinds:
        k = stats.kinds.get(kind)
        if k is None or not k.received:
            lines.append(t[f"proposal_none_{kind}"])
            continue
        outcomes = _outcomes(t, k.outcomes)
        received = t[f"proposal_some_{kind}"].format(n=num(k.received), named=num(k.named),
                                                      confidential=num(k.confidential))
        progress = t["proposal_progress"].format(closed=num(k.closed), outcomes=f" ({outcomes})" if outcomes else "",
                                                 open=num(k.open))
        lines.append(f"{received} {progress}")
    return lines


def section(stats: ComplaintStats | None, t: dict) -> dict | None:
    """The complaints section of the report: summary boxes and the breakdown tables (every category,
    zeros included, so that a reader sees what was looked for)."""
    if stats is None:
        return None
    pct = f"{num(stats.ack_in_time_pct)}%" if stats.ack_in_time_pct is not None else "–"
    median = (t["days"].format(n=num(stats.median_days_to_close)) if stats.median_days_to_close is not None
              else "–")
    return {
        "summary": [(t["complaints_received"], num(stats.received)),
                    (t["complaints_ack"].format(days=stats.ack_days), pct),
                    (t["complaints_closed"], num(stats.closed)),
                    (t["complaints_median_close"], median)],
        "notes": [ack_line(stats, t), t["complaints_note"]],
        "tables": [(t["complaints_by_kind"], [(t["ckind_" + k], n) for k, n in stats.by_kind.items()]),
                   (t["complaints_by_mode"], [(t["cmode_" + k], n) for k, n in stats.by_mode.items()]),
                   (t["complaints_by_channel"], [(t["cchannel_" + k], n) for k, n in stats.by_channel.items()]),
                   (t["complaints_by_outcome"], [(t["coutcome_" + k], n) for k, n in stats.by_outcome.items()])],
    }


def sheet_rows(stats: ComplaintStats | None, t: dict) -> list[tuple[str, object]]:
    """(label, value) rows of the spreadsheet's complaints sheet: numbers as numbers."""
    if stats is None:
        return []
    rows: list[tuple[str, object]] = [
        (t["complaints_received"], stats.received),
        (t["complaints_ack"].format(days=stats.ack_days) + " (%)", stats.ack_in_time_pct),
        (t["complaints_ack_due"], stats.ack_due), (t["complaints_ack_in_time"], stats.ack_in_time),
        (t["complaints_ack_pending"], stats.ack_pending),
        (t["complaints_closed"], stats.closed),
        (t["complaints_median_close"] + f" ({t['days_unit']})", stats.median_days_to_close)]
    for title, prefix, counts in ((t["complaints_by_kind"], "ckind_", stats.by_kind),
                                  (t["complaints_by_mode"], "cmode_", stats.by_mode),
                                  (t["complaints_by_channel"], "cchannel_", stats.by_channel),
                                  (t["complaints_by_outcome"], "coutcome_", stats.by_outcome)):
        rows += [(f"{title}: {t[prefix + key]}", n) for key, n in counts.items()]
    return rows
