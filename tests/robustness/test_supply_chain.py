"""pip-audit of both environments (.venv, .venv-bot) into test-artifacts/pip-audit-*.json. Every known
vulnerability an audit finds must be listed in docs/security.md (mitigated or not reachable). Where no
vulnerability database is reachable the summary says so (`unaudited_reason`) — see docs/security.md."""
from __future__ import annotations

import json
import subprocess
import sysconfig

import pytest

from tests.support.procs import BOT_BIN, REPO, VENV_BIN

PIP_AUDIT = REPO / "var" / "tools" / "pip-audit" / "bin" / "pip-audit"
SECURITY_DOC = REPO / "docs" / "security.md"


def _site(python) -> str:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.timeout(1200)
@pytest.mark.parametrize("name, python", [("faq", VENV_BIN / "python"), ("bot", BOT_BIN / "python")])
def test_pip_audit_report(name, python, artifacts_dir):
    assert PIP_AUDIT.exists(), "pip-audit missing: run `make audit` (it builds var/tools/pip-audit)"
    assert python.exists(), f"{python} missing: run `make setup`"
    run = subprocess.run([str(VENV_BIN / "python"), str(REPO / "scripts" / "pip_audit.py"), "--pip-audit",
                          str(PIP_AUDIT), "--name", name, "--site", _site(python), "--out-dir", str(artifacts_dir)],
                         capture_output=True, text=True, timeout=1100)
    assert run.returncode == 0, run.stdout + run.stderr
    print(run.stdout.strip())
    report = json.loads((artifacts_dir / f"pip-audit-{name}.json").read_text())
    summary = json.loads((artifacts_dir / f"pip-audit-{name}.summary.json").read_text())
    assert summary["packages"] and summary["packages"] == len(report["dependencies"]) > 50
    if summary["audited"] == 0:
        assert summary["unaudited_reason"], "an audit that audited nothing must say why"
    documented = SECURITY_DOC.read_text()
    undocumented = [(v["name"], vid) for v in summary["vulnerable"] for vid in v["ids"] if vid not in documented]
    assert not undocumented, f"known vulnerabilities not covered in docs/security.md: {undocumented}"
