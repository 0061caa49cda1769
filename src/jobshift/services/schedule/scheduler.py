"""``jobshift schedule run``: a plain loop over the runs ledger (docs/scheduler.md).

Every tick: read each job's last recorded period from ``runs`` (kind ``schedule``), ask
:func:`jobshift.domain.schedule.due_periods` what is due at "now" (workspace time zone), record the missed
periods beyond ``[schedule] max_catch_up`` as ``skipped``, then for each due period in time order
**claim** it by inserting its ``runs`` row (``period_key`` is UNIQUE: the insert fails when the period ran
or is running — here or in another scheduler process — and the period is left alone), run the job and
close the row ``ok`` / ``failed`` with counts and the error. A failing job does not stop the others.

A stop request (SIGINT / SIGTERM, or :meth:`Scheduler.request_stop`) lets the running job finish and
starts no new one; a second signal interrupts the job (its row is closed ``failed``, "interrupted").
A scheduler killed outright (``kill -9``, power loss) cannot close its row: the next tick on the same
host sees that the row's owner process is gone, closes it ``abandoned`` and runs the period again
(:func:`recover_abandoned`).
"""

from __future__ import annotations

import signal
import socket
import threading
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from jobshift.config import Config
from jobshift.domain.cadence import parse_cadence
from jobshift.domain.schedule import Job, Period, due_periods, next_fire
from jobshift.services.schedule.schedule_jobs import RUNNERS, JobContext, Runner, StepFailed
from jobshift.services.workspace import Workspace
from jobshift.store import Store
from jobshift.store.runs import (
    close_abandoned,
    finish_run,
    list_runs,
    newest_source_by_object,
    running_of_kind,
    start_run,
)
from jobshift.utils.process import owner_state
from jobshift.utils.timeutil import utcnow

RUN_KIND = "schedule"
ABANDONED = "abandoned"
SKIP_LISTED = 50


def _hhmm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


def build_jobs(cfg: Config) -> list[Job]:
    """The enabled jobs in order: tier checks (tier order), notify, scorecard, weekly e-mails, backfill."""
    enabled = set(cfg.schedule.jobs)
    all_tiers = [
        Job(name, "tier_check", tier=i, cadence=parse_cadence(t.cadence))
        for i, (name, t) in enumerate(cfg.tiers.items(), start=1)
    ]
    jobs = [j for j in all_tiers if "tiers" in enabled or j.name in enabled]
    if "notify" in enabled:
        follows = tuple(j.cadence for j in (jobs or all_tiers) if j.cadence is not None)
        jobs.append(Job("notify", "notify", follows=follows, at=_hhmm(cfg.schedule.notify_time)))
    if "scorecard" in enabled:
        jobs.append(Job("scorecard", "scorecard", at=_hhmm(cfg.schedule.scorecard_time)))
    if "weekly_emails" in enabled:
        jobs.append(Job("weekly_emails", "weekly", at=_hhmm(cfg.schedule.weekly_time)))
    if "backfill" in enabled:
        jobs.append(Job("backfill", "backfill", cadence=parse_cadence(cfg.backfill.cadence)))
    return jobs


