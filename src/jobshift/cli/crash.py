"""Unexpected errors on the command line: one line for the user, the traceback in a log file.

A traceback is for the developer, not the admin running ``jobshift``. :func:`unexpected` prints
``error: <message> (details: <log file>)`` and appends the traceback to
``<workspace>/logs/jobshift-error.log`` (or, outside a workspace, to ``jobshift-error.log`` in a
``jobshift`` folder of the temp directory);
``--debug`` prints it on stderr as well. A busy SQLite database is not a crash: it gets its own message.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from jobshift import __version__
from jobshift.cli.output import error
from jobshift.errors import BUSY_MESSAGE

LOG_NAME = "jobshift-error.log"
LOG_MAX_BYTES = 5_000_000
"""A log file grown past this is started afresh (the newest traceback is the one that matters)."""
_MARKERS = ("jobshift.toml", "jobshift.db")


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` (or an exception it was raised from) is SQLite's ``database is locked``."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if type(e).__name__ == "OperationalError" and "database is locked" in str(e):
            return True
        e = e.__cause__ or e.__context__
    return False


def log_dir(workspace: Path | None) -> Path:
    """``<workspace>/logs`` when ``workspace`` is a jobshift workspace, else ``<tmp>/jobshift``."""
    from jobshift.services.workspace import resolve_workspace

    try:
        ws = resolve_workspace(workspace)
        if ws.is_dir() and any((ws / m).exists() for m in _MARKERS):
            return ws / "logs"
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "jobshift"


def write_log(exc: BaseException, directory: Path) -> Path:
    """Append a dated traceback of ``exc`` to ``directory/jobshift-error.log``; returns the file."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOG_NAME
    mode = "w" if path.exists() and path.stat().st_size > LOG_MAX_BYTES else "a"
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    with open(path, mode, encoding="utf-8") as fh:
        fh.write(f"=== {stamp} jobshift {__version__} pid {os.getpid()}: {' '.join(sys.argv)}\n")
        fh.write("".join(traceback.format_exception(exc)))
        fh.write("\n")
    return path


def _summary(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    if len(first) > 200:
        first = first[:197] + "..."
    return f"{exc.__class__.__name__}: {first}" if first else exc.__class__.__name__


def unexpected(exc: BaseException, *, workspace: Path | None, debug: bool) -> int:
    """Report an exception jobshift did not raise on purpose; returns the exit code (1)."""
    if is_busy(exc):
        error(BUSY_MESSAGE)
        if debug:
            traceback.print_exception(exc, file=sys.stderr)
        return 1
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    try:
        where = f"details: {write_log(exc, log_dir(workspace))}"
    except OSError as log_exc:
        where = f"traceback not saved ({log_exc.strerror or log_exc}); run again with --debug to see it"
    error(f"{_summary(exc)} ({where})")
    return 1
