"""utils/parquet_buckets.py: one row group per bucket, rows in their order, a bucket read alone."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from jobshift.utils.parquet_buckets import bucket_count, bucket_sizes, read_bucket, write_buckets


def test_each_bucket_reads_back_its_rows_in_order(tmp_path: Path) -> None:
    df = pl.DataFrame(
        {
            "k": [f"p{i}" for i in range(12)],
            "v": [[i, i] for i in range(12)],
            "d": [None, "x", "y", None, "z", "x", None, "y", "y", "x", "z", None],
        }
    )
    bucket = pl.Series([3, 1, 3, 0, 1, 1, 3, 0, 0, 3, 1, 0])
    f = tmp_path / "b.parquet"
    write_buckets(df, bucket, 6, f)
    assert bucket_count(f) == 6
    assert bucket_sizes(f) == [4, 4, 0, 4, 0, 0]
    assert pq.ParquetFile(f).metadata.num_row_groups == 3
    for b in range(6):
        expected = df.filter(bucket == b)
        assert read_bucket(f, b).equals(expected)
        assert read_bucket(f, b, ["k"]).equals(expected.select("k"))
    assert pl.read_parquet(f).sort("k").equals(df.sort("k"))


def test_an_empty_frame_and_bad_buckets(tmp_path: Path) -> None:
    df = pl.DataFrame({"k": ["a", "b"]})
    f = tmp_path / "e.parquet"
    write_buckets(df.clear(), pl.Series([], dtype=pl.UInt32), 2, f)
    assert bucket_sizes(f) == [0, 0]
    assert read_bucket(f, 1).schema == df.schema and read_bucket(f, 1).height == 0
    with pytest.raises(ValueError, match=r"0\.\.1"):
        write_buckets(df, pl.Series([0, 2]), 2, tmp_path / "x.parquet")
    with pytest.raises(ValueError, match="bucket numbers for"):
        write_buckets(df, pl.Series([0]), 2, tmp_path / "x.parquet")
    df.write_parquet(tmp_path / "plain.parquet")
    with pytest.raises(ValueError, match="not a bucketed file"):
        read_bucket(tmp_path / "plain.parquet", 0)
