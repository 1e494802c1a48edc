#!/usr/bin/env python3
"""Offline pip-audit: pip-audit's own `Auditor` and `PipSource` with a `VulnerabilityService` that reads a
local OSV advisory database instead of PyPI's JSON API or api.osv.dev.

    var/tools/pip-audit/bin/python scripts/advisory_audit.py --db DB --path SITE_PACKAGES -o out.json

DB is either a directory of OSV advisories (*.yaml, *.yml, *.json, any depth; e.g. a checkout or export of
pypa/advisory-database) or the git directory of such a snapshot (a bare repository: read with
`git ls-tree` / `git cat-file` at HEAD, no work tree needed). Runs with the pip-audit virtualenv's Python:
it imports pip_audit, packaging, PyYAML and cvss from there (all pinned in requirements/audit.txt).
Writes pip-audit's JSON format (with aliases and descriptions) plus "source" (what was read: path, git
commit and date, advisory count, entries skipped as malformed) and, per vulnerability, "severity" (CVSS
v4.0 or v3.x score and rating computed from the advisory's vector, if it has one).
Exit 0 whether or not vulnerabilities are found; 2 when the database cannot be read.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Iterator

# scripts/pip_audit.py would shadow the pip_audit package: drop this script's own folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import yaml  # noqa: E402 (after the path fix)
from cvss import CVSS3, CVSS4  # noqa: E402
from cvss.exceptions import CVSSError  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402
from packaging.version import InvalidVersion, Version  # noqa: E402
from pip_audit._audit import Auditor  # noqa: E402
from pip_audit._dependency_source import PipSource  # noqa: E402
from pip_audit._format import JsonFormat  # noqa: E402
from pip_audit._service.interface import (Dependency, ResolvedDependency, ServiceError,  # noqa: E402
                                          VulnerabilityResult, VulnerabilityService)

SUFFIXES = (".yaml", ".yml", ".json")
# Every scalar stays a string: unquoted versions such as `1.10` must not become the float 1.1.
YAML_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


class AdvisoryDbError(ServiceError):
    """The advisory database is missing or unreadable."""


# --- reading the database -------------------------------------------------------------------------------

def _git(git_dir: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        proc = subprocess.run(["git", "--git-dir", str(git_dir), *args], input=stdin, capture_output=True)
    except OSError as exc:
        raise AdvisoryDbError(f"cannot run git to read {git_dir}: {exc}") from exc
    if proc.returncode:
        raise AdvisoryDbError(f"git {' '.join(args[:2])} in {git_dir}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def _is_git_dir(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def _git_documents(git_dir: Path) -> Iterator[tuple[str, bytes]]:
    listing = _git(git_dir, "ls-tree", "-r", "--full-tree", "HEAD").decode()
    blobs = []
    for line in listing.splitlines():
        meta, _, path = line.partition("\t")
        _mode, kind, sha = meta.split()
        if kind == "blob" and path.endswith(SUFFIXES) and not path.startswith("."):
            blobs.append((sha, path))
    out = _git(git_dir, "cat-file", "--batch", stdin="".join(f"{sha}\n" for sha, _ in blobs).encode())
    pos = 0
    for _sha, path in blobs:  # each answer: "<sha> blob <size>\n<content>\n", in request order
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        yield path, out[header_end + 1:header_end + 1 + size]
        pos = header_end + 1 + size + 1


def _dir_documents(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.suffix in SUFFIXES and path.is_file() and not any(p.startswith(".") for p in rel.parts):
            yield str(rel), path.read_bytes()


def _parse(path: str, data: bytes) -> dict | None:
    try:
        doc = json.loads(data) if path.endswith(".json") else yaml.load(data, Loader=YAML_LOADER)
    except (ValueError, yaml.YAMLError):
        return None
    return doc if isinstance(doc, dict) and "id" in doc and "affected" in doc else None


def load_database(db: Path) -> tuple[list[dict], dict[str, Any]]:
    """All OSV advisories in `db`, and a description of the source (path, commit, date, count)."""
    db = db.expanduser().resolve()
    source: dict[str, Any] = {"kind": "local-osv", "path": str(db), "commit": None, "commit_date": None}
    if _is_git_dir(db):
        git_dir, documents = db, _git_documents(db)
    elif db.is_dir():
        git_dir, documents = (db / ".git" if _is_git_dir(db / ".git") else None), _dir_documents(db)
    else:
        raise AdvisoryDbError(f"advisory database {db} is neither a directory of OSV files nor a git directory")
    if git_dir is not None:
        commit, date = _git(git_dir, "log", "-1", "--format=%H %cI", "HEAD").decode().split()
        source.update(commit=commit, commit_date=date)
    advisories = [doc for doc in (_parse(path, data) for path, data in documents) if doc]
    if not advisories:
        raise AdvisoryDbError(f"no OSV advisories found in {db}")
    source["advisories"] = len(advisories)
    return advisories, source


# --- matching -------------------------------------------------------------------------------------------

def _version(text: Any) -> Version | None:
    try:
        return Version(str(text))
    except InvalidVersion:
        return None


def _in_range(version: Version, events: Iterable[dict]) -> bool:
    """OSV ECOSYSTEM range semantics: events sorted by version; the last one at or below `version` decides."""
    keyed = []
    for event in events:
        for kind, value in event.items():
            at = _version(value)
            if at is not None and kind in ("introduced", "fixed", "last_affected", "limit"):
                keyed.append((at, kind))
    affected = False
    for at, kind in sorted(keyed, key=lambda item: item[0]):
        if kind == "introduced" and version >= at:
            affected = True
        elif kind in ("fixed", "limit") and version >= at:
            affected = False
        elif kind == "last_affected" and version > at:
            affected = False
    return affected


def affects(affected: dict, version: Version) -> bool:
    public = Version(version.public)  # a local build (torch 2.13.0+cpu) is its public release in version lists
    if any(_version(v) in (version, public) for v in affected.get("versions") or ()):
        return True
    return any(_in_range(version, r.get("events") or ()) for r in affected.get("ranges") or ()
               if r.get("type") == "ECOSYSTEM")


def fix_versions(affected: dict, version: Version) -> list[Version]:
    """`fixed` versions above the installed one (the first is the nearest upgrade that fixes it)."""
    fixed = {_version(event["fixed"]) for r in affected.get("ranges") or () if r.get("type") == "ECOSYSTEM"
             for event in r.get("events") or () if "fixed" in event}
    return sorted(v for v in fixed if v is not None and v > version)


# --- severity (CVSS v3.x / v4.0 scores computed from the advisory's vector with the `cvss` package) ----------

def severity(advisory: dict) -> dict | None:
    for entry in sorted(advisory.get("severity") or (), key=lambda e: str(e.get("type")), reverse=True):
        kind, vector = str(entry.get("type", "")), str(entry.get("score", "")).strip()
        try:
            if kind.startswith("CVSS_V4"):
                v4 = CVSS4(vector)
                score, rating = float(v4.base_score), v4.severity
            elif kind.startswith("CVSS_V3"):
                v3 = CVSS3(vector)
                score, rating = float(v3.scores()[0]), v3.severities()[0]
            else:
                continue
        except CVSSError:
            continue
        return {"score": score, "rating": rating.lower(), "vector": vector}
    text = str((advisory.get("database_specific") or {}).get("severity", "")).lower()
    return {"score": None, "rating": text, "vector": None} if text else None


# --- the pip-audit service --------------------------------------------------------------------------------

class LocalOsvService(VulnerabilityService):
    """pip-audit `VulnerabilityService` answering from local OSV advisories (ecosystem PyPI)."""

    def __init__(self, advisories: list[dict]):
        self.by_package: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
        for advisory in advisories:
            for affected in advisory.get("affected") or ():
                package = affected.get("package") if isinstance(affected, dict) else None
                if isinstance(package, dict) and package.get("ecosystem") == "PyPI" and package.get("name"):
                    self.by_package[canonicalize_name(package["name"])].append((advisory, affected))
        self.severity: dict[str, dict] = {}
        self.malformed: set[str] = set()

    @classmethod
    def from_path(cls, db: Path) -> tuple[LocalOsvService, dict[str, Any]]:
        advisories, source = load_database(db)
        return cls(advisories), source

    def query(self, spec: Dependency) -> tuple[Dependency, list[VulnerabilityResult]]:
        if spec.is_skipped():
            return spec, []
        assert isinstance(spec, ResolvedDependency)
        results: dict[str, VulnerabilityResult] = {}
        for advisory, affected in self.by_package.get(spec.canonical_name, ()):
            try:
                hit = not advisory.get("withdrawn") and affects(affected, spec.version)
            except (AttributeError, TypeError, KeyError):  # an entry not in OSV's shape: say so, don't guess
                self.malformed.add(str(advisory.get("id")))
                continue
            if not hit or not str(advisory.get("schema_version", "1")).startswith("1"):
                continue
            description = (advisory.get("summary") or advisory.get("details") or "N/A").replace("\n", " ")
            result = VulnerabilityResult.create(
                ids=[advisory["id"], *(advisory.get("aliases") or [])], description=description,
                fix_versions=fix_versions(affected, spec.version),
                published=self._published(advisory.get("published")))
            if result.id in results:  # one advisory listing the package twice: merge fixes
                previous = results[result.id]
                result = VulnerabilityResult(previous.id, previous.description,
                                             sorted(set(previous.fix_versions) | set(result.fix_versions)),
                                             previous.aliases | result.aliases, previous.published)
            results[result.id] = result
            if (found := severity(advisory)) is not None:
                self.severity[advisory["id"]] = found
                for alias in advisory.get("aliases") or ():
                    self.severity.setdefault(alias, found)
        return spec, list(results.values())

    def _published(self, value: Any):
        try:
            return self._parse_rfc3339(str(value)) if value else None
        except ValueError:
            return None


def audit(db: Path, paths: list[Path]) -> dict[str, Any]:
    """pip-audit's JSON report for the packages installed under `paths`, answered from `db`."""
    service, source = LocalOsvService.from_path(db)
    result = dict(Auditor(service).audit(PipSource(paths=paths)))
    report = json.loads(JsonFormat(output_desc=True, output_aliases=True).format(result, []))
    for dep in report["dependencies"]:
        for vuln in dep.get("vulns", ()):
            vuln["aliases"] = sorted(vuln.get("aliases", ()))
            vuln["severity"] = next((service.severity[i] for i in [vuln["id"], *vuln["aliases"]]
                                     if i in service.severity), None)
    report["source"] = {**source, "malformed": sorted(service.malformed)}
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True, type=Path, help="directory of OSV files, or a git dir of one")
    ap.add_argument("--path", required=True, type=Path, action="append", help="site-packages to audit")
    ap.add_argument("-o", "--output", required=True, type=Path)
    args = ap.parse_args()
    try:
        report = audit(args.db, args.path)
    except ServiceError as exc:
        print(f"advisory database: {exc}", file=sys.stderr)
        return 2
    args.output.write_text(json.dumps(report, indent=1))
    found = sum(len(d.get("vulns", ())) for d in report["dependencies"])
    print(f"{len(report['dependencies'])} packages, {found} known vulnerabilities "
          f"({report['source']['advisories']} advisories from {report['source']['path']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
