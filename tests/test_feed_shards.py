"""Sharded feed finalize (engine/feed_shards.py): contact shards and new-hire shards writing signal
files give ``finalize``'s signals and ambiguity lists row for row — any shard count, with the tracked
set whole or sliced, locally and on a Dask LocalCluster; the undated-hire rules that read the store's
earlier observations (``previous``) included."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator, Mapping
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feed_kit import build_edge_case_feed, by_signal_id, local_cluster_client
from jobshift.engine.context import DetectContext
from jobshift.engine.feed_shards import (
    bucket_count_of,
    detect_partition_to_buckets,
    estimated_profiles,
    part_file,
    shard_of,
    shards_for,
    shards_for_feed,
)
from jobshift.engine.finalize import Detection
from jobshift.engine.first_seen import PREVIOUS_SCHEMA
from jobshift.services.detect.detecting_feed import run_feed
from jobshift.services.detect.feed_sharded import run_feed_sharded
from jobshift.utils.parquet_buckets import bucket_sizes, read_bucket


def previous(newest: Mapping[str, str]) -> pl.DataFrame:
    """A stand-in for the store's earlier observations: everyone was at Elsewhere Inc. a month before."""
    keys = sorted(newest)
    return pl.DataFrame(
        {
            "person_key": keys,
            "prev_observed_at": ["2026-10-20"] * len(keys),
            "prev_company_name": ["Elsewhere Inc"] * len(keys),
            "prev_company_domain": ["elsewhere.example"] * len(keys),
            "prev_company_linkedin": [None] * len(keys),
        },
        schema=PREVIOUS_SCHEMA,
    )


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, list[str]]:
    """The small CRM + feed of feed_kit in 3 partitions plus forced edge cases."""
    return build_edge_case_feed(tmp_path_factory.mktemp("shards"), 3)


@pytest.fixture(scope="module")
def reference(data: tuple[Path, DetectContext, list[str]]) -> Detection:
    """``finalize`` over the in-memory results (local executor)."""
    _, ctx, paths = data
    detection, _ = run_feed(ctx, paths, "local", previous=previous)
    return detection


def _same(sharded: Detection, ref: Detection) -> None:
    assert by_signal_id(sharded.signals).equals(by_signal_id(ref.signals))
    assert sharded.ambiguous == ref.ambiguous
    assert sharded.counts["candidates"] == ref.counts["candidates"]


def test_the_reference_has_every_kind_of_row(reference: Detection) -> None:
    types = set(reference.signals.get_column("type").to_list())
    assert {"job_change", "new_hire", "left_company", "promotion"} <= types
    assert reference.ambiguous
    evidence = reference.signals.get_column("evidence").str.json_decode()
    rules = set(evidence.struct.field("new_hire_rule").drop_nulls().to_list())
    assert "no_start_date_first_seen_elsewhere" in rules, "the previous-observation rule is exercised"


@pytest.mark.parametrize(("shards", "tracked"), [(1, None), (3, None), (7, None), (3, 2), (5, 7)])
def test_shards_give_finalizes_signals(
    data: tuple[Path, DetectContext, list[str]],
    reference: Detection,
    tmp_path: Path,
    shards: int,
    tracked: int | None,
) -> None:
    _, ctx, paths = data
    done, rows = run_feed_sharded(
        ctx, paths, str(tmp_path), previous=previous, tracked_partitions=tracked, shards=shards
    )
    _same(done.to_detection(), reference)
    assert len(done.signal_files()) == 2 * shards
    assert rows > 2500


def test_missing_partition_results_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        bucket_count_of(str(tmp_path), 2)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_cluster_client(__name__) as c:
        yield c


@pytest.mark.parametrize("tracked", [None, 3])
def test_dask_shards_give_the_local_signals(
    data: tuple[Path, DetectContext, list[str]],
    reference: Detection,
    client: Any,
    tmp_path: Path,
    tracked: int | None,
) -> None:
    _, ctx, paths = data
    done, _ = run_feed_sharded(
        ctx,
        paths,
        str(tmp_path),
        "dask",
        client=client,
        previous=previous,
        tracked_partitions=tracked,
        shards=4,
    )
    _same(done.to_detection(), reference)


