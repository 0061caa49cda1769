"""The pure schedule: which (job, period) pairs are due, catch-up after downtime, ordering, keys."""

from __future__ import annotations

from datetime import date, datetime, time

from jobshift.domain.cadence import parse_cadence
from jobshift.domain.schedule import (
    Job,
    due_periods,
    fires_on,
    missed_fires,
    next_fire,
    period_key,
    period_of,
)

T1 = Job("tier1", "tier_check", tier=1, cadence=parse_cadence("weekly:tue"))
T2 = Job("tier2", "tier_check", tier=2, cadence=parse_cadence("monthly:first-tue"))
NOTIFY = Job("notify", "notify", follows=(T1.cadence, T2.cadence), at=time(9))  # type: ignore[arg-type]
SCORE = Job("scorecard", "scorecard", at=time(6))
JOBS = [T1, T2, NOTIFY, SCORE]
NOW = datetime(2026, 11, 24, 9, 0)  # a Tuesday


def keys(periods: list) -> list[str]:
    return [p.key for p in periods]


def test_never_run_jobs_are_due_for_their_latest_period_only_in_time_order() -> None:
    plan = due_periods(JOBS, {}, NOW)
    assert keys(plan.run) == [
        "schedule:scorecard:2026-10",  # Nov 1, 06:00: the previous month
        "schedule:tier2:2026-11-03",  # first Tuesday of November
        "schedule:notify:2026-11-18",  # the Wednesday after the last push before now
        "schedule:tier1:2026-11-24",
    ]
    assert plan.skip == []


def test_nothing_is_due_right_after_the_last_periods() -> None:
    last = {
        "tier1": datetime(2026, 11, 24),
        "tier2": datetime(2026, 11, 3),
        "notify": datetime(2026, 11, 18, 9),
        "scorecard": datetime(2026, 11, 1, 6),
    }
    plan = due_periods(JOBS, last, NOW)
    assert plan.run == [] and plan.skip == []
    # the next day at 09:00 the notifications of Tuesday's push are due, nothing else
    plan = due_periods(JOBS, last, datetime(2026, 11, 25, 9, 0))
    assert keys(plan.run) == ["schedule:notify:2026-11-25"]
    assert due_periods(JOBS, last, datetime(2026, 11, 25, 8, 59)).run == []


def test_missed_periods_catch_up_bounded_and_older_ones_are_skipped() -> None:
    last = {"tier1": datetime(2026, 10, 6)}  # down for seven weeks
    plan = due_periods([T1], last, NOW, max_catch_up=3)
    assert keys(plan.run) == [
        "schedule:tier1:2026-11-10",
        "schedule:tier1:2026-11-17",
        "schedule:tier1:2026-11-24",
    ]
    assert keys(plan.skip) == [f"schedule:tier1:2026-{d}" for d in ("10-13", "10-20", "10-27", "11-03")]
    assert plan.truncated == {"tier1": False}
    everything = due_periods([T1], last, NOW, max_catch_up=10)
    assert len(everything.run) == 7 and everything.skip == []


def test_skip_listing_is_bounded_and_says_when_older_periods_exist() -> None:
    plan = due_periods([T1], {"tier1": datetime(2025, 1, 7)}, NOW, max_catch_up=2, max_skip_listed=5)
    assert len(plan.run) == 2 and len(plan.skip) == 5
    assert plan.skip[0].at == datetime(2026, 10, 13)
    assert plan.truncated == {"tier1": True}


def test_catch_up_interleaves_jobs_by_time_tier_check_before_its_notifications() -> None:
    last = {
        "tier1": datetime(2026, 11, 10),
        "tier2": datetime(2026, 11, 3),
        "notify": datetime(2026, 11, 11, 9),
        "scorecard": datetime(2026, 11, 1, 6),
    }
    plan = due_periods(JOBS, last, datetime(2026, 11, 25, 9, 0))
    assert keys(plan.run) == [
        "schedule:tier1:2026-11-17",
        "schedule:notify:2026-11-18",
        "schedule:tier1:2026-11-24",
        "schedule:notify:2026-11-25",
    ]


def test_notify_fires_the_day_after_any_followed_push_once_per_day() -> None:
    # Tuesday 3 Nov 2026 is both tier1's week and tier2's first Tuesday: one notify on Wednesday 4th
    assert fires_on(NOTIFY, date(2026, 11, 4)) == [datetime(2026, 11, 4, 9)]
    assert fires_on(NOTIFY, date(2026, 11, 3)) == []
    monday = Job("notify", "notify", follows=(parse_cadence("weekly:mon"),), at=time(8, 30))
    assert fires_on(monday, date(2026, 11, 24)) == [datetime(2026, 11, 24, 8, 30)]
    assert next_fire(monday, datetime(2026, 11, 24, 8, 30)) == datetime(2026, 12, 1, 8, 30)


def test_scorecard_fires_on_the_first_for_the_previous_month_across_a_year_end() -> None:
    p = period_of(SCORE, datetime(2027, 1, 1, 6))
    assert (p.key, p.label) == ("schedule:scorecard:2026-12", "2026-12")
    assert fires_on(SCORE, date(2027, 1, 2)) == []
    assert next_fire(SCORE, datetime(2026, 11, 24)) == datetime(2026, 12, 1, 6)


def test_cron_cadence_periods_carry_their_time_and_catch_up_within_a_day() -> None:
    job = Job("hourly", "tier_check", tier=1, cadence=parse_cadence("0 */6 * * *"))
    fires, more = missed_fires(job, datetime(2026, 11, 23, 12), datetime(2026, 11, 24, 9), limit=10)
    assert fires == [datetime(2026, 11, 23, h) for h in (18,)] + [datetime(2026, 11, 24, h) for h in (0, 6)]
    assert not more
    assert period_of(job, fires[0]).key == "schedule:hourly:2026-11-23T18:00"


def test_period_keys_fit_the_ledger_column() -> None:
    long = "t" * 120
    key = period_key(long, "2026-11-24T00:00")
    assert len(key) <= 80 and key.endswith(":2026-11-24T00:00")
    assert key != period_key("t" * 119, "2026-11-24T00:00")
    assert period_key("tier1", "2026-11-24") == "schedule:tier1:2026-11-24"


def test_a_last_period_in_the_future_makes_nothing_due() -> None:
    plan = due_periods([T1], {"tier1": datetime(2026, 12, 1)}, NOW)
    assert plan.run == [] and plan.skip == []
