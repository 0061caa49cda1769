"""Parquet files split into numbered buckets, one row group per bucket, so a reader loads one bucket only.

:func:`write_buckets` writes a frame's rows grouped by a bucket number (0..n-1) — each non-empty bucket is
one row group, rows in their original order — and records in the file's key-value metadata which row
group holds which bucket. :func:`read_bucket` then reads that row group alone (the footer and one row
group, never the rest of the file), and :func:`bucket_sizes` the rows per bucket from the footer. Used by
the sharded feed finalize (:mod:`jobshift.engine.feed_shards`): a partition task writes its results once,
bucketed by shard, and each shard reads only its own rows of every partition.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

_KEY = b"jobshift.buckets"


def write_buckets(df: pl.DataFrame, bucket: pl.Series, n: int, path: str | Path) -> None:
    """Write ``df`` to ``path`` with the rows of each bucket (``bucket``: one number 0..n-1 per row) in
    a row group of their own, buckets in ascending order, rows in their order within a bucket."""
    if bucket.len() != df.height:
        raise ValueError(f"{bucket.len()} bucket numbers for {df.height} rows")
    b = bucket.cast(pl.UInt32)
    if b.null_count() or (b.len() and int(b.max()) >= n):  # type: ignore[arg-type]
        raise ValueError(f"bucket numbers must be 0..{n - 1}")
    # a stable sort: a bucket's rows keep their order
    order = pl.DataFrame({"b": b}).with_row_index("i").sort("b", maintain_order=True).get_column("i")
    table = df.to_arrow(compat_level=pl.CompatLevel.oldest()).take(order.to_arrow())
    counts = b.rename("b").value_counts(sort=False).sort("b")
    groups: list[int] = []
    with pq.ParquetWriter(str(path), table.schema, compression="zstd", write_statistics=False) as w:
        start = 0
        for k, rows in counts.iter_rows():
            w.write_table(table.slice(start, rows), row_group_size=rows)
            groups.append(int(k))
            start += rows
        w.add_key_value_metadata({_KEY: json.dumps({"n": n, "groups": groups}).encode()})


def _layout(pf: pq.ParquetFile) -> tuple[int, list[int]]:
    meta = (pf.metadata.metadata or {}).get(_KEY)
    if meta is None:
        raise ValueError(f"{pf.reader} is not a bucketed file (no {_KEY.decode()} metadata)")
    d = json.loads(meta)
    return int(d["n"]), [int(g) for g in d["groups"]]


def bucket_count(path: str | Path) -> int:
    """The number of buckets ``path`` was written with."""
    return _layout(pq.ParquetFile(str(path)))[0]


def bucket_sizes(path: str | Path) -> list[int]:
    """Rows in each bucket 0..n-1 of ``path`` (footer only)."""
    pf = pq.ParquetFile(str(path))
    n, groups = _layout(pf)
    sizes = [0] * n
    for k, b in enumerate(groups):
        sizes[b] = pf.metadata.row_group(k).num_rows
    return sizes


def read_bucket(path: str | Path, bucket: int, columns: Sequence[str] | None = None) -> pl.DataFrame:
    """The rows of ``bucket`` in ``path`` (an empty frame of the file's schema when it has none)."""
    pf = pq.ParquetFile(str(path))
    _, groups = _layout(pf)
    cols = None if columns is None else list(columns)
    if bucket in groups:
        table = pf.read_row_group(groups.index(bucket), columns=cols)
    else:
        table = pf.schema_arrow.empty_table()
        if cols is not None:
            table = table.select(cols)
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out