def to_local(now_utc: datetime, tz: ZoneInfo) -> datetime:
    """Naive UTC → naive local time of ``tz``."""
    return now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz).replace(tzinfo=None)


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    """Naive local time of ``tz`` → naive UTC."""
    return local.replace(tzinfo=tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def last_periods(store: Store) -> dict[str, datetime]:
    """Each job's newest recorded period (ok, failed, skipped, running; not ``abandoned``: it runs again)."""
    with store.connect() as conn:
        newest = newest_source_by_object(conn, RUN_KIND, exclude_status=ABANDONED)
    return {o: datetime.fromisoformat(s) for o, s in newest.items()}


def _source(p: Period) -> str:
    return p.at.isoformat(timespec="minutes")


def claim(store: Store, period: Period) -> int | None:
    """Insert the period's ``running`` row (with its owner); ``None`` when the period is in the ledger."""
    try:
        with store.begin() as conn:
            return start_run(conn, RUN_KIND, object=period.job, source=_source(period), period_key=period.key)
    except IntegrityError:
        return None


def recover_abandoned(store: Store) -> list[str]:
    """Free the periods of schedulers that died mid-job on this host (e.g. ``kill -9``, a crash).

    A ``running`` row whose owner process (same host) no longer exists is closed as ``abandoned`` with
    the reason, and its period key gets the row id appended, so the period is due again and the next
    tick runs it (every job is safe to re-run). Rows owned by a live process, or by another host (whose
    processes cannot be checked from here), are left alone. Returns the freed period keys.
    """
    host = socket.gethostname()
    freed: list[str] = []
    with store.begin() as conn:
        for r in running_of_kind(conn, RUN_KIND):
            owner = str(r["owner"] or "")
            if owner_state(owner) != "gone":  # alive, on another host, or not recorded: leave it
                continue
            o_pid = owner.rpartition(":")[2]
            close_abandoned(
                conn,
                r["id"],
                f"scheduler process {o_pid} on {host} ended without closing this run",
                period_key=f"{r['period_key']}~{r['id']}"[-80:],
            )
            freed.append(str(r["period_key"]))
    return freed


def record_skipped(store: Store, period: Period, reason: str) -> bool:
    """Record a missed period as ``skipped``; ``False`` when it is already in the ledger."""
    try:
        with store.begin() as conn:
            run_id = start_run(
                conn, RUN_KIND, object=period.job, source=_source(period), period_key=period.key
            )
            finish_run(conn, run_id, status="skipped", counts={"reason": reason})
        return True
    except IntegrityError:
        return False


@dataclass
class JobOutcome:
    """One period run by this scheduler."""

    job: str
    period_key: str
    label: str
    status: str
    run_id: int
    seconds: float
    counts: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass
class TickReport:
    """What one tick did."""

    now: str
    local_now: str
    ran: list[JobOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    older_missed_not_listed: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    """Periods left ``running`` by a scheduler process that died (now ``abandoned`` and due again)."""
    stopped: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


class Scheduler:
    """Runs due periods of one workspace (see the module docstring). ``now`` fixes the time (tests)."""

    def __init__(
        self,
        ws: Workspace,
        *,
        now: datetime | None = None,
        runners: dict[str, Runner] | None = None,
        context: JobContext | None = None,
        log: Callable[[str], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.ws = ws
        self.fixed_now = now
        self.clock = clock
        self.runners = {**RUNNERS, **(runners or {})}
        self.context = context
        self.log = log or (lambda _msg: None)
        self.stop_event = threading.Event()
        self.stop_reason: str | None = None
        self.tz = ZoneInfo(ws.config.workspace.timezone)
        self.jobs = build_jobs(ws.config)
        self._signals = 0

    def now_utc(self) -> datetime:
        """The fixed time (``--now``) or the clock's."""
        return self.fixed_now or self.clock()

    def request_stop(self, reason: str = "stop requested") -> None:
        """Finish the running job, start no new one."""
        self.stop_reason = self.stop_reason or reason
        self.stop_event.set()

    def _ready(self, p: Period, now_utc: datetime) -> bool:
        """A scorecard month must be over in UTC (the scorecard's months) before it is computed."""
        if p.job != "scorecard":
            return True
        return now_utc >= datetime(p.at.year, p.at.month, 1)

    def tick(self) -> TickReport:
        """Record skipped periods, then claim and run every due period in order (unless stopping)."""
        now = self.now_utc()
        local = to_local(now, self.tz)
        rep = TickReport(now=now.isoformat(timespec="seconds"), local_now=local.isoformat(timespec="seconds"))
        cfg = self.ws.config.schedule
        rep.recovered = recover_abandoned(self.ws.store)
        for key in rep.recovered:
            self.log(f"{key}: its scheduler died while running it; due again")
        plan = due_periods(
            self.jobs,
            last_periods(self.ws.store),
            local,
            max_catch_up=cfg.max_catch_up,
            max_skip_listed=SKIP_LISTED,
        )
        rep.older_missed_not_listed = [j for j, more in plan.truncated.items() if more]
        for p in plan.skip:
            reason = f"missed while the scheduler was down; only the last {cfg.max_catch_up} periods catch up"
            if record_skipped(self.ws.store, p, reason):
                rep.skipped.append(p.key)
        by_name = {j.name: j for j in self.jobs}
        for p in plan.run:
            if self.stop_event.is_set():
                rep.stopped = True
                break
            if not self._ready(p, now):
                rep.waiting.append(p.key)
                continue
            run_id = claim(self.ws.store, p)
            if run_id is None:
                rep.taken.append(p.key)
                continue
            rep.ran.append(self._run(by_name[p.job], p, run_id, now))
        rep.stopped = rep.stopped or self.stop_event.is_set()
        return rep

    def _run(self, job: Job, p: Period, run_id: int, now: datetime) -> JobOutcome:
        self.log(f"{p.key}: running")
        ctx = self.context or JobContext(now=now, clock=self.now_utc)
        ctx = JobContext(now=now, clock=ctx.clock, connector=ctx.connector)
        started = _time.perf_counter()
        status, counts, error = "ok", {}, None
        try:
            counts = self.runners[job.kind](self.ws, job, p, ctx)
        except StepFailed as exc:
            status, counts, error = "failed", {**exc.counts, "failed_step": exc.step}, str(exc)
        except Exception as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
        except BaseException:
            with self.ws.store.begin() as conn:
                finish_run(conn, run_id, status="failed", error="interrupted")
            raise
        with self.ws.store.begin() as conn:
            finish_run(conn, run_id, status=status, counts=counts, error=error)
        seconds = round(_time.perf_counter() - started, 3)
        self.log(f"{p.key}: {status} in {seconds:.1f}s (run {run_id})" + (f" — {error}" if error else ""))
        return JobOutcome(job.name, p.key, p.label, status, run_id, seconds, counts, error)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._signals += 1
        name = signal.Signals(signum).name
        if self._signals > 1:
            raise KeyboardInterrupt(f"second {name}")
        self.log(f"{name}: finishing the current job, then stopping")
        self.request_stop(name)

    @contextmanager
    def signals(self) -> Iterator[None]:
        """Install SIGINT/SIGTERM handlers (main thread only) for the duration."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        old = {s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for s, h in old.items():
                signal.signal(s, h)

    def run(
        self, *, once: bool = False, on_tick: Callable[[TickReport], None] | None = None
    ) -> list[TickReport]:
        """Tick until stopped (``once``: one tick). Sleeps ``[schedule] tick_seconds`` between ticks."""
        reports: list[TickReport] = []
        with self.signals():
            while True:
                rep = self.tick()
                reports.append(rep)
                if on_tick:
                    on_tick(rep)
                if once or self.stop_event.is_set():
                    break
                if self.stop_event.wait(self.ws.config.schedule.tick_seconds):
                    break
        return reports


def status(ws: Workspace, *, now: datetime | None = None, last_n: int = 10) -> dict[str, Any]:
    """Per job: its schedule, last period and status, next due (local and UTC); the newest ledger rows."""
    tz = ZoneInfo(ws.config.workspace.timezone)
    now = now or utcnow()
    local = to_local(now, tz)
    with ws.store.connect() as conn:
        rows = list_runs(conn, kind=RUN_KIND, limit=500)
    jobs = []
    for job in build_jobs(ws.config):
        mine = [r for r in rows if r["object"] == job.name]
        last = max(mine, key=lambda r: str(r["source"]), default=None)
        nxt = next_fire(job, local)
        jobs.append(
            {
                "job": job.name,
                "schedule": job.describe(),
                "last_period": last["period_key"] if last else None,
                "last_period_at": last["source"] if last else None,
                "last_status": last["status"] if last else None,
                "next_due_local": nxt.isoformat(timespec="minutes") if nxt else None,
                "next_due_utc": to_utc(nxt, tz).isoformat(timespec="minutes") if nxt else None,
            }
        )
    recent = [
        {
            k: (v.isoformat(timespec="seconds") if isinstance(v, datetime) else v)
            for k, v in r.items()
            if k in ("id", "object", "period_key", "status", "started_at", "finished_at", "error")
        }
        for r in rows[:last_n]
    ]
    return {
        "now": now.isoformat(timespec="seconds"),
        "timezone": ws.config.workspace.timezone,
        "jobs": jobs,
        "recent": recent,
    }
