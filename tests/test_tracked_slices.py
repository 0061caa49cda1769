"""Tracked-set partitioning (engine/tracked_slices.py): workers reading K hash slices of the tracked set
give the whole tracked set's signals and ambiguity lists, row for row — for K = 1, 2, 3, 7, locally and on
a Dask LocalCluster, with results in memory or in files, through the engine and through the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feed_kit import build_edge_case_feed, by_signal_id, local_cluster_client
from jobshift.cli.main import main
from jobshift.engine.context import DetectContext, key_hash
from jobshift.engine.feed import read_partition
from jobshift.engine.finalize import Detection
from jobshift.engine.tracked_slices import (
    reach_context,
    shell_context,
    slices_for_budget,
    write_slices,
)
from jobshift.services.detect.detecting_feed import detect_feed, run_feed
from jobshift.services.workspace import Workspace

N_PARTS = 3


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, list[str]]:
    """The small CRM + feed of feed_kit in 3 partitions, plus a partition of forced edge cases."""
    d = tmp_path_factory.mktemp("slices")
    return build_edge_case_feed(d, N_PARTS)


@pytest.fixture(scope="module")
def whole(data: tuple[Path, DetectContext, list[str]]) -> Detection:
    """The reference: every partition against the whole tracked set, in this process."""
    _, ctx, paths = data
    detection, _ = run_feed(ctx, paths, "local")
    return detection


def _same(a: Detection, b: Detection) -> None:
    assert by_signal_id(a.signals).equals(by_signal_id(b.signals))
    assert a.ambiguous == b.ambiguous


def test_the_forced_cases_matter(data: tuple[Path, DetectContext, list[str]], whole: Detection) -> None:
    _, ctx, paths = data
    assert whole.signals.height > 50
    assert whole.ambiguous, "the look-alikes make ambiguity lists"
    plain, _ = run_feed(ctx, [p for p in paths if not p.endswith("part-8.jsonl")], "local")
    assert not by_signal_id(plain.signals).equals(by_signal_id(whole.signals))
    # crossed profiles: LinkedIn and e-mail keys that fall in different slices of K = 7 (most of them)
    obs, _, _ = read_partition(paths[-1])
    crossed = obs.filter(pl.col("person_key").is_not_null() & pl.col("linkedin_norm").is_not_null())
    slices = crossed.select(
        (key_hash("linkedin_norm") % 7).alias("li"),
        (pl.col("work_email_norm").hash(0x6A6F6273) % 7).alias("em"),
    )
    assert slices.filter(pl.col("li") != pl.col("em")).height > 50


@pytest.mark.parametrize("k", [1, 2, 3, 7])
def test_sliced_tracked_set_gives_the_whole_sets_signals(
    data: tuple[Path, DetectContext, list[str]], whole: Detection, k: int
) -> None:
    _, ctx, paths = data
    sliced, _ = run_feed(ctx, paths, "local", tracked_partitions=k)
    _same(sliced, whole)


def test_sliced_with_results_in_files(
    data: tuple[Path, DetectContext, list[str]], whole: Detection, tmp_path: Path
) -> None:
    _, ctx, paths = data
    sliced, _ = run_feed(ctx, paths, "local", results_dir=str(tmp_path / "res"), tracked_partitions=3)
    _same(sliced, whole)
    assert not list((tmp_path / "res").glob("jobshift-tracked-*")), "the slices are removed after the run"


def test_a_batch_context_holds_only_the_contacts_it_reaches(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    _, ctx, paths = data
    slices = write_slices(ctx, str(tmp_path), 3)
    shell = shell_context(ctx)
    assert shell.contacts.height == 0 and shell.email_index.height == 0
    obs, _, _ = read_partition(paths[0])
    sub = reach_context(shell, slices, obs.head(100))
    assert 0 < sub.contacts.height < ctx.contacts.height // 5
    ids = sub.contacts.get_column("contact_id")
    order = ctx.contacts.filter(pl.col("contact_id").is_in(ids.implode())).get_column("contact_id")
    assert ids.to_list() == order.to_list(), "the full context's order is kept"
    empty = reach_context(shell, slices, obs.clear())
    assert empty.contacts.height == 0


def test_slices_for_budget(data: tuple[Path, DetectContext, list[str]]) -> None:
    _, ctx, _ = data
    assert slices_for_budget(ctx, 1 << 30) == 0
    small, tiny = slices_for_budget(ctx, 100_000), slices_for_budget(ctx, 10_000)
    assert 1 <= small < tiny
    with pytest.raises(ValueError):
        write_slices(ctx, "/nonexistent-never-written", 0)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_cluster_client(__name__) as c:
        yield c


@pytest.mark.parametrize("in_files", [False, True])
def test_dask_workers_with_slices_give_the_local_signals(
    data: tuple[Path, DetectContext, list[str]], whole: Detection, client: Any, tmp_path: Path, in_files: bool
) -> None:
    _, ctx, paths = data
    res = str(tmp_path / "res") if in_files else None
    dask, _ = run_feed(ctx, paths, "dask", client=client, results_dir=res, tracked_partitions=3)
    _same(dask, whole)


def test_cli_tracked_partitions_writes_the_whole_sets_signals(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    d, _, _ = data
    shutil.copytree(d / "ws", tmp_path / "ws")
    argv = ["-w", str(tmp_path / "ws"), "detect", "--feed", str(d / "feed"), "--json"]
    assert main([*argv, "--results-dir", str(tmp_path / "res"), "--tracked-partitions", "3"]) == 0
    assert main(["-w", str(tmp_path / "ws"), "detect", "--tracked-partitions", "3"]) == 2  # usage error
    ws = Workspace.open(tmp_path / "ws")
    try:
        again = detect_feed(ws, str(d / "feed"))
    finally:
        ws.close()
    assert again.write["inserted"] == 0 and again.write["updated"] == 0
    assert again.write["unchanged"] > 50
