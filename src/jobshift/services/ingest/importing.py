"""Import CRM CSV files into the store: one transaction and one run per file.

``import_file`` streams a file through :class:`~jobshift.connectors.csv_import.reader.CrmCsvReader` (in a
second
process for large files, see :mod:`~jobshift.services.ingest.import_pipeline`), upserts the good rows batch by
batch with a :class:`~jobshift.store.crm.mirror.BulkWriter`, quarantines the bad ones (same transaction,
tagged
with the run id), then reports dangling references (rows that point at ids the store does not know; they
still land).
A file that cannot be read raises ``InputFileError``: nothing of it is kept, and the run is recorded as
failed. ``import_dir`` imports the canonical files of a directory in dependency order.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jobshift.connectors.csv_import.columns import OBJECTS, ObjectSpec, resolve_object
from jobshift.connectors.csv_import.encoding import codec_name
from jobshift.connectors.csv_import.reader import CrmCsvReader
from jobshift.errors import InputFileError, UsageError
from jobshift.services.ingest.aliases import record_renames
from jobshift.services.ingest.import_pipeline import encoded_batches, gc_paused, read_job, start_reading
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import (
    BulkWriter,
    UpsertCounts,
    dangling_references,
    deferred_indexes,
    ensure_indexes,
    is_empty,
    row_encoding,
    table_of,
)
from jobshift.store.engine import hold_write_lock
from jobshift.store.lookups import account_names
from jobshift.store.quarantine import add_quarantined
from jobshift.store.run_lock import locked
from jobshift.store.runs import finish_run, start_run

Progress = Callable[[int], None]
DANGLING_EXAMPLES = 3
EMAIL_EXAMPLES = 3
BULK_LOAD_BYTES = 4_000_000
"""Files this large loaded into an empty table build its secondary indexes once, at the end."""
PARALLEL_BYTES = 4_000_000
"""Files this large are read in a child process while the main process writes (``[import] parallel``)."""
FAST_READER = True
"""Parse clean stretches of files with pyarrow (see :meth:`CrmCsvReader.batches`): same rows, faster."""


@dataclass
class ImportReport:
    """What importing one file did."""

    object: str
    source: str
    run_id: int | None = None
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    duplicates: int = 0
    dangling: dict[str, dict[str, Any]] = field(default_factory=dict)
    """reference column → {"count": rows, "targets": [...], "examples": [{key..., column: value}]}."""
    custom_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    """The text encoding the file was read with (see :mod:`~jobshift.connectors.csv_import.encoding`)."""
    invalid_emails: int = 0
    """Imported rows whose e-mail address is invalid (kept or blanked, see ``[import] invalid_email``)."""

    @property
    def dangling_total(self) -> int:
        """Rows with a dangling reference, summed over reference columns."""
        return sum(int(d["count"]) for d in self.dangling.values())

    def counts(self) -> dict[str, int]:
        """The numbers stored with the run."""
        return {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
            "dangling": self.dangling_total,
            "invalid_emails": self.invalid_emails,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for ``--json``)."""
        data = asdict(self)
        data["dangling_total"] = self.dangling_total
        return data


def encoding_option(name: str | None) -> str | None:
    """The codec name of ``jobshift import --encoding NAME`` (``UsageError`` if Python knows none)."""
    if name is None:
        return None
    try:
        return codec_name(name)
    except ValueError as exc:
        raise UsageError(f"--encoding: {exc}") from None


def _mapping(ws: Workspace, spec: ObjectSpec) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for name, cols in ws.config.mapping.items():
        if name == spec.name or (
            name in ("roles", "contact_roles") and spec.name == "opportunity_contact_roles"
        ):
            mapping.update(cols)
    return mapping


def _not_importable(spec: ObjectSpec) -> set[str]:
    """Table columns that files may carry (e.g. an export) but that jobshift manages itself."""
    return {c.name for c in table_of(spec.table).columns} - set(spec.column_names) - {"custom"}


