"""Commands: ``jobshift crm setup`` / ``check`` / ``pull`` (the remote CRM of the registry) and
``jobshift enrich`` (PDL API)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobshift.cli.output import console, print_json, print_table, warn
from jobshift.errors import UsageError

if TYPE_CHECKING:
    from jobshift.cli.main import State


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--since: not an ISO 8601 date/time: {value!r}") from None
    if parsed.tzinfo is not None:
        from datetime import UTC

        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def register(app: typer.Typer, state: State) -> None:
    """Add the ``crm`` command group and ``enrich`` to ``app``."""
    crm_app = typer.Typer(
        help="Connect a CRM (Salesforce, HubSpot): set it up, check the mapping, pull records.",
        no_args_is_help=True,
    )
    app.add_typer(crm_app, name="crm")

    @crm_app.command("setup")
    def setup(
        out: Annotated[
            Path | None,
            typer.Option("--out", help="copy the Salesforce DX project to this directory to edit and deploy"),
        ] = None,
        force: Annotated[
            bool, typer.Option("--force", help="write over an existing --out directory")
        ] = False,
        target_org: Annotated[
            str, typer.Option("--target-org", help="Salesforce CLI alias of the org, used in the commands")
        ] = "prod",
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="HubSpot: only list the properties it would create")
        ] = False,
        crm: Annotated[
            str | None,
            typer.Option(
                "--crm", help="salesforce or hubspot (default: [push] crm; Salesforce for the store)"
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the instructions as JSON")] = False,
    ) -> None:
        """Prepare the CRM for jobshift.

        Salesforce: where the org metadata (fields, permission set, list views, layout) is and how to
        deploy it; needs no connection: prints the Salesforce CLI commands (`sf project deploy start`,
        `sf org assign permset`) and the steps to do by hand in Setup. HubSpot: creates the `jobshift`
        property group and jobshift's contact properties (`--dry-run` lists them).
        """
        from rich.markup import escape

        from jobshift.services.crm.salesforce_setup import setup_salesforce
        from jobshift.services.program.crm_registry import remote_crm
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            entry = remote_crm(ws, crm)
            if entry.name != "salesforce":
                assert entry.setup is not None
                generic = entry.setup(ws, dry_run=dry_run)
            else:
                report = setup_salesforce(ws.config, out=out, force=force, target_org=target_org)
        finally:
            ws.close()
        if entry.name != "salesforce":
            _print_setup(generic.to_dict(), entry.label, as_json)
            return
        if as_json:
            print_json(report.to_dict())
            return
        if report.copied_to:
            console.print(
                f"Copied the Salesforce DX project to {report.copied_to} (edit it, then deploy).",
                highlight=False,
                soft_wrap=True,
                markup=False,
            )
        console.print(
            f"Salesforce DX project: {report.project}", highlight=False, soft_wrap=True, markup=False
        )
        for sobject, names in report.fields.items():
            console.print(f"  {sobject}: {', '.join(names)}", highlight=False, soft_wrap=True, markup=False)
        console.print(
            f"  permission set {report.permission_set}; list views {', '.join(report.list_views)}; "
            f"layout {', '.join(report.layouts)}",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
        console.print("\nDeploy with the Salesforce CLI (sf):", highlight=False)
        for command in report.commands:
            console.print(f"  {command}", highlight=False, soft_wrap=True, markup=False)
        console.print("\nThen:")
        for i, step in enumerate(report.manual_steps, 1):
            console.print(f"  {i}. {step}", highlight=False, soft_wrap=True, markup=False)
        for w in report.warnings:
            warn(escape(w))

    @crm_app.command("check")
    def check(
        crm: Annotated[
            str | None,
            typer.Option(
                "--crm", help="salesforce or hubspot (default: [push] crm; Salesforce for the store)"
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    ) -> None:
        """Connect to the CRM, read its objects' fields and check every mapped field jobshift writes."""
        from jobshift.services.program.crm_registry import remote_crm
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            entry = remote_crm(ws, crm)
            assert entry.check is not None
            report = entry.check(ws)
        finally:
            ws.close()
        if as_json:
            print_json(report.to_dict())
            return
        if entry.name != "salesforce":
            _print_check(report.to_dict(), entry.label)
            return
        rows = [
            (o, v["sobject"], v["fields_read"], ", ".join(v["not_in_org"]) or "-")
            for o, v in report.objects.items()
        ]
        print_table(
            "Salesforce objects", rows, headers=("object", "sObject", "fields read", "mapped, not in org")
        )
        console.print(
            f"API usage today: {report.api_used:,} / {report.api_limit:,}; written fields: all present; "
            "configured values: allowed"
        )
        for w in report.warnings:
            warn(w)

    @crm_app.command("pull")
    def pull(
        since: Annotated[
            str | None,
            typer.Option(help="read records changed after this ISO date/time (default: last pull)"),
        ] = None,
        objects: Annotated[
            list[str] | None, typer.Option("--object", help="only this object (repeatable)")
        ] = None,
        crm: Annotated[
            str | None,
            typer.Option(
                "--crm", help="salesforce or hubspot (default: [push] crm; Salesforce for the store)"
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    ) -> None:
        """Read the CRM into the local store, incrementally by last modification.

        Re-pulling the same records changes nothing.
        """
        from jobshift.services.program.crm_registry import remote_crm
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            entry = remote_crm(ws, crm)
            assert entry.pull is not None
            report = entry.pull(ws, since=_since(since), objects=_objects(objects))
        finally:
            ws.close()
        if as_json:
            print_json(report.to_dict())
            return
        rows = [
            (o, c["read"], c["inserted"], c["updated"], c["unchanged"], c["quarantined"])
            for o, c in report.objects.items()
        ]
        print_table(
            f"Pulled from {entry.label} ({report.seconds:.1f}s, {report.stats['api_calls']:,} API calls)",
            rows,
            headers=("object", "read", "inserted", "updated", "unchanged", "quarantined"),
        )
        bad = sum(c["quarantined"] for c in report.objects.values())
        if bad:
            warn(f"{bad:,} record(s) quarantined (jobshift runs / quarantine)")
        renamed = report.objects.get("accounts", {}).get("former_names")
        if renamed:
            console.print(f"{renamed:,} former account name(s) kept as aliases (renamed in the CRM)")

    @app.command("enrich")
    def enrich(
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only count the due lookups")] = False,
        limit: Annotated[int | None, typer.Option(min=1, help="at most this many lookups")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    ) -> None:
        """Enrich the tracked contacts due under their tier's cadence through People Data Labs.

        Profiles are ingested as observations; a lookup is never bought twice within its cadence.
        """
        from jobshift.services.ingest.enriching import run_enrichment
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            report = run_enrichment(ws, dry_run=dry_run, limit=limit)
        finally:
            ws.close()
        if as_json:
            print_json(report.to_dict())
            return
        title = (
            "Enrichment (dry run)" if dry_run else f"Enrichment (run {report.run_id}, {report.seconds:.1f}s)"
        )
        print_table(title, report.counts())
        if report.stopped:
            warn(f"stopped early: {report.stopped}")


def _print_setup(report: dict[str, Any], label: str, as_json: bool) -> None:
    if as_json:
        print_json(report)
        return
    verb = "Would create" if report["dry_run"] else "Created"
    created = ", ".join(report["created"]) or "nothing (all present)"
    console.print(f"{label}: property group {report['group']!r}", highlight=False, markup=False)
    console.print(f"{verb}: {created}", highlight=False, soft_wrap=True, markup=False)
    if report["existing"]:
        console.print(f"Already there: {', '.join(report['existing'])}", highlight=False, markup=False)


def _print_check(report: dict[str, Any], label: str) -> None:
    rows = [
        (o, v["object_type"], v["properties_read"], ", ".join(v["not_in_account"]) or "-")
        for o, v in report["objects"].items()
    ]
    print_table(f"{label} objects", rows, headers=("object", "type", "properties read", "mapped, missing"))
    console.print(
        f"API usage today: {report['api_used']:,} / {report['api_limit']:,}; "
        "written properties: all present; "
        f"configured values: allowed; Leads object: {'yes' if report['leads_object'] else 'no'} "
        f"(lead_mode {report['lead_mode']}: leads written as {report['writes_leads_as']}); "
        f"portal {report['account'].get('portal_id') or 'unknown'}",
        highlight=False,
        markup=False,
    )
    for w in report["warnings"]:
        warn(w)


def _objects(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from jobshift.services.crm.salesforce_sync import resolve_objects

    return resolve_objects(values)
