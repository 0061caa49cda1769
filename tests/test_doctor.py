"""``jobshift doctor``: schema revision, missing indexes, runs left running by dead processes,
SQLite integrity; ``--repair``; exit codes and ``--json`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, inspect, select, text

from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import table_of
from jobshift.store.schema import runs
from jobshift.utils.timeutil import utcnow


def _doctor(ws: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["-w", str(ws), "doctor", "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def _check(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["name"] == name)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_fresh_workspace_is_healthy(backend_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Workspace.open(backend_workspace).store.dispose()  # migrated
    code, report = _doctor(backend_workspace, capsys)
    assert code == 0 and report["healthy"] is True
    assert [c["name"] for c in report["checks"]] == ["integrity", "schema", "indexes", "runs"]
    assert all(c["ok"] and not c["problems"] for c in report["checks"])
    assert main(["-w", str(backend_workspace), "doctor"]) == 0
    assert "healthy" in capsys.readouterr().out


def test_an_unmigrated_database_is_upgraded_by_repair(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _doctor(backend_workspace, capsys)  # nothing opened the store: no schema yet
    assert code == 1 and not report["healthy"]
    assert "not initialized" in _check(report, "schema")["problems"][0]
    assert "not checked" in _check(report, "indexes")["notes"][0] and _check(report, "indexes")["skipped"]
    code, report = _doctor(backend_workspace, capsys, "--repair")
    assert code == 0 and "upgraded from not initialized" in _check(report, "schema")["repaired"][0]
    assert _doctor(backend_workspace, capsys)[0] == 0


def test_an_unknown_revision_is_not_touched(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = Workspace.open(backend_workspace)
    with ws.store.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'from_the_future'"))
    ws.close()
    code, report = _doctor(backend_workspace, capsys, "--repair")
    assert code == 1 and "from_the_future, unknown" in _check(report, "schema")["problems"][0]


def test_missing_indexes_are_found_and_recreated(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.begin() as conn:
            for ix in table_of("contacts").indexes:
                ix.drop(conn)
    finally:
        ws.close()
    code, report = _doctor(backend_workspace, capsys)
    assert code == 1
    problem = _check(report, "indexes")["problems"][0]
    assert problem.startswith("6 missing: ") and "ix_contacts_email_norm on contacts" in problem
    assert main(["-w", str(backend_workspace), "doctor"]) == 1
    assert "PROBLEM indexes" in capsys.readouterr().out
    code, report = _doctor(backend_workspace, capsys, "--repair")
    assert code == 0 and _check(report, "indexes")["repaired"][0].startswith("recreated 6:")
    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.connect() as conn:
            names = {ix["name"] for ix in inspect(conn).get_indexes("contacts")}
    finally:
        ws.close()
    assert names == {ix.name for ix in table_of("contacts").indexes}
    assert _doctor(backend_workspace, capsys)[0] == 0


def test_runs_of_dead_processes_are_closed_abandoned(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = socket.gethostname()
    dead = f"{host}:{_dead_pid()}"
    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.begin() as conn:
            for row in (
                {"kind": "import", "object": "contacts", "counts": {"owner": dead}},
                {"kind": "schedule", "object": "tier1", "period_key": "schedule:tier1:2026-11-24",
                 "counts": {"owner": dead}},
                {"kind": "detect", "counts": {"owner": f"{host}:{os.getpid()}"}},
                {"kind": "ingest", "counts": {"owner": "elsewhere:1"}},
                {"kind": "push", "counts": None},
            ):  # fmt: skip
                conn.execute(insert(runs).values(status="running", started_at=utcnow(), **row))
    finally:
        ws.close()
    code, report = _doctor(backend_workspace, capsys)
    check = _check(report, "runs")
    assert code == 1 and len(check["problems"]) == 2
    assert "run 1 (import contacts)" in check["problems"][0] and "has ended" in check["problems"][0]
    notes = " | ".join(check["notes"])
    assert "in progress" in notes and "another host" in notes and "no recorded process" in notes
    code, report = _doctor(backend_workspace, capsys, "--repair")
    assert code == 0 and len(_check(report, "runs")["repaired"]) == 2
    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.connect() as conn:
            rows = {r.id: r for r in conn.execute(select(runs).order_by(runs.c.id))}
    finally:
        ws.close()
    assert [rows[i].status for i in (1, 2, 3, 4, 5)] == [
        "abandoned",
        "abandoned",
        "running",
        "running",
        "running",
    ]
    assert rows[2].period_key != "schedule:tier1:2026-11-24"  # the period is due again
    assert "ended without closing" in rows[1].error
    assert _doctor(backend_workspace, capsys)[0] == 0


def test_a_damaged_sqlite_file_is_reported(workspace_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = Workspace.open(workspace_env)
    with ws.store.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (a TEXT)")
        conn.exec_driver_sql("CREATE INDEX ix_filler ON filler (a)")
        for i in range(2000):
            conn.exec_driver_sql("INSERT INTO filler VALUES (?)", (f"value-{i:06d}-" + "x" * 50,))
    with ws.store.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        page = int(
            conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'ix_filler'").scalar_one()
        )
        size = int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
    ws.close()
    with open(workspace_env / "jobshift.db", "r+b") as fh:  # scribble over the index's root page
        fh.seek((page - 1) * size + 8)
        fh.write(b"\x00\xff" * 200)
    code, report = _doctor(workspace_env, capsys, "--repair")
    check = _check(report, "integrity")
    assert code == 1 and check["problems"]
