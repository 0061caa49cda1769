"""A partition's rows converted: the vectorized path for the rows it takes, ``profile_to_row`` for the
others (the reference path), together in file order with the row and bad-row counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from jobshift.connectors.people.files import parse_line
from jobshift.domain.profiles import OBSERVATION_FIELDS, PROFILE_FIELDS, ProfileError, profile_to_row
from jobshift.engine.batches import OBSERVATION_SCHEMA
from jobshift.engine.convert.parse import parse_lines, parse_table
from jobshift.engine.convert.rows import convert_parsed
from jobshift.engine.convert.slice_tables import SliceTables

POS_SCHEMA: dict[str, Any] = {"pos": pl.UInt32, **OBSERVATION_SCHEMA}
"""Observations with ``pos``, the row's index in the partition's rows."""
_POS = [OBSERVATION_FIELDS.index(c) for c in OBSERVATION_SCHEMA]
_CHUNK = 2_000
CONVERT_ROWS = 50_000
"""A whole partition is converted this many rows at a time: the parsed columns and the conversion's
intermediate frames of a 250,000-profile partition at once took ≈ 1.3 GB more per worker."""


def read_projected(path: str) -> Any:
    """A Parquet file's columns the converter reads (:data:`PROFILE_FIELDS`, column projection)."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    return pf.read(columns=[c for c in PROFILE_FIELDS if c in pf.schema_arrow.names])


def records(lines: pl.Series | None, table: Any, pos: list[int]) -> Iterator[Any]:
    """The parsed rows at ``pos`` (JSONL ``lines`` or a Parquet ``table``), chunk by chunk (a list of
    every parsed row would keep hundreds of thousands of dicts alive for the garbage collector to walk)."""
    for i in range(0, len(pos), _CHUNK):
        part = pos[i : i + _CHUNK]
        if table is not None:
            yield from table.take(part).to_pylist()
        else:
            assert lines is not None
            for t in lines.gather(part).to_list():
                yield parse_line(t.encode("utf-8", "surrogateescape"))


def convert_slow(path: str, lines: pl.Series | None, table: Any, pos: list[int]) -> tuple[pl.DataFrame, int]:
    """Observations (``POS_SCHEMA``) of the rows at ``pos`` by ``profile_to_row``; and how many were bad
    (not an object, or :class:`ProfileError`). Blank rows (``None``) are skipped."""
    rows: list[tuple[object, ...]] = []
    bad = 0
    for p, rec in zip(pos, records(lines, table, pos), strict=True):
        if rec is None:
            continue
        if not isinstance(rec, dict):
            bad += 1
            continue
        try:
            values = profile_to_row(rec, path, p + 1)
        except ProfileError:
            bad += 1
            continue
        rows.append((p, *(values[i] for i in _POS)))
    return pl.DataFrame(rows, schema=POS_SCHEMA, orient="row", infer_schema_length=0), bad


@dataclass
class Converted:
    """A partition's converted rows."""

    obs: pl.DataFrame
    """Observations (``POS_SCHEMA``) of the good rows, in row order."""
    bad: pl.Series
    """Positions of the bad rows (sorted)."""
    slow: int
    """Rows converted by ``profile_to_row``."""


def _combine(
    path: str,
    lines: pl.Series | None,
    table: Any,
    parsed: pl.DataFrame,
    slow: pl.Series,
    tables: SliceTables | None = None,
) -> Converted:
    fast, fast_bad, more_slow = convert_parsed(parsed, tables)
    slow_pos = pl.concat([slow.cast(pl.UInt32), more_slow]).sort()
    slow_obs, _ = convert_slow(path, lines, table, slow_pos.to_list())
    obs = pl.concat([fast, slow_obs]).sort("pos")
    good = pl.concat([obs["pos"], fast_bad])
    bad = slow_pos.filter(~slow_pos.is_in(good.implode()))
    return Converted(obs, pl.concat([fast_bad, bad]).sort(), slow_pos.len())


def _in_slices(n: int, convert: Callable[[int, int, SliceTables], Converted]) -> Converted:
    """``convert(offset, length, tables)`` over slices of :data:`CONVERT_ROWS` rows sharing their
    normalized values (``tables``), positions shifted back."""
    parts = []
    tables = SliceTables()
    for off in range(0, n, CONVERT_ROWS):
        c = convert(off, min(CONVERT_ROWS, n - off), tables)
        shift = pl.lit(off, pl.UInt32)
        parts.append(Converted(c.obs.with_columns(pl.col("pos") + shift), c.bad + off, c.slow))
    return Converted(
        pl.concat([c.obs for c in parts]), pl.concat([c.bad for c in parts]), sum(c.slow for c in parts)
    )


def convert_lines(
    path: str,
    lines: pl.Series,
    pos: pl.Series | None = None,
    *,
    whole: bool = False,
    tables: SliceTables | None = None,
) -> Converted:
    """The JSONL rows ``lines`` (non-blank; or only those at ``pos``) converted; ``pos`` in the result
    index ``lines``. ``whole``: ``lines`` are all the non-blank lines of the plain JSONL file ``path``
    (pyarrow may read the file itself, when it holds at most :data:`CONVERT_ROWS` rows; a longer one is
    converted in slices of that many)."""
    if pos is None and lines.len() > CONVERT_ROWS:
        return _in_slices(lines.len(), lambda off, n, t: convert_lines(path, lines.slice(off, n), tables=t))
    sub = lines if pos is None else lines.gather(pos)
    parsed, slow = parse_lines(sub, path if whole and pos is None else None)
    conv = _combine(path, sub, None, parsed, slow, tables)
    return conv if pos is None else _reindexed(conv, pos)


def convert_table(
    path: str, table: Any, pos: pl.Series | None = None, *, tables: SliceTables | None = None
) -> Converted | None:
    """The rows of a projected Parquet table (or only those at ``pos``) converted; ``None`` when its
    column types are not ones the fast path reads (convert it with ``profile_to_row``). A longer table
    than :data:`CONVERT_ROWS` is converted in slices of that many rows."""
    if pos is None and table.num_rows > CONVERT_ROWS:
        if parse_table(table.slice(0, 1)) is None:
            return None
        return _in_slices(
            table.num_rows, lambda off, n, t: _must(convert_table(path, table.slice(off, n), tables=t))
        )
    sub = table if pos is None else table.take(pos.to_arrow())
    parsed = parse_table(sub)
    if parsed is None:
        return None
    conv = _combine(path, None, sub, parsed, pl.Series("pos", [], dtype=pl.UInt32), tables)
    return conv if pos is None else _reindexed(conv, pos)


def _must(conv: Converted | None) -> Converted:
    assert conv is not None  # the column types were checked on the table's first row
    return conv


def _reindexed(conv: Converted, pos: pl.Series) -> Converted:
    """``conv`` of a gathered subset, its positions mapped back to the original rows."""
    p = pos.cast(pl.UInt32)
    return Converted(
        conv.obs.with_columns(p.gather(conv.obs["pos"]).alias("pos")), p.gather(conv.bad), conv.slow
    )
