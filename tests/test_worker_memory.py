"""A long-lived feed worker's memory (issue 20 item 4): the company index's resolution cache is bounded,
and every partition task gives its memory back (utils/memory_release.py) once it is done."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from feed_kit import build_crm_and_feed, detect_context
from jobshift.domain.matching import companies
from jobshift.domain.matching.companies import CompanyIndex
from jobshift.engine import feed_shards, feed_spill
from jobshift.engine.feed import feed_partitions
from jobshift.utils import memory_release as worker_memory
from test_company_keys import ACCOUNTS, ALIASES, DOMAINS, LINKEDINS, NAMES


def test_resolve_cache_is_bounded_and_answers_as_uncached(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(companies, "RESOLVE_CACHE_MAX", 7)
    index, ref = CompanyIndex.build(ACCOUNTS, ALIASES), CompanyIndex.build(ACCOUNTS, ALIASES)
    keys = list(itertools.product(NAMES, DOMAINS, LINKEDINS))
    assert len(keys) > 7 * 10
    for n, d, li in keys + keys[::-1]:  # second pass: hits and misses after the cache started again
        assert index.resolve(n, d, li) == ref._resolve(n, d, li)
        assert len(index._cache) <= 7
    for i in range(60):  # names of many different token blocks: one fuzzy candidate pool each
        index.resolve(f"{chr(97 + i % 26)}{i}zz Widgets {i}x")
        assert len(index._pools) <= 7, "the fuzzy candidate pools are keyed by the input: bounded too"


def test_a_failing_release_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom() -> None:
        raise OSError("no pool")

    class Pool:
        release_unused = staticmethod(boom)

    monkeypatch.setattr(worker_memory.pa, "default_memory_pool", lambda: Pool())
    worker_memory.release_after_task()  # a task's own error must not be hidden by the release's


def test_release_gives_back_arrow_and_malloc_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    class Pool:
        def release_unused(self) -> None:
            calls.append("arrow")

    monkeypatch.setattr(worker_memory.pa, "default_memory_pool", Pool)
    monkeypatch.setattr(worker_memory, "_malloc_trim", lambda: lambda pad: calls.append(("trim", pad)) or 1)
    worker_memory.release_after_task()
    assert calls == ["arrow", ("trim", 0)]
    monkeypatch.setattr(worker_memory, "RELEASE", False)
    worker_memory.release_after_task()
    assert calls == ["arrow", ("trim", 0)], "switched off: nothing is called"


def test_malloc_trim_is_found_on_glibc_only() -> None:
    import platform

    trim = worker_memory._malloc_trim()
    if platform.libc_ver()[0] == "glibc":
        assert trim is not None and trim(0) in (0, 1)
    else:
        assert trim is None


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    d = tmp_path_factory.mktemp("wmem")
    build_crm_and_feed(d, 3)
    return d, feed_partitions(str(d / "feed"))


@pytest.mark.parametrize("task", ["buckets", "dir"])
def test_every_partition_task_releases_once_after_its_work(
    feed: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task: str
) -> None:
    d, paths = feed
    ctx = detect_context(d / "ws")
    seen: list[int] = []
    done: list[int] = []
    module = feed_shards if task == "buckets" else feed_spill

    def release() -> None:  # after the task wrote its results
        seen.append(len(list(tmp_path.glob("part-*"))))

    monkeypatch.setattr(module, "release_after_task", release)
    for i, p in enumerate(paths):
        if task == "buckets":
            feed_shards.detect_partition_to_buckets(ctx, p, str(tmp_path), i, 2)
        else:
            feed_spill.detect_partition_to_dir(ctx, p, str(tmp_path), i)
        done.append(i + 1)
    assert seen == done

    def failing(ctx: object, path: str) -> object:
        raise RuntimeError("bad partition")

    with pytest.raises(RuntimeError):
        if task == "buckets":
            feed_shards.detect_partition_to_buckets(ctx, paths[0], str(tmp_path), 9, 2, failing)
        else:
            feed_spill.detect_partition_to_dir(ctx, paths[0], str(tmp_path), 9, failing)
    assert len(seen) == len(paths) + 1, "a failed task releases too"


def test_local_cluster_workers_run_without_dasks_profiler() -> None:
    pytest.importorskip("distributed")
    from distributed import Client

    from jobshift.engine.dask_executor import local_cluster

    def profiling(dask_worker: object) -> list[str]:
        return sorted(k for k in dask_worker.periodic_callbacks if k.startswith("profile"))  # type: ignore[attr-defined]

    with local_cluster(1) as cluster, Client(cluster) as client:
        assert list(client.run(profiling).values()) == [[]]
