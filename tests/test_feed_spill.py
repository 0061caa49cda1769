"""Partition results written to Parquet and merged from the files (engine/feed_spill.py): the same
signals, row for row, as the in-memory merge — locally and on a Dask LocalCluster."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from jobshift.engine.context import DetectContext
from jobshift.engine.feed import feed_partitions
from jobshift.engine.feed_spill import merge_partition_dirs
from jobshift.services.detect.detecting import build_context, default_tracked_set
from jobshift.services.detect.detecting_feed import detect_feed, run_feed
from jobshift.services.workspace import Workspace, init_workspace

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_detect_data.py"
N_PARTS = 4


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, list[str]]:
    """A small CRM + its feed in 4 JSONL partitions, plus a fifth with stale and newer copies."""
    d = tmp_path_factory.mktemp("spill")
    ws, _ = init_workspace(d / "ws")
    ws.close()
    spec = importlib.util.spec_from_file_location("bench_detect_data", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.build(d / "ws" / "jobshift.db", d / "people.jsonl", 2_000, 2_500)
    lines = (d / "people.jsonl").read_bytes().splitlines(keepends=True)
    (d / "feed").mkdir()
    for i in range(N_PARTS):
        (d / "feed" / f"part-{i}.jsonl").write_bytes(b"".join(lines[i::N_PARTS]))
    extra = []
    for k, raw in enumerate(lines[:300]):  # people seen in two partitions, older and newer copies
        rec = orjson.loads(raw)
        rec.update(job_company_name="Other Corp", job_company_website="other.example")
        rec["observed_at"] = "2020-01-01" if k % 2 else "2026-11-30"
        extra.append(orjson.dumps(rec) + b"\n")
    (d / "feed" / "part-9.jsonl").write_bytes(b"".join(extra))
    ws = Workspace.open(d / "ws")
    try:
        with ws.store.connect() as conn:
            ctx = build_context(conn, ws.config, default_tracked_set(conn), None)
    finally:
        ws.close()
    return d, ctx, feed_partitions(str(d / "feed"))


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort("signal_id")


def test_local_results_in_files_equal_the_in_memory_merge(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    _, ctx, paths = data
    mem, n_mem = run_feed(ctx, paths, "local")
    files, n_files = run_feed(ctx, paths, "local", results_dir=str(tmp_path / "res"))
    assert n_files == n_mem
    assert mem.signals.height > 50
    assert _sorted(files.signals).equals(_sorted(mem.signals))
    assert files.ambiguous == mem.ambiguous
    assert len(list((tmp_path / "res").glob("part-*/candidates.parquet"))) == len(paths)


def test_missing_partition_results_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        merge_partition_dirs(str(tmp_path), 2)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


def test_dask_workers_writing_files_give_the_local_signals(
    data: tuple[Path, DetectContext, list[str]], client: Any, tmp_path: Path
) -> None:
    _, ctx, paths = data
    local, n_local = run_feed(ctx, paths, "local")
    dask, n_dask = run_feed(ctx, paths, "dask", client=client, results_dir=str(tmp_path / "res"))
    assert n_dask == n_local
    assert _sorted(dask.signals).equals(_sorted(local.signals))


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
