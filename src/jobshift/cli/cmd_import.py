"""Commands: ``import`` (CRM CSV files) and ``export`` (CRM objects, quarantine, runs, audit, …)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json, print_table, progress, warn

if TYPE_CHECKING:
    from jobshift.cli.main import State
    from jobshift.services.ingest.importing import ImportReport


def _print_reports(reports: list[ImportReport]) -> None:
    for r in reports:
        name = Path(r.source).name
        rows: dict[str, int | str] = {
            "read": r.read,
            "inserted": r.inserted,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "quarantined": r.quarantined,
            "dangling references": r.dangling_total,
        }
        if r.invalid_emails:
            rows["invalid e-mails"] = r.invalid_emails
        if r.encoding != "utf-8":
            rows["encoding"] = r.encoding
        print_table(f"{name} → {r.object}", rows)
        for w in r.warnings:
            warn(f"{name}: {w}")
        if r.custom_columns:
            console.print(f"{name}: kept as custom fields: {', '.join(r.custom_columns)}", highlight=False)
        for column, d in r.dangling.items():
            examples = ", ".join(str(e[column]) for e in d["examples"])
            warn(
                f"{name}: {d['count']:,} rows have a {column} not found in {' or '.join(d['targets'])}"
                f" (e.g. {examples}); imported anyway"
            )
        if r.quarantined:
            warn(f"{name}: {r.quarantined:,} bad rows quarantined (run {r.run_id})")


def register(app: typer.Typer, state: State) -> None:
    """Add the import and export commands to ``app``."""

    @app.command("import")
    def import_(
        object: Annotated[
            str,
            typer.Argument(
                help="accounts, contacts, opportunities, opportunity_contact_roles (roles), users, leads, "
                "activities, aliases (account_id, name / domain / linkedin_url: other names of accounts), "
                "or 'all' to import a directory (account_aliases.csv included)"
            ),
        ],
        path: Annotated[Path, typer.Argument(help="CSV file (or directory with 'all')")],
        json_out: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
        encoding: Annotated[
            str | None,
            typer.Option(
                "--encoding",
                help="text encoding of files without a byte-order mark, overriding import.encoding of "
                "jobshift.toml: auto, utf-8, cp1252, latin-1, …",
            ),
        ] = None,
    ) -> None:
        """Import CRM CSV files: upsert by id; bad rows are quarantined, re-imports change nothing."""
        from jobshift.services.ingest.aliases import ALIASES_FILE, import_aliases
        from jobshift.services.ingest.importing import encoding_option, import_dir, import_file
        from jobshift.services.workspace import Workspace

        encoding = encoding_option(encoding)
        ws = Workspace.open(state.workspace)
        if object.strip().lower() == "aliases":
            try:
                rep = import_aliases(ws, path)
            finally:
                ws.close()
            if json_out:
                print_json(rep.to_dict())
            else:
                console.print(
                    f"aliases: {rep.read:,} read, {rep.added:,} added, {rep.unchanged:,} unchanged, "
                    f"{rep.unknown_account:,} unknown accounts, {rep.empty:,} empty"
                )
            return
        alias_report = None
        try:
            with progress(f"import {object}") as bar:
                if object.strip().lower() == "all":
                    reports = import_dir(ws, path, progress=bar.advance, encoding=encoding)
                    if (path / ALIASES_FILE).is_file():
                        alias_report = import_aliases(ws, path / ALIASES_FILE)
                else:
                    reports = [import_file(ws, object, path, progress=bar.advance, encoding=encoding)]
        finally:
            ws.close()
        if json_out:
            print_json([r.to_dict() for r in reports] + ([alias_report.to_dict()] if alias_report else []))
        else:
            _print_reports(reports)
            if alias_report:
                console.print(f"aliases: {alias_report.added:,} added, {alias_report.unchanged:,} unchanged")

    @app.command()
    def export(
        name: Annotated[
            str,
            typer.Argument(help="a CRM object (accounts, contacts, …), quarantine, runs, audit, signals"),
        ],
        out: Annotated[Path, typer.Option("--out", "-o", help="file to write (replaced atomically)")],
        fmt: Annotated[str, typer.Option("--format", "-f", help="csv or jsonl")] = "csv",
        mkdir: Annotated[
            bool, typer.Option("--mkdir", help="create the folder of --out when it does not exist")
        ] = False,
        json_out: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    ) -> None:
        """Export an object as CSV or JSON Lines (streamed; the file appears only when complete)."""
        from jobshift.services.browse.exporting import export_object
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            n = export_object(ws, name, fmt, out, mkdir=mkdir)
        finally:
            ws.close()
        if json_out:
            print_json({"object": name, "format": fmt, "out": str(out), "rows": n})
        else:
            console.print(f"Exported {n:,} {name} rows to {out}", highlight=False)
