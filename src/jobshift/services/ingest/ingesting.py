"""Use case: ingest a people-data file (``.jsonl``, ``.jsonl.gz``, ``.parquet``) as observations.

The file is streamed; every ``batch_size`` lines the batch's observations and quarantined lines are
written in **one transaction per batch**. That is safe for ingest (unlike a CRM import) because
observations are append-only and idempotent: each row's id is a hash of (person key, observed_at) and
inserts skip ids already stored. A run that fails part-way leaves whole batches of valid
observations, never a half-written one; re-running the same file completes it, and re-ingesting a
file that is fully stored inserts nothing (every line counts as "already present").

Malformed lines (bad JSON, not an object, no or invalid ``observed_at``, nothing identifying the
person) are quarantined with their line number and reason; the rest lands. Each ingest is a run in
the runs ledger (kind ``ingest``, object ``people``) holding the final counts.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from jobshift.connectors.people.files import CHUNK_LINES, people_file_format, read_people_chunks
from jobshift.errors import InputError
from jobshift.services.ingest.ingest_convert import convert_chunks, default_workers
from jobshift.services.workspace import Workspace
from jobshift.store.people import insert_observation_rows
from jobshift.store.quarantine import add_quarantined
from jobshift.store.run_lock import locked
from jobshift.store.runs import finish_run, start_run
from jobshift.utils.timeutil import utcnow

BATCH_SIZE = 20_000
REPORT_MAX_QUARANTINED = 1_000


@dataclass
class IngestReport:
    """What one ``ingest people`` run did.

    ``lines_read`` counts non-blank lines (rows for Parquet) = inserted + already_present + quarantined.
    ``quarantined_lines`` lists the first ``REPORT_MAX_QUARANTINED`` quarantined lines (all of them are in
    the quarantine table); ``to_dict`` shows each as ``{"line", "column", "reason"}``.
    """

    source: str
    format: str
    run_id: int
    workers: int = 0
    lines_read: int = 0
    inserted: int = 0
    already_present: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    quarantined_lines: list[InputError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts alone (stored on the run)."""
        return {
            "lines_read": self.lines_read,
            "inserted": self.inserted,
            "already_present": self.already_present,
            "quarantined": self.quarantined,
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        out = asdict(replace(self, quarantined_lines=[]))
        out["quarantined_lines"] = [q.report() for q in self.quarantined_lines]
        return out


@locked("ingest")
def ingest_people(
    ws: Workspace,
    path: str | Path,
    progress: Callable[[int], None] | None = None,
    *,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> IngestReport:
    """Append the observations of a people-data file to the workspace's store.

    ``workers``: processes that parse and normalize lines beside this process, which writes and
    converts chunks itself whenever the workers lag (``None``: one per spare CPU for files of 16 MB
    and more, see ``default_workers``; ``0``: everything in this process). Raises
    ``InputFileError`` (before anything is written) when the file cannot be opened, or part-way when
    it breaks (complete batches before that stay stored; see the module docstring).
    """
    p = Path(path)
    fmt = people_file_format(p)
    chunk_lines = min(CHUNK_LINES, batch_size)
    chunks = read_people_chunks(p, chunk_lines)
    if workers is None:
        workers = default_workers(p.stat().st_size)
    source = str(p.resolve())
    store = ws.store
    started = time.perf_counter()
    ingested_at = utcnow()
    with store.begin() as conn:
        run_id = start_run(conn, "ingest", object="people", source=source)
    report = IngestReport(source=source, format=fmt, run_id=run_id, workers=workers)
    rows: list[tuple[Any, ...]] = []
    bad: list[InputError] = []
    pending = 0

    def flush() -> None:
        nonlocal pending
        with store.begin() as conn:
            inserted = insert_observation_rows(conn, rows, ingested_at)
            add_quarantined(conn, run_id, "people", bad)
        report.lines_read += pending
        report.inserted += inserted
        report.already_present += len(rows) - inserted
        report.quarantined += len(bad)
        rows.clear()
        bad.clear()
        if progress is not None:
            progress(pending)
        pending = 0

    # Parsed profiles hold no reference cycles (reference counting frees them), but millions of new
    # dicts keep triggering the cyclic collector, which triples the parse time: pause it meanwhile.
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        for res in convert_chunks(source, chunks, workers, ahead=batch_size // chunk_lines):
            pending += res.lines
            rows.extend(res.rows)
            bad.extend(res.bad)
            room = REPORT_MAX_QUARANTINED - len(report.quarantined_lines)
            report.quarantined_lines.extend(res.bad[:room])
            if pending >= batch_size:
                flush()
        flush()
    except BaseException as exc:
        report.seconds = round(time.perf_counter() - started, 3)
        with store.begin() as conn:
            finish_run(conn, run_id, status="failed", counts=report.counts(), error=str(exc) or repr(exc))
        raise
    finally:
        if gc_enabled:
            gc.enable()
    report.seconds = round(time.perf_counter() - started, 3)
    with store.begin() as conn:
        finish_run(conn, run_id, status="ok", counts=report.counts())
    return report
