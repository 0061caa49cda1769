"""Which scheduled periods are due (pure: no I/O, no clock — "now" is an argument).

Three kinds of job (docs/scheduler.md):

- ``tier_check`` — one per tier, fires on the tier's cadence (``weekly:tue``, ``monthly:first-tue``, cron);
- ``notify`` — the day after each push period of the enabled tier checks, at a time of day (one per day
  even when several tiers pushed the day before);
- ``scorecard`` — on the 1st of each month at a time of day, for the previous month;
- ``weekly`` — every Monday at a time of day (the weekly pipeline and per-rep e-mails).

All times are naive *local* times of the workspace time zone. A period is identified by its
``period_key`` (``schedule:tier1:2026-11-24``, ``schedule:notify:2026-11-25``,
``schedule:scorecard:2026-10``); the runs ledger holds each key at most once, so a period never runs twice.

:func:`due_periods` lists, for every job, the periods after its last recorded one up to ``now``: the
newest ``max_catch_up`` are to run (oldest first, across jobs in time order), older missed ones are to be
recorded as skipped (at most ``max_skip_listed`` per job; ``truncated`` says when even older ones exist).
A job that never ran is due for its latest period only (no catch-up from the beginning of time).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from jobshift.domain.cadence import Cadence, next_due

KINDS = ("tier_check", "notify", "scorecard", "weekly")
KEY_PREFIX = "schedule:"
MAX_KEY = 80
_SEARCH_DAYS = 366 * 5


@dataclass(frozen=True)
class Job:
    """One scheduled job. ``cadence`` for tier checks; ``follows`` (the push cadences) for notify."""

    name: str
    kind: str
    tier: int | None = None
    cadence: Cadence | None = None
    follows: tuple[Cadence, ...] = ()
    at: time = time(0)

    def describe(self) -> str:
        """Human text of when the job fires."""
        hhmm = self.at.strftime("%H:%M")
        if self.kind in ("tier_check", "backfill") and self.cadence is not None:
            return self.cadence.describe()
        if self.kind == "notify":
            return f"{hhmm}, the day after a push"
        if self.kind == "weekly":
            return f"{hhmm} on Mondays"
        return f"{hhmm} on the 1st (previous month)"


@dataclass(frozen=True)
class Period:
    """One occurrence of a job: when it fires (local), its ledger key and a readable label."""

    job: str
    at: datetime
    key: str
    label: str


@dataclass
class DuePlan:
    """What is due: periods to run (in order) and missed periods to record as skipped."""

    run: list[Period] = field(default_factory=list)
    skip: list[Period] = field(default_factory=list)
    truncated: dict[str, bool] = field(default_factory=dict)


def period_key(job: str, label: str) -> str:
    """``schedule:<job>:<label>``, shortened with a hash when a long job name would pass 80 characters."""
    key = f"{KEY_PREFIX}{job}:{label}"
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha1(job.encode()).hexdigest()[:10]
    return f"{KEY_PREFIX}{job[: MAX_KEY - len(KEY_PREFIX) - len(label) - 13]}~{digest}:{label}"


def _previous_month(d: date) -> str:
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{y:04d}-{m:02d}"


def period_of(job: Job, at: datetime) -> Period:
    """The period of ``job`` that fires at ``at`` (labels: date, date+time for cron, month for scorecard)."""
    if job.kind == "scorecard":
        label = _previous_month(at.date())
    elif job.kind in ("tier_check", "backfill") and job.cadence is not None and job.cadence.kind == "cron":
        label = at.strftime("%Y-%m-%dT%H:%M")
    else:
        label = at.date().isoformat()
    return Period(job.name, at, period_key(job.name, label), label)


def cadence_fires(c: Cadence, day: date) -> list[datetime]:
    """The times ``c`` fires on ``day`` (named cadences: midnight; cron: every hour × minute)."""
    try:
        first = next_due(c, datetime.combine(day, time()) - timedelta(microseconds=1))
    except ValueError:  # never fires
        return []
    if first.date() != day:
        return []
    if c.kind != "cron" or c.cron is None:
        return [first]
    return [datetime.combine(day, time(h, m)) for h in sorted(c.cron[1]) for m in sorted(c.cron[0])]


def fires_on(job: Job, day: date) -> list[datetime]:
    """The times ``job`` fires on ``day``, ascending."""
    if job.kind in ("tier_check", "backfill"):
        return cadence_fires(job.cadence, day) if job.cadence is not None else []
    if job.kind == "notify":
        before = day - timedelta(days=1)
        return [datetime.combine(day, job.at)] if any(cadence_fires(c, before) for c in job.follows) else []
    if job.kind == "scorecard":
        return [datetime.combine(day, job.at)] if day.day == 1 else []
    if job.kind == "weekly":
        return [datetime.combine(day, job.at)] if day.weekday() == 0 else []
    raise ValueError(f"unknown job kind {job.kind!r}")


def missed_fires(
    job: Job, last: datetime | None, now: datetime, limit: int, *, search_days: int = _SEARCH_DAYS
) -> tuple[list[datetime], bool]:
    """Fire times in ``(last, now]``, newest ``limit`` of them, ascending; and whether older ones exist.

    Without ``last`` only the latest fire at or before ``now`` counts (never "more").
    """
    if limit < 1:
        return [], False
    want = limit
    found: list[datetime] = []
    day = now.date()
    stop = now.date() - timedelta(days=search_days)
    if last is not None:
        stop = max(stop, last.date())
    while day >= stop:
        for at in reversed(fires_on(job, day)):
            if at > now:
                continue
            if last is not None and at <= last:
                return sorted(found), False
            if len(found) == want:
                return sorted(found), True
            found.append(at)
            if last is None:
                return found, False
        day -= timedelta(days=1)
    return sorted(found), False


def next_fire(job: Job, after: datetime, *, search_days: int = _SEARCH_DAYS) -> datetime | None:
    """The first time ``job`` fires strictly after ``after`` (``None`` if not within the search)."""
    day = after.date()
    for _ in range(search_days):
        for at in fires_on(job, day):
            if at > after:
                return at
        day += timedelta(days=1)
    return None


def due_periods(
    jobs: list[Job],
    last: dict[str, datetime],
    now: datetime,
    *,
    max_catch_up: int = 3,
    max_skip_listed: int = 50,
) -> DuePlan:
    """Every job's due periods after ``last[job]`` up to ``now`` (see the module docstring).

    ``run`` is ordered by fire time, ties in ``jobs`` order (a tier check before the notify of the same
    moment); ``skip`` likewise. ``max_catch_up`` ≥ 1 periods per job run; the older ones are skipped.
    """
    order = {j.name: i for i, j in enumerate(jobs)}
    plan = DuePlan()
    for job in jobs:
        prev = last.get(job.name)
        fires, more = missed_fires(job, prev, now, max(max_catch_up, 1) + max(max_skip_listed, 0))
        keep = max(max_catch_up, 1)
        plan.run.extend(period_of(job, at) for at in fires[-keep:])
        plan.skip.extend(period_of(job, at) for at in fires[:-keep])
        plan.truncated[job.name] = more
    plan.run.sort(key=lambda p: (p.at, order[p.job]))
    plan.skip.sort(key=lambda p: (p.at, order[p.job]))
    return plan
