"""A failed, interrupted or killed import leaves the table exactly as before (rows and indexes).

The bulk path drops a table's secondary indexes and rebuilds them after the load; on SQLite the drop
used to run outside the transaction (pysqlite autocommits DDL before the first INSERT), so a failed
import left the table without its indexes and every later import failed with ``no such index``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from jobshift.cli.main import main
from jobshift.errors import InputFileError
from jobshift.services.ingest import importing
from jobshift.services.ingest.importing import import_file
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import count_rows, table_of
from jobshift.store.schema import runs

CONTACT_INDEXES = sorted(str(ix.name) for ix in table_of("contacts").indexes)


def _state(ws_path: Path) -> tuple[int, list[str]]:
    """Row count and secondary index names of the contacts table, from a fresh connection."""
    ws = Workspace.open(ws_path)
    try:
        with ws.store.connect() as conn:
            n = count_rows(conn, "contacts")
            names = sorted(str(ix["name"]) for ix in inspect(conn).get_indexes("contacts"))
        return n, names
    finally:
        ws.close()


def _contacts(path: Path, n: int, *, start: int = 0, bad_line_at: int | None = None) -> Path:
    with open(path, "wb") as fh:
        fh.write(b"id,account_id,first_name,last_name,email,title,linkedin_url\n")
        for i in range(start, start + n):
            if bad_line_at is not None and i - start == bad_line_at:
                fh.write(b"c-bad,a-1,J\xe9r\xf4me,M\xfcller,,CTO,\n")
            fh.write(
                f"c-{i},a-{i % 97},First{i},Last{i},p{i}@ex{i % 50}.com,VP Sales,"
                f"https://linkedin.com/in/p-{i}\n".encode()
            )
    return path


@pytest.fixture
def bulk_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Take the drop-indexes-then-rebuild path even for small files."""
    monkeypatch.setattr(importing, "BULK_LOAD_BYTES", 0)


@pytest.mark.usefixtures("bulk_always")
def test_bad_utf8_mid_file_leaves_rows_and_indexes(backend_workspace: Path, tmp_path: Path) -> None:
    assert _state(backend_workspace) == (0, CONTACT_INDEXES)
    bad = _contacts(tmp_path / "bad.csv", 30_000, bad_line_at=20_000)
    ws = Workspace.open(backend_workspace)
    try:
        with pytest.raises(InputFileError, match="not UTF-8 text at line"):
            import_file(ws, "contacts", bad, encoding="utf-8")  # auto would read it as Windows-1252
    finally:
        ws.close()
    assert _state(backend_workspace) == (0, CONTACT_INDEXES)
    ws = Workspace.open(backend_workspace)
    try:
        report = import_file(ws, "contacts", _contacts(tmp_path / "good.csv", 1_000))
    finally:
        ws.close()
    assert report.inserted == 1_000
    assert _state(backend_workspace) == (1_000, CONTACT_INDEXES)


@pytest.mark.usefixtures("bulk_always")
def test_exception_mid_insert_leaves_rows_and_indexes(
    backend_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Exploding(importing.BulkWriter):
        def write(self, *args: Any, **kwargs: Any) -> Any:
            super().write(*args, **kwargs)
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(importing, "BulkWriter", Exploding)
    ws = Workspace.open(backend_workspace)
    try:
        with pytest.raises(RuntimeError, match="disk on fire"):
            import_file(ws, "contacts", _contacts(tmp_path / "c.csv", 2_000))
        with ws.store.connect() as conn:
            status = conn.execute(select(runs.c.status).order_by(runs.c.id.desc())).scalar()
        assert status == "failed"
    finally:
        ws.close()
    assert _state(backend_workspace) == (0, CONTACT_INDEXES)
    monkeypatch.undo()
    monkeypatch.setattr(importing, "BULK_LOAD_BYTES", 0)
    ws = Workspace.open(backend_workspace)
    try:
        assert import_file(ws, "contacts", _contacts(tmp_path / "c.csv", 2_000)).inserted == 2_000
    finally:
        ws.close()
    assert _state(backend_workspace) == (2_000, CONTACT_INDEXES)


def test_failure_on_a_filled_table_keeps_its_rows(backend_workspace: Path, tmp_path: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        import_file(ws, "contacts", _contacts(tmp_path / "first.csv", 500))
        with pytest.raises(InputFileError, match="not UTF-8"):
            bad = _contacts(tmp_path / "bad.csv", 800, start=400, bad_line_at=700)
            import_file(ws, "contacts", bad, encoding="utf-8")
    finally:
        ws.close()
    assert _state(backend_workspace) == (500, CONTACT_INDEXES)


@pytest.mark.usefixtures("bulk_always")
def test_import_restores_indexes_a_crashed_old_version_dropped(
    backend_workspace: Path, tmp_path: Path
) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        with ws.store.begin() as conn:
            for ix in table_of("contacts").indexes:
                ix.drop(conn)
        assert _state(backend_workspace) == (0, [])
        assert import_file(ws, "contacts", _contacts(tmp_path / "c.csv", 100)).inserted == 100
    finally:
        ws.close()
    assert _state(backend_workspace) == (100, CONTACT_INDEXES)


def _wait_for(predicate: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_sigkill_mid_import_leaves_table_as_before(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = _contacts(tmp_path / "big.csv", 400_000)
    assert big.stat().st_size > importing.BULK_LOAD_BYTES
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jobshift.cli.main",
            "-w",
            str(backend_workspace),
            "import",
            "contacts",
            str(big),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    started = time.monotonic()
    try:

        def importing_now() -> bool:
            ws = Workspace.open(backend_workspace)
            try:
                with ws.store.connect() as conn:
                    return (
                        conn.execute(select(runs.c.id).where(runs.c.status == "running")).first() is not None
                    )
            except Exception:
                return False
            finally:
                ws.close()

        assert _wait_for(importing_now, 60), "the import never started"
        time.sleep(1.0)  # well into reading and inserting
        assert proc.poll() is None, f"the import ended before the kill: {proc.stderr.read()!r}"  # type: ignore[union-attr]
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its reader process
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert proc.returncode == -signal.SIGKILL, f"killed after {time.monotonic() - started:.1f}s"
    assert _state(backend_workspace) == (0, CONTACT_INDEXES)
    # the killed import's run is left 'running'; doctor sees that its process is gone and closes it
    assert main(["-w", str(backend_workspace), "doctor"]) == 1
    assert "(import contacts)" in capsys.readouterr().out
    assert main(["-w", str(backend_workspace), "doctor", "--repair"]) == 0
    ws = Workspace.open(backend_workspace)
    try:
        assert import_file(ws, "contacts", _contacts(tmp_path / "small.csv", 300)).inserted == 300
    finally:
        ws.close()
    assert _state(backend_workspace) == (300, CONTACT_INDEXES)
