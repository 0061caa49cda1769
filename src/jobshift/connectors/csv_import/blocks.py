"""Cutting a CRM CSV file into batches of records: pyarrow parses clean stretches, ``csv`` the rest.

:func:`record_batches` yields batches of exactly ``batch_size`` records (the last one fewer), each either
:class:`ArrowRecords` (a pyarrow table of the file's columns as text) or :class:`CsvRecords` (lists of
strings read by :class:`~jobshift.connectors.csv_import.records.Records`, the ``csv`` module with recovery
from
unterminated quotes). Both give the same records: pyarrow's CSV parser follows the ``csv`` module's
state machine for the excel dialect (quotes open only at a field's start, ``""`` inside quotes, text
after a closing quote kept; ``tests/test_import_fast.py`` checks this on random text), and a parsed
block is only used when:

- it was cut after a line break preceded by an even number of quote characters, parsed without error
  (so every record has the header's field count and the text is valid UTF-8), and its last value does
  not end with a line break (a quoted field still open where the block was cut);
- its physical lines (``\\n``, ``\\r``, ``\\r\\n``) equal its records plus the line breaks inside values,
  so no blank line was skipped and every record's line number is exact.
- no record may hold a runaway quote (see :mod:`~jobshift.connectors.csv_import.records`): the records of a
  block that span lines must read in the ``csv`` module's ``strict`` mode, and the block at the end of a
  file that holds a quote must end with a line break.

Any other block (blank lines, wrong field counts, a stray quote that moved the cut into a quoted field,
invalid UTF-8, a record larger than :data:`BLOCK_MAX`) is read by the ``csv`` module from the last record
boundary on, which also raises the same errors as before. The pyarrow path resumes after that block.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jobshift.connectors.csv_import.records import Records, skip_blank

BLOCK_MIN = 1 << 14
BLOCK_MAX = 1 << 26
"""A block that holds no complete record at this size is read by the ``csv`` module."""
BLOCK_SLACK = 1.1
"""Blocks are sized for this many times the records a batch still needs (from the mean record size)."""


@dataclass
class ArrowRecords:
    """Records parsed by pyarrow: the file's columns as text (no nulls), in file order."""

    table: pa.Table
    first_line: int
    """The physical line where the first record starts."""
    embedded: pa.Array | None
    """Per record, the line breaks inside its values (``None``: no record spans lines)."""
    has_nul: bool
    """Whether some value may hold a NUL character."""

    def lines(self) -> list[int]:
        """The physical line where each record starts."""
        n = self.table.num_rows
        if self.embedded is None:
            return list(range(self.first_line, self.first_line + n))
        before = pc.subtract(pc.cumulative_sum(self.embedded), self.embedded).to_pylist()
        return [self.first_line + i + int(e) for i, e in enumerate(before)]

    def records(self, rows: list[int] | None = None) -> list[list[str]]:
        """Records (all, or those at ``rows``) as lists of strings, like the ``csv`` module's."""
        table = self.table if rows is None else self.table.take(pa.array(rows, pa.int64()))
        return [list(r) for r in zip(*(c.to_pylist() for c in table.columns), strict=True)]


@dataclass
class CsvRecords:
    """Records read by the ``csv`` module from physical lines ``start + 1`` to ``end``."""

    recs: list[list[str]]
    start: int
    end: int


def header_end(path: Path, delimiter: str) -> tuple[int, int]:
    """Byte offset and physical line count of the end of the header record (blank lines above it
    skipped, see :func:`~jobshift.connectors.csv_import.records.skip_blank`)."""
    with open(path, "rb") as raw:
        bom = raw.read(3) == b"\xef\xbb\xbf"
        raw.seek(3 if bom else 0)
        lines = _Lines(raw)
        records = Records(lines, delimiter, -1)
        skip_blank(records)
        lines.close()
        return lines.start + lines.consumed - _size(records.unread), records.line


def _size(lines: list[str]) -> int:
    return sum(len(line.encode()) for line in lines)


class _Lines:
    """The lines of a binary file from its current position, decoded (``csv`` splits records from
    them), counting the bytes handed out so far."""

    def __init__(self, raw: BinaryIO) -> None:
        self.start = raw.tell()
        self.text = io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")
        self.consumed = 0

    def __iter__(self) -> Iterator[str]:
        for line in iter(self.text.readline, ""):
            self.consumed += len(line.encode())
            yield line

    def close(self) -> None:
        """Let go of the binary file without closing it."""
        self.text.detach()


