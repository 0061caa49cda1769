"""The batch relevance mask (engine/prefilter/rows.py, ``detect_batch(..., skip_unlinked=True)``) and the
profile blocking key (``DetectContext.profile_block_key``): the same batch results, row for row, as the
unshortcut path, on hand-made edge cases with noise and on the bench generator's feed with outsiders,
scrambled names, odd spellings and several open jobs, in whole partitions and in small batches."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest

from feed_kit import bench_builder, build_edge_case_feed
from jobshift.engine.batches import decode_observations
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import BatchResult, detect_batch, merge_results
from jobshift.engine.feed import read_partition
from jobshift.engine.prefilter.rows import productive_rows
from test_feed_filter import EDGE, NOISE, _edge_context, _write


def _sorted(df: pl.DataFrame) -> pl.DataFrame:
    return df.sort(df.columns, nulls_last=True)


def _run(ctx: DetectContext, obs: pl.DataFrame, rows: int, skip: bool) -> BatchResult:
    return merge_results(
        [detect_batch(ctx, obs.slice(i, rows), skip) for i in range(0, max(obs.height, 1), rows)]
    )


def assert_same(ctx: DetectContext, obs: pl.DataFrame, rows: int) -> BatchResult:
    """``obs`` detected in batches of ``rows`` with and without the mask, each in a fresh copy of ``ctx``:
    equal frames (columns, dtypes, rows) and observation counts; the full result."""
    full = _run(copy.deepcopy(ctx), obs, rows, False)
    fast = _run(copy.deepcopy(ctx), obs, rows, True)
    for part in ("candidates", "profiles", "new_hires"):
        a, b = getattr(full, part), getattr(fast, part)
        assert b.schema == a.schema, part
        assert _sorted(b).equals(_sorted(a)), part
    assert fast.n_observations == full.n_observations == obs.height
    return full


def _dropped(ctx: DetectContext, obs: pl.DataFrame) -> int:
    """How many rows of ``obs`` (one batch) the mask drops."""
    d = decode_observations(obs).with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("pi"))
    d = ctx.resolve_companies(d, "cur_name", "cur_domain", "cur_linkedin", "cur_")
    r = detect_batch(ctx, obs)
    linked = d.join(r.candidates.select("person_key").unique(), on="person_key", how="semi")["pi"]
    return int((~productive_rows(ctx, d, linked)).sum())


def test_edge_cases(tmp_path: Path) -> None:
    ctx = _edge_context()
    jl, _ = _write(tmp_path, "edge", EDGE, NOISE)
    obs, _, _ = read_partition(jl)
    full = assert_same(ctx, obs, 50_000)
    assert {"c-1", "c-2", "c-3", "c-4"} <= set(full.candidates["contact_id"].to_list())
    # the unlinked hires known by a subdomain, a LinkedIn page, an alias, a fuzzy name are kept
    assert {f"pdl:p{i}" for i in range(5, 11)} <= set(full.new_hires["person_key"].to_list())
    assert _dropped(ctx, obs) >= 30  # the outsiders
    assert_same(ctx, obs, 7)


def _noisy(rec: dict[str, Any], k: int, acc: list[dict[str, Any]]) -> dict[str, Any]:
    """Odd spellings, names no contact has, company names with blanks, second open jobs at accounts."""
    rec = dict(rec)
    a = acc[k % len(acc)]
    m = k % 6
    if m == 0:
        rec.update(first_name=f"Qx{k}", last_name=f"Zy{k}", full_name=None)
    elif m == 1:
        rec["job_company_name"] = f"  {a['acc_name']}  "
        rec["job_company_website"] = None
    elif m == 2:
        rec["experience"] = [
            *(rec.get("experience") or []),
            {
                "company": {"name": a["acc_name"], "website": a["acc_domain"]},
                "title": {"name": "VP Sales"},
                "start_date": "2026-10",
                "end_date": None,
                "is_primary": False,
            },
        ]
    elif m == 3:
        rec.update(first_name=(rec.get("first_name") or "").upper() + "é", last_name=None)
    elif m == 4:
        rec.update(first_name=None, last_name=None, full_name=f"Nobody Known {k}")
    return rec


@pytest.fixture(scope="module")
def bench_obs(tmp_path_factory: pytest.TempPathFactory) -> tuple[DetectContext, pl.DataFrame]:
    """The bench CRM (2,000 contacts) and edge-case feed, plus 3,000 outsiders made noisy; converted."""
    d, ctx, paths = build_edge_case_feed(tmp_path_factory.mktemp("skip"), 2)
    gen = bench_builder()._Builder(2_000, 2_500, seed=11)
    acc = ctx.accounts.filter(pl.col("acc_domain").is_not_null()).to_dicts()
    others = [_noisy(bench_builder()._pdl(*gen.other_profile(k)), k, acc) for k in range(3_000)]
    lines = [orjson.dumps(r) + b"\n" for r in others]
    for p in paths:
        lines += Path(p).read_bytes().splitlines(keepends=True)
    mixed = d / "mixed.jsonl"
    mixed.write_bytes(
        b"".join(lines[i] for i in sorted(range(len(lines)), key=lambda i: (i * 7919) % len(lines)))
    )
    obs, _, _ = read_partition(str(mixed))
    return ctx, obs


def test_bench_feed_with_outsiders(bench_obs: tuple[DetectContext, pl.DataFrame]) -> None:
    ctx, obs = bench_obs
    full = assert_same(ctx, obs, 50_000)
    assert full.candidates.height > 1_000 and full.new_hires.height > 50
    assert _dropped(ctx, obs) > 500


def test_bench_feed_small_batches(bench_obs: tuple[DetectContext, pl.DataFrame]) -> None:
    ctx, obs = bench_obs
    assert_same(ctx, obs, 997)


def test_profile_block_key(bench_obs: tuple[DetectContext, pl.DataFrame]) -> None:
    """Equal to ``block_key`` wherever the last-name part is a contact's; elsewhere it equals no contact's
    key (so every join and comparison gives the same answer)."""
    ctx, obs = bench_obs
    d = decode_observations(obs).select(
        ctx.block_key("first_name", "last_name").alias("full"),
        ctx.profile_block_key("first_name", "last_name").alias("fast"),
    )
    differ = d.filter(pl.col("full") != pl.col("fast"))
    assert differ.height > 100  # the scrambled names
    assert d.height - differ.height > 1_000
    blocks = ctx.contacts["block"].implode()
    assert not differ.select(pl.col("full").is_in(blocks) | pl.col("fast").is_in(blocks)).to_series().any()
