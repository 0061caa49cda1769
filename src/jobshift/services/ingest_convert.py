"""The CPU-bound half of ingest: raw lines → insert rows + quarantined lines, in-process or in workers.

:func:`convert_chunk` is pure (no database): it parses JSON, builds observations with the domain
rules and serializes them as insert rows. :func:`convert_chunks` runs it over a stream of chunks,
either in this process or in a pool of worker processes with a bounded number of chunks in flight
(memory stays flat), yielding results in file order. The single writer (the caller) inserts them.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

import orjson

from jobshift.connectors.people_files import Chunk, LineError, parse_line
from jobshift.domain.profiles import ProfileError, profile_to_row

MAX_WORKERS = 4


@dataclass(frozen=True, slots=True)
class BadLine:
    """A line that is quarantined: number, column (if known), reason and raw text."""

    line: int
    column: str | None
    reason: str
    raw: str | None


@dataclass(slots=True)
class ChunkResult:
    """What one chunk gave: non-blank lines read, insert rows, bad lines."""

    lines: int
    rows: list[tuple[Any, ...]]
    bad: list[BadLine]


def _raw(rec: Any) -> str:
    return orjson.dumps(rec, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def convert_chunk(source: str, first_line: int, items: list[bytes] | list[dict[str, Any]]) -> ChunkResult:
    """Turn one chunk (raw JSONL lines or Parquet rows) into insert rows and bad lines."""
    rows: list[tuple[Any, ...]] = []
    bad: list[BadLine] = []
    lines = 0
    loads, to_row, append = orjson.loads, profile_to_row, rows.append
    for line, item in enumerate(items, first_line):
        rec: Any = item
        if type(item) is bytes:
            try:
                rec = loads(item)
            except orjson.JSONDecodeError:
                rec = parse_line(item)  # blank (None) or a LineError with the reason
            if type(rec) is not dict:
                rec = parse_line(item)  # not an object: the same LineError as the reader's
        if rec is None:
            continue  # blank line
        lines += 1
        if isinstance(rec, LineError):
            bad.append(BadLine(line, None, rec.reason, rec.raw))
            continue
        try:
            append(to_row(rec, source, line))
        except ProfileError as exc:
            bad.append(BadLine(line, exc.field, exc.reason, _raw(rec)))
    return ChunkResult(lines, rows, bad)


def default_workers(file_size: int) -> int:
    """Worker processes worth starting for a file of ``file_size`` bytes (0 = convert in-process).

    Workers cost CPU of their own (each fills its caches, rows are pickled to the writer), so they
    pay off only on idle cores: one per CPU not busy by the 1-minute load average, at most
    ``MAX_WORKERS``, and none for files under 16 MB.
    """
    if file_size < 16 * 2**20:
        return 0
    try:
        busy = os.getloadavg()[0]
    except OSError:  # not available on this platform
        busy = 0.0
    return max(0, min(MAX_WORKERS, int((os.cpu_count() or 1) - busy)))


def convert_chunks(
    source: str, chunks: Iterable[Chunk], workers: int = 0, ahead: int = 0
) -> Iterator[ChunkResult]:
    """Convert every chunk, in file order; ``workers`` > 0 uses that many worker processes.

    With workers, the first ``ahead`` chunks are converted here before the workers start: forked
    workers inherit the normalization caches warmed by them (companies, titles and dates repeat), and
    a small file never starts the pool. Then ``2 * workers + ahead`` chunks are in flight: the caller
    sets ``ahead`` to the chunks of one write batch, so that the workers keep converting while it writes.
    """
    it = iter(chunks)
    if workers > 0:
        for first, items in islice(it, ahead):
            yield convert_chunk(source, first, items)
    else:
        for first, items in it:
            yield convert_chunk(source, first, items)
        return
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=gc.disable)
    pending: deque[Future[ChunkResult]] = deque()
    try:
        for first, items in it:
            pending.append(pool.submit(convert_chunk, source, first, items))
            if len(pending) >= 2 * workers + ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
