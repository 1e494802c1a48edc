"""Measure tracking logic: YAML import (upsert by key), queries, and edits that keep a history."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from faq_service.core.db import utcnow
from faq_service.core.errors import ConflictError
from faq_service.measures.models import (STEP_STATUSES, AssessmentItem, Indicator, Measure, MeasureHistory,
                                         MeasureItem, PeriodResult, Step)
from faq_service.measures.periods import Period

MEASURE_FIELDS = ("measure_th", "measure_en", "followup_th", "followup_en", "followup_to",
                  "followup_every_months")
STEP_FIELDS = ("text_th", "text_en", "status", "evidence")
RESULT_FIELDS = ("result_th", "result_en", "obstacles_th", "obstacles_en")


class MeasureError(ValueError):
    pass


class MeasureConflict(MeasureError, ConflictError):
    """The measure or step was changed by someone else since the editor loaded it."""


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    files: list[str] = field(default_factory=list)


def _tx(value) -> tuple[str, str]:
    value = value or {}
    if isinstance(value, str):
        return value.strip(), ""
    return (value.get("th") or "").strip(), (value.get("en") or "").strip()


def _record(session: Session, measure_id: int, entity: str, obj, action: str, author: str,
            changes: dict) -> None:
    session.add(MeasureHistory(measure_id=measure_id, entity=entity, entity_id=obj.id, version=obj.version,
                               action=action, author=author, changed_at=obj.updated_at, changes=changes))


def _apply(obj, values: dict, fields: tuple[str, ...]) -> dict:
    """Set the given fields; return {field: [before, after]} for those that changed."""
    changes = {}
    for name in fields:
        if name in values and values[name] is not None and getattr(obj, name) != values[name]:
            changes[name] = [getattr(obj, name), values[name]]
            setattr(obj, name, values[name])
    return changes


def _touch(obj, author: str) -> None:
    obj.version = (obj.version or 0) + 1
    obj.updated_by = author
    obj.updated_at = utcnow()


def load_files(path: Path) -> list[tuple[Path, dict]]:
    files = sorted(path.glob("*.yml")) + sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise MeasureError(f"no .yml files in {path}")
    out = []
    for f in files:
        data = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise MeasureError(f"{f}: expected a mapping at the top")
        out.append((f, data))
    return out


def import_path(session: Session, path: Path, author: str = "import") -> ImportCounts:
    counts = ImportCounts()
    for f, data in load_files(path):
        counts.files.append(str(f))
        _import_doc(session, data, author, counts, f.name)
    return counts


def _import_doc(session: Session, data: dict, author: str, counts: ImportCounts, where: str) -> None:
    for ind in data.get("indicators") or []:
        obj = session.get(Indicator, int(ind["number"])) or Indicator(number=int(ind["number"]))
        obj.name_th, obj.name_en = ind["th"], ind.get("en", "")
        session.add(obj)
    session.flush()
    for it in data.get("items") or []:
        code = str(it["code"]).strip()
        obj = session.get(AssessmentItem, code) or AssessmentItem(code=code)
        obj.kind = "IIT" if code.startswith("I") else "EIT"
        obj.indicator_no, obj.text_th, obj.text_en = int(it["indicator"]), it["th"], it.get("en", "")
        session.add(obj)
    session.flush()
    groups = {str(g["code"]): g for g in data.get("groups") or []}
    fy = data.get("fiscal_year")
    for pos, m in enumerate(data.get("measures") or []):
        try:
            _import_measure(session, m, groups, int(m.get("fiscal_year", fy)), pos, author, counts)
        except (KeyError, TypeError, ValueError) as exc:
            raise MeasureError(f"{where}: measure {m.get('key', pos)}: {exc!r}") from exc


def _import_measure(session: Session, m: dict, groups: dict, fy: int, pos: int, author: str,
                    counts: ImportCounts) -> None:
    group = groups[str(m["group"])]
    mth, men = _tx(m["measure"])
    fu = m.get("followup") or {}
    fth, fen = _tx(fu)
    values = dict(measure_th=mth, measure_en=men, followup_th=fth, followup_en=fen,
                  followup_to=str(fu.get("to", "")), followup_every_months=int(fu.get("every_months", 6)))
    measure = session.scalar(select(Measure).where(Measure.key == m["key"]))
    created = measure is None
    if created:
        measure = Measure(key=m["key"], version=0, **values)
        session.add(measure)
    measure.fiscal_year, measure.indicator_no, measure.position = fy, int(m["indicator"]), pos
    measure.stakeholders, measure.group_code = group["stakeholders"], str(group["code"])
    measure.group_th, measure.group_en = group["th"], group.get("en", "")
    changes = {} if created else _apply(measure, values, MEASURE_FIELDS)
    codes = [str(c) for c in m.get("items") or []]
    for code in codes:
        if session.get(AssessmentItem, code) is None:
            raise ValueError(f"unknown assessment item {code}")
    if measure.item_codes != codes:
        changes["items"] = [measure.item_codes, codes]
        measure.items.clear()
        session.flush()
        measure.items.extend(MeasureItem(item_code=c, position=i) for i, c in enumerate(codes))
    changed = created or bool(changes)
    if changed:
        _touch(measure, author)
        session.flush()
        _record(session, measure.id, "measure", measure, "create" if created else "update", author, changes)
    for i, s in enumerate(m.get("steps") or []):
        sth, sen = _tx(s)
        status = s.get("status", "planned")
        if status not in STEP_STATUSES:
            raise ValueError(f"step {i + 1}: status must be one of {STEP_STATUSES}")
        step_values = dict(text_th=sth, text_en=sen, status=status, evidence=str(s.get("evidence") or ""))
        step = next((x for x in measure.steps if x.position == i + 1), None)
        if step is None:
            step = Step(position=i + 1, version=0, **step_values)
            measure.steps.append(step)
            _touch(step, author)
            session.flush()
            _record(session, measure.id, "step", step, "create", author, {})
            changed = True
        else:
            step_changes = _apply(step, step_values, STEP_FIELDS)
            if step_changes:
                _touch(step, author)
                _record(session, measure.id, "step", step, "update", author, step_changes)
                changed = True
    for r in m.get("results") or []:
        rth, ren = _tx(r.get("result"))
        oth, oen = _tx(r.get("obstacles"))
        period = Period(int(r.get("fiscal_year", fy)), int(r["half"]))
        if _save_result(session, measure, period, dict(result_th=rth, result_en=ren, obstacles_th=oth,
                                                       obstacles_en=oen), author):
            changed = True
    if created:
        counts.created += 1
    elif changed:
        counts.updated += 1
    else:
        counts.unchanged += 1


def _save_result(session: Session, measure: Measure, period: Period, values: dict, author: str) -> bool:
    row = next((r for r in measure.results
                if r.fiscal_year == period.fiscal_year and r.half == period.half), None)
    created = row is None
    if created:
        row = PeriodResult(fiscal_year=period.fiscal_year, half=period.half, version=0)
        measure.results.append(row)
    changes = _apply(row, values, RESULT_FIELDS)
    if not created and not changes:
        return False
    _touch(row, author)
    session.flush()
    _record(session, measure.id, "result", row, "create" if created else "update", author, changes)
    return True


# ------------------------------------------------------------------------------------------ queries

def list_measures(session: Session, fiscal_year: int | None = None) -> list[Measure]:
    q = (select(Measure).options(selectinload(Measure.items).selectinload(MeasureItem.item),
                                 selectinload(Measure.steps), selectinload(Measure.results))
         .order_by(Measure.fiscal_year, Measure.group_code, Measure.position))
    if fiscal_year:
        q = q.where(Measure.fiscal_year == fiscal_year)
    return list(session.scalars(q))


def get_measure(session: Session, measure_id: int) -> Measure:
    measure = session.get(Measure, measure_id)
    if measure is None:
        raise LookupError(f"measure {measure_id} not found")
    return measure


def indicators(session: Session) -> dict[int, Indicator]:
    return {i.number: i for i in session.scalars(select(Indicator))}


def history(session: Session, measure_id: int) -> list[MeasureHistory]:
    return list(session.scalars(select(MeasureHistory).where(MeasureHistory.measure_id == measure_id)
                                .order_by(MeasureHistory.changed_at.desc(), MeasureHistory.id.desc())))


def result_for(measure: Measure, period: Period) -> PeriodResult | None:
    return next((r for r in measure.results
                 if r.fiscal_year == period.fiscal_year and r.half == period.half), None)


# ------------------------------------------------------------------------------------------ edits

def _check_version(obj, expected: int | None) -> None:
    if expected is not None and obj.version != expected:
        raise MeasureConflict(f"changed by someone else meanwhile (version {obj.version}, you had {expected})")


def update_measure(session: Session, measure_id: int, values: dict, author: str,
                   expected_version: int | None = None) -> Measure:
    measure = get_measure(session, measure_id)
    _check_version(measure, expected_version)
    changes = _apply(measure, values, MEASURE_FIELDS)
    if changes:
        _touch(measure, author)
        _record(session, measure.id, "measure", measure, "update", author, changes)
    return measure


def update_step(session: Session, step_id: int, values: dict, author: str,
                expected_version: int | None = None) -> Step:
    step = session.get(Step, step_id)
    if step is None:
        raise LookupError(f"step {step_id} not found")
    if values.get("status") is not None and values["status"] not in STEP_STATUSES:
        raise MeasureError(f"status must be one of {', '.join(STEP_STATUSES)}")
    _check_version(step, expected_version)
    changes = _apply(step, values, STEP_FIELDS)
    if changes:
        _touch(step, author)
        _record(session, step.measure_id, "step", step, "update", author, changes)
    return step


def save_result(session: Session, measure_id: int, period: Period, values: dict, author: str,
                expected_version: int | None = None) -> PeriodResult:
    measure = get_measure(session, measure_id)
    existing = result_for(measure, period)
    if existing is not None:
        _check_version(existing, expected_version)
    _save_result(session, measure, period, {k: v for k, v in values.items() if k in RESULT_FIELDS}, author)
    return result_for(measure, period)
