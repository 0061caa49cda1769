"""``jobshift schedule run`` (the scheduler loop) and ``jobshift schedule status`` (docs/scheduler.md)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobshift.cli.output import console, print_json, print_table, warn
from jobshift.errors import UsageError

if TYPE_CHECKING:
    from jobshift.cli.main import State


def _parse_now(text: str | None) -> datetime | None:
    """``--now`` as naive UTC (``2026-11-24T09:00``; a trailing ``Z`` or offset is converted)."""
    if text is None:
        return None
    try:
        dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now wants an ISO time such as 2026-11-24T09:00 (UTC), got {text!r}") from None
    if dt.tzinfo is not None:
        from zoneinfo import ZoneInfo

        dt = dt.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return dt


def _print_tick(rep: dict[str, Any]) -> None:
    for key in rep.get("recovered", []):
        warn(f"{key}: its scheduler died while running it (closed 'abandoned'); running it again")
    for key in rep["skipped"]:
        console.print(f"{key}: skipped (missed, beyond max_catch_up)")
    for job in rep["older_missed_not_listed"]:
        warn(f"{job}: even older missed periods exist and were not recorded")
    for key in rep["taken"]:
        console.print(f"{key}: already in the ledger (ran here or in another scheduler)")
    for key in rep["waiting"]:
        console.print(f"{key}: waiting (the month is not over in UTC yet)")
    if not rep["ran"] and not rep["skipped"]:
        console.print(f"{rep['local_now']}: nothing due")


def register(app: typer.Typer, state: State) -> None:
    """Add the ``schedule`` command group."""
    group = typer.Typer(help="Run the program on its cadence: tier checks, push, notifications, scorecard.")
    app.add_typer(group, name="schedule")

    @group.command("run")
    def run(
        once: Annotated[bool, typer.Option("--once", help="run what is due now, then exit")] = False,
        now: Annotated[
            str | None, typer.Option("--now", help="pretend it is this UTC time, e.g. 2026-11-24T09:00")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print each tick as one JSON line")] = False,
    ) -> None:
        """Run due periods every [schedule] tick_seconds until SIGINT/SIGTERM (graceful: the job finishes)."""
        from jobshift.services.schedule.scheduler import Scheduler
        from jobshift.services.workspace import Workspace

        fixed = _parse_now(now)
        ws = Workspace.open(state.workspace)
        try:
            sched = Scheduler(ws, now=fixed, log=None if as_json else (lambda m: console.print(m)))
            if not as_json:
                names = ", ".join(j.name for j in sched.jobs) or "none"
                console.print(f"scheduler: jobs {names}; time zone {ws.config.workspace.timezone}")

            def on_tick(rep: Any) -> None:
                d = rep.to_dict()
                if as_json:
                    print_json(d)
                else:
                    _print_tick(d)

            reports = sched.run(once=once, on_tick=on_tick)
        finally:
            ws.close()
        if not as_json and reports and reports[-1].stopped:
            console.print(f"stopped ({sched.stop_reason})")
        if any(o.status == "failed" for r in reports for o in r.ran) and once:
            raise typer.Exit(1)

    @group.command("status")
    def status(
        now: Annotated[str | None, typer.Option("--now", help="as of this UTC time")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable")] = False,
    ) -> None:
        """Next due period per job and the newest scheduler runs."""
        from jobshift.services.schedule import scheduler
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            out = scheduler.status(ws, now=_parse_now(now))
        finally:
            ws.close()
        if as_json:
            print_json(out)
            return
        print_table(
            f"schedule (time zone {out['timezone']})",
            [
                (
                    j["job"],
                    j["schedule"],
                    j["next_due_local"] or "—",
                    j["last_period_at"] or "—",
                    j["last_status"] or "—",
                )
                for j in out["jobs"]
            ],
            ("job", "when", "next due (local)", "last period (local)", "status"),
        )
        print_table(
            "recent runs",
            [
                (
                    r["id"],
                    r["period_key"],
                    r["status"],
                    r["started_at"],
                    r["finished_at"] or "—",
                    r["error"] or "",
                )
                for r in out["recent"]
            ],
            ("run", "period", "status", "started (UTC)", "finished", "error"),
        )
