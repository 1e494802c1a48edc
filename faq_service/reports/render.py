"""Rendering the report and the guide: HTML (Jinja2, printable), PDF (headless Chromium, pdf.py) and
XLSX (openpyxl)."""
from __future__ import annotations

import io
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from faq_service.reports import charts, complaint_text, content, pdf
from faq_service.reports.report import Report

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = ("html", "pdf", "xlsx")
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(("html",)),
                   trim_blocks=True, lstrip_blocks=True)


def report_html(report: Report) -> str:
    lang, fig = report.lang, report.figures
    return _env.get_template("report.html").render(
        r=report, t=report.t, lang=lang, fig=fig, charts=charts.all_charts(fig, lang),
        complaints=complaint_text.section(fig.complaints, report.t),
        title=content.period_title(report.period, lang),
        range_long=content.period_range(report.period, lang, long=True),
        range_short=content.period_range(report.period, lang, long=False),
        generated=content.date_long(report.generated_at, lang),
        month_label=lambda d: content.month_label(d, lang),
        channel_label=lambda c: content.channel_label(c, lang), pct_text=content.pct_text)


def html_to_pdf(html: str) -> bytes:
    return pdf.html_to_pdf(html)


def report_pdf(report: Report) -> bytes:
    return html_to_pdf(report_html(report))


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Alignment, Font, PatternFill

    t, fig = report.t, report.figures
    wb = Workbook()
    ws = wb.active
    ws.title = t["sheet_report"]
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    ws.append([t["report_title"]])
    ws.append([content.period_title(report.period, report.lang) + " · "
               + content.period_range(report.period, report.lang)])
    ws["A1"].font = Font(bold=True, size=13)
    cols = [t[c] for c in ("col_issue", "col_measure", "col_steps", "col_followup", "col_result", "col_obstacles")]
    for sec in report.sections:
        for grp in sec.groups:
            ws.append([])
            ws.append([f"{grp.code} {sec.title} — {grp.title}"])
            ws.cell(ws.max_row, 1).font = bold
            ws.append(cols)
            for c in range(1, 7):
                ws.cell(ws.max_row, c).font = bold
                ws.cell(ws.max_row, c).fill = head_fill
            for ind in grp.indicators:
                ws.append([ind.title])
                ws.cell(ws.max_row, 1).font = bold
                for row in ind.rows:
                    steps = "\n".join(f"{s['n']}. {s['text']} [{s['status_label']}]"
                                      + (f" ({s['evidence']})" if s["evidence"] else "") for s in row.steps)
                    ws.append(["\n".join(f"{code} {text}" for code, text in row.items), "\n".join(row.measure),
                               steps, "\n".join(row.followup), "\n".join(row.result + row.auto + row.proposal),
                               "\n".join(row.obstacles)])
                    for c in range(1, 7):
                        ws.cell(ws.max_row, c).alignment = wrap
    for letter, width in zip("ABCDEF", (34, 34, 50, 30, 50, 30)):
        ws.column_dimensions[letter].width = width

    fs = wb.create_sheet(t["sheet_figures"])
    rows = [(t["summary_asked"], fig.asked), (t["summary_answered"] + " (%)", fig.answered_pct),
            (t["summary_suggested"] + " (%)", fig.suggested_pct), (t["summary_declined"] + " (%)", fig.declined_pct),
            (t["summary_latency"] + f" ({t['ms']})", fig.median_latency_ms),
            ("👍", fig.helpful_yes), ("👎", fig.helpful_no), (t["fig_feedback"].split(":")[0], fig.comments),
            (t["summary_complaints"], fig.complaint_questions),
            (t["summary_clusters"], f"{fig.clusters_opened}/{fig.clusters_closed}"),
            ("entries_published", fig.entries_published), ("entries_created", fig.entries_created),
            ("entries_updated", fig.entries_updated), ("entries_improved", fig.entries_improved)]
    rows += [(f"channel:{c}", n) for c, n in fig.by_channel.items()]
    rows += [(f"outcome:{o}", n) for o, n in sorted(fig.by_outcome.items())]
    for label, value in rows:
        fs.append([label, value])
    fs.column_dimensions["A"].width = 40
    fs.append([])
    fs.append([t["channels_title"]])
    fs.append([t["channel"], t["questions"], t["answered_pct"], t["helpful_pct"]])
    for c in fig.channels:
        fs.append([content.channel_label(c.channel, report.lang), c.asked, c.answered_pct, c.helpful_pct])
    fs.append([])
    fs.append([t["chart_topics"]])
    for text, n in fig.top_unanswered:
        fs.append([text, n])

    cs = wb.create_sheet(t["sheet_complaints"])
    for label, value in complaint_text.sheet_rows(fig.complaints, t):
        cs.append([label, value])
    cs.column_dimensions["A"].width = 60

    ms = wb.create_sheet(t["sheet_months"])
    ms.append([t["month"], t["questions"], t["answered"], t["answered_pct"]])
    for m in fig.months:
        ms.append([content.month_label(m.month, report.lang), m.asked, m.answered, m.answered_pct])
    for i, chart in enumerate(charts.all_charts(fig, report.lang)):
        img = Image(io.BytesIO(chart.png))
        img.width, img.height = img.width * 0.45, img.height * 0.45
        ms.add_image(img, f"F{1 + i * 22}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def render_report(report: Report, fmt: str) -> bytes:
    if fmt == "html":
        return report_html(report).encode("utf-8")
    if fmt == "pdf":
        return report_pdf(report)
    if fmt == "xlsx":
        return report_xlsx(report)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
