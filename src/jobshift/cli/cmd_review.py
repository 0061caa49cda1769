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

    def _decide(signal_id: str, decision: str, reason: str) -> None:
        from jobshift.services.browse import reviewing
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            changed = reviewing.decide(ws, reviewing.CLI_REVIEWER, "cli", signal_id, decision, reason)
        finally:
            ws.close()
        what = "new (a lead at the next push)" if decision == "confirm" else "suppressed:review_rejected"
        done = "Confirmed" if decision == "confirm" else "Rejected"
        console.print(f"{done} {signal_id}: {len(changed)} signal(s) now {what}")

    @review.command("confirm")
    def review_confirm(
        signal_id: Annotated[str, typer.Argument(help="an uncertain signal (see `review list`)")],
        reason: Annotated[str, typer.Option(help="why (kept in the audit log)")] = "",
    ) -> None:
        """The profile is the contact: the pair's uncertain signals become new (pushed as leads)."""
        _decide(signal_id, "confirm", reason)

    @review.command("reject")
    def review_reject(
        signal_id: Annotated[str, typer.Argument(help="an uncertain signal (see `review list`)")],
        reason: Annotated[str, typer.Option(help="why (kept in the audit log)")] = "",
    ) -> None:
        """The profile is someone else: the pair is never raised again."""
        _decide(signal_id, "reject", reason)
