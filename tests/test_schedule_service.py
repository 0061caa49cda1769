"""The scheduler on SQLite and PostgreSQL: the runs ledger (once per period, concurrent claims, catch-up,
skipped periods), failures that do not block other jobs, graceful stop, the CLI."""

from __future__ import annotations

import json
import os
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from jobshift.cli.main import main
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.domain.schedule import Job, Period, period_of
from jobshift.services.program.pushing import default_connector
from jobshift.services.schedule.schedule_jobs import JobContext
from jobshift.services.schedule.scheduler import Scheduler, claim, status
from jobshift.services.workspace import Workspace
from jobshift.store.schema import leads, runs
from program_data import add_signals, seed_crm
from program_data import signal as job_signal

NOW = datetime(2026, 11, 24, 9, 0)  # a Tuesday, UTC
ALL = {
    "schedule:scorecard:2026-10",
    "schedule:tier2:2026-11-03",
    "schedule:notify:2026-11-18",
    "schedule:tier1:2026-11-24",
}


def _ws(path: Path, toml: str = "") -> Workspace:
    (path / "jobshift.toml").write_text(toml)
    return Workspace.open(path)


def _ledger(ws: Workspace) -> dict[str, dict[str, Any]]:
    with ws.store.connect() as conn:
        rows = conn.execute(select(runs).where(runs.c.kind == "schedule")).mappings()
        return {str(r["period_key"]): dict(r) for r in rows}


def _count(ws: Workspace, table: Any, *where: Any) -> int:
    with ws.store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


