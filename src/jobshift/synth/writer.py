"""Streaming, atomic writers for the generated files: CSV, JSON Lines (plain or gzip) and Parquet.

Every writer writes to a temporary file beside its target and renames it into place only when
closed without error, so a failed run never leaves a half-written file. Output is byte-for-byte
deterministic: gzip headers carry no time stamp or file name, JSON keys keep insertion order.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq


class _AtomicFile:
    """A temporary file that replaces ``path`` on :meth:`commit` (or is removed on :meth:`abort`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.tmp = Path(tmp)
        self.raw: IO[bytes] = os.fdopen(fd, "wb")

    def commit(self) -> None:
        self.raw.flush()
        os.fsync(self.raw.fileno())
        os.fchmod(self.raw.fileno(), 0o644)  # mkstemp creates 0600; data files are ordinary files
        self.raw.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.raw.close()
        self.tmp.unlink(missing_ok=True)


class RowWriter:
    """Base class: a context manager counting rows; subclasses implement ``_write`` and ``_finish``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.rows = 0
        self._file = _AtomicFile(self.path)

    def write(self, row: Mapping[str, Any]) -> None:
        """Append one row."""
        self._write(row)
        self.rows += 1

    def write_many(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Append rows."""
        for row in rows:
            self.write(row)

    def _write(self, row: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Flush buffered data into ``self._file.raw`` (before commit)."""

    def close(self) -> None:
        """Finish and move the file into place."""
        self._finish()
        self._file.commit()

    def abort(self) -> None:
        """Drop the temporary file; the target is left untouched."""
        self._file.abort()

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


class CsvWriter(RowWriter):
    """UTF-8 CSV with a header row of ``columns`` (``\\n`` line ends, minimal quoting)."""

    def __init__(self, path: str | Path, columns: Sequence[str]) -> None:
        super().__init__(path)
        self.columns = list(columns)
        self._text = io.TextIOWrapper(self._file.raw, encoding="utf-8", newline="", write_through=False)
        self._csv = csv.writer(self._text, lineterminator="\n")
        self._csv.writerow(self.columns)

    def _write(self, row: Mapping[str, Any]) -> None:
        self._csv.writerow([_csv_value(row.get(c)) for c in self.columns])

    def _finish(self) -> None:
        self._text.flush()
        self._text.detach()


class JsonlWriter(RowWriter):
    """JSON Lines; ``.gz`` targets are gzip-compressed with a fixed header (deterministic)."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(path)
        self._out: IO[bytes] = self._file.raw
        self._gz: gzip.GzipFile | None = None
        if self.path.suffix == ".gz":
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=self._file.raw, mtime=0, compresslevel=6)
            self._out = self._gz  # type: ignore[assignment]
        self._buf: list[bytes] = []

    def _write(self, row: Mapping[str, Any]) -> None:
        self._buf.append(orjson.dumps(row))
        if len(self._buf) >= 2000:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self._out.write(b"\n".join(self._buf) + b"\n")
            self._buf.clear()

    def _finish(self) -> None:
        self._flush()
        if self._gz is not None:
            self._gz.close()


class ParquetWriter(RowWriter):
    """Parquet with an explicit (nested) Arrow ``schema``, written in row groups of ``batch_rows``."""

    def __init__(self, path: str | Path, schema: pa.Schema, batch_rows: int = 50_000) -> None:
        super().__init__(path)
        self.schema = schema
        self._writer = pq.ParquetWriter(self._file.raw, self.schema, compression="zstd")
        self._batch: list[Mapping[str, Any]] = []
        self._batch_rows = batch_rows

    def _write(self, row: Mapping[str, Any]) -> None:
        self._batch.append(row)
        if len(self._batch) >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        self._writer.write_table(pa.Table.from_pylist(list(self._batch), schema=self.schema))
        self._batch.clear()

    def _finish(self) -> None:
        self._flush()
        self._writer.close()


def open_people_writer(path: str | Path) -> RowWriter:
    """The writer for a people file by extension: ``.jsonl``, ``.jsonl.gz`` or ``.parquet``."""
    p = Path(path)
    if p.suffix == ".parquet":
        return ParquetWriter(p, PEOPLE_SCHEMA)
    return JsonlWriter(p)


_STR = pa.string()
_LOCATION = pa.struct([("country", _STR), ("region", _STR)])
_COMPANY = pa.struct([("name", _STR), ("website", _STR), ("linkedin_url", _STR), ("location", _LOCATION)])
_TITLE = pa.struct([("name", _STR), ("levels", pa.list_(_STR)), ("role", _STR)])
_EXPERIENCE = pa.struct(
    [
        ("company", _COMPANY),
        ("title", _TITLE),
        ("start_date", _STR),
        ("end_date", _STR),
        ("is_primary", pa.bool_()),
    ]
)
PEOPLE_SCHEMA = pa.schema(
    [
        ("id", _STR),
        ("linkedin_url", _STR),
        ("full_name", _STR),
        ("first_name", _STR),
        ("last_name", _STR),
        ("work_email", _STR),
        ("personal_emails", pa.list_(_STR)),
        ("emails", pa.list_(pa.struct([("address", _STR)]))),
        ("job_title", _STR),
        ("job_title_levels", pa.list_(_STR)),
        ("job_company_name", _STR),
        ("job_company_website", _STR),
        ("job_company_linkedin_url", _STR),
        ("job_start_date", _STR),
        ("location_country", _STR),
        ("location_region", _STR),
        ("experience", pa.list_(_EXPERIENCE)),
        ("observed_at", _STR),
    ]
)
"""The Arrow schema of people profiles (the PDL subset of formats.md) for Parquet output."""
