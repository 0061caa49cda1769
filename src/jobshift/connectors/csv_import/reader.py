"""Streaming reader of CRM CSV files: encoding and delimiter detection, header mapping, row coercion.

The reader never holds the file in memory: it yields batches of typed rows (:class:`Batch` es of Python
values, or :class:`ArrowBatch` es of pyarrow arrays for the stretches pyarrow parsed; both in the order of
:attr:`CrmCsvReader.columns`) and the bad rows of that stretch, each an
:class:`~jobshift.errors.InputError` (the one shape of a skipped record) with the physical line where
the record starts, the column, the reason and the record's raw text. A file that cannot be read at all raises
:class:`~jobshift.errors.InputFileError` with a one-line message.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from jobshift.connectors.csv_import.arrow import ArrowBatch, ArrowBatchProcessor
from jobshift.connectors.csv_import.batches import Batch, BatchProcessor
from jobshift.connectors.csv_import.blocks import ArrowRecords, header_end, record_batches
from jobshift.connectors.csv_import.columns import ObjectSpec, squash
from jobshift.connectors.csv_import.encoding import (
    AUTO,
    Encoding,
    detect_encoding,
    temporary_directory,
    utf8_copy,
)
from jobshift.connectors.csv_import.records import BrokenRecord, Records, skip_blank
from jobshift.connectors.csv_import.values import DERIVATIONS
from jobshift.errors import ConfigError, InputFileError

DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 1 << 16
IGNORE_TARGETS = {"-", ""}

__all__ = ["ArrowBatch", "Batch", "CrmCsvReader", "HeaderPlan", "detect_delimiter", "plan_header"]

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class HeaderPlan:
    """How the file's columns map onto the object's columns."""

    columns: list[str]
    """Output columns: canonical columns present, derived columns, then ``custom`` if any."""
    fields: list[tuple[int, int, str, str, bool, int | None]]
    """(file index, output position, column, type, required, max length) per mapped column."""
    custom: list[tuple[int, str]] = field(default_factory=list)
    custom_json_index: int | None = None
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def detect_delimiter(header_line: str) -> str:
    """The candidate delimiter occurring most in the header line (``,`` when none occurs)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def plan_header(
    header: list[str],
    spec: ObjectSpec,
    mapping: Mapping[str, str] | None = None,
    ignore: Iterable[str] = (),
) -> HeaderPlan:
    """Map header cells to canonical columns: canonical names, then ``[mapping.<object>]``, then aliases.

    Raises ``ConfigError`` for a mapping onto an unknown column and ``InputFileError`` (message
    without the file name) when a required column is missing.
    """
    names = set(spec.column_names)
    mapping = dict(mapping or {})
    for src, dst in mapping.items():
        if dst not in names and dst not in IGNORE_TARGETS:
            raise ConfigError(
                f"unknown {spec.name} column {dst!r}; expected one of: {', '.join(spec.column_names)}",
                key_path=f"mapping.{spec.name}.{src}",
            )
    mapping_ci = {k.strip().lower(): v for k, v in mapping.items()}
    aliases = {squash(k): v for k, v in spec.aliases.items()}
    aliases.update({squash(n): n for n in spec.column_names})
    skip = {*spec.derived, *ignore}

    assigned: dict[str, int] = {}
    custom: list[tuple[int, str]] = []
    custom_json: int | None = None
    ignored: list[str] = []
    warnings: list[str] = []
    for i, cell in enumerate(header):
        h = cell.strip()
        low = h.lower()
        if low in names:
            target: str | None = low
        elif h in mapping or low in mapping_ci:
            target = mapping.get(h, mapping_ci.get(low))
            if target in IGNORE_TARGETS:
                ignored.append(h)
                continue
        elif low == "custom":
            custom_json = i
            continue
        elif low in skip:
            ignored.append(h)
            continue
        else:
            target = aliases.get(squash(h)) if h else None
        if target is None:
            custom.append((i, h or f"column_{i + 1}"))
        elif target in assigned:
            warnings.append(f"column {h!r} also maps to {target}; kept as a custom field")
            custom.append((i, h))
        else:
            assigned[target] = i

    missing = [c.name for c in spec.columns if c.required and c.name not in assigned]
    if missing:
        raise InputFileError(
            f"required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} not in the header "
            f"(found: {', '.join(h.strip() for h in header)[:300]})"
        )
    columns = [c.name for c in spec.columns if c.name in assigned]
    fields = [
        (assigned[c.name], pos, c.name, c.type, c.required, c.max_len)
        for pos, c in enumerate(c for c in spec.columns if c.name in assigned)
    ]
    columns += [d for d in spec.derived if DERIVATIONS[d][0] in assigned]
    if custom or custom_json is not None:
        columns.append("custom")
    return HeaderPlan(columns, fields, custom, custom_json, ignored, warnings)


