"""Commands: demo, and the demo loader used by init --demo."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from jobshift.cli.main import State


def register(app: typer.Typer, state: State) -> None:
    """Add these commands to ``app``."""


def load_demo(ws: object, seed: int = 7) -> None:
    """Generate the demo data set into the workspace and load it (filled in by the generator work)."""
    raise NotImplementedError
