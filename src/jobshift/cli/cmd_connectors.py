"""Commands: ``jobshift crm setup`` / ``check`` / ``pull`` (Salesforce) and ``jobshift enrich`` (PDL API)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
        help="Connect a CRM (Salesforce): set up the org, check the mapping, pull records.",
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
        as_json: Annotated[bool, typer.Option("--json", help="print the instructions as JSON")] = False,
    ) -> None:
        """Where the org metadata (fields, permission set, list views, layout) is and how to deploy it.

        Needs no Salesforce connection: prints the Salesforce CLI commands (`sf project deploy start`,
        `sf org assign permset`) and the steps to do by hand in Setup.
        """
        from rich.markup import escape

        from jobshift.services.salesforce_setup import setup_salesforce
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            report = setup_salesforce(ws.config, out=out, force=force, target_org=target_org)
        finally:
            ws.close()
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
        as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    ) -> None:
        """Log in to Salesforce, describe the objects and check every mapped field jobshift writes."""
        from jobshift.services.salesforce_sync import check_salesforce
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            report = check_salesforce(ws)
        finally:
            ws.close()
        if as_json:
            print_json(report.to_dict())
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
        as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    ) -> None:
        """Read Salesforce into the local store, incrementally by SystemModstamp.

        Re-pulling the same records changes nothing.
        """
        from jobshift.services.salesforce_sync import pull_salesforce
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            report = pull_salesforce(ws, since=_since(since), objects=_objects(objects))
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
            f"Pulled from Salesforce ({report.seconds:.1f}s, {report.stats['api_calls']:,} API calls)",
            rows,
            headers=("object", "read", "inserted", "updated", "unchanged", "quarantined"),
        )
        bad = sum(c["quarantined"] for c in report.objects.values())
        if bad:
            warn(f"{bad:,} record(s) quarantined (jobshift runs / quarantine)")

    @app.command("enrich")
    def enrich(
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only count the due lookups")] = False,
        limit: Annotated[int | None, typer.Option(min=1, help="at most this many lookups")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    ) -> None:
        """Enrich the tracked contacts due under their tier's cadence through People Data Labs.

        Profiles are ingested as observations; a lookup is never bought twice within its cadence.
        """
        from jobshift.services.enriching import run_enrichment
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


def _objects(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    from jobshift.services.salesforce_sync import resolve_objects

    return resolve_objects(values)
