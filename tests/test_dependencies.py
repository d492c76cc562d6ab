"""Every third-party package the code imports is declared in pyproject.toml (and nothing is
imported only because another package happens to pull it in)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = {"marketplace", "schema", "search", "migrations", "tests", "bench", "scripts", "web", "tirek"}
RUNTIME_PACKAGES = ("marketplace", "schema", "search", "migrations", "web", "tirek")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*groups: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for group in groups:
        requirements += project["optional-dependencies"][group]
    return {_normal(_NAME.match(r).group(0)) for r in requirements}  # type: ignore[union-attr]


def imported(packages: tuple[str, ...]) -> dict[str, str]:
    """Top-level third-party modules imported anywhere in ``packages`` -> one place that imports it."""
    found: dict[str, str] = {}
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).exists() else []:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in OURS and top not in sys.stdlib_module_names and top != "__future__":
                        found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _undeclared(packages: tuple[str, ...], allowed: set[str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    missing = []
    for module, where in sorted(imported(packages).items()):
        names = {_normal(d) for d in distributions.get(module, [module])}
        if not names & allowed:
            missing.append(f"{module} ({where}) from {sorted(names)}")
    return missing


def test_the_application_imports_only_declared_packages():
    assert _undeclared(RUNTIME_PACKAGES, declared()) == []


def test_the_tests_import_only_declared_packages():
    assert _undeclared(("tests",), declared("test")) == []
    assert _undeclared(("bench",), declared("test", "bench")) == []
