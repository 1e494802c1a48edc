#!/usr/bin/env python3
"""Run pip-audit over an installed environment and summarise what could and could not be audited.

    pip_audit.py --pip-audit var/tools/pip-audit/bin/pip-audit --name faq --site .venv/lib/python3.11/site-packages \
        [--advisory-db DIR_OR_GIT_DIR]   (default: $THAMTOB_ADVISORY_DB)

Sources, in order, until one audits something: pip-audit's PyPI service (PyPI's JSON API), its OSV service
(api.osv.dev), then — when an advisory database is given — a local OSV snapshot (a directory of OSV
YAML/JSON files, or the git dir of e.g. pypa/advisory-database), read by scripts/advisory_audit.py with
pip-audit's own Auditor/PipSource and a local VulnerabilityService.

Writes, in --out-dir (test-artifacts/ by default):
- pip-audit-NAME.json: pip-audit's JSON ("dependencies", "fixes"; the local source adds "source" and a
  per-vulnerability "severity");
- pip-audit-NAME.summary.json: {"env", "service", "source" (which database: service URL, or snapshot path,
  commit and date), "packages", "audited", "skipped", "vulnerable": [{name, version, ids, advisories}],
  "notes", and "unaudited_reason" when nothing could be audited};
- pip-audit-NAME.md: the same for people.
Exit status 0 whether or not vulnerabilities are found, and when no source is available (the report is the
product; docs/security.md says what each known one means for ThamTob); 2 when pip-audit cannot run.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ONLINE = {"pypi": "https://pypi.org/pypi/NAME/VERSION/json", "osv": "https://api.osv.dev/v1/query"}
RANK = {"critical": 4, "high": 3, "medium": 2, "moderate": 2, "low": 1}


def run(cmd: list[str], timeout: float) -> tuple[int, str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, (proc.stderr or proc.stdout)[-2000:]


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1] if text.strip() else ""


def summarise(name: str, service: str, report: dict) -> dict:
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = []
    for d in deps:
        if not d.get("vulns"):
            continue
        advisories = [{"id": v["id"], "aliases": sorted(v.get("aliases", [])),
                       "fix_versions": v.get("fix_versions", []), "severity": v.get("severity")} for v in d["vulns"]]
        ratings = [a["severity"]["rating"] for a in advisories if a["severity"]]
        vulnerable.append({"name": d["name"], "version": d.get("version"), "ids": [a["id"] for a in advisories],
                           "highest_severity": max(ratings, key=lambda r: RANK.get(r, 0)) if ratings else None,
                           "advisories": advisories})
    reasons = Counter(d["skip_reason"].split(":")[0] for d in skipped)
    summary = {
        "env": name, "service": service, "source": report.get("source") or {"kind": service, "url": ONLINE[service]},
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "packages": len(deps), "audited": len(deps) - len(skipped), "skipped": len(skipped),
        "skip_reasons": dict(reasons), "vulnerable": vulnerable,
    }
    if deps and len(skipped) == len(deps):
        summary["unaudited_reason"] = ("no vulnerability database was reachable: every package was skipped ("
                                       + "; ".join(reasons) + ")")
    return summary


def markdown(summary: dict) -> str:
    src = summary.get("source") or {}
    where = (f"local OSV snapshot `{src.get('path')}` (commit {src.get('commit')}, {src.get('commit_date')}, "
             f"{src.get('advisories')} advisories" + (f"; skipped as malformed: {', '.join(src['malformed'])}"
                                                      if src.get("malformed") else "") + ")"
             if src.get("kind") == "local-osv"
             else f"{summary.get('service')} ({src.get('url')})" if src else "none")
    lines = [f"# pip-audit: {summary['env']}", "", f"- source: {where}",
             f"- packages: {summary['packages']}, audited: {summary['audited']}, "
             f"vulnerable packages: {len(summary['vulnerable'])}, "
             f"advisories: {sum(len(v['ids']) for v in summary['vulnerable'])}"]
    if summary.get("unaudited_reason"):
        lines.append(f"- NOT AUDITED: {summary['unaudited_reason']}")
    lines += [f"- note: {n}" for n in summary.get("notes", [])]
    if summary["vulnerable"]:
        lines += ["", "| package | version | advisory | aliases | fixed in | severity |", "|---|---|---|---|---|---|"]
        for v in summary["vulnerable"]:
            for a in v["advisories"]:
                sev = a["severity"] or {}
                lines.append(f"| {v['name']} | {v['version']} | {a['id']} | {', '.join(a['aliases'])} | "
                             f"{', '.join(a['fix_versions'][:3]) or '—'} | "
                             f"{' '.join(str(x) for x in (sev.get('score'), sev.get('rating')) if x) or '?'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pip-audit", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--out-dir", default=str(REPO / "test-artifacts"))
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--advisory-db", default=os.environ.get("THAMTOB_ADVISORY_DB", ""),
                    help="local OSV advisories (directory, or git dir of a snapshot); default $THAMTOB_ADVISORY_DB")
    ap.add_argument("--offline-only", action="store_true", help="skip the online services (needs --advisory-db)")
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"pip-audit-{args.name}.json"
    notes: list[str] = []
    summary, kept = None, b""
    attempts = ([] if args.offline_only else ["pypi", "osv"]) + (["local-osv"] if args.advisory_db else [])
    for service in attempts:  # PyPI's JSON API first; OSV, then the local snapshot, when it audited nothing
        out.unlink(missing_ok=True)
        if service == "local-osv":  # pip-audit's machinery with a local service, in pip-audit's own virtualenv
            cmd = [str(Path(args.pip_audit).parent / "python"), str(REPO / "scripts" / "advisory_audit.py"),
                   "--db", args.advisory_db, "--path", args.site, "-o", str(out)]
        else:
            cmd = [args.pip_audit, "--path", args.site, "-s", service, "-f", "json", "-o", str(out),
                   "--progress-spinner", "off", "--timeout", "20", "--aliases", "on"]
        code, err = run(cmd, args.timeout)
        if not out.exists() or code not in (0, 1):
            notes.append(f"{service}: exited {code}: {last_line(err)}")
            continue
        candidate = summarise(args.name, service, json.loads(out.read_text()))
        if summary is None or candidate["audited"]:
            summary, kept = candidate, out.read_bytes()
        if candidate["audited"]:
            break
        notes.append(f"{service}: {candidate.get('unaudited_reason')}")
    if not args.advisory_db:
        notes.append("local-osv: no advisory database given (--advisory-db / THAMTOB_ADVISORY_DB)")
    if summary is not None:
        out.write_bytes(kept)
    if summary is None:
        summary = {"env": args.name, "service": None, "source": None, "packages": None, "audited": 0,
                   "vulnerable": []}
        out.write_text(json.dumps({"dependencies": [], "fixes": [], "error": " | ".join(notes)}))
    if not summary["audited"]:  # nothing audited: no source to name
        summary.update(service=None, source=None, unaudited_reason=" | ".join(notes))
    summary.update(tried=attempts, notes=notes)
    (out_dir / f"pip-audit-{args.name}.summary.json").write_text(json.dumps(summary, indent=2))
    (out_dir / f"pip-audit-{args.name}.md").write_text(markdown(summary))
    vuln = sum(len(v["ids"]) for v in summary["vulnerable"])
    src = summary.get("source") or {}
    where = (f"{summary['service']} {(src.get('commit') or 'no commit')[:12]} {src.get('commit_date')}"
             if src.get("kind") == "local-osv" else str(summary["service"]))
    print(f"pip-audit {args.name}: {summary['packages']} packages, {summary['audited']} audited, "
          f"{vuln} known vulnerabilities in {len(summary['vulnerable'])} packages"
          + (f" (source: {where})" if summary["audited"] else f" — NOT AUDITED: {summary['unaudited_reason']}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
