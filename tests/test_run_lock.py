"""One writer at a time per workspace and kind of run (SQLite and PostgreSQL): a second push / detect /
import / ingest stops with one line naming the run that holds the lock; runs left ``running`` by a dead
process are closed ``abandoned`` by the next run of their kind; two pushes at once never write twice."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.run_lock import RunLockedError, run_lock
from jobshift.store.runs import start_run
from jobshift.store.schema import audit_log, leads, runs
from program_data import add_signals, many_contacts, many_job_changes, seed_crm


def _holding(ws_dir: Path, lock: str, kind: str, started: threading.Event, release: threading.Event) -> None:
    ws = Workspace.open(ws_dir)
    try:
        with run_lock(ws.store, lock):
            with ws.store.begin() as conn:
                start_run(conn, kind)
            started.set()
            release.wait(30)
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("lock", "argv"),
    [("push", ["push"]), ("detect", ["detect"]), ("import", ["import", "accounts", "ACCOUNTS"])],
)
def test_a_second_writer_stops_naming_the_first(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lock: str, argv: list[str]
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("id,name\na-1,Acme\n", encoding="utf-8")
    argv = [str(accounts) if a == "ACCOUNTS" else a for a in argv]
    ws = Workspace.open(backend_workspace)
    ws.close()
    started, release = threading.Event(), threading.Event()
    t = threading.Thread(target=_holding, args=(backend_workspace, lock, lock, started, release))
    t.start()
    try:
        assert started.wait(30)
        capsys.readouterr()
        assert main(["-w", str(backend_workspace), *argv]) == 1
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and f"another {lock} is running (run " in err and "since" in err
    finally:
        release.set()
        t.join(30)
    # the holder's run was never finished (as if its process died): the next run closes it
    assert main(["-w", str(backend_workspace), *argv]) == 0
    ws = Workspace.open(backend_workspace)
    with ws.store.connect() as conn:
        statuses = [
            r.status for r in conn.execute(select(runs).where(runs.c.kind == lock).order_by(runs.c.id))
        ]
    ws.close()
    assert statuses[0] == "abandoned" and statuses[-1] == "ok"


def test_lock_is_reentrant_in_one_thread_and_exclusive_across_threads(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    try:
        errors: list[BaseException] = []
        with run_lock(ws.store, "push"), run_lock(ws.store, "push"):  # nested: fine

            def other() -> None:
                try:
                    with run_lock(ws.store, "push"):
                        pass
                except BaseException as exc:
                    errors.append(exc)

            t = threading.Thread(target=other)
            t.start()
            t.join(30)
        assert len(errors) == 1 and isinstance(errors[0], RunLockedError)
        with run_lock(ws.store, "push"):  # released
            pass
    finally:
        ws.close()


def test_two_pushes_at_once_write_each_lead_once(backend_workspace: Path) -> None:
    ws = Workspace.open(backend_workspace)
    seed_crm(ws.store)
    many_contacts(ws.store, 600)
    add_signals(ws.store, many_job_changes(600))
    ws.close()
    env = {k: v for k, v in os.environ.items() if k != "JOBSHIFT_WORKSPACE"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "jobshift.cli.main", "-w", str(backend_workspace), "push"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [(p.wait(120), p.stderr.read().decode() if p.stderr else "") for p in procs]
    assert sorted(code for code, _ in results) in ([0, 0], [0, 1]), results
    for code, err in results:
        if code == 1:
            assert "another push is running" in err and "Traceback" not in err
    ws = Workspace.open(backend_workspace)
    with ws.store.connect() as conn:
        n_leads = conn.execute(select(func.count()).select_from(leads)).scalar_one()
        n_audit = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
    ws.close()
    assert n_leads == 600 and n_audit == 1200  # one lead and one contact update per signal, once
