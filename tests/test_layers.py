"""The layers import downwards only: marketplace/ (the domain) knows nothing of search/, schema/,
web/ or the composition root tirek/; search/ nothing above it; schema/ and web/ nothing of
tirek/, which alone puts them together. Every import counts, a function's own included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "marketplace": {"search", "schema", "web", "tirek"},
    "search": {"schema", "web", "tirek"},
    "schema": {"web", "tirek"},
    "web": {"tirek"},
}


def imported_packages(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {package}"
        for path in sorted((ROOT / layer).rglob("*.py"))
        for line, package in imported_packages(path)
        if package in FORBIDDEN[layer]
    ]
    assert wrong == []


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from schema.app import GuardMiddleware\n    return GuardMiddleware\n")
    assert imported_packages(module) == [(2, "schema")]


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


# What the audit trail may build on: every domain writes to it, so it knows none of them.
AUDIT_BUILDS_ON = ("marketplace.audit", "marketplace.db", "marketplace.errors", "marketplace.accounts.access")


def test_the_audit_package_imports_no_domain() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "marketplace" / "audit").rglob("*.py"))
        for line, module in imported_modules(path)
        if module.startswith("marketplace") and not module.startswith(AUDIT_BUILDS_ON)
    ]
    assert wrong == []