def record_batches(
    path: Path, delimiter: str, width: int, batch_size: int, start: int, line: int
) -> Iterator[ArrowRecords | CsvRecords]:
    """Batches of ``batch_size`` records of ``path`` from byte ``start`` (after physical line ``line``)."""
    with open(path, "rb") as raw:
        yield from _Cutter(raw, delimiter, width, batch_size, start, line).batches()


class _Cutter:
    """The state of :func:`record_batches`: the byte offset and line of the next record, records parsed
    but not yet handed out, and where the ``csv`` module must read up to after a refused block."""

    def __init__(self, raw: BinaryIO, delimiter: str, width: int, batch_size: int, pos: int, line: int):
        self.raw, self.delimiter, self.width, self.batch_size = raw, delimiter, width, batch_size
        self.pos, self.line = pos, line
        self.names = [f"f{i}" for i in range(width)]
        self.bytes_per_record = 256.0
        self.slow_until = -1
        self.eof = False
        self.pending: list[ArrowRecords] = []

    def batches(self) -> Iterator[ArrowRecords | CsvRecords]:
        while True:
            have = sum(p.table.num_rows for p in self.pending)
            if have >= self.batch_size or (self.eof and have):
                yield self._take(self.batch_size)
                continue
            if self.eof:
                return
            if self.width > 1 and self.pos >= self.slow_until:
                block = self._parse(self.batch_size - have)
                if block is not None:
                    self.pending.append(block)
                if block is not None or self.eof:
                    continue
            slow = self._read_slowly(self.batch_size - have)
            if not slow.recs:
                return
            yield slow

    def _take(self, n: int) -> ArrowRecords:
        """The first ``n`` pending records as one :class:`ArrowRecords`."""
        parts = self.pending
        if len(parts) == 1 and parts[0].table.num_rows <= n:
            self.pending = []
            return parts[0]
        table = pa.concat_tables([p.table for p in parts]).combine_chunks()
        emb = None
        if any(p.embedded is not None for p in parts):
            emb = pa.concat_arrays(
                [p.embedded if p.embedded is not None else _zeros(p.table.num_rows) for p in parts]
            )
        first = parts[0].first_line
        head = ArrowRecords(
            table.slice(0, n), first, None if emb is None else emb.slice(0, n), any(p.has_nul for p in parts)
        )
        rest = table.num_rows - n
        if rest > 0:
            after = first + n + (0 if emb is None else int(pc.sum(emb.slice(0, n)).as_py() or 0))
            rest_emb = None if emb is None else emb.slice(n)
            self.pending = [ArrowRecords(table.slice(n), after, rest_emb, head.has_nul)]
        else:
            self.pending = []
        return head

    def _parse(self, need: int) -> ArrowRecords | None:
        """Parse the next block with pyarrow; ``None`` (and a stretch for the ``csv`` module) if unsure."""
        size = int(min(max(need * self.bytes_per_record * BLOCK_SLACK, BLOCK_MIN), BLOCK_MAX))
        while True:
            self.raw.seek(self.pos)
            data = self.raw.read(size)
            at_eof = len(data) < size
            if not data:
                self.eof = True
                return None
            cut = len(data) if at_eof else _cut(data)
            if cut or size >= BLOCK_MAX:
                break
            size = min(size * 4, BLOCK_MAX)
        if not cut:
            self.slow_until = self.pos + len(data)
            return None
        data = data[:cut]
        if at_eof and b'"' in data and not data.endswith((b"\n", b"\r")):
            self.slow_until = self.pos + cut  # the last record may end inside a quote
            return None
        lines = _physical_lines(data)
        block = _parse_block(data, lines, self.names, self.delimiter, self.line + 1)
        if block is None:
            self.slow_until = self.pos + cut
            return None
        self.pos += cut
        self.line += lines
        self.eof = at_eof
        self.bytes_per_record = cut / block.table.num_rows
        return block

    def _read_slowly(self, need: int) -> CsvRecords:
        """Complete the batch with the ``csv`` module from the last record boundary."""
        recs: list[list[str]] = []
        start = self.line
        if self.pending:
            start = self.pending[0].first_line - 1
            for p in self.pending:
                recs += p.records()
            self.pending = []
        self.raw.seek(self.pos)
        lines = _Lines(self.raw)
        try:
            reader = Records(lines, self.delimiter, self.width, self.line)
            got = reader.take(need)
        finally:
            lines.close()
        self.pos += lines.consumed - _size(reader.unread)
        self.line = reader.line
        self.eof = len(got) < need
        return CsvRecords(recs + got, start, self.line)


