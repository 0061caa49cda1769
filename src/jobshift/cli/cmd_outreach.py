"""Commands of outreach: ``draft`` (first-touch drafts) and ``enrol`` (sequence enrolment)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json, print_table, warn
from jobshift.errors import UsageError

if TYPE_CHECKING:
    from jobshift.cli.main import State
    from jobshift.services.outreach.draft_crm import CrmWriteSummary


def register(app: typer.Typer, state: State) -> None:
    """Add ``draft`` and ``enrol`` to ``app``."""

    @app.command()
    def draft(
        lead_id: Annotated[str | None, typer.Argument(help="the lead to draft for")] = None,
        all_leads: Annotated[bool, typer.Option("--all", help="every jobshift lead not drafted yet")] = False,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="with --all: show what a run would write")
        ] = False,
        llm: Annotated[
            bool | None, typer.Option("--llm/--no-llm", help="ask the LLM (default: [outreach.llm] enabled)")
        ] = None,
        retry_failed: Annotated[
            bool,
            typer.Option("--retry-failed", help="with --all: put failed CRM draft writes back to pending"),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
    ) -> None:
        """Print a lead's first-touch drafts (e-mail + LinkedIn note), or draft every lead (--all) and,
        with [outreach] crm_write, write each lead's draft to the CRM once as a task or note."""
        from jobshift.services.outreach import draft_crm, drafting
        from jobshift.services.workspace import Workspace

        if bool(lead_id) == all_leads:
            raise UsageError("give a LEAD_ID or --all")
        ws = Workspace.open(state.workspace)
        try:
            if lead_id:
                d = drafting.draft_lead(ws, lead_id, use_llm=llm)
                if as_json:
                    print_json(d.to_dict())
                    return
                src = (
                    "AI draft (checked against the evidence)"
                    if d.source == "llm"
                    else f"template set {d.template_set}"
                )
                console.print(f"[bold]{lead_id}[/bold] · {src}", highlight=False)
                if d.fallback_reason:
                    warn(f"template used: {d.fallback_reason}")
                console.print(
                    f"\n[bold]Subject:[/bold] {d.email_subject}\n\n{d.email_body}\n",
                    highlight=False,
                    markup=False,
                )
                console.print(
                    f"[bold]LinkedIn note[/bold] ({len(d.linkedin_note)} characters):", highlight=False
                )
                console.print(d.linkedin_note, highlight=False, markup=False)
                return
            summary = drafting.draft_all(ws, dry_run=dry_run, use_llm=llm)
            crm = None
            if ws.config.outreach.crm_write != "none":
                crm = draft_crm.write_drafts(ws, dry_run=dry_run, retry_failed=retry_failed)
        finally:
            ws.close()
        if as_json:
            print_json({**summary.to_dict(), "crm_write": crm.to_dict() if crm else None})
            return
        verb = "would be written" if dry_run else "written"
        console.print(
            f"{summary.leads:,} leads: {summary.written:,} drafts {verb}, {summary.cached:,} already drafted",
            highlight=False,
        )
        if summary.by_source:
            print_table("drafts by source", summary.by_source, ("source", "leads"))
        if summary.fallbacks:
            print_table("template used because", summary.fallbacks, ("reason", "leads"))
        if summary.llm:
            print_table(
                "LLM", {k: v for k, v in summary.llm.items() if v not in (None, 0, 0.0)}, ("", "value")
            )
        if dry_run:
            for shown in summary.drafts[:20]:
                console.print(
                    f"- {shown['lead_id']} ({shown['template_set']}): {shown['email_subject']}",
                    highlight=False,
                    markup=False,
                )
        if crm is not None:
            _print_crm_write(crm)

    @app.command()
    def enrol(
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="show what would be enrolled; write nothing")
        ] = False,
        check: Annotated[
            bool, typer.Option("--check", help="check each tool's connection and sequences")
        ] = False,
        retry_failed: Annotated[
            bool,
            typer.Option("--retry-failed", help="put failed enrolments back to pending first (only them)"),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable summary")] = False,
    ) -> None:
        """Enrol new leads in sequences ([[outreach.enrol]] rules) through the outbox, exactly once."""
        from jobshift.services.outreach import enrolling
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            if check:
                problems = enrolling.check(ws)
                if as_json:
                    print_json(problems)
                else:
                    for tool, items in problems.items():
                        console.print(f"{tool}: {'ok' if not items else '; '.join(items)}", highlight=False)
                if any(problems.values()):
                    raise typer.Exit(1)
                return
            summary = enrolling.enrol(ws, dry_run=dry_run, retry_failed=retry_failed)
        finally:
            ws.close()
        if as_json:
            print_json(summary.to_dict())
            return
        p = summary.plan
        console.print(
            f"{p.considered:,} recent leads: {p.planned:,} planned, {p.already_planned:,} planned before",
            highlight=False,
        )
        if retry_failed:
            console.print(f"{summary.requeued:,} failed enrolments put back to pending", highlight=False)
        if p.not_planned:
            print_table("not planned", p.not_planned, ("why", "leads"))
        if dry_run:
            rows = [(i["lead_id"], i["tool"], i["sequence"], i["email"] or "") for i in summary.intended[:50]]
            print_table("would enrol", rows, ("lead", "tool", "sequence", "e-mail"))
            return
        for tool, a in summary.applied.items():
            console.print(
                f"{tool}: {a['applied']:,} enrolled ({a['already']:,} were already), {a['failed']:,} failed, "
                f"{a['retry_later']:,} to retry",
                highlight=False,
            )
            for f in a["failures"][:10]:
                warn(f"{f['idempotency_key']}: {f['error']}")
            if a.get("paused"):
                warn(f"{tool} paused: {a['paused']}")


def _print_crm_write(crm: CrmWriteSummary) -> None:
    """What ``draft --all`` wrote (or would write) to the CRM."""
    what = f"{crm.mode}s in {crm.crm}"
    if crm.dry_run:
        console.print(f"would write {crm.planned:,} drafts as {what}", highlight=False)
        for i in crm.intended[:20]:
            console.print(f"- {i['lead_id']}: {i['subject']}", highlight=False, markup=False)
        return
    a = crm.applied
    console.print(
        f"drafts written as {what}: {a.get('applied', 0):,} ({a.get('already', 0):,} were there already), "
        f"{a.get('failed', 0):,} failed, {a.get('retry_later', 0):,} to retry; {crm.no_draft:,} "
        "leads without a draft",
        highlight=False,
    )
    for f in a.get("failures", [])[:10]:
        warn(f"{f['idempotency_key']}: {f['error']}")
    if a.get("paused"):
        warn(f"paused: {a['paused']}")
    if crm.requeued:
        console.print(f"{crm.requeued:,} failed draft writes put back to pending", highlight=False)
