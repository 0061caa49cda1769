"""Streaming reader of CRM CSV files: encoding and delimiter detection, header mapping, row coercion.

The reader never holds the file in memory: it yields :class:`Batch` es of typed rows (tuples in the
order of :attr:`CrmCsvReader.columns`) and the bad rows of that stretch as :class:`BadRow` with the
physical line where the record starts, the column and the reason. A file that cannot be read at all
raises :class:`~jobshift.errors.InputFileError` with a one-line message.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from jobshift.connectors.crm_columns import ObjectSpec, squash
from jobshift.connectors.crm_values import CONVERTERS, DERIVATIONS, convert_column, derive_column
from jobshift.errors import ConfigError, InputFileError

DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 1 << 16
MAX_RAW = 2000
IGNORE_TARGETS = {"-", ""}

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass(frozen=True)
class BadRow:
    """A row that was not imported: where it is and why."""

    source: str
    line: int | None
    column: str | None
    reason: str
    raw: str | None = None


@dataclass
class Batch:
    """Good rows (deduplicated by key, last one wins) and bad rows of one stretch of the file."""

    columns: list[list[Any]]
    """The good rows column by column, in the order of :attr:`CrmCsvReader.columns`."""
    bad: list[BadRow]
    read: int
    duplicates: int
    new_keys: int = 0
    """Rows whose key no earlier batch of the file had (the rest repeat a key of an earlier batch)."""

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The good rows as tuples."""
        return list(zip(*self.columns, strict=True)) if self.columns else []

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0


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
    ) -> None:
        self.path = Path(path)
        self.spec = spec
        self.batch_size = batch_size
        self.mapping = dict(mapping or {})
        self.ignore = tuple(ignore)
        self.source = str(path)
        self.delimiter, self.bom = self._sniff()
        with self._open() as fh:
            try:
                header = next(csv.reader(fh, delimiter=self.delimiter), None)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise self._error(f"cannot read the header: {exc}") from None
        if not header or not any(h.strip() for h in header):
            raise self._error("no header row (empty file)")
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
        return InputFileError(f"{self.path}: {message}")

    def _open(self) -> Any:
        return open(self.path, encoding="utf-8-sig", newline="", errors="strict")

    def _sniff(self) -> tuple[str, bool]:
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(SNIFF_BYTES)
        except FileNotFoundError:
            raise self._error("no such file") from None
        except IsADirectoryError:
            raise self._error("is a directory, not a CSV file") from None
        except OSError as exc:
            raise self._error(f"cannot open: {exc.strerror or exc}") from None
        if b"\x00" in head:
            raise self._error("binary data, not a CSV text file")
        bom = head.startswith(b"\xef\xbb\xbf")
        try:
            text = head.decode("utf-8-sig") if len(head) < SNIFF_BYTES else _decode_prefix(head)
        except UnicodeDecodeError as exc:
            raise self._error(f"not UTF-8 text (byte {exc.start}): save the file as UTF-8") from None
        first = text.splitlines()[0] if text else ""
        return detect_delimiter(first), bom

    def batches(self) -> Iterator[Batch]:
        """Yield the file's rows in batches of at most ``batch_size`` records (header excluded).

        Records are parsed by the ``csv`` module, then checked and converted column by column; the
        few rows a column check flags go through the per-row checks, which name the exact problem.
        """
        processor = _BatchProcessor(self)
        with self._open() as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            end = 0
            try:
                next(reader)
                end = reader.line_num
                while recs := list(islice(reader, self.batch_size)):
                    start, end = end, reader.line_num
                    yield processor.process(recs, start, end)
            except UnicodeDecodeError as exc:
                line = _first_bad_utf8_line(self.path) or end
                raise self._error(f"not UTF-8 text at line {line} ({exc.reason})") from None
            except csv.Error as exc:
                line = _last_good_line(self.path, self.delimiter)
                raise self._error(f"malformed CSV after line {line}: {exc}") from None


