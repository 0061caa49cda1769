"""Export CRM objects and bookkeeping tables as CSV or JSON Lines, streamed, written atomically.

``export_object(ws, name, fmt, out)`` knows the CRM objects (``accounts`` … ``activities``, ``roles``)
and ``quarantine``, ``runs``, ``audit``. Other features add their own names with
:func:`register_exporter` (e.g. ``signals``), usually through :func:`export_table` or
:func:`write_records`. A CSV export of a CRM object imports back unchanged (``custom`` is a JSON
cell), except that text starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'`` so
that spreadsheets do not run it as a formula (``utils/csv_safe.py``).
"""

from __future__ import annotations

import csv
import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson

from jobshift.connectors.csv_import.columns import OBJECTS, resolve_object
from jobshift.errors import UsageError
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import iter_rows, table_of
from jobshift.store.quarantine import iter_quarantined
from jobshift.utils.csv_safe import escape_formula
from jobshift.utils.files import atomic_open

FORMATS = ("csv", "jsonl")
Exporter = Callable[[Workspace, str, Path], int]
"""``fn(workspace, fmt, out) -> rows written``."""

_EXPORTERS: dict[str, Exporter] = {}
_LAZY: dict[str, str] = {"signals": "jobshift.services.detect.detecting"}
"""Exporters registered when their (heavier) module is imported: imported on first use."""
_TABLES = {"quarantine": "quarantine", "runs": "runs", "audit": "audit_log", "outbox": "outbox"}


def register_exporter(name: str, fn: Exporter) -> None:
    """Make ``jobshift export NAME`` call ``fn(ws, fmt, out)``; replaces an earlier registration."""
    _EXPORTERS[name] = fn


def exportable_names() -> list[str]:
    """Every name ``export_object`` accepts (besides the ``roles`` alias)."""
    return [*OBJECTS, *_TABLES, *sorted(set(_EXPORTERS) | set(_LAZY))]


def check_out_dir(out: str | Path, *, mkdir: bool = False) -> None:
    """The folder of ``out`` must exist (``UsageError`` otherwise), unless ``mkdir`` creates it.

    A mistyped path then fails loudly instead of leaving the file in a new folder nobody looks at.
    """
    parent = Path(out).expanduser().absolute().parent
    if parent.is_dir():
        return
    if parent.exists():
        raise UsageError(f"cannot write {out}: {parent} is not a directory")
    if not mkdir:
        raise UsageError(f"cannot write {out}: folder {parent} does not exist (create it, or pass --mkdir)")
    parent.mkdir(parents=True, exist_ok=True)


def export_object(ws: Workspace, name: str, fmt: str, out: str | Path, *, mkdir: bool = False) -> int:
    """Write object ``name`` to ``out`` as ``csv`` or ``jsonl``; returns the number of rows written.

    ``out``'s folder must exist unless ``mkdir`` (see :func:`check_out_dir`).
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected csv or jsonl")
    check_out_dir(out, mkdir=mkdir)
    key = name.strip().lower()
    if key not in _EXPORTERS and key in _LAZY:
        importlib.import_module(_LAZY[key])  # registers itself on import
    if key in _EXPORTERS:
        return _EXPORTERS[key](ws, fmt, Path(out))
    if key == "quarantine":
        return _export_quarantine(ws, fmt, Path(out))
    if key in _TABLES:
        return export_table(ws, _TABLES[key], fmt, out)
    try:
        spec = resolve_object(key)
    except UsageError:
        raise UsageError(
            f"unknown export {name!r}; expected one of: {', '.join(exportable_names())}"
        ) from None
    return export_table(ws, spec.table, fmt, out)


def _export_quarantine(ws: Workspace, fmt: str, out: Path) -> int:
    """The quarantine with each row's whole original raw text (decompressed, NUL characters kept)."""
    columns = [str(c.name) for c in table_of("quarantine").columns if c.name != "raw_zip"]
    with ws.store.connect() as conn:
        return write_records(columns, iter_quarantined(conn, whole=True), fmt, out)


def export_table(ws: Workspace, table_name: str, fmt: str, out: str | Path) -> int:
    """Stream every row of a store table (ordered by primary key) into ``out``."""
    columns = [str(c.name) for c in table_of(table_name).columns]
    with ws.store.connect() as conn:
        return write_records(columns, iter_rows(conn, table_name), fmt, out)


def write_records(
    columns: Sequence[str], records: Iterable[Mapping[str, Any]], fmt: str, out: str | Path
) -> int:
    """Write ``records`` (dicts) to ``out`` atomically; CSV uses ``columns`` as the header."""
    n = 0
    with atomic_open(out, "w") as fh:
        if fmt == "csv":
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(columns)
            for rec in records:
                writer.writerow([csv_cell(rec.get(c)) for c in columns])
                n += 1
        elif fmt == "jsonl":
            for rec in records:
                fh.write(orjson.dumps({str(c): rec.get(c) for c in columns}).decode())
                fh.write("\n")
                n += 1
        else:
            raise UsageError(f"unknown export format {fmt!r}; expected csv or jsonl")
    return n


def csv_cell(value: Any) -> str:
    """One value as CSV text: empty for NULL, ``true``/``false``, ISO 8601 dates, JSON for structures;
    text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return orjson.dumps(value).decode()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return escape_formula(str(value))
