"""The streaming harness of benchmarks/bench_scale.py (benchmarks/scale_stream.py) and the bulk feed
generator (jobshift.synth.bulk_feed): the streamed run gives the signals of an ordinary
``jobshift detect --feed`` over the same files, row for row, locally and on a Dask LocalCluster; the
generator is deterministic by seed and partition index and writes records the feed reader accepts."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from feed_kit import build_crm_and_feed, by_signal_id, detect_context, local_cluster_client
from jobshift.engine.context import DetectContext
from jobshift.engine.feed import feed_partitions, read_partition
from jobshift.services.detect.detecting_feed import detect_feed, run_feed
from jobshift.services.workspace import Workspace
from jobshift.synth.bulk_feed import BulkFeed

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
N_PARTS = 4
SIZE = 1_500


def _stream_module() -> Any:
    spec = importlib.util.spec_from_file_location("scale_stream", BENCH / "scale_stream.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules["scale_stream"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, BulkFeed, Any]:
    """A 2,000-contact CRM; a generator whose tracked slices wrap around it (people in two partitions)."""
    d = tmp_path_factory.mktemp("scale")
    build_crm_and_feed(d, 1)
    mod = _stream_module()
    contacts, accounts = mod.load_crm(d / "ws" / "jobshift.db")
    # 4 × 600 tracked rows > 2,000 contacts: partition 3 sees contacts of partition 0 again; 30% of the
    # others share a last name with contacts (same-name candidates)
    gen = BulkFeed(
        contacts,
        accounts,
        partition_size=SIZE,
        tracked_share=0.4,
        hire_share=0.05,
        same_name_share=0.3,
        seed=3,
    )
    return d, detect_context(d / "ws"), gen, mod


def test_partitions_are_deterministic_and_readable(data: tuple[Path, DetectContext, BulkFeed, Any]) -> None:
    d, _, gen, _ = data
    a, b, other = gen.partition(2), gen.partition(2), gen.partition(1)
    assert a.equals(b)
    assert not a.equals(other)
    assert a.height == SIZE and a["id"].n_unique() == SIZE
    path = d / "one.jsonl"
    assert gen.write(2, path) == SIZE
    obs, rows, bad = read_partition(str(path))
    assert (rows, bad) == (SIZE, 0)
    assert obs.height == SIZE
    # the scenarios are there: someone left (no current job), someone changed company
    assert a["job_title"].null_count() > 0
    assert obs.filter(pl.col("job_company_name").is_null()).height > 0


def test_partition_mix_follows_the_shares(data: tuple[Path, DetectContext, BulkFeed, Any]) -> None:
    _, _, gen, _ = data
    t, h, o = gen.sizes(SIZE)
    assert (t, h, o) == (600, 75, 825)
    part = gen.partition(3)
    tracked = part.head(t)
    # partition 3 takes contacts 1,800..2,399 mod 2,000: the CRM's own people, wrapping around
    wanted = gen.contacts["contact_id"].str.slice(2)
    ids = [wanted[(3 * t + k) % gen.contacts.height] for k in range(t)]
    assert tracked["id"].to_list() == [f"p-{x}" for x in ids]
    others = part.tail(h + o)
    crm_last = others["last_name"].is_in(gen.contacts["last_name"].implode())
    assert 0.15 < crm_last.mean() < 0.45  # same_name_share = 0.3
    assert others["id"].str.starts_with("p-x").all()


def _signals_of_ordinary_run(d: Path, ctx: DetectContext, feed: Path) -> pl.DataFrame:
    det, _ = run_feed(ctx, feed_partitions(str(feed)), "local")
    return by_signal_id(det.signals)


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_streamed_run_equals_ordinary_feed_run(
    data: tuple[Path, DetectContext, BulkFeed, Any], tmp_path: Path, suffix: str
) -> None:
    d, ctx, gen, mod = data
    kept = tmp_path / "kept"
    kept.mkdir()
    run = mod.stream_feed(ctx, gen, N_PARTS, tmp_path / "scratch", suffix=suffix, keep_feed=kept)
    assert run.rows == N_PARTS * SIZE and run.bad == 0
    assert run.max_feed_files == 1
    assert not list((tmp_path / "scratch" / "feed").iterdir())  # every partition deleted after its task
    streamed = by_signal_id(run.detection.signals)
    assert streamed.height > 50
    assert streamed.equals(_signals_of_ordinary_run(d, ctx, kept))


def test_streamed_signals_equal_detect_feed_in_the_store(
    data: tuple[Path, DetectContext, BulkFeed, Any], tmp_path: Path
) -> None:
    """The command's own path (store read, signals upserted) over the kept files gives the same rows."""
    d, ctx, gen, mod = data
    kept = tmp_path / "kept"
    kept.mkdir()
    run = mod.stream_feed(ctx, gen, N_PARTS, tmp_path / "scratch", keep_feed=kept)
    ws = Workspace.open(d / "ws")
    try:
        detect_feed(ws, str(kept))
        with ws.store.connect() as conn:
            stored = pl.DataFrame(
                conn.exec_driver_sql("SELECT signal_id FROM signals").fetchall(),
                schema=["signal_id"],
                orient="row",
            )
    finally:
        ws.close()
    assert set(stored["signal_id"]) == set(run.detection.signals["signal_id"])


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with local_cluster_client(__name__) as c:
        yield c


def test_streamed_run_on_dask_equals_local(
    data: tuple[Path, DetectContext, BulkFeed, Any], client: Any, tmp_path: Path
) -> None:
    _, ctx, gen, mod = data
    local = mod.stream_feed(ctx, gen, N_PARTS, tmp_path / "a")
    dask = mod.stream_feed(ctx, gen, N_PARTS, tmp_path / "b", client=client)
    assert dask.rows == local.rows
    assert dask.max_feed_files <= 4
    assert by_signal_id(dask.detection.signals).equals(by_signal_id(local.detection.signals))
