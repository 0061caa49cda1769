"""The CPU-bound half of ingest: raw lines → insert rows + quarantined lines, in-process or in workers.

:func:`convert_chunk` is pure (no database): it parses JSON, builds observations with the domain
rules and serializes them as insert rows. :func:`convert_chunks` runs it over a stream of chunks,
either in this process or shared between this process and a pool of worker processes (this process
converts a chunk itself whenever the workers lag), with a bounded number of chunks in flight (memory
stays flat), yielding results in file order. The single writer (the caller) inserts them.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import orjson

from jobshift.connectors.people.files import Chunk, parse_line
from jobshift.domain.profiles import ProfileError, profile_to_row
from jobshift.errors import InputError
from jobshift.utils.process import die_with_parent, sweep_orphans

MAX_WORKERS = 4
#: free space ``/dev/shm`` needs to hold the workers' results (else the temporary directory does)
SPOOL_MIN_FREE = 2**30
#: files smaller than this are converted in-process (16 MB ≈ 12,000 typical profiles)
MIN_POOL_BYTES = 16 * 2**20
#: chunks handed to each worker ahead of time (enough to keep it busy while a batch is written)
POOL_DEPTH = 6


@dataclass(slots=True)
class ChunkResult:
    """What one chunk gave: non-blank lines read, insert rows, bad lines (``source`` and ``line`` set)."""

    lines: int
    rows: list[tuple[Any, ...]]
    bad: list[InputError]


def _raw(rec: Any) -> str:
    return orjson.dumps(rec, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


def convert_chunk(source: str, first_line: int, items: list[bytes] | list[dict[str, Any]]) -> ChunkResult:
    """Turn one chunk (raw JSONL lines or Parquet rows) into insert rows and bad lines."""
    rows: list[tuple[Any, ...]] = []
    bad: list[InputError] = []
    lines = 0
    loads, to_row, append = orjson.loads, profile_to_row, rows.append
    for line, item in enumerate(items, first_line):
        rec: Any = item
        if type(item) is bytes:
            try:
                rec = loads(item)
            except orjson.JSONDecodeError:
                rec = parse_line(item)  # blank (None) or an InputError with the reason
            if type(rec) is not dict:
                rec = parse_line(item)  # not an object: the same InputError as the reader's
        if rec is None:
            continue  # blank line
        lines += 1
        if isinstance(rec, InputError):
            bad.append(rec.at(source, line))
            continue
        try:
            append(to_row(rec, source, line))
        except ProfileError as exc:  # the domain's reason, as the one shape of a skipped record
            bad.append(InputError(exc.reason, column=exc.field, source=source, line=line, raw=_raw(rec)))
    return ChunkResult(lines, rows, bad)


def _convert_to_file(
    spool: str, source: str, first_line: int, items: list[bytes] | list[dict[str, Any]]
) -> str:
    """:func:`convert_chunk` in a worker; the result is pickled into a file in ``spool``, its path returned.

    Not through the pool's result pipe: the writer's pool thread reads a pipe 64 KB at a time and
    needs the GIL for every piece, which the writer's busy main thread hands over only every few
    milliseconds, so a 3 MB result would hold the worker up for a tenth of a second. A file is read
    in one call. Pickled without a memo (the rows hold no shared or cyclic objects): cheaper.
    """
    res = convert_chunk(source, first_line, items)
    fd, path = tempfile.mkstemp(dir=spool, suffix=".chunk")
    with os.fdopen(fd, "wb") as fh:
        pickler = pickle.Pickler(fh, pickle.HIGHEST_PROTOCOL)
        pickler.fast = True
        pickler.dump((res.lines, res.rows, res.bad))
    return path


def _read_result(path: str) -> ChunkResult:
    """The result a worker left in ``path`` (the file is removed)."""
    with open(path, "rb") as fh:
        data = fh.read()
    os.unlink(path)
    lines, rows, bad = pickle.loads(data)
    return ChunkResult(lines, rows, bad)


SPOOL_PREFIX = "jobshift-ingest-"


def _worker_init() -> None:
    """Worker start: no cyclic GC (the chunks are acyclic), and end with the ingest process."""
    gc.disable()
    die_with_parent()


def _spool_dir() -> str | None:
    """Where workers leave their results: memory-backed ``/dev/shm`` when it has room to spare
    (containers often give it 64 MB), else the temporary directory (``None``)."""
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
    except (OSError, AttributeError):  # no /dev/shm, or no statvfs on this platform
        return None
    room = st.f_bavail * st.f_frsize
    return shm if room >= SPOOL_MIN_FREE and os.access(shm, os.W_OK) else None


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on this platform
        return os.cpu_count() or 1


def default_workers(file_size: int) -> int:
    """Worker processes worth starting for a file of ``file_size`` bytes (0 = convert in-process).

    One per CPU besides this (the writing) process, at most ``MAX_WORKERS``; none for files under
    ``MIN_POOL_BYTES`` (starting the pool costs more than it saves) or on one CPU. The load of the
    machine is not consulted: :func:`convert_chunks` shares the work with the workers, so busy cores
    cost only the hand-over of the chunks the workers do convert, while idle ones are used in full.
    """
    if file_size < MIN_POOL_BYTES:
        return 0
    return max(0, min(MAX_WORKERS, available_cpus() - 1))


@dataclass(slots=True)
class _Submitted:
    """A chunk handed to the pool: its future, and the chunk itself (to convert it here instead)."""

    future: Future[str]
    first: int
    items: list[bytes] | list[dict[str, Any]]


def convert_chunks(
    source: str, chunks: Iterable[Chunk], workers: int = 0, ahead: int = 0
) -> Iterator[ChunkResult]:
    """Convert every chunk, in file order; ``workers`` > 0 shares the work with worker processes.

    The first ``ahead`` chunks (at least one) are converted here before the pool starts: forked
    workers inherit the normalization caches they warmed (companies, titles and dates repeat), and a
    small file never starts the pool. Then each worker gets up to ``POOL_DEPTH`` chunks ahead, enough
    to keep converting while the caller writes a batch. Whenever the oldest chunk is not back yet,
    this process does not wait: it converts the next chunk itself (while fewer than
    ``POOL_DEPTH * workers + ahead`` chunks are in flight, so memory stays bounded), else takes back
    a chunk still queued for the workers and converts that. So the pool speeds ingest up when cores
    are idle and costs little when they are busy (slow workers end up with few chunks).
    """
    it = iter(chunks)
    if workers <= 0:
        for first, items in it:
            yield convert_chunk(source, first, items)
        return
    for first, items in islice(it, max(1, ahead)):
        yield convert_chunk(source, first, items)
    peek = next(it, None)
    if peek is None:
        return
    it = chain((peek,), it)
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    spool_root = _spool_dir() or tempfile.gettempdir()
    sweep_orphans(spool_root, SPOOL_PREFIX)  # what a killed ingest left behind
    spool = tempfile.TemporaryDirectory(
        prefix=f"{SPOOL_PREFIX}{os.getpid()}-", dir=spool_root, ignore_cleanup_errors=True
    )
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=_worker_init)
    depth = POOL_DEPTH * workers
    window: deque[_Submitted | ChunkResult] = deque()  # file order
    in_pool = 0
    more = True
    try:
        while True:
            while more and in_pool < depth:
                nxt = next(it, None)
                if nxt is None:
                    more = False
                    break
                first, items = nxt
                window.append(
                    _Submitted(pool.submit(_convert_to_file, spool.name, source, first, items), first, items)
                )
                in_pool += 1
            if not window:
                return
            oldest = window[0]
            if isinstance(oldest, ChunkResult):
                window.popleft()
                yield oldest
                continue
            if oldest.future.done():
                window.popleft()
                in_pool -= 1
                yield _read_result(oldest.future.result())
                continue
            # the oldest chunk is still with the workers: do useful work here rather than wait
            if more and len(window) < depth + ahead:
                if (nxt := next(it, None)) is not None:
                    window.append(convert_chunk(source, *nxt))
                    continue
                more = False
            for k, entry in enumerate(window):  # take back the first chunk no worker has started
                if isinstance(entry, _Submitted) and entry.future.cancel():
                    window[k] = convert_chunk(source, entry.first, entry.items)
                    in_pool -= 1
                    break
            else:
                window.popleft()
                in_pool -= 1
                yield _read_result(oldest.future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        spool.cleanup()
