"""Shared fixtures' building blocks for the feed-mode detection tests (test_dask_executor.py,
test_feed_spill.py, test_feed_incremental.py, test_tracked_slices.py, test_feed_shards.py): the bench
CRM + feed generator, forced edge cases, the detection context of a workspace, a Dask LocalCluster
client."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from jobshift.engine.context import DetectContext
from jobshift.engine.feed import detect_feed_local, feed_partitions
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


def crossed_profiles(lines: list[bytes]) -> list[bytes]:
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


def lookalike_profiles(ctx: DetectContext, paths: list[str]) -> list[bytes]:
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


def undated_hires(ctx: DetectContext) -> list[bytes]:
    """People at watched accounts without a start date (the undated new-hire rules: a departed holder's
    successor, first seen after an earlier observation elsewhere), two per account for 40 accounts."""
    watched = ctx.accounts.filter(pl.col("is_watched") & pl.col("acc_domain").is_not_null()).head(40)
    out: list[bytes] = []
    for k, a in enumerate(watched.iter_rows(named=True)):
        for j, ended in enumerate(("2020-01", "2026-07")):
            rec = {
                "id": f"u-{k}-{j}",
                "first_name": f"Undated{k}",
                "last_name": f"Hire{j}",
                "job_title": "VP Engineering",
                "job_company_name": a["acc_name"],
                "job_company_website": a["acc_domain"],
                "experience": [
                    {
                        "company": {"name": "Elsewhere Inc", "website": "elsewhere.example"},
                        "title": {"name": "Director of Engineering"},
                        "start_date": "2015-01",
                        "end_date": ended,
                        "is_primary": False,
                    }
                ],
                "observed_at": "2026-11-20",
            }
            out.append(orjson.dumps(rec) + b"\n")
    return out


def build_edge_case_feed(d: Path, n_parts: int) -> tuple[Path, DetectContext, list[str]]:
    """:func:`build_crm_and_feed` plus a partition ``part-8.jsonl`` of forced edge cases
    (:func:`crossed_profiles`, :func:`lookalike_profiles`, :func:`undated_hires`); (d, context, feed
    files)."""
    lines = build_crm_and_feed(d, n_parts)
    ctx = detect_context(d / "ws")
    edge = crossed_profiles(lines) + lookalike_profiles(ctx, feed_partitions(str(d / "feed")))
    edge += undated_hires(ctx)
    (d / "feed" / "part-8.jsonl").write_bytes(b"".join(edge))
    return d, ctx, feed_partitions(str(d / "feed"))
