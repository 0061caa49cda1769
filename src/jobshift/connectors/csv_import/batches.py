"""Checking, converting and deduplicating the records of a CRM CSV file, one batch at a time.

Here records come from the ``csv`` module (see :mod:`jobshift.connectors.csv_import.blocks`; stretches parsed
by pyarrow go through :mod:`jobshift.connectors.csv_import.arrow`, which shares the per-row checks). Each
batch is
checked and converted column by column (C-level list operations, cached fast paths); the few rows a column
check flags go through the per-row checks, which name the exact problem, so every bad row gets the same
line, column and reason whichever way it was found.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import orjson

from jobshift.connectors.csv_import.records import BrokenRecord
from jobshift.connectors.csv_import.values import (
    CONVERTERS,
    DERIVATIONS,
    convert_column,
    derive_column,
    email_column,
    key_column,
)
from jobshift.domain.normalize.email_check import email_problem
from jobshift.domain.normalize.salesforce_keys import record_key
from jobshift.errors import InputError

if TYPE_CHECKING:
    from jobshift.connectors.csv_import.reader import CrmCsvReader, HeaderPlan


@dataclass
class Batch:
    """Good rows (deduplicated by key, last one wins) and bad rows of one stretch of the file."""

    columns: list[list[Any]]
    """The good rows column by column, in the order of :attr:`CrmCsvReader.columns`."""
    bad: list[InputError]
    """The rows not imported (``raw``: the record as CSV text in the file's delimiter, whole; an
    unterminated quote: its lines as read, ``end_line`` the last of them)."""
    read: int
    duplicates: int
    new_keys: int = 0
    """Rows whose key no earlier batch of the file had (the rest repeat a key of an earlier batch)."""
    invalid_emails: list[str] = field(default_factory=list)
    """The invalid e-mail addresses of good rows, kept or blanked (see ``[import] invalid_email``)."""

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The good rows as tuples."""
        return list(zip(*self.columns, strict=True)) if self.columns else []

    def __len__(self) -> int:
        return len(self.columns[0]) if self.columns else 0


