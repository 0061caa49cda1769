"""The SQL lives in ``store/``: services keep the use-case logic and call store functions.

A service module may name SQLAlchemy's types (``Connection``, ``Select``, …) and its exceptions, and hand
store tables to store functions (``rows_by_id(conn, accounts, ids)``), but it builds no statement and runs
none: no ``select``/``insert``/``update``/``delete``/``text``/``func``… imported from SQLAlchemy, no
``.execute(…)``.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "src" / "jobshift" / "services"

NOT_YET: dict[str, str] = {}
"""Service packages this test does not cover yet, and why."""

TYPE_NAMES = {"Connection", "Engine", "Select", "Row", "RowMapping", "Result"}
"""What a service may import from ``sqlalchemy`` (type hints); ``sqlalchemy.exc`` is allowed as well."""

RUNS_SQL = {"execute", "exec_driver_sql", "scalar", "scalars"}


def sql_in(path: Path) -> list[str]:
    """Where ``path`` builds or runs SQL itself (``line: what``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("sqlalchemy")]
            found += [f"{node.lineno}: import {name}" for name in names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            if node.module == "sqlalchemy.exc":
                continue
            bad = [a.name for a in node.names if node.module != "sqlalchemy" or a.name not in TYPE_NAMES]
            found += [f"{node.lineno}: from {node.module} import {name}" for name in bad]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RUNS_SQL
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id in {"self", "cls"})
        ):
            found.append(f"{node.lineno}: .{node.func.attr}(…)")
    return found


def test_services_build_and_run_no_sql() -> None:
    offenders = {}
    for path in sorted(SERVICES.rglob("*.py")):
        rel = path.relative_to(SERVICES)
        if len(rel.parts) > 1 and rel.parts[0] in NOT_YET:
            continue
        where = sql_in(path)
        if where:
            offenders[str(rel)] = where
    assert offenders == {}


def test_every_exception_is_a_real_package() -> None:
    assert all((SERVICES / name).is_dir() for name in NOT_YET)


def test_the_check_sees_sql(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from sqlalchemy import Connection, select\n"
        "from sqlalchemy.exc import IntegrityError\n"
        "def f(conn: Connection) -> None:\n"
        "    conn.execute(select(1))\n"
    )
    assert sql_in(bad) == ["1: from sqlalchemy import select", "4: .execute(…)"]