def _zeros(n: int) -> pa.Array:
    return pa.array([0] * n, pa.int64())


def _cut(data: bytes) -> int:
    """The end of the last line break of ``data`` preceded by an even number of quotes (0: none)."""
    end = data.rfind(b"\n") + 1
    quotes = data.count(b'"', 0, end) if b'"' in data else 0
    for _ in range(256):
        if end <= 0 or quotes % 2 == 0:
            return max(end, 0)
        prev = data.rfind(b"\n", 0, end - 1) + 1
        quotes -= data.count(b'"', prev, end)
        end = prev
    return 0


def _physical_lines(data: bytes) -> int:
    """Lines as the ``csv`` module counts them (``\\n``, ``\\r`` and ``\\r\\n`` end a line)."""
    n = data.count(b"\n")
    if b"\r" in data:
        n += data.count(b"\r") - data.count(b"\r\n")
    return n if data.endswith((b"\n", b"\r")) else n + 1


def _parse_block(
    data: bytes, lines: int, names: list[str], delimiter: str, first_line: int
) -> ArrowRecords | None:
    """``data`` (``lines`` physical lines) parsed by pyarrow, or ``None`` if the records may differ."""
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                column_names=names, use_threads=False, block_size=max(len(data) + 1, BLOCK_MIN)
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError, ValueError):
        return None
    rows = table.num_rows
    if not rows or table.num_columns != len(names):
        return None
    last = table.column(len(names) - 1)[rows - 1].as_py()
    if last.endswith(("\n", "\r")):
        return None  # maybe a quoted field still open where the block was cut
    embedded = None
    if lines != rows:
        if b'"' not in data:
            return None
        embedded = _embedded_breaks(table)
        if lines != rows + int(pc.sum(embedded).as_py() or 0) or not _spanning_strict(
            data, embedded, delimiter
        ):
            return None
    return ArrowRecords(table, first_line, embedded, b"\x00" in data)


def _spanning_strict(data: bytes, embedded: pa.Array, delimiter: str) -> bool:
    """Whether every record of ``data`` that spans lines (``embedded`` line breaks per record) reads in
    the ``csv`` module's ``strict`` mode: else it may be a runaway quote, which
    :class:`~jobshift.connectors.csv_import.records.Records` checks and resynchronizes record by record."""
    if data.count(b"\r") != data.count(b"\r\n"):  # lone CRs end lines too: check the whole block
        return _strictly_quoted(data, delimiter)
    spanning = pc.indices_nonzero(embedded)
    before = pc.take(pc.subtract(pc.cumulative_sum(embedded), embedded), spanning).to_pylist()
    counts = pc.take(embedded, spanning).to_pylist()
    if not counts:
        return True
    wanted: list[int] = []
    for r, b, n in zip(spanning.to_pylist(), before, counts, strict=True):
        wanted += range(r + b, r + b + n + 1)
    lines = pc.list_flatten(pc.split_pattern(pa.array([data], pa.binary()), "\n"))
    # the records one after the other: each ends where the csv module starts a new record (it reads this
    # block as pyarrow does), so strict mode fails on them together iff it fails on one of them
    return _strictly_quoted(
        b"\n".join(lines.take(pa.array(wanted, pa.int64())).to_pylist()) + b"\n", delimiter
    )


def _strictly_quoted(data: bytes, delimiter: str) -> bool:
    """Whether the ``csv`` module's ``strict`` mode reads ``data`` (no text after a closing quote, no
    quote open at the end)."""
    try:
        for _rec in csv.reader(io.StringIO(data.decode(), newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True


def _embedded_breaks(table: pa.Table) -> pa.Array:
    """Per record, the line breaks inside its values."""
    total: pa.Array | None = None
    for col in table.columns:
        n = pc.count_substring_regex(col, r"\r\n|\r|\n").combine_chunks().cast(pa.int64())
        total = n if total is None else pc.add(total, n)
    assert total is not None
    return total
