"""DESIGN.md's import direction: ``domain`` is pure; ``cli``/``web`` reach the rest through ``services``."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "jobshift"

# package -> jobshift packages/modules it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "domain": set(),
    "cli": {"services", "errors", "utils", "__init__"},
    "web": {"services", "errors", "utils", "__init__"},
    "store": {"errors", "utils", "domain"},
    "connectors": {"errors", "utils", "domain", "config"},
    # engine workers read feed partitions themselves (Dask), through the connectors' file readers
    "engine": {"errors", "utils", "domain", "connectors"},
    "notify": {"errors", "utils", "domain", "config"},
    "synth": {"errors", "utils", "domain"},
    "utils": set(),
}
NEVER_IMPORTED_BY_DOMAIN_LIBS = {"sqlalchemy", "fastapi", "typer", "httpx", "jinja2", "requests", "alembic"}


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.extend(
                (f"{node.module}.{a.name}" if node.module == "jobshift" else node.module, node.lineno)
                for a in node.names
            )
    return out


def _target(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "jobshift":
        return None
    if len(parts) == 1:
        return "__init__"
    sub = parts[1]
    if (SRC / sub).is_dir() or (SRC / f"{sub}.py").exists():
        return sub
    return "__init__"  # an attribute of the package itself, e.g. ``from jobshift import __version__``


def test_import_direction() -> None:
    violations = []
    for package, allowed in ALLOWED.items():
        for path in sorted((SRC / package).rglob("*.py")):
            for name, line in _imports(path):
                target = _target(name)
                if package == "domain" and name.split(".")[0] in NEVER_IMPORTED_BY_DOMAIN_LIBS:
                    violations.append(
                        f"{path.relative_to(SRC)}:{line} imports {name} (domain must stay pure)"
                    )
                if target is None or target == package:
                    continue
                if target not in allowed:
                    violations.append(f"{path.relative_to(SRC)}:{line} imports {name}")
    assert violations == []


def test_the_check_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from jobshift.store import Store\nimport sqlalchemy\n")
    names = [n for n, _ in _imports(bad)]
    assert "jobshift.store" in names and _target("jobshift.store") == "store"
    assert "store" not in ALLOWED["domain"]
