"""Streaming readers of people-data files: ``.jsonl``, ``.jsonl.gz`` and ``.parquet``.

:func:`read_people_chunks` yields chunks of raw lines (``bytes``, for parsing in worker processes)
or Parquet rows (``dict``); :func:`read_people_file` yields ``(line, record)`` pairs where ``line`` is
the 1-based line number (JSONL) or row number (Parquet) and ``record`` is the parsed object or an
:class:`~jobshift.errors.InputError` (the one shape of a skipped record) with the reason and the raw
text. Memory stays flat in the file size: JSONL is
read line by line, Parquet batch by batch.
A file that cannot be read at all (missing, unknown extension, corrupt gzip or Parquet header or a
stream that breaks part-way) raises :class:`~jobshift.errors.InputFileError`.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import orjson

from jobshift.errors import InputError, InputFileError

CHUNK_LINES = 2_000
SUFFIXES = (".jsonl", ".jsonl.gz", ".parquet")
_BOM = b"\xef\xbb\xbf"


Record = tuple[int, dict[str, Any] | InputError]
Chunk = tuple[int, list[bytes] | list[dict[str, Any]]]


def people_file_format(path: Path) -> str:
    """``jsonl``, ``jsonl.gz`` or ``parquet`` from the file name; ``InputFileError`` otherwise."""
    name = path.name.lower()
    for suffix in (".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson", ".parquet"):
        if name.endswith(suffix):
            return suffix.lstrip(".").replace("ndjson", "jsonl")
    raise InputFileError(f"{path}: unsupported file type (expected one of {', '.join(SUFFIXES)})")


def read_people_chunks(
    path: str | Path, chunk_lines: int = CHUNK_LINES, columns: Sequence[str] | None = None
) -> Iterator[Chunk]:
    """Stream a people-data file as chunks ``(first_line, items)`` of up to ``chunk_lines`` items.

    Items are raw JSONL lines (``bytes``, parse them with :func:`parse_line`) or Parquet rows
    (``dict``); item ``k`` of a chunk is line ``first_line + k``. The file is opened (and its header
    checked) before the first chunk is yielded, so an unreadable file fails at once. ``columns``: read
    only these Parquet columns (those the file has; column projection), e.g. the fields a converter
    reads; JSONL lines are always whole.
    """
    p = Path(path)
    fmt = people_file_format(p)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file")
    if fmt == "parquet":
        return _parquet_chunks(p, _open_parquet(p), chunk_lines, columns)
    return _jsonl_chunks(p, _open_jsonl(p, gz=fmt == "jsonl.gz"), chunk_lines)


def read_people_file(path: str | Path) -> Iterator[Record]:
    """Stream the records of a people-data file: ``(line, dict | InputError)``; blank lines skipped."""
    for first, items in read_people_chunks(path):
        for offset, item in enumerate(items):
            rec = parse_line(item) if isinstance(item, bytes) else cast(dict[str, Any], item)
            if rec is not None:
                yield first + offset, rec


def _open_jsonl(path: Path, *, gz: bool) -> gzip.GzipFile | io.BufferedReader:
    try:
        if gz:
            gzf = gzip.GzipFile(path, "rb")
            try:
                gzf.peek(1)  # reads and checks the gzip header now
            except BaseException:
                gzf.close()
                raise
            return gzf
        return open(path, "rb")
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(f"{path}: cannot read: {exc}") from None


def parse_line(raw: bytes) -> dict[str, Any] | InputError | None:
    """A parsed object, an ``InputError`` (not raised: the caller quarantines it, knowing the line), or
    ``None`` for a blank line."""
    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if not raw.strip():
            return None
        return InputError(f"invalid JSON: {str(exc).replace(chr(0), '')}", raw=_text(raw))
    if isinstance(obj, dict):
        return obj
    return InputError(f"not a JSON object (a {type(obj).__name__})", raw=_text(raw))


def _text(raw: bytes) -> str:
    """The raw line as text for the quarantine (PostgreSQL text cannot hold NUL characters)."""
    return raw.rstrip(b"\r\n").replace(b"\x00", b"").decode("utf-8", "replace")


def _jsonl_chunks(path: Path, fh: gzip.GzipFile | io.BufferedReader, size: int) -> Iterator[Chunk]:
    n = 0
    items: list[bytes] = []
    try:
        with fh:
            for n, raw in enumerate(fh, 1):
                items.append(raw[len(_BOM) :] if n == 1 and raw.startswith(_BOM) else raw)
                if len(items) == size:
                    yield n - size + 1, items
                    items = []
    except (OSError, EOFError, zlib.error) as exc:
        raise InputFileError(f"{path}: unreadable after line {n - 1}: {exc}") from None
    if items:
        yield n - len(items) + 1, items


def _open_parquet(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        raise InputFileError(f"{path}: not a readable Parquet file: {exc}") from None


def _parquet_chunks(path: Path, pf: Any, size: int, columns: Sequence[str] | None = None) -> Iterator[Chunk]:
    import pyarrow as pa

    n = 0
    cols = None if columns is None else [c for c in columns if c in pf.schema_arrow.names]
    try:
        for batch in pf.iter_batches(batch_size=size, columns=cols):
            rows = batch.to_pylist()
            yield n + 1, rows
            n += len(rows)
    except (OSError, pa.ArrowException) as exc:
        raise InputFileError(f"{path}: unreadable after row {n}: {exc}") from None
