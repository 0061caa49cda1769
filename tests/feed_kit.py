"""Shared fixtures' building blocks for the feed-mode detection tests (test_dask_executor.py,
test_feed_spill.py, test_feed_incremental.py): the bench CRM + feed generator, the detection context
of a workspace, a Dask LocalCluster client."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jobshift.engine.context import DetectContext
from jobshift.services.detect.detecting import build_context, default_tracked_set
from jobshift.services.workspace import Workspace, init_workspace

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_detect_data.py"


def bench_builder() -> Any:
    """benchmarks/bench_detect_data.py loaded as a module (its ``build`` writes a CRM and a feed)."""
    spec = importlib.util.spec_from_file_location("bench_detect_data", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build_crm_and_feed(d: Path, n_parts: int) -> list[bytes]:
    """A SQLite workspace at d/ws with 2,000 CRM contacts, their 2,500-person feed at d/people.jsonl
    split round-robin into n_parts JSONL partitions under d/feed; returns the feed's lines."""
    ws, _ = init_workspace(d / "ws")
    ws.close()
    bench_builder().build(d / "ws" / "jobshift.db", d / "people.jsonl", 2_000, 2_500)
    lines = (d / "people.jsonl").read_bytes().splitlines(keepends=True)
    (d / "feed").mkdir()
    for i in range(n_parts):
        (d / "feed" / f"part-{i}.jsonl").write_bytes(b"".join(lines[i::n_parts]))
    return lines


def detect_context(ws_dir: Path) -> DetectContext:
    """The detection context (default tracked set, no filters) of the workspace at ws_dir."""
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            return build_context(conn, ws.config, default_tracked_set(conn), None)
    finally:
        ws.close()


def by_signal_id(df: pl.DataFrame) -> pl.DataFrame:
    """Signals in a stable order, for row-for-row comparisons."""
    return df.sort("signal_id")


@contextmanager
def local_cluster_client(test_module: str) -> Iterator[Any]:
    """A two-process Dask LocalCluster client (skips when ``distributed`` is missing); test_module's
    functions are pickled by value since workers cannot import tests/."""
    distributed = pytest.importorskip("distributed")
    import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[test_module])
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c