@locked("import")
def import_file(
    ws: Workspace,
    object: str,
    path: str | Path,
    *,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> ImportReport:
    """Import one CSV file of CRM object ``object`` (e.g. ``contacts`` or ``roles``) into the workspace.

    ``encoding`` overrides ``[import] encoding`` (``auto``: byte-order mark, UTF-8, else Windows-1252).
    """
    spec = resolve_object(object)
    store = ws.store
    report = ImportReport(object=spec.name, source=str(path))
    with store.begin() as conn:
        report.run_id = start_run(conn, "import", object=spec.name, source=str(path))
    before = None
    if spec.name == "accounts":  # a renamed account keeps its former name as an alias
        with store.connect() as conn:
            before = account_names(conn)
    try:
        _import(ws, spec, Path(path), report, progress, encoding or ws.config.import_.encoding)
        if before:
            with store.begin() as conn:
                record_renames(conn, before)
    except BaseException as exc:
        with store.begin() as conn:
            finish_run(conn, report.run_id, status="failed", error=str(exc) or exc.__class__.__name__)
        raise
    return report


def _import(
    ws: Workspace,
    spec: ObjectSpec,
    path: Path,
    report: ImportReport,
    progress: Progress | None,
    text_encoding: str,
) -> None:
    assert report.run_id is not None
    reader = CrmCsvReader(
        path,
        spec,
        mapping=_mapping(ws, spec),
        ignore=_not_importable(spec),
        batch_size=ws.config.import_.batch_size,
        encoding=text_encoding,
        invalid_email=ws.config.import_.invalid_email,
    )
    try:
        _import_with(ws, spec, path, report, progress, reader)
    finally:
        reader.close()


def _import_with(
    ws: Workspace,
    spec: ObjectSpec,
    path: Path,
    report: ImportReport,
    progress: Progress | None,
    reader: CrmCsvReader,
) -> None:
    assert report.run_id is not None
    report.encoding = reader.encoding.name + (" (byte-order mark)" if reader.encoding.bom else "")
    report.custom_columns = [name for _i, name in reader.plan.custom]
    report.ignored_columns = list(reader.plan.ignored)
    report.warnings = [w for w in (reader.encoding.warning,) if w] + list(reader.plan.warnings)
    parallel = ws.config.import_.parallel and path.stat().st_size >= PARALLEL_BYTES
    encoding = row_encoding(ws.store.dialect, spec.table, reader.columns)
    job = read_job(
        path,
        spec.name,
        reader.mapping,
        reader.ignore,
        reader.batch_size,
        encoding,
        fast=FAST_READER,
        text_encoding=reader.encoding.name,
        invalid_email=reader.invalid_email,
    )
    child = start_reading(job, parallel=parallel)  # boots while the transaction starts
    try:
        totals = UpsertCounts()
        bad_emails: list[str] = []
        with ws.store.begin() as conn, ExitStack() as stack:
            hold_write_lock(conn)  # SQLite: one transaction from here, index DDL included
            ensure_indexes(conn, spec.table)
            empty = is_empty(conn, spec.table)
            if empty and path.stat().st_size >= BULK_LOAD_BYTES:
                stack.enter_context(deferred_indexes(conn, spec.table))
            writer = BulkWriter(conn, spec.table, reader.columns, empty=empty)
            with gc_paused():
                for batch in encoded_batches(job, child, reader=reader):
                    totals.add(writer.write(batch.payload, batch.rows, batch.new_keys))
                    report.quarantined += add_quarantined(conn, report.run_id, spec.name, batch.bad)
                    report.read += batch.read
                    report.duplicates += batch.duplicates
                    report.invalid_emails += len(batch.invalid_emails)
                    bad_emails += batch.invalid_emails[: EMAIL_EXAMPLES - len(bad_emails)]
                    if progress:
                        progress(batch.read)
            writer.finish()
            stack.close()  # rebuild deferred indexes before the reference checks
            report.inserted, report.updated, report.unchanged = (
                totals.inserted,
                totals.updated,
                totals.unchanged,
            )
            share = ws.config.import_.max_quarantine_share
            if report.read and report.quarantined / report.read > share:
                raise InputFileError(
                    f"{path}: {report.quarantined:,} of {report.read:,} rows are bad, more than "
                    f"import.max_quarantine_share = {share}; nothing imported"
                )
            if report.duplicates:
                report.warnings.append(f"{report.duplicates:,} rows repeat an earlier id; the last one wins")
            if report.invalid_emails:
                done = "blanked" if reader.invalid_email == "blank" else "kept as they are"
                report.warnings.append(
                    f"{report.invalid_emails:,} rows have an invalid e-mail address, {done} "
                    f"(e.g. {', '.join(repr(e) for e in bad_emails)}); import.invalid_email = "
                    '"quarantine" quarantines such rows'
                )
            for column, targets in spec.references:
                n, examples = dangling_references(
                    conn, spec.table, column, targets, examples=DANGLING_EXAMPLES
                )
                if n:
                    report.dangling[column] = {"count": n, "targets": list(targets), "examples": examples}
            finish_run(conn, report.run_id, status="ok", counts=report.counts())
    finally:
        if child is not None:
            child.close()


def import_dir(
    ws: Workspace, directory: str | Path, *, progress: Progress | None = None, encoding: str | None = None
) -> list[ImportReport]:
    """Import every canonical CRM file (``accounts.csv``, ``contacts.csv``, …) found in ``directory``.

    Files are imported in dependency order (users, accounts, contacts, opportunities, roles, leads,
    activities), each in its own transaction; the first unreadable file stops the import.
    """
    d = Path(directory)
    if not d.is_dir():
        raise InputFileError(f"{d}: not a directory")
    found = [(spec, d / spec.file_name) for spec in OBJECTS.values() if (d / spec.file_name).is_file()]
    if not found:
        names = ", ".join(s.file_name for s in OBJECTS.values())
        raise InputFileError(f"{d}: no CRM files found (expected any of {names})")
    return [import_file(ws, spec.name, p, progress=progress, encoding=encoding) for spec, p in found]
