"""Commands: ingest people."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from jobshift.cli.main import State


def register(app: typer.Typer, state: State) -> None:
    """Add these commands to ``app``."""
