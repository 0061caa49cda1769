"""Tracked-set partitioning (engine/tracked_slices.py): workers reading K hash slices of the tracked set
give the whole tracked set's signals and ambiguity lists, row for row — for K = 1, 2, 3, 7, locally and on
a Dask LocalCluster, with results in memory or in files, through the engine and through the CLI."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from feed_kit import build_crm_and_feed, by_signal_id, detect_context, local_cluster_client
from jobshift.cli.main import main
from jobshift.engine.context import DetectContext, key_hash
from jobshift.engine.feed import detect_feed_local, feed_partitions, read_partition
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


def _crossed(lines: list[bytes]) -> list[bytes]:
    """Forced edge cases: profiles whose e-mail is one contact's and LinkedIn another's (names of either)."""
    out: list[bytes] = []
    both = [r for r in map(orjson.loads, lines) if r.get("linkedin_url") and r.get("work_email")]
    for k in range(0, 300, 2):
        a, b = both[k], both[k + 1]
        rec = dict(a if k % 4 else b)
        rec.update(
            id=f"x-{k}",
            linkedin_url=b["linkedin_url"],
            work_email=a["work_email"],
            emails=[{"address": a["work_email"]}],
            job_company_name="Crossed Corp",
            job_company_website="crossed.example",
            job_start_date="2026-10",
            observed_at="2026-11-25",
        )
        out.append(orjson.dumps(rec) + b"\n")
    return out


def _lookalikes(ctx: DetectContext, paths: list[str]) -> list[bytes]:
    """Two same-name profiles (history at the contact's account, no LinkedIn or e-mail) at two other
    companies for contacts the feed does not link: ambiguity lists."""
    found, _, _ = detect_feed_local(ctx, paths)
    linked = pl.concat([r.candidates.select("contact_id") for r in found])
    lonely = (
        ctx.contacts.filter(pl.col("tracked") & pl.col("first_name").is_not_null())
        .join(linked, on="contact_id", how="anti")
        .join(ctx.accounts.select("account_id", "acc_name", "acc_domain"), on="account_id")
        .head(60)
    )
    out: list[bytes] = []
    for k, c in enumerate(lonely.iter_rows(named=True)):
        for copy in range(2):
            crm_job = {
                "company": {"name": c["acc_name"], "website": c["acc_domain"]},
                "title": {"name": c["title"] or "Engineer"},
                "start_date": "2018-01",
                "end_date": "2026-08",
                "is_primary": False,
            }
            rec = {
                "id": f"n-{k}-{copy}",
                "first_name": c["first_name"],
                "last_name": c["last_name"],
                "full_name": f"{c['first_name']} {c['last_name']}",
                "job_title": "Engineer",
                "job_company_name": f"Lookalike {copy} Ltd",
                "job_company_website": f"lookalike{copy}.example",
                "job_start_date": "2026-09",
                "experience": [crm_job],
                "observed_at": "2026-11-20",
            }
            out.append(orjson.dumps(rec) + b"\n")
    return out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DetectContext, list[str]]:
    """The small CRM + feed of feed_kit in 3 partitions, plus a partition of forced edge cases."""
    d = tmp_path_factory.mktemp("slices")
    lines = build_crm_and_feed(d, N_PARTS)
    ctx = detect_context(d / "ws")
    edge = _crossed(lines) + _lookalikes(ctx, feed_partitions(str(d / "feed")))
    (d / "feed" / "part-8.jsonl").write_bytes(b"".join(edge))
    return d, ctx, feed_partitions(str(d / "feed"))


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
