"""Checking, converting and deduplicating records parsed by pyarrow, a whole batch per kernel call.

The counterpart of :class:`~jobshift.connectors.csv_import.batches.BatchProcessor` for
:class:`~jobshift.connectors.csv_import.blocks.ArrowRecords`: the same checks in the same order, with the same
results. Columns are trimmed, checked and converted by pyarrow compute kernels (plain forms only, see
:mod:`~jobshift.connectors.csv_import.arrow_values`); every row a kernel flags goes through the per-row checks
of the ``csv`` path, which quarantine it with the exact reason or convert it in Python. Good rows stay
pyarrow arrays, so the store can encode them without a Python object per cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from jobshift.connectors.csv_import.arrow_values import (
    ARROW_TYPES,
    DERIVED_TYPES,
    convert_array,
    derive_array,
    flagged_rows,
    key_array,
    row_mask,
    trimmed,
)
from jobshift.connectors.csv_import.batches import BatchProcessor, check_row, custom_value, raw_text
from jobshift.connectors.csv_import.blocks import ArrowRecords
from jobshift.connectors.csv_import.values import derive_column
from jobshift.errors import InputError

if TYPE_CHECKING:
    from jobshift.connectors.csv_import.reader import CrmCsvReader


@dataclass
class ArrowBatch:
    """Good rows (deduplicated by key, last one wins) and bad rows of one stretch of the file.

    Like :class:`~jobshift.connectors.csv_import.batches.Batch`, with the good rows as pyarrow arrays.
    """

    arrays: list[pa.Array]
    """The good rows column by column, in the order of :attr:`CrmCsvReader.columns` (``custom`` apart)."""
    custom: list[Any] | None
    """The ``custom`` column (dicts or ``None``) when the file has one."""
    bad: list[InputError]
    read: int
    duplicates: int
    new_keys: int = 0
    invalid_emails: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[list[Any]]:
        """The good rows column by column as Python values (as a :class:`Batch` holds them)."""
        cols: list[list[Any]] = [a.to_pylist() for a in self.arrays]
        return [*cols, self.custom] if self.custom is not None else cols

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """The good rows as tuples of Python values."""
        return list(zip(*self.columns, strict=True)) if self.arrays else []

    def __len__(self) -> int:
        return len(self.arrays[0]) if self.arrays else 0


class ArrowBatchProcessor:
    """Checks, converts and deduplicates :class:`ArrowRecords`, sharing ``python``'s keys seen so far."""

    def __init__(self, reader: CrmCsvReader, python: BatchProcessor) -> None:
        self.py = python
        self.plan = reader.plan
        self.types = [ARROW_TYPES[f[3]] for f in self.plan.fields]
        self.types += [DERIVED_TYPES.get(d, pa.string()) for d, _src in python.derived]

    def process(self, part: ArrowRecords) -> ArrowBatch:
        """Check and convert one batch of records parsed by pyarrow."""
        py, n = self.py, part.table.num_rows
        bad_rows = self._nul_rows(part) if part.has_nul else {}
        cols, suspect = self._columns(part.table)
        flagged = [i for i in flagged_rows(suspect) if i not in bad_rows] if suspect is not None else []
        fixed = self._recheck(part, flagged, bad_rows)
        for name, src in py.derived:
            cols.append(derive_array(name, cols[src]))
        custom = self._custom(part, bad_rows) if py.has_custom else None
        if fixed:
            mask = row_mask(n, fixed)
            order = sorted(fixed)
            cols = [
                pc.replace_with_mask(c, mask, pa.array([fixed[i][k] for i in order], t))
                for k, (c, t) in enumerate(zip(cols, self.types, strict=True))
            ]
        if bad_rows:
            keep = pc.invert(row_mask(n, bad_rows))
            cols = [c.filter(keep) for c in cols]
            if custom is not None:
                custom = [v for i, v in enumerate(custom) if i not in bad_rows]
        invalid = self._invalid_emails(cols)
        batch = self._dedup(cols, custom, sorted(bad_rows.values(), key=lambda b: b.line or 0), n)
        batch.invalid_emails = invalid
        return batch

    def _invalid_emails(self, cols: list[pa.Array]) -> list[str]:
        """As :meth:`BatchProcessor._invalid_emails`, over arrays."""
        py, pos = self.py, self.py.email_pos
        if pos is None or py.email_mode == "quarantine":
            return []
        emails = cols[pos]
        norm = (
            cols[py.email_norm_pos] if py.email_norm_pos is not None else derive_array("email_norm", emails)
        )
        invalid = pc.and_(pc.is_valid(emails), pc.is_null(norm))
        idx = flagged_rows(invalid)
        if not idx:
            return []
        found = emails.take(pa.array(idx, pa.int64())).to_pylist()
        if py.email_mode == "blank":
            cols[pos] = pc.if_else(invalid, pa.scalar(None, pa.string()), emails)
        return found

    def _nul_rows(self, part: ArrowRecords) -> dict[int, InputError]:
        """The rows holding a NUL character, quarantined."""
        nul = flagged_rows(reduce(pc.or_kleene, (pc.match_substring(c, "\x00") for c in part.table.columns)))
        if not nul:
            return {}
        lines = part.lines()
        reason = "contains a NUL character"
        return {
            i: self.py.bad_row(lines[i], None, reason, r) for i, r in zip(nul, part.records(nul), strict=True)
        }

    def _columns(self, table: pa.Table) -> tuple[list[pa.Array], pa.Array | None]:
        """Trimmed and converted mapped columns; the mask of rows some column check flags."""
        cols: list[pa.Array] = []
        suspect: list[pa.Array] = []
        ids = set(self.py.id_cols)
        for i, pos, _name, type_, required, max_len in self.py.fields:
            col = trimmed(table.column(i).combine_chunks())
            if pos in ids:
                col = key_array(col)
            if required and col.null_count:
                suspect.append(pc.is_null(col))
            if max_len is not None:
                suspect.append(pc.greater(pc.utf8_length(col), max_len))
            if type_ != "str":
                col, failed = convert_array(type_, col)
                suspect.append(failed)
            if pos == self.py.email_check:
                suspect.append(pc.and_(pc.is_valid(col), pc.is_null(derive_array("email_norm", col))))
            cols.append(col)
        return cols, reduce(pc.or_kleene, suspect) if suspect else None

    def _recheck(
        self, part: ArrowRecords, flagged: list[int], bad_rows: dict[int, InputError]
    ) -> dict[int, list[Any]]:
        """Per-row checks of flagged rows: quarantine the bad ones; output values of the good ones."""
        py = self.py
        fixed: dict[int, list[Any]] = {}
        if not flagged:
            return fixed
        lines = part.lines()
        for i, rec in zip(flagged, part.records(flagged), strict=True):
            out = py.row_values(rec)
            problem = check_row(out, py.required, py.limited, py.typed, py.email_check)
            if problem is None:
                fixed[i] = out + [derive_column(name, [out[src]])[0] for name, src in py.derived]
            else:
                bad_rows[i] = py.bad_row(lines[i], problem[0], problem[1], rec)
        return fixed

    def _custom(self, part: ArrowRecords, bad_rows: dict[int, InputError]) -> list[Any]:
        """The ``custom`` column: custom fields and the ``custom`` JSON cell of every row not yet bad."""
        plan = self.plan
        idx = [i for i, _name in plan.custom]
        if plan.custom_json_index is not None:
            idx.append(plan.custom_json_index)
        cells = {i: part.table.column(i).to_pylist() for i in idx}
        out: list[Any] = []
        errors: dict[int, InputError] = {}
        for r in range(part.table.num_rows):
            value = None
            if r not in bad_rows:
                try:
                    value = custom_value({i: c[r] for i, c in cells.items()}, plan)
                except InputError as exc:
                    errors[r] = exc
            out.append(value)
        if errors:
            lines, delim = part.lines(), self.py.delim
            for (r, err), rec in zip(errors.items(), part.records(list(errors)), strict=True):
                bad_rows[r] = err.at(self.py.source, lines[r], raw_text(rec, delim))
        return out

    def _dedup(
        self, cols: list[pa.Array], custom: list[Any] | None, bad: list[InputError], read: int
    ) -> ArrowBatch:
        """Rows keyed by the object's key, the last of a repeated key winning; new and repeated counts."""
        py = self.py
        n = len(cols[0]) if cols else 0
        if len(py.key_pos) == 1:
            keys: Sequence[Any] = cols[py.key_pos[0]].to_pylist()
        else:
            keys = list(zip(*(cols[p].to_pylist() for p in py.key_pos), strict=True))
        last = dict(zip(keys, range(n), strict=True))  # first-appearance order, position of the last one
        if len(last) < n:
            keep = list(last.values())
            take = pa.array(keep, pa.int64())
            cols = [c.take(take) for c in cols]
            if custom is not None:
                custom = [custom[i] for i in keep]
        before = len(py.seen)
        py.seen.update(last)
        new = len(py.seen) - before
        return ArrowBatch(cols, custom, bad, read, n - new, new)
