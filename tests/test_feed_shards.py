"""Sharded feed finalize (engine/feed_shards.py): contact shards and new-hire shards writing signal
files give ``finalize``'s signals and ambiguity lists row for row — any shard count, with the tracked
set whole or sliced, locally and on a Dask LocalCluster; the undated-hire rules that read the store's
earlier observations (``previous``) included."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feed_kit import build_edge_case_feed, by_signal_id, local_cluster_client
from jobshift.engine.context import DetectContext
from jobshift.engine.feed_shards import shards_for, write_winners
from jobshift.engine.finalize import Detection
from jobshift.engine.first_seen import PREVIOUS_SCHEMA
from jobshift.services.detect.detecting_feed import run_feed
from jobshift.services.detect.feed_sharded import run_feed_sharded


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
        write_winners(str(tmp_path), 2)


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


def test_default_shard_count_follows_the_result_size(
    data: tuple[Path, DetectContext, list[str]], reference: Detection, tmp_path: Path
) -> None:
    _, ctx, paths = data
    done, _ = run_feed_sharded(ctx, paths, str(tmp_path), previous=previous)
    assert done.contact_shards == 1  # a few hundred KB of results
    _same(done.to_detection(), reference)
    assert shards_for(str(tmp_path), len(paths), shard_bytes=10_000) > 5
