"""Commands of the program: ``track`` (cohorts → tracked set), ``push`` (outbox → CRM), ``backfill``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobshift.cli.output import console, print_json, print_table, warn

if TYPE_CHECKING:
    from jobshift.cli.main import State

_SHOWN_FIELDS = ("first_name", "last_name", "company", "title", "lead_source", "priority_reason", "owner_id")


def _fields(kind: str, fields: dict[str, Any]) -> str:
    if kind == "create_lead":
        shown = {k: fields.get(k) for k in _SHOWN_FIELDS if fields.get(k) is not None}
    else:
        shown = fields
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def register(app: typer.Typer, state: State) -> None:
    """Add ``track``, ``push`` and ``backfill`` to ``app``."""

    @app.command()
    def track(
        explain: Annotated[
            str | None, typer.Option("--explain", help="say why this contact id is (not) tracked")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable summary")] = False,
    ) -> None:
        """Rebuild the tracked set from cohorts and tiers; print counts per cohort and tier."""
        from jobshift.services.detect import tracking
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            if explain is not None:
                report = tracking.explain(ws, explain)
                if as_json:
                    print_json(report)
                    return
                console.print(f"{explain}: {report['summary']}", highlight=False)
                rows = [
                    (c["cohort"], "yes" if c["matched"] else "no", c["reason"]) for c in report["cohorts"]
                ]
                print_table("cohorts, in priority order", rows, ("cohort", "matches", "why"))
                return
            summary = tracking.track(ws)
        finally:
            ws.close()
        if as_json:
            print_json(summary.to_dict())
            return
        print_table(
            "cohorts",
            [(c["rank"], c["cohort"], c["matched"], c["tracked"], c["over_cap"]) for c in summary.cohorts],
            ("rank", "cohort", "matched", "tracked", "over cap"),
        )
        print_table(
            "tiers",
            [(t["tier"], t["name"], t["contacts"], t["schedule"]) for t in summary.tiers],
            ("tier", "name", "contacts", "checked"),
        )
        console.print(
            f"{summary.tracked:,} contacts tracked (cap {summary.cap:,}); {summary.over_cap:,} over the cap; "
            f"{summary.excluded_no_longer_at_company:,} no longer at company (run {summary.run_id})"
        )
        if summary.over_cap:
            warn(f"{summary.over_cap:,} contacts matched a cohort but fell over the cap of {summary.cap:,}")

    @app.command()
    def push(
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="show what would change; write nothing")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable summary")] = False,
        retry_failed: Annotated[
            bool,
            typer.Option(
                "--retry-failed",
                help="put failed outbox rows back to pending first (e.g. after fixing a CRM field)",
            ),
        ] = False,
    ) -> None:
        """Plan actions for new signals into the outbox and apply them to the CRM."""
        from jobshift.services.program import pushing
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            summary = pushing.push(ws, dry_run=dry_run, retry_failed=retry_failed)
        finally:
            ws.close()
        if as_json:
            print_json(summary.to_dict())
            return
        if retry_failed:
            console.print(
                f"requeued {summary.requeued:,} failed rows"
                + (
                    f" ({summary.left_failed:,} left failed: a newer row plans their lead)"
                    if summary.left_failed
                    else ""
                )
            )
        p, a = summary.planned, summary.applied
        if dry_run:
            rows = [
                (i["kind"], i["signal_id"] or "", i["target_id"] or "", _fields(i["kind"], i["fields"]))
                for i in summary.intended
            ]
            print_table(
                "intended changes (dry run: nothing written)", rows, ("action", "signal", "target", "fields")
            )
            pending = {f"{k}": sum(v.values()) for k, v in summary.pending.items()}
            console.print(
                f"would plan {p.create_lead:,} lead creates, {p.update_contact:,} contact updates, "
                f"{p.link_existing:,} links to existing records; pending after planning: {pending}"
            )
            return
        console.print(
            f"planned {p.create_lead:,} leads, {p.update_contact + p.update_title:,} contact updates, "
            f"{p.link_existing:,} links; "
            f"applied: {a.created:,} leads created, {a.updated:,} contacts updated, {a.linked:,} duplicates "
            f"linked, {a.failed:,} failed, {a.retry_later:,} to retry (run {summary.run_id})"
        )
        for f in a.failures:
            warn(f"failed: {f['kind']} {f['target']} (signal {f['signal_id']}): {f['error']}")
        if a.failed > len(a.failures):
            warn(
                f"... {a.failed - len(a.failures):,} more: "
                "jobshift export outbox --format csv --out outbox.csv"
            )
        if a.failed:
            warn("fix the cause in the CRM or jobshift.toml, then: jobshift push --retry-failed")
        if a.paused:
            warn(f"paused: {a.paused}")

    @app.command()
    def backfill(
        batch_size: Annotated[
            int | None, typer.Option("--batch-size", min=1, help="signals per batch (default [backfill])")
        ] = None,
        all_batches: Annotated[
            bool, typer.Option("--all", help="push every remaining batch now (ignore the period)")
        ] = False,
        order: Annotated[
            str | None, typer.Option("--order", help="oldest | priority (default [backfill] order)")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable summary")] = False,
    ) -> None:
        """Push the historical backlog in batches (one per period), notifications suppressed."""
        from jobshift.errors import UsageError
        from jobshift.services.program import backfill as bf
        from jobshift.services.workspace import Workspace

        if order is not None and order not in ("oldest", "priority"):
            raise UsageError(f"--order must be oldest or priority (got {order!r})")
        ws = Workspace.open(state.workspace)
        try:
            summary = bf.backfill(ws, batch_size=batch_size, all_batches=all_batches, order=order)
        finally:
            ws.close()
        if as_json:
            print_json(summary.to_dict())
            return
        rows = [
            (b["batch_id"], b["signals"], b["created"], b["updated"], b["linked"], b["failed"],
             "resumed" if b["resumed"] else "")
            for b in summary.batches
        ]  # fmt: skip
        print_table(
            "backfill batches", rows, ("batch", "signals", "leads", "contacts", "linked", "failed", "")
        )
        console.print(f"{summary.remaining_signals:,} backlog signals left")
        if summary.waiting:
            console.print(summary.waiting)
        if summary.paused:
            warn(f"paused: {summary.paused}")