def test_an_empty_partition_bad_rows_and_empty_shards(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    _, ctx, paths = data
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": 1}\nnot json\n')
    few = [str(empty), str(bad), paths[0]]
    ref, _ = run_feed(ctx, few, "local", previous=previous)
    done, _ = run_feed_sharded(
        ctx, few, str(tmp_path / "res"), previous=previous, tracked_partitions=3, shards=50
    )
    _same(done.to_detection(), ref)
    nothing, _ = run_feed_sharded(ctx, [str(empty)], str(tmp_path / "res0"), previous=previous, shards=2)
    assert nothing.to_detection().signals.height == 0


def test_default_shard_count_follows_the_feed_size(
    data: tuple[Path, DetectContext, list[str]], reference: Detection, tmp_path: Path
) -> None:
    _, ctx, paths = data
    done, _ = run_feed_sharded(ctx, paths, str(tmp_path), previous=previous)
    assert done.contact_shards == 1  # a few thousand profiles
    _same(done.to_detection(), reference)
    assert shards_for_feed(paths, profiles_per_shard=500) > 3
    assert [shards_for(p, 2_500_000) for p in (1, 10_000_000, 100_000_000)] == [1, 4, 40]


def _cli_signals(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path, name: str, *extra: str
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """``jobshift detect --feed ... --json`` on a fresh copy of the workspace: the stored signals
    (every column the run writes, by signal id) and the printed summary."""
    import json

    from jobshift.cli.main import main
    from jobshift.services.workspace import Workspace
    from jobshift.store.signals import ROW_COLUMNS

    d, _, paths = data
    ws_dir = tmp_path / name
    shutil.copytree(d / "ws", ws_dir)
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["-w", str(ws_dir), "detect", "--feed", ",".join(paths), "--json", *extra]) == 0
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            cols = ", ".join(ROW_COLUMNS)
            rows = conn.exec_driver_sql(f"SELECT {cols} FROM signals").fetchall()
    finally:
        ws.close()
    stored = pl.DataFrame(rows, schema=list(ROW_COLUMNS), orient="row", infer_schema_length=None)
    summary = json.loads(buf.getvalue())
    return stored.sort("signal_id"), summary


@pytest.mark.parametrize(
    "extra",
    [
        ("--shards", "1"),
        ("--shards", "4", "--tracked-partitions", "3"),
        ("--shards", "6", "--executor", "dask-local", "--workers", "2"),
        ("--tracked-partitions", "2", "--executor", "dask-local", "--workers", "2"),
    ],
)
def test_cli_results_dir_stores_the_reference_signals(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path, extra: tuple[str, ...]
) -> None:
    """The command itself (store read, ``previous`` from the store, signals upserted): the sharded
    finalize stores the rows and counts of the plain in-memory feed run, ambiguity lists included."""
    ref, ref_summary = _cli_signals(data, tmp_path, "ref")
    got, summary = _cli_signals(data, tmp_path, "sharded", "--results-dir", str(tmp_path / "res"), *extra)
    assert ref.height > 50 and ref_summary["ambiguous"] > 0
    assert got.equals(ref)
    for k in ("by_type", "by_status", "ambiguous", "ambiguous_examples", "observations"):
        assert summary[k] == ref_summary[k], k
    assert not list((tmp_path / "res").glob("run-*")), "the run's files are removed"


def test_cli_shards_needs_results_dir(data: tuple[Path, DetectContext, list[str]], tmp_path: Path) -> None:
    from jobshift.cli.main import main

    d, _, paths = data
    shutil.copytree(d / "ws", tmp_path / "ws")
    assert main(["-w", str(tmp_path / "ws"), "detect", "--feed", paths[0], "--shards", "2"]) == 2


def test_each_shard_reads_only_its_bucket(
    data: tuple[Path, DetectContext, list[str]], reference: Detection, tmp_path: Path
) -> None:
    """Partition results are written in one row group per shard: the shards split the candidates and
    new hires between them (none reads another's rows), and a bucket file holds exactly its rows."""
    _, ctx, paths = data
    done, _ = run_feed_sharded(ctx, paths, str(tmp_path), previous=previous, shards=5)
    _same(done.to_detection(), reference)
    assert done.counts["largest_shard_candidates"] < done.counts["candidates"]
    f = part_file(str(tmp_path), 0, "candidates")
    whole = pl.read_parquet(f)
    sizes = bucket_sizes(f)
    assert len(sizes) == 5 and sum(sizes) == whole.height and max(sizes) < whole.height
    for b in range(5):
        mine = read_bucket(f, b)
        assert mine.height == sizes[b]
        assert mine.select(shard_of("contact_id", 5).unique()).to_series().to_list() in ([b], [])
    hires = bucket_sizes(part_file(str(tmp_path), 0, "new_hires"))
    assert sum(hires) > 0 and max(hires) < sum(hires)


def test_partitions_written_with_other_bucket_counts_are_an_error(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    _, ctx, paths = data
    res = str(tmp_path)
    detect_partition_to_buckets(ctx, paths[0], res, 0, 3)
    detect_partition_to_buckets(ctx, paths[1], res, 1, 4)
    assert bucket_count_of(res, 1) == 3
    with pytest.raises(ValueError, match="different bucket counts"):
        bucket_count_of(res, 2)


def test_profiles_are_estimated_from_the_feed_files(tmp_path: Path) -> None:
    rows = [{"id": str(i), "first_name": "Ann", "last_name": "Lee"} for i in range(4_000)]
    pl.DataFrame(rows).write_parquet(tmp_path / "a.parquet")
    (tmp_path / "b.jsonl").write_bytes(b"x" * 750 * 300)
    (tmp_path / "c.jsonl.gz").write_bytes(b"x" * 150 * 100)
    paths = [str(tmp_path / n) for n in ("a.parquet", "b.jsonl", "c.jsonl.gz")]
    assert estimated_profiles(paths) == 4_000 + 300 + 100
    assert shards_for_feed(paths, profiles_per_shard=1_000) == 5
