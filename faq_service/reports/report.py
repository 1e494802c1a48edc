"""The six-month report to the director: the seed's six-column table for a period, with the staff's
result text and the automatic figures in the result column; rendered to HTML, PDF and XLSX."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from faq_service.core.db import utcnow
from faq_service.measures import service as measures
from faq_service.measures.periods import Period
from faq_service.reports import content
from faq_service.reports.figures import Figures, compute


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass
class Row:
    measure_id: int
    key: str
    items: list[tuple[str, str]]
    measure: list[str]
    steps: list[dict]
    followup: list[str]
    result: list[str]
    auto: list[str]
    obstacles: list[str]
    proposal: list[str] = field(default_factory=list)  # result text proposed from the complaint records


@dataclass
class IndicatorBlock:
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class GroupBlock:
    code: str
    title: str
    indicators: list[IndicatorBlock] = field(default_factory=list)


@dataclass
class StakeholderBlock:
    number: int
    title: str
    groups: list[GroupBlock] = field(default_factory=list)


@dataclass
class Report:
    period: Period
    lang: str
    figures: Figures
    sections: list[StakeholderBlock]
    generated_at: datetime
    t: dict

    @property
    def rows(self) -> list[Row]:
        return [r for s in self.sections for g in s.groups for i in g.indicators for r in i.rows]


def build(session: Session, period: Period, lang: str = "th", now: datetime | None = None) -> Report:
    t = content.texts(lang)
    fig = compute(session, period, now)
    names = measures.indicators(session)
    sections: list[StakeholderBlock] = []
    auto_head = t["auto_heading"].format(start=content.date_short(period.first_day, lang),
                                         end=content.date_short(period.last_day, lang))
    for m in measures.list_measures(session, period.fiscal_year):
        if not sections or sections[-1].title != t[f"stakeholders_{m.stakeholders}"]:
            sections.append(StakeholderBlock(len(sections) + 1, t[f"stakeholders_{m.stakeholders}"]))
        sec = sections[-1]
        group_title = m.group_th if lang == "th" else (m.group_en or m.group_th)
        if not sec.groups or sec.groups[-1].code != m.group_code:
            sec.groups.append(GroupBlock(m.group_code, group_title))
        grp = sec.groups[-1]
        ind = names.get(m.indicator_no)
        ind_name = (ind.name_th if lang == "th" else ind.name_en) if ind else ""
        ind_title = t["indicator"].format(n=m.indicator_no, name=ind_name)
        if not grp.indicators or grp.indicators[-1].title != ind_title:
            grp.indicators.append(IndicatorBlock(ind_title))
        res = measures.result_for(m, period)
        pick = (lambda th, en: th) if lang == "th" else (lambda th, en: en or th)
        auto = content.figure_lines(fig, m.item_codes, lang)
        proposal = content.proposal_lines(fig, m.item_codes, lang)
        steps = [{"n": s.position, "text": pick(s.text_th, s.text_en), "status": s.status,
                  "status_label": t[f"status_{s.status}"],
                  "evidence": t["evidence"].format(evidence=s.evidence) if s.evidence else ""}
                 for s in m.steps]
        followup = _lines(pick(m.followup_th, m.followup_en))
        if m.followup_to:
            followup.append(t["followup_to"].format(to=m.followup_to) + " · "
                            + t["followup_every"].format(n=m.followup_every_months))
        grp.indicators[-1].rows.append(Row(
            measure_id=m.id, key=m.key,
            items=[(link.item_code, pick(link.item.text_th, link.item.text_en)) for link in m.items],
            measure=_lines(pick(m.measure_th, m.measure_en)), steps=steps, followup=followup,
            result=_lines(pick(res.result_th, res.result_en)) if res else [],
            auto=[auto_head, *auto] if auto else [],
            obstacles=_lines(pick(res.obstacles_th, res.obstacles_en)) if res else [],
            proposal=[t["proposal_heading"], *proposal] if proposal else []))
    return Report(period, lang, fig, sections, now or utcnow(), t)
