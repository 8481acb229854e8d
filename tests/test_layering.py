"""Imports run one way (DESIGN.md): contests and ideas → comments/profiles → moderation →
community. Every module of an app is parsed; an import of a higher app is a defect."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "community": {"moderation", "comments", "profiles", "contests", "ideas", "cms"},
    "moderation": {"comments", "profiles", "contests", "ideas", "cms"},
    "comments": {"contests", "ideas", "profiles", "cms"},
    "profiles": {"contests", "ideas", "comments", "cms"},
}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {(alias.name.split(".")[0], node.lineno) for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add((node.module.split(".")[0], node.lineno))
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_app_imports_nothing_above_it(app):
    modules = sorted((ROOT / app).rglob("*.py"))
    assert modules
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for path in modules
        for name, line in sorted(imported_apps(path))
        if name in FORBIDDEN[app]
    ]
    assert wrong == []


def test_the_check_finds_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from moderation.models import ModeratedModel\n")
    assert ("moderation", 2) in imported_apps(module)