class _BatchProcessor:
    """Checks, converts and deduplicates the records of a file, one batch at a time."""

    def __init__(self, reader: CrmCsvReader) -> None:
        plan = reader.plan
        self.source, self.delim = reader.source, reader.delimiter
        self.width = len(reader.header)
        self.plan = plan
        self.fields = plan.fields
        self.pick = itemgetter(*[f[0] for f in plan.fields])
        self.single = len(plan.fields) == 1
        self.required = [(pos, name) for _i, pos, name, _t, req, _m in plan.fields if req]
        self.limited = [(pos, name, ml) for _i, pos, name, _t, _r, ml in plan.fields if ml is not None]
        self.typed = [
            (pos, name, CONVERTERS[t]) for _i, pos, name, t, _r, _m in plan.fields if t in CONVERTERS
        ]
        self.derived = [(d, plan.columns.index(DERIVATIONS[d][0])) for d in plan.columns if d in DERIVATIONS]
        self.has_custom = "custom" in plan.columns
        self.key_pos = [plan.columns.index(c) for c in reader.spec.key]
        self.seen: set[Any] = set()

    def process(self, recs: list[list[str]], start: int, end: int) -> Batch:
        """One batch: ``recs`` are the records parsed from physical lines ``start + 1`` to ``end``."""
        lines = _record_lines(recs, start, end)
        bad: list[BadRow] = []
        width = self.width
        if width > 1 and min(map(len, recs)) == width == max(map(len, recs)):
            cand, where = recs, list(range(len(recs)))
        else:
            cand, where = [], []
            for j, rec in enumerate(recs):
                if not rec or (len(rec) == 1 and not rec[0].strip()):
                    continue
                if len(rec) != width:
                    bad.append(self._bad(lines[j], None, f"{len(rec)} fields, header has {width}", rec))
                    continue
                cand.append(rec)
                where.append(j)
        read = len(cand) + len(bad)
        table = list(zip(*cand, strict=True))  # the file's columns
        if any("\x00" in "".join(c) for c in table):
            keep = []
            for rec, j in zip(cand, where, strict=True):
                if any("\x00" in v for v in rec):
                    bad.append(self._bad(lines[j], None, "contains a NUL character", rec))
                else:
                    keep.append((rec, j))
            cand, where = [r for r, _j in keep], [j for _r, j in keep]
            table = list(zip(*cand, strict=True))
        cols = self._columns(table)
        suspects = self._suspects(cols)
        rejected = self._recheck(cand, where, lines, cols, suspects, bad)
        custom = self._custom_column(cand, where, lines, rejected, bad) if self.has_custom else None
        if rejected:
            keep_idx = [i for i in range(len(cand)) if i not in rejected]
            cols = [[c[i] for i in keep_idx] for c in cols]
            if custom is not None:
                custom = [custom[i] for i in keep_idx]
        for name, src in self.derived:
            cols.append(derive_column(name, cols[src]))
        if custom is not None:
            cols.append(custom)
        bad.sort(key=lambda b: b.line or 0)
        return self._dedup(cols, bad, read)

    def _bad(self, line: int, column: str | None, reason: str, rec: list[str]) -> BadRow:
        return BadRow(self.source, line, column, reason, _raw(rec, self.delim))

    def _columns(self, table: list[tuple[str, ...]]) -> list[list[Any]]:
        """Trimmed cells (``None`` for empty) of every mapped column; typed columns converted later."""
        if not table:
            return [[] for _f in self.fields]
        cols: list[list[Any]] = []
        for i, *_rest in self.fields:
            col: list[Any] = list(map(str.strip, table[i]))
            if "" in col:
                col = [v or None for v in col]
            cols.append(col)
        return cols

    def _suspects(self, cols: list[list[Any]]) -> set[int]:
        """Convert typed columns in place; the rows that fail some check (exact reason found later)."""
        suspects: set[int] = set()
        for pos, _name in self.required:
            if None in cols[pos]:
                suspects.update(i for i, v in enumerate(cols[pos]) if v is None)
        for pos, _name, max_len in self.limited:
            col = cols[pos]
            if max(map(len, filter(None, col)), default=0) > max_len:
                suspects.update(i for i, v in enumerate(col) if v and len(v) > max_len)
        for _i, pos, _name, type_, _r, _m in self.fields:
            if type_ in CONVERTERS:
                cols[pos], failed = convert_column(type_, cols[pos])
                suspects.update(failed)
        return suspects

    def _recheck(
        self,
        cand: list[list[str]],
        where: list[int],
        lines: list[int],
        cols: list[list[Any]],
        suspects: set[int],
        bad: list[BadRow],
    ) -> set[int]:
        """Run the per-row checks on flagged rows: quarantine the bad ones, restore any good one."""
        rejected: set[int] = set()
        for i in sorted(suspects):
            rec = cand[i]
            picked = self.pick(rec)
            out: list[Any] = [picked.strip() or None] if self.single else [v.strip() or None for v in picked]
            problem = _check(out, self.required, self.limited, self.typed)
            if problem is None:
                for pos, value in enumerate(out):
                    cols[pos][i] = value
            else:
                rejected.add(i)
                bad.append(self._bad(lines[where[i]], problem[0], problem[1], rec))
        return rejected

    def _custom_column(
        self,
        cand: list[list[str]],
        where: list[int],
        lines: list[int],
        rejected: set[int],
        bad: list[BadRow],
    ) -> list[Any]:
        out: list[Any] = []
        for i, rec in enumerate(cand):
            value = None
            if i not in rejected:
                try:
                    value = _custom(rec, self.plan)
                except ValueError as exc:
                    rejected.add(i)
                    bad.append(self._bad(lines[where[i]], "custom", str(exc), rec))
            out.append(value)
        return out

    def _dedup(self, cols: list[list[Any]], bad: list[BadRow], read: int) -> Batch:
        """Rows keyed by the object's key, the last of a repeated key winning; new and repeated counts."""
        n = len(cols[0]) if cols else 0
        if len(self.key_pos) == 1:
            keys: list[Any] = cols[self.key_pos[0]]
        else:
            keys = list(zip(*(cols[p] for p in self.key_pos), strict=True))
        last = dict(zip(keys, range(n), strict=True))  # first-appearance order, position of the last one
        if len(last) < n:
            keep = list(last.values())
            cols = [[c[i] for i in keep] for c in cols]
        before = len(self.seen)
        self.seen.update(last)
        new = len(self.seen) - before
        return Batch(cols, bad, read, n - new, new)


