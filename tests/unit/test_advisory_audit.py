"""The offline audit (scripts/advisory_audit.py: pip-audit's Auditor/PipSource with a local OSV service) on a
tiny advisory database written here: it must report the vulnerable version, stay clean for the fixed one,
read a git-dir snapshot with its commit, and scripts/pip_audit.py must record the source or why nothing
was audited. Runs in pip-audit's own virtualenv (var/tools/pip-audit, built by `make audit`/`make test`)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AUDIT_BIN = REPO / "var" / "tools" / "pip-audit" / "bin"

CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8
SCOPE_CHANGED = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"  # 6.1

RANGE_ADVISORY = f"""\
id: PYSEC-2099-1
modified: 2099-01-02T00:00:00Z
published: 2099-01-01T00:00:00Z
aliases:
- CVE-2099-0001
- GHSA-aaaa-bbbb-cccc
details: Test advisory, fixed in 1.10 (an unquoted version that YAML would read as the float 1.1).
affected:
- package:
    ecosystem: PyPI
    name: Example_Pkg
  ranges:
  - type: GIT
    repo: https://example.invalid/repo
    events:
    - introduced: "0"
    - fixed: 0123456789abcdef
  - type: ECOSYSTEM
    events:
    - introduced: "0"
    - fixed: 1.10
severity:
- type: CVSS_V3
  score: {CRITICAL}
"""
VERSIONS_ADVISORY = {  # JSON, explicit version list only
    "id": "GHSA-dddd-eeee-ffff", "summary": "Listed versions only", "aliases": ["CVE-2099-0002"],
    "affected": [{"package": {"ecosystem": "PyPI", "name": "example-pkg"}, "versions": ["1.0", "1.1"]}],
    "severity": [{"type": "CVSS_V3", "score": SCOPE_CHANGED}],
}
LAST_AFFECTED_ADVISORY = """\
id: PYSEC-2099-3
details: introduced 0.5, last affected 1.0 (inclusive), no fix.
affected:
- package: {ecosystem: PyPI, name: example-pkg}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0.5"}, {last_affected: "1.0"}]
"""
NOT_AFFECTING = """\
id: PYSEC-2099-4
details: a later range and another ecosystem must not match 1.0.
affected:
- package: {ecosystem: PyPI, name: example-pkg}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "2.0"}, {fixed: "2.1"}]
- package: {ecosystem: npm, name: example-pkg}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}]
"""
WITHDRAWN = """\
id: PYSEC-2099-5
withdrawn: 2099-02-01T00:00:00Z
details: withdrawn
affected:
- package: {ecosystem: PyPI, name: example-pkg}
  ranges:
  - type: ECOSYSTEM
    events: [{introduced: "0"}]
