#!/usr/bin/env python3
"""Run pip-audit over an installed environment and summarise what could and could not be audited.

    pip_audit.py --pip-audit var/tools/pip-audit/bin/pip-audit --name faq --site .venv/lib/python3.11/site-packages

Writes test-artifacts/pip-audit-NAME.json (pip-audit's own JSON, with the PyPI vulnerability service,
falling back to OSV) and test-artifacts/pip-audit-NAME.summary.json:
{"env", "service", "packages", "audited", "skipped", "vulnerable": [{name, version, ids}], "unaudited_reason"}.
Exit status 0 whether or not vulnerabilities are found (the report is the product; docs/security.md
says what each known one means for ThamTob); 2 when pip-audit itself cannot run.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(pip_audit: str, site: str, service: str, out: Path, timeout: float) -> tuple[int, str]:
    cmd = [pip_audit, "--path", site, "-s", service, "-f", "json", "-o", str(out), "--progress-spinner", "off",
           "--timeout", "20"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, (proc.stderr or proc.stdout)[-2000:]


def summarise(name: str, service: str, report: dict, note: str) -> dict:
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [{"name": d["name"], "version": d.get("version"), "ids": [v["id"] for v in d.get("vulns", [])]}
                  for d in deps if d.get("vulns")]
    reasons = Counter(d["skip_reason"].split(":")[0] for d in skipped)
    summary = {
        "env": name, "service": service, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "packages": len(deps), "audited": len(deps) - len(skipped), "skipped": len(skipped),
        "skip_reasons": dict(reasons), "vulnerable": vulnerable,
    }
    if deps and len(skipped) == len(deps):
        summary["unaudited_reason"] = note or (
            "no vulnerability database was reachable: every package was skipped (" +
            "; ".join(reasons) + ")")
    return summary


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pip-audit", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--site", required=True)
    ap.add_argument("--out-dir", default=str(REPO / "test-artifacts"))
    ap.add_argument("--timeout", type=float, default=900)
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"pip-audit-{args.name}.json"
    notes = []
    summary = None
    for service in ("pypi", "osv"):  # PyPI's JSON API first; OSV when PyPI could audit nothing
        out.unlink(missing_ok=True)
        code, err = run(args.pip_audit, args.site, service, out, args.timeout)
        if not out.exists() or code not in (0, 1):
            notes.append(f"{service}: pip-audit exited {code}: {err.strip().splitlines()[-1] if err.strip() else ''}")
            continue
        report = json.loads(out.read_text())
        candidate = summarise(args.name, service, report, "")
        if summary is None or candidate["audited"]:
            summary = candidate
            kept = out.read_bytes()
        if candidate["audited"]:
            break
        notes.append(f"{service}: {candidate.get('unaudited_reason')}")
    if summary is not None and not out.exists():
        out.write_bytes(kept)
    if summary is None:
        summary = {"env": args.name, "packages": None, "audited": 0, "vulnerable": [],
                   "unaudited_reason": " | ".join(notes)}
        if not out.exists():
            out.write_text(json.dumps({"dependencies": [], "fixes": [], "error": summary["unaudited_reason"]}))
    elif not summary["audited"]:
        summary["unaudited_reason"] = " | ".join(notes)
    (out_dir / f"pip-audit-{args.name}.summary.json").write_text(json.dumps(summary, indent=2))
    vuln = sum(len(v["ids"]) for v in summary["vulnerable"])
    print(f"pip-audit {args.name}: {summary['packages']} packages, {summary['audited']} audited, "
          f"{vuln} known vulnerabilities" + (f" — NOT AUDITED: {summary['unaudited_reason']}"
                                               if not summary["audited"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
