"""Exit codes and messages of the CLI: no traceback reaches the user, no silent success or creation."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from jobshift.cli.main import main
from jobshift.errors import StoreBusyError
from jobshift.services.workspace import Workspace
from jobshift.store import Store
from program_data import add_signals, seed_crm
from program_data import signal as job_signal


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_schedule_run_once_exits_1_when_a_job_failed(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (backend_workspace / "jobshift.toml").write_text('[push]\ncrm = "salesforce"\n')  # no credentials
    ws = Workspace.open(backend_workspace)
    try:
        seed_crm(ws.store)
        add_signals(ws.store, [job_signal("s-1")])
    finally:
        ws.close()
    args = ["-w", str(backend_workspace), "schedule", "run", "--once", "--now", "2026-11-24T09:00", "--json"]
    assert main(args) == 1
    assert '"status": "failed"' in capsys.readouterr().out


def test_schedule_run_once_exits_0_when_every_job_ran(
    backend_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["-w", str(backend_workspace), "schedule", "run", "--once", "--now", "2026-11-24T09:00"]
    assert main(args) == 0


def _boom(*_a: object, **_k: object) -> None:
    raise RuntimeError("something nobody expected\nsecond line")


def test_unexpected_error_is_one_line_and_a_log_file(
    workspace_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["init", str(workspace_env)]) == 0
    capsys.readouterr()
    monkeypatch.setattr("jobshift.services.ingest.importing.import_file", _boom)
    f = tmp_path / "c.csv"
    f.write_text("id,last_name\nc-1,Doe\n")
    assert main(["-w", str(workspace_env), "import", "contacts", str(f)]) == 1
    line = _one_line(capsys.readouterr().err)
    log = workspace_env / "logs" / "jobshift-error.log"
    assert line == f"error: RuntimeError: something nobody expected (details: {log})"
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "_boom" in text and "second line" in text


def test_debug_shows_the_traceback(
    workspace_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jobshift.services.ingest.importing.import_file", _boom)
    f = tmp_path / "c.csv"
    f.write_text("id,last_name\nc-1,Doe\n")
    assert main(["--debug", "-w", str(workspace_env), "import", "contacts", str(f)]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and err.strip().splitlines()[-1].startswith("error: ")
    # the option does not stick to the next call in the same process
    assert main(["-w", str(workspace_env), "import", "contacts", str(f)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_outside_a_workspace_the_log_goes_to_the_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobshift.cli import crash

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    bare = tmp_path / "bare"
    bare.mkdir()
    assert crash.log_dir(bare) == tmp_path / "tmp" / "jobshift"
    assert crash.log_dir(tmp_path / "missing") == tmp_path / "tmp" / "jobshift"
    (bare / "jobshift.toml").write_text("")
    assert crash.log_dir(bare) == bare / "logs"
    log = crash.write_log(RuntimeError("x"), crash.log_dir(tmp_path / "missing"))
    assert (
        log == tmp_path / "tmp" / "jobshift" / "jobshift-error.log" and "RuntimeError: x" in log.read_text()
    )


def test_busy_database_is_a_clear_message_after_the_busy_timeout(
    workspace_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(workspace_env)]) == 0
    toml = (workspace_env / "jobshift.toml").read_text()
    (workspace_env / "jobshift.toml").write_text(
        toml.replace("busy_timeout_seconds = 30.0", "busy_timeout_seconds = 0.3")
    )
    capsys.readouterr()
    f = tmp_path / "c.csv"
    f.write_text("id,last_name\nc-1,Doe\n")
    holder = sqlite3.connect(workspace_env / "jobshift.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing
        t0 = time.monotonic()
        assert main(["-w", str(workspace_env), "import", "contacts", str(f)]) == 1
        waited = time.monotonic() - t0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(
        "error: the workspace database is busy: another jobshift command is writing; try again"
    )
    assert "0.3 s" in line and 0.3 <= waited < 10
    assert main(["-w", str(workspace_env), "import", "contacts", str(f)]) == 0


def test_store_busy_error_from_the_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    Store.open(url).dispose()
    store = Store.open(url, busy_timeout=0.1)
    holder = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreBusyError, match=r"waited 0\.1 s"), store.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE x (a)")
            conn.exec_driver_sql("INSERT INTO x VALUES (1)")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        store.dispose()


@pytest.mark.parametrize("command", [["track"], ["export", "runs", "--out", "OUT"], ["schedule", "status"]])
def test_missing_workspace_is_a_usage_error_and_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    missing = tmp_path / "typo"
    args = [str(tmp_path / "out.csv") if a == "OUT" else a for a in command]
    assert main(["-w", str(missing), *args]) == 2
    assert "does not exist" in _one_line(capsys.readouterr().err)
    assert not missing.exists()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert main(["-w", str(a_file), *args]) == 2
    assert "is not a directory" in _one_line(capsys.readouterr().err)


def test_init_still_creates_a_missing_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    assert main(["-w", str(tmp_path / "new"), "init"]) == 0
    assert (tmp_path / "new" / "jobshift.toml").is_file()
    assert main(["init", str(tmp_path / "new2")]) == 0
    assert main(["init", str(tmp_path / "new" / "jobshift.toml")]) == 2


def test_export_does_not_create_folders_unless_asked(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nonexistent" / "dir" / "x.csv"
    w = str(backend_workspace)
    assert main(["-w", w, "export", "contacts", "--out", str(out)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "does not exist" in line and "--mkdir" in line
    assert not (tmp_path / "nonexistent").exists()
    assert main(["-w", w, "export", "contacts", "--out", str(out), "--mkdir"]) == 0
    assert out.read_text().startswith("id,")
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    assert main(["-w", w, "export", "contacts", "--out", str(blocker / "x.csv"), "--mkdir"]) == 2
    assert "is not a directory" in _one_line(capsys.readouterr().err)
