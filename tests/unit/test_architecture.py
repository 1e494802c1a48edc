"""The layers of faq_service (docs/architecture.md) hold: import-linter's contracts in pyproject.toml
are kept, every first-level module is in a layer, and there is no import cycle, counted between
modules and between first-level folders, imports inside functions included. On a copy of the tree,
one deliberately wrong import breaks the contracts, so the check can fail."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the faq_service under `root`, with the contracts of pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


# Run in a process of its own, so that the tree analysed is the one under `root` (this process has
# already imported the real faq_service, and grimp would find that one).
_CYCLES = """
import json, sys
from graphlib import CycleError, TopologicalSorter
import grimp

graph = grimp.build_graph("faq_service", exclude_type_checking_imports=True, cache_dir=None)
modules = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
folders = {}
for importer, imported in modules.items():
    a = ".".join(importer.split(".")[:2])
    folders.setdefault(a, set()).update(b for b in (".".join(m.split(".")[:2]) for m in imported) if b != a)

def cycle(deps):
    try:
        tuple(TopologicalSorter(deps).static_order())
    except CycleError as exc:
        return list(exc.args[1])
    return []

print(json.dumps([cycle(modules), cycle(folders)]))
"""


def _cycles(root: Path) -> tuple[list[str], list[str]]:
    """A cycle (or []) among faq_service's modules, and one among its first-level folders."""
    result = subprocess.run([sys.executable, "-c", _CYCLES], env={**os.environ, "PYTHONPATH": str(root)},
                            cwd=root, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    between_modules, between_folders = json.loads(result.stdout)
    return between_modules, between_folders


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("tree")
    shutil.copytree(REPO / "faq_service", root / "faq_service",
                    ignore=shutil.ignore_patterns("node_modules", "__pycache__", "*.html", "*.css", "*.js"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def _with_import(root: Path, module: str, line: str):
    """Adds `line` inside a function at the end of `module` (imports in functions count too)."""
    path = root / (module.replace(".", "/") + ".py")
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n\ndef _deliberately_wrong():\n    {line}\n", encoding="utf-8")
    return lambda: path.write_text(original, encoding="utf-8")


def test_contracts_are_kept():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_every_first_level_module_is_in_a_layer():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["id"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in layer.replace("|", ":").split(":")}
    package = REPO / "faq_service"
    found = {f"faq_service.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    found |= {f"faq_service.{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    assert found - named == set(), "not in any layer of pyproject.toml"


def test_no_import_cycles_between_modules_or_folders():
    between_modules, between_folders = _cycles(REPO)
    assert between_modules == [], " → ".join(between_modules)
    assert between_folders == [], " → ".join(between_folders)


def _lint_with(root: Path, module: str, line: str) -> subprocess.CompletedProcess:
    restore = _with_import(root, module, line)
    try:
        return _lint(root)
    finally:
        restore()


def test_the_contracts_fail_on_a_wrong_import(tree_copy):
    assert _lint(tree_copy).returncode == 0  # the untouched copy is analysed and passes

    result = _lint_with(tree_copy, "faq_service.retrieval.index", "from faq_service.main import create_app")
    assert result.returncode != 0
    assert "core ← retrieval ← domains ← edges BROKEN" in result.stdout
    assert "faq_service.retrieval.index -> faq_service.main" in result.stdout

    result = _lint_with(tree_copy, "faq_service.review.service", "from faq_service.faqs import pages")
    assert result.returncode != 0
    assert "never imported by another domain BROKEN" in result.stdout.replace("\n", " ")


def test_a_cycle_is_found(tree_copy):
    assert _cycles(tree_copy) == ([], [])
    restore = _with_import(tree_copy, "faq_service.measures.service", "from faq_service.reports import report")
    try:
        between_modules, between_folders = _cycles(tree_copy)
        result = _lint(tree_copy)
    finally:
        restore()
    assert between_modules and between_folders
    assert "faq_service.measures" in between_folders and "faq_service.reports" in between_folders
    assert result.returncode != 0