class CrmCsvReader:
    """Read one CRM CSV file of object ``spec`` in batches of ``batch_size`` rows."""

    def __init__(
        self,
        path: str | Path,
        spec: ObjectSpec,
        *,
        mapping: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        batch_size: int = 20_000,
        encoding: str = AUTO,
        invalid_email: str = "keep",
    ) -> None:
        self.path = Path(path)
        """The file parsed: ``path``, or its UTF-8 copy when it is in another encoding."""
        self.spec = spec
        self.batch_size = batch_size
        self.mapping = dict(mapping or {})
        self.ignore = tuple(ignore)
        self.source = str(path)
        self.invalid_email = invalid_email
        """What an invalid e-mail address does: ``keep`` (counted), ``blank`` or ``quarantine`` its row."""
        self._end = 0
        self._copy: TemporaryDirectory[str] | None = None
        self.encoding, self.delimiter = self._sniff(encoding)
        self.bom = self.encoding.bom
        with self._open() as fh:
            try:
                header = skip_blank(Records(fh, self.delimiter, -1))
            except (csv.Error, UnicodeDecodeError) as exc:
                raise self._error(f"cannot read the header: {exc}") from None
        if not header:
            raise self._error("no header row (empty file)")
        if isinstance(header, BrokenRecord):
            raise self._error(f"cannot read the header: {header.reason}")
        self.header = header
        try:
            self.plan = plan_header(header, spec, self.mapping, self.ignore)
        except InputFileError as exc:
            raise self._error(str(exc)) from None

    @property
    def columns(self) -> list[str]:
        """The columns of every row tuple the batches hold."""
        return self.plan.columns

    def _error(self, message: str) -> InputFileError:
        return InputFileError(f"{self.source}: {message}")

    def close(self) -> None:
        """Remove the UTF-8 copy of a file in another encoding (also done when the reader is collected)."""
        if self._copy is not None:
            self._copy.cleanup()
            self._copy = None

    def _open(self) -> Any:
        return open(self.path, encoding="utf-8-sig", newline="", errors="strict")

    def _sniff(self, configured: str) -> tuple[Encoding, str]:
        """The file's encoding (making a UTF-8 copy if needed) and delimiter."""
        head = self._head(self.path)
        try:
            encoding = detect_encoding(self.path, head, configured)
        except ValueError as exc:
            raise ConfigError(str(exc), key_path="import.encoding") from None
        except InputFileError as exc:
            raise self._error(str(exc)) from None
        if not encoding.is_utf8:
            self._copy = temporary_directory()
            try:
                self.path = utf8_copy(self.path, encoding, self._copy.name)
            except InputFileError as exc:
                self.close()
                raise self._error(str(exc)) from None
            head = self._head(self.path)
        try:
            text = head.decode("utf-8-sig") if len(head) < SNIFF_BYTES else _decode_prefix(head)
        except UnicodeDecodeError as exc:
            line = head.count(b"\n", 0, exc.start) + 1
            raise self._error(
                f"not UTF-8 text at line {line} ({exc.reason}): save the file as UTF-8 "
                "or name its encoding (--encoding, or import.encoding in jobshift.toml)"
            ) from None
        first = next((line for line in text.splitlines() if line.strip(" \t,;|")), "")
        return encoding, detect_delimiter(first)

    def _head(self, path: Path) -> bytes:
        try:
            with open(path, "rb") as fh:
                return fh.read(SNIFF_BYTES)
        except FileNotFoundError:
            raise self._error("no such file") from None
        except IsADirectoryError:
            raise self._error("is a directory, not a CSV file") from None
        except OSError as exc:
            raise self._error(f"cannot open: {exc.strerror or exc}") from None

    def batches(self, *, fast: bool = True) -> Iterator[Batch | ArrowBatch]:
        """Yield the file's rows in batches of at most ``batch_size`` records (header excluded).

        With ``fast``, clean stretches of the file are parsed by pyarrow and checked and converted by
        its compute kernels (:class:`ArrowBatch`); the rest, or everything without ``fast``, is parsed
        by the ``csv`` module and checked column by column (:class:`Batch`). Either way the rows a
        column check flags go through the per-row checks, which name the exact problem, and every
        batch holds the same rows, bad rows and counts (see :mod:`~jobshift.connectors.csv_import.blocks`).
        """
        if fast:
            yield from self._guarded(self._fast_batches())
        else:
            yield from self._guarded(self._csv_batches())

    def _fast_batches(self) -> Iterator[Batch | ArrowBatch]:
        python = BatchProcessor(self)
        arrow = ArrowBatchProcessor(self, python)
        start, line = header_end(self.path, self.delimiter)
        self._end = line
        for part in record_batches(self.path, self.delimiter, len(self.header), self.batch_size, start, line):
            if isinstance(part, ArrowRecords):
                yield arrow.process(part)
            else:
                self._end = part.end
                yield python.process(part.recs, part.start, part.end)

    def _csv_batches(self) -> Iterator[Batch]:
        processor = BatchProcessor(self)
        with self._open() as fh:
            head = Records(fh, self.delimiter, -1)
            skip_blank(head)
            reader = Records(chain(head.unread, fh), self.delimiter, len(self.header), head.line)
            self._end = reader.line
            while recs := reader.take(self.batch_size):
                start, self._end = self._end, reader.line
                yield processor.process(recs, start, self._end)

    def _guarded(self, batches: Iterator[Batch | ArrowBatch]) -> Iterator[Batch | ArrowBatch]:
        """``batches``, with decoding and CSV syntax errors raised as ``InputFileError``."""
        self._end = 0
        try:
            yield from batches
        except UnicodeDecodeError as exc:
            line = _first_bad_utf8_line(self.path) or self._end
            raise self._error(f"not UTF-8 text at line {line} ({exc.reason})") from None
        except csv.Error as exc:
            line = _last_good_line(self.path, self.delimiter)
            raise self._error(f"malformed CSV after line {line}: {exc}") from None


def _last_good_line(path: Path, delimiter: str) -> int:
    """The line where the last record before a CSV syntax error ends (error path only)."""
    line = 0
    with open(path, encoding="utf-8-sig", newline="", errors="replace") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            for _rec in reader:
                line = reader.line_num
        except csv.Error:
            pass
    return line


def _first_bad_utf8_line(path: Path) -> int | None:
    """The physical line holding the first byte sequence that is not UTF-8 (error path only)."""
    with open(path, "rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return n
    return None


def _decode_prefix(head: bytes) -> str:
    """Decode a byte prefix that may end inside a multi-byte character."""
    for cut in range(4):
        try:
            return head[: len(head) - cut].decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                raise
    return head.decode("utf-8-sig")