"""


def write_db(root: Path) -> dict[str, str]:
    files = {
        "vulns/example-pkg/PYSEC-2099-1.yaml": RANGE_ADVISORY,
        "vulns/example-pkg/GHSA-dddd-eeee-ffff.json": json.dumps(VERSIONS_ADVISORY),
        "vulns/example-pkg/PYSEC-2099-3.yaml": LAST_AFFECTED_ADVISORY,
        "vulns/example-pkg/PYSEC-2099-4.yaml": NOT_AFFECTING,
        "vulns/example-pkg/PYSEC-2099-5.yaml": WITHDRAWN,
        "README.md": "not an advisory",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return files


def write_site(root: Path, version: str) -> Path:
    for name, ver in (("Example_Pkg", version), ("unrelated", "3.0")):
        info = root / f"{name}-{ver}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {ver}\n")
    return root


def offline_audit(db: Path, site: Path, out: Path) -> dict:
    assert (AUDIT_BIN / "python").exists(), "var/tools/pip-audit missing: run `make audit`"
    run = subprocess.run([str(AUDIT_BIN / "python"), str(REPO / "scripts" / "advisory_audit.py"), "--db", str(db),
                          "--path", str(site), "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads(out.read_text())


def vulns_of(report: dict, name: str) -> dict[str, dict]:
    dep = next(d for d in report["dependencies"] if d["name"] == name)
    return {v["id"]: v for v in dep["vulns"]}


def test_finds_the_vulnerable_version_and_not_the_fixed_one(tmp_path):
    db = tmp_path / "db"
    write_db(db)
    report = offline_audit(db, write_site(tmp_path / "old", "1.0"), tmp_path / "old.json")
    assert report["source"]["kind"] == "local-osv" and report["source"]["advisories"] == 5
    assert report["source"]["commit"] is None
    found = vulns_of(report, "example-pkg")
    assert set(found) == {"PYSEC-2099-1", "CVE-2099-0002", "PYSEC-2099-3"}
    first = found["PYSEC-2099-1"]
    assert first["fix_versions"] == ["1.10"]
    assert set(first["aliases"]) == {"CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"}
    assert first["severity"] == {"score": 9.8, "rating": "critical", "vector": CRITICAL}
    assert found["CVE-2099-0002"]["severity"]["score"] == 6.1  # scope changed; pip-audit prefers PYSEC, then CVE ids
    assert found["PYSEC-2099-3"]["fix_versions"] == []
    assert vulns_of(report, "unrelated") == {}

    between = offline_audit(db, write_site(tmp_path / "mid", "1.2"), tmp_path / "mid.json")
    assert set(vulns_of(between, "example-pkg")) == {"PYSEC-2099-1"}  # 1.2 < 1.10: still affected

    fixed = offline_audit(db, write_site(tmp_path / "new", "1.10"), tmp_path / "new.json")
    assert vulns_of(fixed, "example-pkg") == {}


def test_reads_a_git_dir_snapshot_at_head(tmp_path):
    work = tmp_path / "work"
    files = write_db(work)
    git_dir = tmp_path / "snapshot.git"
    env = {**os.environ, "GIT_INDEX_FILE": str(tmp_path / "index"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x", "GIT_COMMITTER_DATE": "2099-03-04T05:06:07+00:00"}

    def git(*args: str, stdin: str | None = None) -> str:  # plumbing only, on a scratch repository
        return subprocess.run(["git", "--git-dir", str(git_dir), *args], input=stdin, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()

    subprocess.run(["git", "init", "-q", "--bare", str(git_dir)], check=True)
    for rel in files:
        blob = git("hash-object", "-w", str(work / rel))
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{rel}")
    commit = git("commit-tree", git("write-tree"), "-m", "snapshot")
    git("update-ref", "refs/heads/snap", commit)
    git("symbolic-ref", "HEAD", "refs/heads/snap")

    report = offline_audit(git_dir, write_site(tmp_path / "site", "1.0"), tmp_path / "git.json")
    assert report["source"]["commit"] == commit
    assert report["source"]["commit_date"] == "2099-03-04T05:06:07+00:00"
    assert set(vulns_of(report, "example-pkg")) == {"PYSEC-2099-1", "CVE-2099-0002", "PYSEC-2099-3"}


def run_pip_audit_script(tmp_path: Path, site: Path, db: str) -> dict:
    out = tmp_path / "artifacts"
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "pip_audit.py"), "--pip-audit",
                          str(AUDIT_BIN / "pip-audit"), "--name", "fixture", "--site", str(site), "--out-dir", str(out),
                          "--offline-only", "--advisory-db", db], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((out / "pip-audit-fixture.summary.json").read_text())


def test_summary_names_the_source_or_why_nothing_was_audited(tmp_path):
    db = tmp_path / "db"
    write_db(db)
    site = write_site(tmp_path / "site", "1.0")
    summary = run_pip_audit_script(tmp_path, site, str(db))
    assert summary["service"] == "local-osv" and summary["source"]["path"] == str(db.resolve())
    assert summary["packages"] == summary["audited"] == 2 and "unaudited_reason" not in summary
    (vulnerable,) = summary["vulnerable"]
    assert vulnerable["name"] == "example-pkg" and vulnerable["highest_severity"] == "critical"
    assert sorted(vulnerable["ids"]) == ["CVE-2099-0002", "PYSEC-2099-1", "PYSEC-2099-3"]
    assert "PYSEC-2099-1" in (tmp_path / "artifacts" / "pip-audit-fixture.md").read_text()

    missing = run_pip_audit_script(tmp_path, site, str(tmp_path / "no-such-db"))
    assert missing["audited"] == 0 and missing["source"] is None and missing["tried"] == ["local-osv"]
    assert "no-such-db" in missing["unaudited_reason"]

