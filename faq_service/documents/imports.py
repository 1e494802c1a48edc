"""Importing files and folders (the CLI, the sample documents at start-up, and each queued upload through
the import runner): for each file, known bytes are skipped before anything is read; otherwise it is
sniffed, read into passages and stored in one transaction. A folder may carry `documents.yml`, naming
each file's title, source URL and validity:

    documents:
      - file: report.txt
        title: …
        source_url: https://…      # optional
        valid_until: 2027-09-30    # optional
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

import yaml
from sqlalchemy.orm import Session

from faq_service.core.db import Database
from faq_service.documents import service
from faq_service.documents.formats import SUFFIXES, DocumentRefused, Limits, check_size, sniff
from faq_service.documents.worker import Reading, read_document

MANIFEST = "documents.yml"
Reader = Callable[[str, bytes, Limits], Reading]


@dataclass
class FileOutcome:
    path: Path
    result: service.ImportResult | None = None
    refused: DocumentRefused | None = None


def import_bytes(db: Database, source_name: str, data: bytes, options: service.ImportOptions, author: str,
                 limits: Limits, reader: Reader = read_document, media_type: str | None = None,
                 then: Callable[[Session, service.ImportResult], None] | None = None) -> service.ImportResult:
    """One file: refused (DocumentRefused, nothing stored), unchanged, created or replaced. `media_type`:
    what sniff() found already; `then(session, result)` runs in the transaction that stores the result
    (an error there stores nothing)."""
    media_type = media_type or sniff(source_name, data, limits)
    digest = service.content_hash(data)
    with db.session() as s:
        unchanged = service.known(s, source_name, digest)
        if unchanged is not None:
            if then is not None:
                then(s, unchanged)
            return unchanged
    reading = reader(media_type, data, limits)
    with db.session() as s:
        result = service.store(s, source_name, data, media_type, reading, options, author)
        if then is not None:
            then(s, result)
        return result


def _options(entry: dict) -> service.ImportOptions:
    valid = entry.get("valid_until")
    if valid is not None and not isinstance(valid, date):
        valid = date.fromisoformat(str(valid))
    return service.ImportOptions(entry.get("title"), entry.get("source_url"), valid)


def manifest_of(folder: Path) -> dict[str, service.ImportOptions]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(e["file"]): _options(e) for e in data.get("documents") or []}


def files_in(path: Path) -> list[Path]:
    """A file, or the files of a folder whose names say a supported format (sorted; not recursive)."""
    if not path.is_dir():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def import_path(db: Database, path: Path, author: str, limits: Limits,
                options: service.ImportOptions | None = None,
                progress: Callable[[FileOutcome], None] | None = None) -> list[FileOutcome]:
    """Every file of `path`, each in its own transaction; a refused file does not stop the others."""
    manifest = manifest_of(path if path.is_dir() else path.parent)
    outcomes = []
    for file in files_in(path):
        outcome = FileOutcome(file)
        chosen = options if options and (options.title or options.source_url or options.valid_until) else \
            manifest.get(file.name, service.ImportOptions())
        try:
            check_size(file.stat().st_size, limits)  # before reading it into memory
            outcome.result = import_bytes(db, file.name, file.read_bytes(), chosen, author, limits)
        except DocumentRefused as exc:
            outcome.refused = exc
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    return outcomes
