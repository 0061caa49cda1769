"""DESIGN.md's import direction: ``domain`` is pure; ``cli``/``web`` reach the rest through ``services``;
``services`` never reach back into ``cli`` or ``web``; ``config`` stands on ``errors``, ``utils`` and
``domain`` only; ``errors`` imports nothing of the project.

Every import is checked, also one inside a function and a relative one (``from ..store import x`` is
resolved against the importing module first). The self-test runs the same checker on bad files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jobshift"

# top-level package or module -> the jobshift packages / modules it may import (besides itself)
EVERYTHING = {p.stem for p in SRC.iterdir() if p.suffix == ".py" or (p.is_dir() and any(p.glob("*.py")))}
ALLOWED: dict[str, set[str]] = {
    "__init__": set(),
    "errors": set(),
    "utils": {"errors"},
    "domain": set(),
    "config": {"errors", "utils", "domain"},
    "cli": {"services", "errors", "utils", "__init__"},
    "web": {"services", "errors", "utils", "__init__"},
    "services": EVERYTHING - {"cli", "web"},
    "store": {"errors", "utils", "domain"},
    "connectors": {"errors", "utils", "domain", "config"},
    # engine workers read feed partitions themselves (Dask), through the connectors' file readers
    "engine": {"errors", "utils", "domain", "connectors"},
    "notify": {"errors", "utils", "domain", "config"},
    "synth": {"errors", "utils", "domain"},
}
NEVER_IMPORTED_BY_DOMAIN_LIBS = {"sqlalchemy", "fastapi", "typer", "httpx", "jinja2", "requests", "alembic"}


def module_name(path: Path, src: Path = SRC) -> str:
    """``jobshift.a.b`` of ``src/jobshift/a/b.py`` (``jobshift.a`` of ``a/__init__.py``)."""
    parts = ["jobshift", *path.relative_to(src).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str) -> list[tuple[str, int]]:
    """Every module ``path`` (the module ``module``) imports, relative imports resolved, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                anchor = parts[:keep] if keep > 0 else []
                if not anchor:
                    raise ValueError(f"{path}:{node.lineno}: relative import beyond the top-level package")
                base = ".".join([*anchor, *([base] if base else [])])
            if base == "jobshift" or not node.module:  # `from jobshift import x` / `from . import x`
                out.extend((f"{base}.{a.name}", node.lineno) for a in node.names)
            else:
                out.append((base, node.lineno))
    return out


def target(name: str, src: Path = SRC) -> str | None:
    """The top-level jobshift package or module an imported name belongs to (``None``: not jobshift)."""
    parts = name.split(".")
    if parts[0] != "jobshift":
        return None
    if len(parts) == 1:
        return "__init__"
    sub = parts[1]
    if (src / sub).is_dir() or (src / f"{sub}.py").exists():
        return sub
    return "__init__"  # an attribute of the package itself, e.g. ``from jobshift import __version__``


def violations(path: Path, module: str, src: Path = SRC) -> list[str]:
    """The imports of ``path`` (the module ``module``) that break the rules of :data:`ALLOWED`."""
    package = module.split(".")[1] if "." in module else "__init__"
    allowed = ALLOWED[package]
    found = []
    for name, line in imports(path, module):
        where = f"{module}:{line} imports {name}"
        if package == "domain" and name.split(".")[0] in NEVER_IMPORTED_BY_DOMAIN_LIBS:
            found.append(f"{where} (domain must stay pure)")
        dest = target(name, src)
        if dest is not None and dest != package and dest not in allowed:
            found.append(where)
    return found


def test_every_package_has_rules() -> None:
    assert EVERYTHING - {"__main__"} <= set(ALLOWED), EVERYTHING - set(ALLOWED)


def test_import_direction() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found += violations(path, module_name(path))
    assert found == []


def test_services_never_import_cli_or_web() -> None:
    assert not {"cli", "web"} & ALLOWED["services"] and "store" in ALLOWED["services"]
    assert ALLOWED["config"] == {"errors", "utils", "domain"}


# -- the checker itself --------------------------------------------------------------------------------


def _check(tmp_path: Path, module: str, text: str, package_init: bool = False) -> list[str]:
    path = tmp_path / ("__init__.py" if package_init else "bad.py")
    path.write_text(text, encoding="utf-8")
    return violations(path, module)


def test_the_checker_catches_each_kind_of_violation(tmp_path: Path) -> None:
    domain = _check(
        tmp_path,
        "jobshift.domain.bad",
        "import sqlalchemy\nfrom ..store import Store\nfrom . import routing\n"
        "def f():\n    from jobshift.config import Config\n",
    )
    assert domain == [
        "jobshift.domain.bad:1 imports sqlalchemy (domain must stay pure)",
        "jobshift.domain.bad:2 imports jobshift.store",
        "jobshift.domain.bad:5 imports jobshift.config",
    ]
    services = _check(
        tmp_path,
        "jobshift.services.admin.bad",
        "from jobshift.web.app import create_app\nfrom ...cli import main\nfrom ..program import pushing\n",
    )
    assert services == [
        "jobshift.services.admin.bad:1 imports jobshift.web.app",
        "jobshift.services.admin.bad:2 imports jobshift.cli",
    ]
    config = _check(tmp_path, "jobshift.config", "from jobshift.store import Store\nfrom .errors import X\n")
    assert config == ["jobshift.config:1 imports jobshift.store"]
    init = _check(
        tmp_path, "jobshift.utils", "from .retry import x\nfrom ..store import y\n", package_init=True
    )
    assert init == ["jobshift.utils:2 imports jobshift.store"]
    with pytest.raises(ValueError, match="beyond the top-level package"):
        _check(tmp_path, "jobshift.errors", "from ... import x\n")


def test_a_clean_file_passes(tmp_path: Path) -> None:
    assert (
        _check(tmp_path, "jobshift.web.ok", "from jobshift.services.browse import browse\nimport fastapi\n")
        == []
    )
