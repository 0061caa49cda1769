"""Partition results written to Parquet and merged from the files (engine/feed_spill.py): the same
signals, row for row, as the in-memory merge — locally and on a Dask LocalCluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from feed_kit import build_crm_and_feed, by_signal_id, detect_context, local_cluster_client
from jobshift.engine.context import DetectContext
from jobshift.engine.feed import feed_partitions
from jobshift.engine.feed_spill import merge_partition_dirs
from jobshift.services.detect.detecting_feed import detect_feed, run_feed
from jobshift.services.workspace import Workspace

N_PARTS = 4


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, list[str]]:
    """A small CRM + its feed in 4 JSONL partitions, plus a fifth with stale and newer copies."""
    d = tmp_path_factory.mktemp("spill")
    lines = build_crm_and_feed(d, N_PARTS)
    extra = []
    for k, raw in enumerate(lines[:300]):  # people seen in two partitions, older and newer copies
        rec = orjson.loads(raw)
        rec.update(job_company_name="Other Corp", job_company_website="other.example")
        rec["observed_at"] = "2020-01-01" if k % 2 else "2026-11-30"
        extra.append(orjson.dumps(rec) + b"\n")
    (d / "feed" / "part-9.jsonl").write_bytes(b"".join(extra))
    return d, detect_context(d / "ws"), feed_partitions(str(d / "feed"))


def test_local_results_in_files_equal_the_in_memory_merge(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    _, ctx, paths = data
    mem, n_mem = run_feed(ctx, paths, "local")
    files, n_files = run_feed(ctx, paths, "local", results_dir=str(tmp_path / "res"))
    assert n_files == n_mem
    assert mem.signals.height > 50
    assert by_signal_id(files.signals).equals(by_signal_id(mem.signals))
    assert files.ambiguous == mem.ambiguous
    assert len(list((tmp_path / "res").glob("part-*/candidates.parquet"))) == len(paths)


def test_missing_partition_results_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        merge_partition_dirs(str(tmp_path), 2)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_cluster_client(__name__) as c:
        yield c


def test_dask_workers_writing_files_give_the_local_signals(
    data: tuple[Path, DetectContext, list[str]], client: Any, tmp_path: Path
) -> None:
    _, ctx, paths = data
    local, n_local = run_feed(ctx, paths, "local")
    dask, n_dask = run_feed(ctx, paths, "dask", client=client, results_dir=str(tmp_path / "res"))
    assert n_dask == n_local
    assert by_signal_id(dask.signals).equals(by_signal_id(local.signals))


def test_detect_feed_cleans_its_results_dir(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    d, _, _ = data
    import shutil

    shutil.copytree(d / "ws", tmp_path / "ws")
    ws = Workspace.open(tmp_path / "ws")
    try:
        s1 = detect_feed(ws, str(d / "feed"), results_dir=str(tmp_path / "res"))
        s2 = detect_feed(ws, str(d / "feed"))
    finally:
        ws.close()
    assert s1.by_type == s2.by_type
    assert s2.write["inserted"] == 0
    assert list((tmp_path / "res").iterdir()) == []