class Recorder:
    """Fake runners recording the periods they ran; ``fail`` names jobs that raise."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.ran: list[str] = []
        self.fail = fail or set()

    def __call__(self, ws: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
        self.ran.append(period.key)
        if job.name in self.fail:
            raise RuntimeError(f"{job.name} broke")
        return {"job": job.name}

    def runners(self) -> dict[str, Any]:
        return {"tier_check": self, "notify": self, "scorecard": self}


def test_real_jobs_run_once_per_period(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    try:
        seed_crm(ws.store)
        add_signals(ws.store, [job_signal("s-1")])
        rep = Scheduler(ws, now=NOW).tick()
        assert {o.period_key for o in rep.ran} == ALL
        assert [o.status for o in rep.ran] == ["ok"] * 4, [o.error for o in rep.ran]
        by_job = {o.job: o for o in rep.ran}
        # tier 2 ran first (3 Nov): tracked set rebuilt, detection of tier 2, the push created the lead
        t2 = by_job["tier2"].counts
        assert t2["track"]["tracked"] > 0 and t2["detect"]["run_id"] and t2["push"]["applied"]["created"] == 1
        assert by_job["tier1"].counts["push"]["applied"]["created"] == 0
        assert by_job["scorecard"].counts["month"] == "2026-10"
        assert by_job["notify"].counts["send_date"] == "2026-11-18"
        assert _count(ws, leads) == 1
        ledger = _ledger(ws)
        assert set(ledger) == ALL and {r["status"] for r in ledger.values()} == {"ok"}
        n_runs = _count(ws, runs)
        # the same moment again (a restart, or a second scheduler): nothing runs twice
        again = Scheduler(ws, now=NOW).tick()
        assert again.ran == [] and again.skipped == []
        assert _count(ws, runs) == n_runs
    finally:
        ws.close()


def test_concurrent_claims_of_one_period_one_wins(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    other = Workspace.open(backend_workspace)  # a second process would have its own engine
    try:
        ws.store  # noqa: B018 - migrate before the race
        p = period_of(Job("tier1", "tier_check"), datetime(2026, 11, 24))
        barrier = threading.Barrier(2)
        won: list[int | None] = []

        def go(w: Workspace) -> None:
            barrier.wait()
            won.append(claim(w.store, p))

        threads = [threading.Thread(target=go, args=(w,)) for w in (ws, other)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(x is None for x in won) == [False, True]
        # the claimed period is in the ledger (running elsewhere): not due here
        rec = Recorder()
        Scheduler(other, now=NOW, runners=rec.runners()).tick()
        assert "schedule:tier1:2026-11-24" not in rec.ran and len(rec.ran) == 3
        assert _ledger(ws)["schedule:tier1:2026-11-24"]["status"] == "running"
    finally:
        other.close()
        ws.close()


def test_a_period_claimed_elsewhere_after_planning_is_left_alone(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    other = Workspace.open(backend_workspace)
    try:
        rec = Recorder()
        tier1 = period_of(Job("tier1", "tier_check"), datetime(2026, 11, 24))

        def first(w: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
            assert claim(other.store, tier1) is not None  # another scheduler takes tier1 meanwhile
            return rec(w, job, period, ctx)

        rep = Scheduler(ws, now=NOW, runners={**rec.runners(), "scorecard": first}).tick()
        assert rep.taken == ["schedule:tier1:2026-11-24"]
        assert "schedule:tier1:2026-11-24" not in rec.ran and len(rep.ran) == 3
    finally:
        other.close()
        ws.close()


def test_two_schedulers_ticking_together_run_each_period_once(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    other = Workspace.open(backend_workspace)
    try:
        ws.store  # noqa: B018
        recs = [Recorder(), Recorder()]
        barrier = threading.Barrier(2)

        def go(w: Workspace, rec: Recorder) -> None:
            barrier.wait()
            Scheduler(w, now=NOW, runners=rec.runners()).tick()

        threads = [threading.Thread(target=go, args=a) for a in ((ws, recs[0]), (other, recs[1]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ran = recs[0].ran + recs[1].ran
        assert sorted(ran) == sorted(ALL)  # every period exactly once, whoever claimed it
    finally:
        other.close()
        ws.close()


def test_missed_periods_catch_up_and_older_ones_are_recorded_skipped(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, '[schedule]\nmax_catch_up = 2\njobs = ["tier1", "notify"]\n')
    try:
        rec = Recorder()
        Scheduler(ws, now=datetime(2026, 10, 6, 9), runners=rec.runners()).tick()
        assert rec.ran == ["schedule:notify:2026-09-30", "schedule:tier1:2026-10-06"]
        # down from 6 October to 24 November 09:00: 7 weekly periods missed, 6 notify days
        rep = Scheduler(ws, now=NOW, runners=rec.runners()).tick()
        assert [o.period_key for o in rep.ran] == [  # the last 2 of each job, in time order
            "schedule:notify:2026-11-11",
            "schedule:tier1:2026-11-17",
            "schedule:notify:2026-11-18",
            "schedule:tier1:2026-11-24",
        ]
        ledger = _ledger(ws)
        skipped = sorted(k for k, r in ledger.items() if r["status"] == "skipped")
        assert skipped == sorted(
            [f"schedule:tier1:2026-{d}" for d in ("10-13", "10-20", "10-27", "11-03", "11-10")]
            + [f"schedule:notify:2026-{d}" for d in ("10-07", "10-14", "10-21", "10-28", "11-04")]
        )
        assert "max_catch_up" not in str(ledger[skipped[0]]["error"] or "")
        assert "missed" in ledger[skipped[0]]["counts"]["reason"]
        # the next morning only Wednesday's notifications are due
        later = Scheduler(ws, now=datetime(2026, 11, 25, 9, 30), runners=rec.runners()).tick()
        assert [o.period_key for o in later.ran] == ["schedule:notify:2026-11-25"] and later.skipped == []
    finally:
        ws.close()


def test_a_failing_job_is_recorded_failed_and_does_not_block_others(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    try:
        rec = Recorder(fail={"tier2"})
        rep = Scheduler(ws, now=NOW, runners=rec.runners()).tick()
        assert sorted(rec.ran) == sorted(ALL)
        ledger = _ledger(ws)
        assert ledger["schedule:tier2:2026-11-03"]["status"] == "failed"
        assert ledger["schedule:tier2:2026-11-03"]["error"] == "RuntimeError: tier2 broke"
        assert {ledger[k]["status"] for k in ALL - {"schedule:tier2:2026-11-03"}} == {"ok"}
        assert [o.status for o in rep.ran].count("failed") == 1
        # a failed period is in the ledger: it is not retried by the next tick
        assert Scheduler(ws, now=NOW, runners=rec.runners()).tick().ran == []
    finally:
        ws.close()


def test_push_to_salesforce_without_credentials_fails_the_tier_check_only(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, '[push]\ncrm = "salesforce"\n')
    try:
        assert isinstance(default_connector(ws), SalesforceConnector)
        seed_crm(ws.store)
        add_signals(ws.store, [job_signal("s-1")])
        rep = Scheduler(ws, now=NOW).tick()
        status_of = {o.job: o for o in rep.ran}
        t1 = status_of["tier1"]
        assert t1.status == "failed" and t1.counts["failed_step"] == "push"
        assert "error" in t1.counts["pull"] and t1.counts["detect"]["run_id"]  # pull failed, detect went on
        assert status_of["notify"].status == "ok" and status_of["scorecard"].status == "ok"
        assert _count(ws, leads) == 0
    finally:
        ws.close()


def test_sigterm_during_a_job_finishes_it_and_starts_no_new_one(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    try:
        done: list[str] = []

        def slow(w: Workspace, job: Job, period: Period, ctx: JobContext) -> dict[str, Any]:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives while the job is running
            done.append(period.key)
            return {"finished": True}

        sched = Scheduler(ws, now=NOW, runners={"tier_check": slow, "notify": slow, "scorecard": slow})
        guard = threading.Timer(30, lambda: sched.request_stop("guard timer: the signal did not stop it"))
        guard.start()
        try:
            reports = sched.run()  # not --once: only the signal ends it
        finally:
            guard.cancel()
        assert done == ["schedule:scorecard:2026-10"]
        assert reports[-1].stopped and sched.stop_reason == "SIGTERM"
        assert {k: r["status"] for k, r in _ledger(ws).items()} == {"schedule:scorecard:2026-10": "ok"}
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers restored
    finally:
        ws.close()


def test_cli_run_once_and_status(backend_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _ws(backend_workspace, '[schedule]\njobs = ["scorecard"]\n').close()
    w = str(backend_workspace)
    assert main(["-w", w, "schedule", "run", "--once", "--now", "2026-11-24T09:00", "--json"]) == 0
    tick = json.loads(capsys.readouterr().out)
    assert [o["period_key"] for o in tick["ran"]] == ["schedule:scorecard:2026-10"]
    assert main(["-w", w, "schedule", "run", "--once", "--now", "2026-11-24T09:00Z", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ran"] == []
    assert main(["-w", w, "schedule", "status", "--now", "2026-11-24T09:00", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    [job] = out["jobs"]
    assert job["next_due_local"] == "2026-12-01T06:00" and job["last_status"] == "ok"
    assert out["recent"][0]["period_key"] == "schedule:scorecard:2026-10"
    assert main(["-w", w, "schedule", "run", "--once", "--now", "yesterday"]) == 2
    assert main(["-w", w, "schedule", "status"]) == 0


def test_time_zone_moves_periods_to_local_days(backend_workspace: Path) -> None:
    ws = _ws(
        backend_workspace, '[workspace]\ntimezone = "America/Los_Angeles"\n[schedule]\njobs = ["tier1"]\n'
    )
    try:
        rec = Recorder()
        # 24 Nov 07:00 UTC is still Monday 23 Nov in Los Angeles: Tuesday's period is not due yet
        Scheduler(ws, now=datetime(2026, 11, 24, 7), runners=rec.runners()).tick()
        assert rec.ran == ["schedule:tier1:2026-11-17"]
        Scheduler(ws, now=datetime(2026, 11, 24, 8, 1), runners=rec.runners()).tick()
        assert rec.ran[-1] == "schedule:tier1:2026-11-24"
        st = status(ws, now=datetime(2026, 11, 24, 9))
        assert st["jobs"][0]["next_due_utc"] == "2026-12-01T08:00"
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("toml", "key_path", "fragment"),
    [
        ('[schedule]\njobs = ["tiers", "weekly"]\n', "schedule.jobs[1]", "unknown job 'weekly'"),
        ('[workspace]\ntimezone = "Mars/Olympus"\n', "workspace.timezone", "unknown time zone"),
        ('[tiers.tier1]\ncadence = "0 0 30 2 *"\n', "tiers.tier1.cadence", "never fires"),
        ('[tiers.notify]\ncadence = "daily"\n', "tiers.notify", "reserved"),
        ('[schedule]\nnotify_time = "25:00"\n', "schedule.notify_time", ""),
        ('[push]\ncrm = "pipedrive"\n', "push.crm", ""),
    ],
)
def test_invalid_schedule_config_names_the_key(toml: str, key_path: str, fragment: str) -> None:
    import tomllib

    from jobshift.config import parse_config
    from jobshift.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        parse_config(tomllib.loads(toml))
    assert info.value.key_path == key_path and fragment in str(info.value)


def _dead_pid() -> int:
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_period_left_running_by_a_killed_scheduler_runs_again(backend_workspace: Path) -> None:
    import socket

    from sqlalchemy import update

    ws = _ws(backend_workspace)
    try:
        tier1 = period_of(Job("tier1", "tier_check"), datetime(2026, 11, 24))
        notify = period_of(Job("notify", "notify"), datetime(2026, 11, 18))
        dead = claim(ws.store, tier1)  # its scheduler is then kill -9ed: the row stays "running"
        alive = claim(ws.store, notify)  # owned by this (live) process: another scheduler at work
        assert dead is not None and alive is not None
        with ws.store.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == dead)
                .values(counts={"owner": f"{socket.gethostname()}:{_dead_pid()}"})
            )
        rec = Recorder()
        rep = Scheduler(ws, now=NOW, runners=rec.runners()).tick()
        assert rep.recovered == [tier1.key]
        assert tier1.key in rec.ran and notify.key not in rec.ran
        assert rep.taken == [notify.key]
        ledger = _ledger(ws)
        assert ledger[tier1.key]["status"] == "ok"
        old = ledger[f"{tier1.key}~{dead}"]
        assert old["status"] == "abandoned" and "ended without closing" in old["error"]
        assert ledger[notify.key]["status"] == "running"
        # nothing more to recover or run on the next tick
        again = Scheduler(ws, now=NOW, runners=rec.runners()).tick()
        assert again.recovered == [] and again.ran == []
    finally:
        ws.close()


def test_a_running_row_of_another_host_is_left_alone(backend_workspace: Path) -> None:
    from sqlalchemy import update

    ws = _ws(backend_workspace)
    try:
        tier1 = period_of(Job("tier1", "tier_check"), datetime(2026, 11, 24))
        run_id = claim(ws.store, tier1)
        with ws.store.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(counts={"owner": "elsewhere:1"}))
        rec = Recorder()
        rep = Scheduler(ws, now=NOW, runners=rec.runners()).tick()
        assert rep.recovered == [] and tier1.key not in rec.ran
        assert _ledger(ws)[tier1.key]["status"] == "running"
    finally:
        ws.close()


def test_backfill_job_pushes_one_batch_per_cadence_with_notifications_suppressed(
    backend_workspace: Path,
) -> None:
    toml = '[schedule]\njobs = ["backfill"]\n[backfill]\nbatch_size = 1\ncadence = "weekly:sun"\n'
    ws = _ws(backend_workspace, toml)
    try:
        seed_crm(ws.store)
        add_signals(
            ws.store,
            [
                job_signal("s-1"),
                job_signal("s-2", contact_id="c-2", person_key="li:p-2", linkedin_url="linkedin.com/in/p-2",
                           email="p2@newco.com", full_name="F2 L2", job_started_date="2026-10"),
            ],
        )  # fmt: skip
        sunday = datetime(2026, 11, 22, 6, 0)
        rep = Scheduler(ws, now=sunday).tick()
        assert [(r["job"], r["status"]) for r in rep.to_dict()["ran"]] == [("backfill", "ok")]
        assert _count(ws, leads) == 1 and _count(ws, leads, leads.c.is_backfill.is_(True)) == 1
        assert Scheduler(ws, now=sunday.replace(hour=9)).tick().ran == []  # once per period
        Scheduler(ws, now=datetime(2026, 11, 29, 6, 0)).tick()  # the next Sunday: the next batch
        assert _count(ws, leads, leads.c.is_backfill.is_(True)) == 2
        ledger = _ledger(ws)
        assert ledger["schedule:backfill:2026-11-22"]["status"] == "ok"
        assert ledger["schedule:backfill:2026-11-29"]["status"] == "ok"
    finally:
        ws.close()
