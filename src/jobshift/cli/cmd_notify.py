"""``jobshift notify`` (plan and send notifications, weekly digest, preferences) and ``jobshift route``."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated, Any

import typer

from jobshift.cli.output import console, print_json, print_table
from jobshift.errors import UsageError

CHANNELS = ("slack", "email", "both", "digest", "none")


def register(app: typer.Typer, state: Any) -> None:
    """Add ``notify`` and ``route`` to the application."""

    @app.command()
    def notify(
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="show what would be sent; write nothing")
        ] = False,
        digest: Annotated[
            bool, typer.Option("--digest", help="also build and send the weekly digests")
        ] = False,
        on: Annotated[str | None, typer.Option("--date", help="send day YYYY-MM-DD (default: today)")] = None,
        any_day: Annotated[
            bool, typer.Option("--any-day", help="plan even if the date is not the send day")
        ] = False,
        set_pref: Annotated[
            str | None, typer.Option("--set-pref", help="USER_ID=slack|email|both|digest|none, then exit")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    ) -> None:
        """Plan notifications for the items of the day before the send day, and send what is due."""
        from jobshift.services.crm.crm_links import crm_links
        from jobshift.services.notify.notifying import run_notify, set_preference
        from jobshift.services.workspace import Workspace, resolve_workspace

        ws = Workspace.open(resolve_workspace(state.workspace))
        try:
            if set_pref:
                uid, _, chan = set_pref.partition("=")
                if not uid or chan not in CHANNELS:
                    raise UsageError(f"--set-pref wants USER_ID=<{'|'.join(CHANNELS)}>, got {set_pref!r}")
                set_preference(ws.store, uid, chan)
                console.print(f"{uid}: {chan}")
                return
            try:
                send_date = date.fromisoformat(on) if on else date.today()
            except ValueError:
                raise UsageError(f"--date wants YYYY-MM-DD, got {on!r}") from None
            res = run_notify(
                ws.store,
                ws.config,
                send_date=send_date,
                dry_run=dry_run,
                digest=digest,
                any_day=any_day or bool(on),
                record_url=crm_links(ws).url,
            )
        finally:
            ws.close()
        out = dataclasses.asdict(res)
        if as_json:
            print_json(out)
            return
        _print(out, dry_run)

    @app.command()
    def route(
        explain: Annotated[str, typer.Option("--explain", help="the lead id whose routing to explain")],
        as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    ) -> None:
        """Explain who a lead was routed to, and why."""
        from jobshift.services.notify.notifying import explain_routing
        from jobshift.services.workspace import Workspace, resolve_workspace

        ws = Workspace.open(resolve_workspace(state.workspace))
        try:
            out = explain_routing(ws.store, explain)
        finally:
            ws.close()
        if out is None:
            raise UsageError(f"no lead or routing decision for {explain!r}")
        if as_json:
            print_json(out)
        else:
            print_table(
                f"routing of lead {explain}",
                [(k, "" if v is None else str(v)) for k, v in out.items()],
                ("field", "value"),
            )


def _print(out: dict[str, Any], dry_run: bool) -> None:
    p = out["planned"]
    if out["planned_skipped"]:
        console.print(f"plan: skipped: {out['planned_skipped']}")
    if p:
        console.print(
            f"plan for {out['send_date']} (items {p['window'][0]} .. {p['window'][1]}): {p['leads']} leads, "
            f"{p['contacts']} contacts, {p['backfill_skipped']} backfilled skipped; "
            f"rules fired {p['fired'] or '{}'}; "
            f"{len(p['rows'])} notifications" + ("" if dry_run else f", {p['inserted']} new")
        )
        if dry_run:
            rows = [
                (r["rule"], f"{r['item_type']} {r['item_id']}", r["recipient_user_id"], r["channel"])
                for r in p["rows"]
            ]
            print_table("would send", rows, ("rule", "item", "recipient", "channel"))
    if out["digests"]:
        console.print(f"digests built: {out['digests']}")
    s = out["send"]
    if s:
        console.print(
            f"sent {s['sent']}, retry later {s['retry_later']}, failed {s['failed']}, "
            f"429s {s['rate_limited']} (waited {s['waited_seconds']:.1f}s), "
            f"already delivered {s['verified_already_sent']}"
        )
        for ch, n in s["skipped_channels"].items():
            console.print(f"{ch}: {n} waiting (not configured: set JOBSHIFT_SLACK_TOKEN / SMTP settings)")
    console.print(f"notifications by status: {out['status_counts']}")
