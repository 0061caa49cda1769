"""Commands: ``review list|confirm|reject`` — the review queue of uncertain signals (docs/web.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json, print_table

if TYPE_CHECKING:
    from jobshift.cli.main import State


def register(app: typer.Typer, state: State) -> None:
    """Add the ``review`` command group to ``app``."""
    review = typer.Typer(help="Resolve uncertain signals (doubtful identity matches).", no_args_is_help=True)
    app.add_typer(review, name="review")

    @review.command("list")
    def review_list(
        limit: Annotated[int, typer.Option(min=1, max=10_000, help="at most this many")] = 50,
        json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """Uncertain signals waiting for a decision, the longest waiting first."""
        from jobshift.services.browse import reviewing
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            rows = reviewing.queue(ws, reviewing.CLI_REVIEWER, limit=limit)
            total = reviewing.count(ws, reviewing.CLI_REVIEWER) or 0
        finally:
            ws.close()
        if json:
            print_json(
                [
                    {k: (str(v) if k == "detected_at" and v is not None else v) for k, v in r.items()}
                    for r in rows
                ]
            )
            return
        print_table(
            f"Uncertain signals ({total:,}{'+' if total > 1000 else ''} waiting)",
            [
                (
                    r["signal_id"],
                    r["full_name"] or "",
                    r["past_company"] or "",
                    r["new_company"] or "",
                    str(r["detected_at"] or "")[:10],
                )
                for r in rows
            ],
            headers=("signal", "person", "was at", "now at", "detected"),
        )

    def _decide(signal_id: str, decision: str, reason: str, push: bool = False) -> None:
        from jobshift.services.browse import reviewing
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            out = reviewing.decide(ws, reviewing.CLI_REVIEWER, "cli", signal_id, decision, reason, push=push)
        finally:
            ws.close()
        if decision == "reject":
            console.print(
                f"Rejected {signal_id}: {len(out.changed)} signal(s) now suppressed:review_rejected"
            )
            return
        p, a = out.planned, out.applied
        if out.deferred:
            lead = f"not planned now ({out.deferred}); the next push plans it"
        elif not p.signals:
            lead = "nothing new to push (already planned)"
        elif a is None:
            lead = f"{p.create_lead} lead(s) queued in the outbox for the next push to {out.crm}"
        else:
            lead = f"{a.created} lead(s) created, {a.linked} linked, {a.failed} failed in {out.crm}"
        console.print(f"Confirmed {signal_id}: {len(out.changed)} signal(s) confirmed; {lead}")

    @review.command("confirm")
    def review_confirm(
        signal_id: Annotated[str, typer.Argument(help="an uncertain signal (see `review list`)")],
        reason: Annotated[str, typer.Option(help="why (kept in the audit log)")] = "",
        push: Annotated[
            bool, typer.Option("--push", help="write to Salesforce/HubSpot now instead of at the next push")
        ] = False,
    ) -> None:
        """The profile is the contact: the pair's signals are planned as leads now (as push plans them)."""
        _decide(signal_id, "confirm", reason, push)

    @review.command("reject")
    def review_reject(
        signal_id: Annotated[str, typer.Argument(help="an uncertain signal (see `review list`)")],
        reason: Annotated[str, typer.Option(help="why (kept in the audit log)")] = "",
    ) -> None:
        """The profile is someone else: the pair is never raised again."""
        _decide(signal_id, "reject", reason)
