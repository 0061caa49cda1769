"""Workspace commands: ``init`` and ``doctor``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json

if TYPE_CHECKING:
    from jobshift.cli.main import State
    from jobshift.services.admin.doctor import DoctorReport


def _print_doctor(report: DoctorReport) -> None:
    console.print(f"workspace {report.workspace}\ndatabase  {report.database}", highlight=False)
    for check in report.checks:
        mark = (
            "[red]PROBLEM[/red]"
            if not check.ok
            else ("[yellow]skipped[/yellow]" if check.skipped else "[green]ok[/green]     ")
        )
        console.print(f"{mark} {check.name}", highlight=False)
        for line in check.problems:
            console.print(f"    problem:  {line}", highlight=False, soft_wrap=True)
        for line in check.repaired:
            console.print(f"    repaired: {line}", highlight=False, soft_wrap=True)
        for line in check.notes:
            console.print(f"    {line}", highlight=False, soft_wrap=True)
    if report.healthy:
        console.print("healthy" + (" (after repairs)" if any(c.repaired for c in report.checks) else ""))
    elif report.repair:
        console.print("problems left that jobshift cannot repair safely (see above)")
    else:
        console.print("problems found: jobshift doctor --repair fixes what it safely can")


def register(app: typer.Typer, state: State) -> None:
    """Add the workspace commands to ``app``."""

    @app.command()
    def init(
        directory: Annotated[
            Path | None, typer.Argument(help="workspace directory (default: --workspace or .)")
        ] = None,
        demo: Annotated[
            bool, typer.Option("--demo", help="also generate and load the demo data set")
        ] = False,
        seed: Annotated[int, typer.Option(help="demo data seed")] = 7,
    ) -> None:
        """Create a workspace: jobshift.toml with commented defaults and the database."""
        from jobshift.services.workspace import init_workspace

        ws, created = init_workspace(directory or state.workspace)
        console.print(f"{'Created' if created else 'Kept existing'} {ws.path / 'jobshift.toml'}")
        console.print(f"Database: {ws.database_url}")
        if demo:
            from jobshift.cli.cmd_demo import load_demo

            load_demo(ws, seed=seed)
        ws.close()

    @app.command()
    def doctor(
        repair: Annotated[
            bool,
            typer.Option(
                "--repair", help="upgrade the schema, recreate missing indexes, close dead runs as abandoned"
            ),
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="print the report as JSON")] = False,
    ) -> None:
        """Check a workspace: integrity, schema revision, indexes, runs left running by dead processes.

        Exit 0 when healthy (after repairs with --repair), 1 when problems are left.
        """
        from jobshift.services.admin.doctor import examine
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            report = examine(ws, repair=repair)
        finally:
            ws.close()
        if as_json:
            print_json(report.to_dict())
        else:
            _print_doctor(report)
        if not report.healthy:
            raise typer.Exit(1)
