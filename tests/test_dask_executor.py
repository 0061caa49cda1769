"""Feed-mode detection: the Dask executor gives exactly the local executor's signals, even after a crash."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import create_engine, insert, select

from feed_kit import build_crm_and_feed, by_signal_id, detect_context, local_cluster_client
from jobshift.engine.context import DetectContext
from jobshift.engine.feed import PartitionResult, detect_partition, feed_partitions
from jobshift.services.browse.exporting import export_object as export
from jobshift.services.detect.detecting_feed import detect_feed, run_feed
from jobshift.services.workspace import Workspace
from jobshift.store.schema import accounts, contacts

N_PARTS = 4


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, list[str]]:
    """A small CRM (SQLite workspace) + its people feed split round-robin into 4 JSONL partitions."""
    d = tmp_path_factory.mktemp("feed")
    build_crm_and_feed(d, N_PARTS)
    return d, detect_context(d / "ws"), feed_partitions(str(d / "feed"))


def test_stale_copies_in_other_partitions_change_nothing(
    data: tuple[Path, DetectContext, list[str]], tmp_path: Path
) -> None:
    d, ctx, paths = data
    base, _ = run_feed(ctx, paths, "local")
    assert base.signals.height > 50
    # older copies of every profile, at another company and with another e-mail, in an extra partition
    stale = []
    for raw in (d / "feed" / "part-0.jsonl").read_bytes().splitlines():
        rec = orjson.loads(raw)
        rec.update(job_company_name="Old Corp", job_company_website="oldcorp.example", work_email=None)
        rec["observed_at"] = "2020-01-01"
        stale.append(orjson.dumps(rec))
    extra = tmp_path / "stale.jsonl"
    extra.write_bytes(b"\n".join(stale) + b"\n")
    with_stale, _ = run_feed(ctx, [str(extra), *paths], "local")
    assert by_signal_id(with_stale.signals).equals(by_signal_id(base.signals))
    # the same records as *newer* observations win: their signals now name Old Corp
    newer = tmp_path / "newer.jsonl"
    newer.write_bytes(extra.read_bytes().replace(b'"2020-01-01"', b'"2026-11-20"'))
    moved, _ = run_feed(ctx, [*paths, str(newer)], "local")
    assert "Old Corp" in moved.signals.get_column("new_company").to_list()
    assert not by_signal_id(moved.signals).equals(by_signal_id(base.signals))


def test_a_partition_detected_in_slices_gives_the_same_signals(
    data: tuple[Path, DetectContext, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobshift.engine import feed

    _d, ctx, paths = data
    whole, _ = run_feed(ctx, paths, "local")
    monkeypatch.setattr(feed, "SUB_BATCH_ROWS", 97)  # each partition (~625 people) in 7 slices
    sliced, _ = run_feed(ctx, paths, "local")
    assert whole.signals.height > 50
    assert by_signal_id(sliced.signals).equals(by_signal_id(whole.signals))


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_cluster_client(__name__) as c:  # _crash_once below runs on the workers
        yield c


def test_dask_local_cluster_gives_the_local_signals(
    data: tuple[Path, DetectContext, list[str]], client: Any
) -> None:
    _, ctx, paths = data
    local, n_local = run_feed(ctx, paths, "local")
    dask, n_dask = run_feed(ctx, paths, "dask", client=client)
    assert n_dask == n_local == 2_500
    assert by_signal_id(dask.signals).equals(by_signal_id(local.signals))


def _crash_once(marker_path: str, ctx: DetectContext, path: str) -> PartitionResult:
    """The partition task, except that the first attempt on partition 1 kills its worker process."""
    marker = Path(marker_path)
    if path.endswith("part-1.jsonl") and not marker.exists():
        marker.write_text("crashed")
        os._exit(1)
    return detect_partition(ctx, path)


def test_worker_killed_mid_run_is_retried_with_the_same_result(
    data: tuple[Path, DetectContext, list[str]], client: Any, tmp_path: Path
) -> None:
    from jobshift.engine.dask_executor import DaskExecutor

    _, ctx, paths = data
    marker = tmp_path / "crashed"
    local, _ = run_feed(ctx, paths, "local")
    ex = DaskExecutor(client=client, partition_fn=functools.partial(_crash_once, str(marker)))
    from jobshift.engine.finalize import finalize

    results = ex.detect_feed(ctx, paths)
    assert marker.exists()  # a worker really died
    assert by_signal_id(finalize(ctx, results).signals).equals(by_signal_id(local.signals))


def test_detect_feed_writes_the_same_export_on_each_backend(
    data: tuple[Path, DetectContext, list[str]], backend_workspace: Path, tmp_path: Path, client: Any
) -> None:
    d, _, _ = data
    src = create_engine(f"sqlite:///{d / 'ws' / 'jobshift.db'}")
    ws = Workspace.open(backend_workspace)
    try:
        with src.connect() as s, ws.store.begin() as conn:
            for t in (accounts, contacts):
                rows = [dict(r) for r in s.execute(select(t)).mappings()]
                conn.execute(insert(t), rows)
        local = detect_feed(ws, str(d / "feed"), executor="local")
        n = export(ws, "signals", "jsonl", tmp_path / "local.jsonl")
        again = detect_feed(ws, str(d / "feed" / "part-*.jsonl"), executor="dask", client=client)
        assert export(ws, "signals", "jsonl", tmp_path / "dask.jsonl") == n
    finally:
        ws.close()
        src.dispose()
    assert local.write["inserted"] == n > 50
    assert again.write["inserted"] == 0 and again.write["updated"] == 0
    assert (tmp_path / "local.jsonl").read_bytes() == (tmp_path / "dask.jsonl").read_bytes()


def test_a_run_the_scheduler_cancelled_is_started_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker dying can leave a derived task cancelled ("already forgotten"): the pure run is redone."""
    from concurrent.futures import CancelledError

    from jobshift.engine import dask_executor
    from jobshift.engine.dask_executor import DaskExecutor

    calls: list[int] = []

    def flaky_run(self: DaskExecutor, client: Any, ctx: Any, paths: list[str]) -> list[Any]:
        calls.append(1)
        if len(calls) < dask_executor.RUN_ATTEMPTS:
            raise CancelledError("jobshift-batch-x-3 cancelled for reason: already forgotten.")
        return ["ok"]

    monkeypatch.setattr(DaskExecutor, "_run", flaky_run)
    ex = DaskExecutor(client=object())
    assert ex._run_with_restarts(object(), None, []) == ["ok"]  # type: ignore[arg-type]
    assert len(calls) == dask_executor.RUN_ATTEMPTS

    def always_cancelled(self: DaskExecutor, client: Any, ctx: Any, paths: list[str]) -> list[Any]:
        calls.append(1)
        raise CancelledError("gone")

    calls.clear()
    monkeypatch.setattr(DaskExecutor, "_run", always_cancelled)
    with pytest.raises(CancelledError):
        ex._run_with_restarts(object(), None, [])  # type: ignore[arg-type]
    assert len(calls) == dask_executor.RUN_ATTEMPTS  # then it gives up and says why
