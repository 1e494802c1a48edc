"""Reading and writing the knowledge base as YAML (data/faq format), CSV and XLSX."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pydantic import ValidationError

from faq_service.core.db import rfc3339
from faq_service.faqs.models import FaqEntry
from faq_service.faqs.schemas import EntryIn

# Flat columns for CSV/XLSX; alternates are one per line inside their cell.
COLUMNS = ("key", "category", "status", "needs_review", "source_url", "question_th", "answer_th",
           "alternates_th", "question_en", "answer_en", "alternates_en")
# The entry's scope (schemas.EntryScope) in flat columns: years separated by spaces or commas.
SCOPE_COLUMNS = ("scope_fiscal_years", "scope_years", "scope_figure_th", "scope_figure_en", "scope_organisation")
FLAT_COLUMNS = COLUMNS + SCOPE_COLUMNS
# Written by the export for people and other systems, ignored by the import: when the entry last
# changed, RFC 3339 in UTC (e.g. 2026-12-04T20:03:09.662482Z) in every format.
READ_ONLY = ("updated_at",)


@dataclass
class ParseReport:
    """What a file would import: valid entries, and one readable message per invalid one."""

    entries: list[EntryIn] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, raw: dict) -> None:
        try:
            self.entries.append(EntryIn.model_validate(raw))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors())
            self.errors.append(f"{where}: {problems}")

    def check_unique_keys(self) -> None:
        seen: set[str] = set()
        for entry in self.entries:
            if entry.key in seen:
                self.errors.append(f"key {entry.key!r} appears more than once")
            seen.add(entry.key)


def _years(cell) -> list:
    """"2562, 2563" → [2562, 2563]; a part that is not a whole number stays text, so that validation
    names it."""
    parts = [p for p in str(cell).replace(",", " ").split() if p]
    return [int(p) if p.isdigit() else p for p in parts]


def scope_of_flat(row: dict) -> dict | None:
    """The scope of a CSV/XLSX row or a console form (SCOPE_COLUMNS); None when every cell is empty."""
    cells = {c: row.get(c) for c in SCOPE_COLUMNS if row.get(c) not in (None, "")}
    if not cells:
        return None
    scope: dict = {}
    for column, field in (("scope_fiscal_years", "fiscal_years"), ("scope_years", "years")):
        if column in cells:
            scope[field] = _years(cells[column])
    figure = {lang: str(cells[f"scope_figure_{lang}"]) for lang in ("th", "en") if f"scope_figure_{lang}" in cells}
    if figure:
        scope["figure"] = figure
    if "scope_organisation" in cells:
        scope["organisation"] = str(cells["scope_organisation"])
    return scope


def flat_scope(scope: dict | None) -> dict:
    """A stored scope as SCOPE_COLUMNS cells (empty strings for none)."""
    scope = scope or {}
    figure = scope.get("figure") or {}
    return {"scope_fiscal_years": " ".join(map(str, scope.get("fiscal_years") or [])),
            "scope_years": " ".join(map(str, scope.get("years") or [])),
            "scope_figure_th": figure.get("th") or "", "scope_figure_en": figure.get("en") or "",
            "scope_organisation": scope.get("organisation") or ""}


def _from_flat(row: dict) -> dict:
    """A CSV/XLSX row → the nested shape EntryIn validates."""
    raw: dict = {k: row.get(k) for k in ("key", "category", "status", "source_url") if row.get(k) not in (None, "")}
    needs = str(row.get("needs_review") or "").strip().lower()
    raw["needs_review"] = needs in ("1", "true", "yes", "y")
    for lang in ("th", "en"):
        question, answer = row.get(f"question_{lang}"), row.get(f"answer_{lang}")
        if question or answer:
            alternates = str(row.get(f"alternates_{lang}") or "").splitlines()
            raw[lang] = {"question": question or "", "answer": answer or "",
                         "alternates": [a for a in alternates if a.strip()]}
    scope = scope_of_flat(row)
    if scope is not None:
        raw["scope"] = scope
    return raw


def parse_bytes(name: str, data: bytes) -> ParseReport:
    """Parse an uploaded or on-disk file by its extension (.yml/.yaml, .csv, .xlsx)."""
    report = ParseReport()
    suffix = Path(name).suffix.lower()
    try:
        if suffix in (".yml", ".yaml"):
            doc = yaml.safe_load(data.decode("utf-8")) or {}
            if not isinstance(doc, dict) or not isinstance(doc.get("entries", []), list):
                report.errors.append(f"{name}: expected a mapping with an 'entries' list")
                return report
            for i, item in enumerate(doc.get("entries") or []):
                if not isinstance(item, dict):
                    report.errors.append(f"{name} entry {i + 1}: expected a mapping")
                    continue
                item = {k: v for k, v in item.items() if k not in READ_ONLY}
                report.add(f"{name} entry {i + 1} ({item.get('key', '?')})",
                           {"category": doc.get("category", "general"), **item})
        elif suffix == ".csv":
            for i, row in enumerate(csv.DictReader(io.StringIO(data.decode("utf-8-sig")))):
                report.add(f"{name} row {i + 2}", _from_flat(row))
        elif suffix == ".xlsx":
            sheet = load_workbook(io.BytesIO(data), read_only=True).active
            rows = sheet.iter_rows(values_only=True)
            header = [str(h or "").strip() for h in next(rows, [])]
            for i, values in enumerate(rows):
                if any(v not in (None, "") for v in values):
                    report.add(f"{name} row {i + 2}", _from_flat(dict(zip(header, values))))
        else:
            report.errors.append(f"{name}: unsupported file type (use .yml, .csv or .xlsx)")
    except (UnicodeDecodeError, yaml.YAMLError, ValueError, OSError, KeyError) as exc:
        report.errors.append(f"{name}: cannot read the file ({exc.__class__.__name__}: {exc})")
    return report


def parse_path(path: Path) -> ParseReport:
    """A file, or every .yml/.yaml/.csv/.xlsx file in a folder (sorted)."""
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".yml", ".yaml", ".csv", ".xlsx")) \
        if path.is_dir() else [path]
    report = ParseReport()
    for file in files:
        part = parse_bytes(file.name, file.read_bytes())
        report.entries += part.entries
        report.errors += part.errors
    report.check_unique_keys()
    return report


def _timestamp(entry: FaqEntry) -> str | None:
    return rfc3339(entry.updated_at) if entry.updated_at else None


def _flat(entry: FaqEntry) -> dict:
    row = {c: getattr(entry, c) for c in COLUMNS}
    for lang in ("th", "en"):
        row[f"alternates_{lang}"] = "\n".join(row[f"alternates_{lang}"] or [])
    row.update(flat_scope(entry.scope))
    row["updated_at"] = _timestamp(entry)
    return row


def _cell(value):
    """Text a worksheet can hold: control characters other than tab and line breaks are dropped (an
    entry may carry one in its category; openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _nested(entry: FaqEntry) -> dict:
    item: dict = {"key": entry.key, "category": entry.category, "status": entry.status,
                  "needs_review": entry.needs_review}
    if entry.source_url:
        item["source_url"] = entry.source_url
    for lang in entry.languages():
        item[lang] = {"question": entry.text("question", lang), "answer": entry.text("answer", lang),
                      "alternates": list(entry.text("alternates", lang) or [])}
    if entry.scope:
        item["scope"] = entry.scope
    item["updated_at"] = _timestamp(entry)
    return item


def export_bytes(entries: list[FaqEntry], fmt: str) -> bytes:
    if fmt == "yaml":
        doc = {"entries": [_nested(e) for e in entries]}
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100).encode("utf-8")
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=FLAT_COLUMNS + READ_ONLY)
        writer.writeheader()
        writer.writerows(_flat(e) for e in entries)
        return buf.getvalue().encode("utf-8-sig")
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "faq"
        sheet.append(list(FLAT_COLUMNS + READ_ONLY))
        for e in entries:
            row = _flat(e)
            sheet.append([_cell(row[c]) for c in FLAT_COLUMNS + READ_ONLY])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt!r}: use yaml, csv or xlsx")