class BatchProcessor:
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
        self.id_cols = [pos for _i, pos, name, *_rest in plan.fields if reader.spec.column(name).key]
        """Positions of id and reference columns (Salesforce ids become 18 characters)."""
        self.email_mode = reader.invalid_email
        has_email = any(f[2] == "email" for f in plan.fields)
        self.email_pos = plan.columns.index("email") if has_email else None
        self.email_norm_pos = plan.columns.index("email_norm") if "email_norm" in plan.columns else None
        self.email_check = self.email_pos if self.email_mode == "quarantine" else None
        """Position of the e-mail column when an invalid address quarantines its row."""
        self.seen: set[Any] = set()

    def process(self, recs: list[list[str]], start: int, end: int) -> Batch:
        """One batch: ``recs`` are the records parsed from physical lines ``start + 1`` to ``end``."""
        lines = _record_lines(recs, start, end)
        bad: list[InputError] = []
        width = self.width
        if width > 1 and min(map(len, recs)) == width == max(map(len, recs)):
            cand, where = recs, list(range(len(recs)))
        else:
            cand, where = [], []
            for j, rec in enumerate(recs):
                if type(rec) is BrokenRecord:
                    bad.append(
                        InputError(
                            rec.reason, source=self.source, line=lines[j], end_line=rec.last, raw=rec[0]
                        )
                    )
                    continue
                if not rec or (len(rec) == 1 and not rec[0].strip()):
                    continue
                if len(rec) != width:
                    bad.append(self.bad_row(lines[j], None, f"{len(rec)} fields, header has {width}", rec))
                    continue
                cand.append(rec)
                where.append(j)
        read = len(cand) + len(bad)
        table = list(zip(*cand, strict=True))  # the file's columns
        if any("\x00" in "".join(c) for c in table):
            keep = []
            for rec, j in zip(cand, where, strict=True):
                if any("\x00" in v for v in rec):
                    bad.append(self.bad_row(lines[j], None, "contains a NUL character", rec))
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
        invalid = self._invalid_emails(cols)
        if custom is not None:
            cols.append(custom)
        bad.sort(key=lambda b: b.line or 0)
        batch = self._dedup(cols, bad, read)
        batch.invalid_emails = invalid
        return batch

    def _invalid_emails(self, cols: list[list[Any]]) -> list[str]:
        """The invalid addresses of the good rows (blanked with ``invalid_email = "blank"``)."""
        pos = self.email_pos
        if pos is None or self.email_mode == "quarantine":
            return []
        emails = cols[pos]
        norm = cols[self.email_norm_pos] if self.email_norm_pos is not None else email_column(emails)
        bad = [i for i, (v, k) in enumerate(zip(emails, norm, strict=True)) if k is None and v is not None]
        found = [emails[i] for i in bad]
        if bad and self.email_mode == "blank":
            for i in bad:
                emails[i] = None
        return found

    def bad_row(self, line: int, column: str | None, reason: str, rec: list[str]) -> InputError:
        """A quarantined row of this file."""
        return InputError(reason, column=column, source=self.source, line=line, raw=raw_text(rec, self.delim))

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
        for pos in self.id_cols:
            cols[pos] = key_column(cols[pos])
        return cols

    def row_values(self, rec: list[str]) -> list[Any]:
        """The mapped cells of one record, trimmed (``None`` for empty), ids as record keys."""
        picked = self.pick(rec)
        out: list[Any] = [picked.strip() or None] if self.single else [v.strip() or None for v in picked]
        for pos in self.id_cols:
            if out[pos] is not None:
                out[pos] = record_key(out[pos])
        return out

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
        if self.email_check is not None:
            emails = cols[self.email_check]
            suspects.update(
                i for i, k in enumerate(email_column(emails)) if k is None and emails[i] is not None
            )
        return suspects

    def _recheck(
        self,
        cand: list[list[str]],
        where: list[int],
        lines: list[int],
        cols: list[list[Any]],
        suspects: set[int],
        bad: list[InputError],
    ) -> set[int]:
        """Run the per-row checks on flagged rows: quarantine the bad ones, restore any good one."""
        rejected: set[int] = set()
        for i in sorted(suspects):
            rec = cand[i]
            out = self.row_values(rec)
            problem = check_row(out, self.required, self.limited, self.typed, self.email_check)
            if problem is None:
                for pos, value in enumerate(out):
                    cols[pos][i] = value
            else:
                rejected.add(i)
                bad.append(self.bad_row(lines[where[i]], problem[0], problem[1], rec))
        return rejected

    def _custom_column(
        self,
        cand: list[list[str]],
        where: list[int],
        lines: list[int],
        rejected: set[int],
        bad: list[InputError],
    ) -> list[Any]:
        out: list[Any] = []
        for i, rec in enumerate(cand):
            value = None
            if i not in rejected:
                try:
                    value = custom_value(rec, self.plan)
                except InputError as exc:
                    rejected.add(i)
                    bad.append(exc.at(self.source, lines[where[i]], raw_text(rec, self.delim)))
            out.append(value)
        return out

    def _dedup(self, cols: list[list[Any]], bad: list[InputError], read: int) -> Batch:
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


def check_row(
    out: list[Any],
    required: list[tuple[int, str]],
    limited: list[tuple[int, str, int]],
    typed: list[tuple[int, str, Callable[[str], Any]]],
    email: int | None = None,
) -> tuple[str, str] | None:
    """Check required values and lengths, convert typed cells in place, check the e-mail address at
    position ``email`` if given; the first problem or ``None``."""
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
    if email is not None and out[email] is not None:
        problem = email_problem(out[email])
        if problem is not None:
            return "email", problem
    return None


def custom_value(rec: Sequence[str] | Mapping[int, str], plan: HeaderPlan) -> dict[str, Any] | None:
    """The ``custom`` value of a record (its cells by file position): custom fields and JSON cell;
    :class:`~jobshift.errors.InputError` (skip the row) for a JSON cell that is not an object."""
    data: dict[str, Any] = {}
    if plan.custom_json_index is not None:
        text = rec[plan.custom_json_index].strip()
        if text:
            try:
                parsed = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise InputError("not a JSON object", column="custom") from None
            if not isinstance(parsed, dict):
                raise InputError("not a JSON object", column="custom")
            data.update(parsed)
    for i, name in plan.custom:
        v = rec[i].strip()
        if v:
            data[name] = v
    return data or None


def raw_text(rec: list[str], delim: str) -> str:
    """The record as one CSV line for the quarantine, whole (quoted only where needed, so that the row
    can be read back); the store keeps it readable and compressed, see :mod:`jobshift.store.quarantine`."""
    if not any('"' in v or delim in v or "\n" in v or "\r" in v for v in rec):
        return delim.join(rec)
    out = io.StringIO()
    csv.writer(out, delimiter=delim, lineterminator="").writerow(rec)
    return out.getvalue()
