"""The comparison of the vectorized converter with ``profile_to_row`` (tests/test_vector_convert*.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from jobshift.connectors.people.files import parse_line
from jobshift.domain.profiles import OBSERVATION_FIELDS, PROFILE_FIELDS, ProfileError, profile_to_row
from jobshift.engine.batches import OBSERVATION_SCHEMA
from jobshift.engine.convert.partition import POS_SCHEMA, Converted, convert_lines, convert_table

_POS = [OBSERVATION_FIELDS.index(c) for c in OBSERVATION_SCHEMA]


def reference(records: list[Any]) -> tuple[pl.DataFrame, list[int]]:
    """``profile_to_row`` of each record (``pos`` + OBSERVATION_SCHEMA) and the bad positions."""
    rows, bad = [], []
    for p, rec in enumerate(records):
        if not isinstance(rec, dict):
            bad.append(p)
            continue
        try:
            v = profile_to_row(rec, "x", p + 1)
        except ProfileError:
            bad.append(p)
            continue
        rows.append((p, *(v[i] for i in _POS)))
    return pl.DataFrame(rows, schema=POS_SCHEMA, orient="row", infer_schema_length=0), bad


def assert_same(conv: Converted, records: list[Any]) -> None:
    """The vector path's rows equal the reference's, row for row, and so do the bad rows."""
    ref, bad = reference(records)
    got = conv.obs
    assert conv.bad.to_list() == bad
    assert got.height == ref.height
    for a, b in zip(got.iter_rows(named=True), ref.iter_rows(named=True), strict=True):
        assert a == b, (a, b, records[b["pos"]])


def check_lines(texts: list[str]) -> Converted:
    """Convert JSONL lines both ways and compare (lines must be non-blank)."""
    lines = pl.Series("line", texts, dtype=pl.String)
    conv = convert_lines("x", lines)
    assert_same(conv, [parse_line(t.encode("utf-8", "surrogateescape")) for t in texts])
    return conv


def check_parquet(records: list[dict[str, Any]], tmp: Path) -> Converted | None:
    """Write records as Parquet, read them projected, convert both ways and compare."""
    path = tmp / "p.parquet"
    pq.write_table(pa.Table.from_pylist(records), path)
    pf = pq.ParquetFile(path)
    table = pf.read(columns=[c for c in PROFILE_FIELDS if c in pf.schema_arrow.names])
    conv = convert_table("x", table)
    if conv is not None:
        assert_same(conv, table.to_pylist())
    return conv


def dumps(rec: Any) -> str:
    """A record as a JSONL line (``json`` for integers beyond 64 bits)."""
    try:
        return orjson.dumps(rec).decode()
    except TypeError:
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))