def _record_lines(recs: list[list[str]], start: int, end: int) -> list[int]:
    """The physical line where each record starts; records follow line ``start`` and end at ``end``."""
    if end - start == len(recs):
        return list(range(start + 1, end + 1))
    lines: list[int] = []
    n = start + 1
    for rec in recs:
        lines.append(n)
        n += 1
        for v in rec:
            if "\n" in v or "\r" in v:
                n += v.count("\n") + v.count("\r") - v.count("\r\n")
    return lines


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


def _check(
    out: list[Any],
    required: list[tuple[int, str]],
    limited: list[tuple[int, str, int]],
    typed: list[tuple[int, str, Callable[[str], Any]]],
) -> tuple[str, str] | None:
    """Check required values and lengths, convert typed cells in place; the first problem or ``None``."""
    for pos, name in required:
        if out[pos] is None:
            return name, "required value missing"
    for pos, name, max_len in limited:
        v = out[pos]
        if v is not None and len(v) > max_len:
            return name, f"longer than {max_len} characters"
    for pos, name, conv in typed:
        v = out[pos]
        if v is not None:
            try:
                out[pos] = conv(v)
            except ValueError as exc:
                return name, str(exc)
    return None


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


def _custom(rec: list[str], plan: HeaderPlan) -> dict[str, Any] | None:
    data: dict[str, Any] = {}
    if plan.custom_json_index is not None:
        text = rec[plan.custom_json_index].strip()
        if text:
            try:
                parsed = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise ValueError("not a JSON object") from None
            if not isinstance(parsed, dict):
                raise ValueError("not a JSON object")
            data.update(parsed)
    for i, name in plan.custom:
        v = rec[i].strip()
        if v:
            data[name] = v
    return data or None


def _raw(rec: list[str], delim: str) -> str:
    """The record as text for the quarantine; a NUL is written ``\\x00`` (databases refuse NUL in text)."""
    return delim.join(rec)[:MAX_RAW].replace("\x00", "\\x00")
