"""Console output for the CLI: summaries (rich table or ``--json``), errors, progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode() + "\n")


def print_table(
    title: str, rows: Mapping[str, Any] | list[tuple[Any, ...]], headers: tuple[str, ...] = ("", "count")
) -> None:
    """A small two-or-more column table."""
    table = Table(title=title, title_justify="left", show_header=bool(headers[0]))
    for i, h in enumerate(headers):
        table.add_column(h, justify="right" if i else "left")
    items = rows.items() if isinstance(rows, Mapping) else rows
    for row in items:
        table.add_row(*[f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v) for v in row])
    console.print(table)


def error(message: str) -> None:
    """One line on stderr."""
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    """One warning line on stderr."""
    err_console.print(f"[yellow]warning:[/yellow] {escape(message)}", highlight=False, soft_wrap=True)


class ProgressReporter:
    """Progress for long steps: a bar on a terminal, plain log lines otherwise."""

    def __init__(self, progress: Progress | None, label: str) -> None:
        self._progress = progress
        self._label = label
        self._task = progress.add_task(label, total=None) if progress else None
        self._done = 0
        self._next_log = 100_000

    def advance(self, n: int, total: int | None = None) -> None:
        """Record ``n`` more items done."""
        self._done += n
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=n, total=total)
        elif self._done >= self._next_log:
            err_console.print(f"{self._label}: {self._done:,}", highlight=False)
            while self._next_log <= self._done:
                self._next_log += 100_000


@contextmanager
def progress(label: str) -> Iterator[ProgressReporter]:
    """Yield a :class:`ProgressReporter` for ``label``."""
    if err_console.is_terminal:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
        ) as p:
            yield ProgressReporter(p, label)
    else:
        yield ProgressReporter(None, label)
