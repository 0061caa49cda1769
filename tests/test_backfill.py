"""``jobshift backfill``: the backlog in batches, one per period, notifications suppressed, resumable."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from jobshift.errors import RetryableError
from jobshift.services.program.backfill import backfill
from jobshift.services.program.pushing import default_connector, push
from jobshift.services.workspace import Workspace
from jobshift.store.schema import leads, outbox, runs, signals
from program_data import add_signals, many_contacts, many_job_changes, seed_crm, signal
from test_push import Flaky

SUNDAY = datetime(2024, 9, 22, 6)


def _ws(path: Path, toml: str = "[backfill]\nbatch_size = 10\n") -> Workspace:
    (path / "jobshift.toml").write_text(toml)
    ws = Workspace.open(path)
    seed_crm(ws.store)
    many_contacts(ws.store, 25)
    add_signals(ws.store, many_job_changes(25))
    return ws


def _n(ws: Workspace, table: Any, *where: Any) -> int:
    with ws.store.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def test_one_batch_per_week_oldest_first_flagged_as_backfill(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace)
    first = backfill(ws, clock=lambda: SUNDAY)
    assert first.planned.create_lead == 25 and [b["signals"] for b in first.batches] == [10]
    assert first.remaining_signals == 15 and first.waiting
    with ws.store.connect() as conn:
        pushed = (
            conn.execute(select(leads.c.job_started_date).order_by(leads.c.job_started_date)).scalars().all()
        )
    assert len(pushed) == 10 and max(pushed) <= "2026-04"  # the oldest starts went first
    assert _n(ws, leads, leads.c.is_backfill.is_(True)) == 10
    same_week = backfill(ws, clock=lambda: SUNDAY + timedelta(hours=2))  # ISO weeks end on Sunday
    assert same_week.batches == [] and "backfill:2024-W38" in (same_week.waiting or "")
    assert push(ws, clock=lambda: SUNDAY).applied.created == 0  # push leaves the backlog alone
    nxt = backfill(ws, clock=lambda: SUNDAY + timedelta(days=7))
    assert [b["signals"] for b in nxt.batches] == [10]
    rest = backfill(ws, all_batches=True, clock=lambda: SUNDAY + timedelta(days=8))
    assert [b["signals"] for b in rest.batches] == [5] and rest.remaining_signals == 0
    assert _n(ws, leads) == 25 and _n(ws, signals, signals.c.status == "pushed") == 25
    with ws.store.connect() as conn:
        batch_runs = conn.execute(
            select(runs.c.period_key, runs.c.status, runs.c.counts)
            .where(runs.c.kind == "backfill")
            .order_by(runs.c.id)
        ).all()
    assert [(r[0], r[1], r[2]["created"]) for r in batch_runs] == [
        ("backfill:2024-W38", "ok", 10), ("backfill:2024-W39", "ok", 10), (None, "ok", 5)
    ]  # fmt: skip
    ws.close()


def test_paused_batch_resumes_on_the_next_run(backend_workspace: Path) -> None:
    ws = _ws(backend_workspace, '[backfill]\nbatch_size = 10\norder = "priority"\n')
    add_signals(ws.store, [signal("s-hire", type="new_hire", contact_id=None, job_started_date="2020-01")])
    flaky = Flaky(default_connector(ws), fail=RetryableError("429 Too Many Requests", retry_after=0))
    out = backfill(ws, connector=flaky, clock=lambda: SUNDAY)
    assert out.paused and out.batches[0]["signals"] == 10 and _n(ws, leads) == 0
    # priority order: job changes before the (older) new hire
    with ws.store.connect() as conn:
        in_batch = (
            conn.execute(select(outbox.c.signal_id).where(outbox.c.batch_id.is_not(None))).scalars().all()
        )
    assert "s-hire" not in in_batch
    flaky.fail = None
    again = backfill(ws, connector=flaky, clock=lambda: SUNDAY + timedelta(hours=1))
    assert again.batches[0]["resumed"] and again.batches[0]["created"] == 10
    assert again.waiting and _n(ws, leads) == 10  # the week's batch is done: no second batch
    ws.close()
