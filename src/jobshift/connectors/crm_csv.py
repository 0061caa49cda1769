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
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from jobshift.connectors.crm_columns import ObjectSpec, squash
from jobshift.connectors.crm_values import CONVERTERS, DERIVATIONS
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

    rows: list[tuple[Any, ...]]
    bad: list[BadRow]
    read: int
    duplicates: int


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
            self.plan = plan_header(header, spec, mapping, ignore)
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
        """Yield the file's rows in batches (header excluded)."""
        plan, source, delim = self.plan, self.source, self.delimiter
        width = len(self.header)
        k = len(plan.fields)
        pick = itemgetter(*[f[0] for f in plan.fields])
        single = k == 1
        required = [(pos, name) for _i, pos, name, _t, req, _m in plan.fields if req]
        limited = [(pos, name, ml) for _i, pos, name, _t, _r, ml in plan.fields if ml is not None]
        typed = [(pos, name, CONVERTERS[t]) for _i, pos, name, t, _r, _m in plan.fields if t in CONVERTERS]
        derived = [
            (plan.columns.index(DERIVATIONS[d][0]), DERIVATIONS[d][1])
            for d in plan.columns
            if d in DERIVATIONS
        ]
        has_custom = "custom" in plan.columns
        key_pos = [plan.columns.index(c) for c in self.spec.key]
        single_key = key_pos[0] if len(key_pos) == 1 else None
        seen: set[Any] = set()
        nul_lines: list[int] = []

        rows: dict[Any, tuple[Any, ...]] = {}
        bad: list[BadRow] = []
        read = dups = 0
        prev = 0
        with self._open() as fh:
            reader = csv.reader(_nul_watch(fh, nul_lines), delimiter=delim)
            try:
                next(reader)
                prev = reader.line_num
                for rec in reader:
                    line = prev + 1
                    prev = reader.line_num
                    if not rec or (len(rec) == 1 and not rec[0].strip()):
                        continue
                    read += 1
                    if len(rec) != width:
                        msg = f"{len(rec)} fields, header has {width}"
                        bad.append(BadRow(source, line, None, msg, _raw(rec, delim)))
                        continue
                    if nul_lines and nul_lines[-1] >= line:
                        bad.append(BadRow(source, line, None, "contains a NUL character", _raw(rec, delim)))
                        continue
                    out: list[Any] = (
                        [pick(rec).strip() or None] if single else [v.strip() or None for v in pick(rec)]
                    )
                    problem = _check(out, required, limited, typed)
                    if problem is None and has_custom:
                        try:
                            out.append(_custom(rec, plan))
                        except ValueError as exc:
                            problem = ("custom", str(exc))
                    if problem is not None:
                        bad.append(BadRow(source, line, problem[0], problem[1], _raw(rec, delim)))
                        continue
                    if derived:
                        derived_values = [fn(out[src]) for src, fn in derived]
                        if has_custom:
                            out[k:k] = derived_values
                        else:
                            out += derived_values
                    key = out[single_key] if single_key is not None else tuple(out[p] for p in key_pos)
                    if key in seen:
                        dups += 1
                    else:
                        seen.add(key)
                    rows[key] = tuple(out)
                    if len(rows) >= self.batch_size:
                        yield Batch(list(rows.values()), bad, read, dups)
                        rows, bad, read, dups = {}, [], 0, 0
            except UnicodeDecodeError as exc:
                line = _first_bad_utf8_line(self.path) or prev
                raise self._error(f"not UTF-8 text at line {line} ({exc.reason})") from None
            except csv.Error as exc:
                raise self._error(f"malformed CSV after line {prev}: {exc}") from None
        if rows or bad or read:
            yield Batch(list(rows.values()), bad, read, dups)


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


def _nul_watch(lines: Iterable[str], nul_lines: list[int]) -> Iterator[str]:
    """Pass lines through, recording the numbers of lines that hold a NUL character."""
    for n, line in enumerate(lines, 1):
        if "\x00" in line:
            nul_lines.append(n)
        yield line


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
    return delim.join(rec)[:MAX_RAW]
