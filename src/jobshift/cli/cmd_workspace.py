"""Workspace commands: ``init`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console

if TYPE_CHECKING:
    from jobshift.cli.main import State


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
