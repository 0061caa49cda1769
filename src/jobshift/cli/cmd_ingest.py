"""Commands: ``jobshift ingest people FILE`` (people-data observations)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json, print_table, progress, warn

if TYPE_CHECKING:
    from jobshift.cli.main import State

SHOW_QUARANTINED = 10


def register(app: typer.Typer, state: State) -> None:
    """Add the ``ingest`` command group to ``app``."""
    ingest_app = typer.Typer(
        help="Ingest people data (observations of people over time).", no_args_is_help=True
    )
    app.add_typer(ingest_app, name="ingest")

    @ingest_app.command("people")
    def people(
        file: Annotated[
            Path, typer.Argument(metavar="FILE", help="people-data file: .jsonl, .jsonl.gz or .parquet")
        ],
        as_json: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
        workers: Annotated[
            int | None,
            typer.Option(min=0, help="parser processes (default: by file size and CPUs; 0 = in-process)"),
        ] = None,
    ) -> None:
        """Append the profiles of FILE as observations; malformed lines are quarantined.

        Re-ingesting the same file inserts nothing.
        """
        from jobshift.services.ingest.ingesting import ingest_people
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            with progress(f"ingest {file.name}") as bar:
                report = ingest_people(ws, file, progress=bar.advance, workers=workers)
        finally:
            ws.close()
        if as_json:
            print_json(report.to_dict())
            return
        print_table(
            f"Ingested {report.source} ({report.format}, run {report.run_id}, {report.seconds:.1f}s)",
            report.counts(),
        )
        if report.quarantined:
            for q in report.quarantined_lines[:SHOW_QUARANTINED]:
                console.print(f"  line {q.line}: {q.reason}", highlight=False, soft_wrap=True)
            more = report.quarantined - min(SHOW_QUARANTINED, len(report.quarantined_lines))
            if more > 0:
                console.print(f"  … and {more:,} more", highlight=False)
            warn(f"{report.quarantined:,} line(s) quarantined (run {report.run_id})")
