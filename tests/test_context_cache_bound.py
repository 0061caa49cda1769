"""The per-value caches of a detection context are bounded (``CACHE_MAX_ENTRIES``) and a full cache
starting again empty changes no result: a feed run with tiny caches equals one with the default bound,
and a long-lived context's caches never pass the bound whatever the feed it has seen."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from feed_kit import build_crm_and_feed, by_signal_id, detect_context
from jobshift.engine import context as context_mod
from jobshift.engine.feed import detect_feed_local, feed_partitions
from jobshift.engine.finalize import finalize


def _run(d: Path) -> tuple[pl.DataFrame, context_mod.DetectContext]:
    ctx = detect_context(d / "ws")
    results, _rows, _bad = detect_feed_local(ctx, feed_partitions(str(d / "feed")))
    return by_signal_id(finalize(ctx, results).signals), ctx


def _sizes(ctx: context_mod.DetectContext) -> dict[str, int]:
    frame = ctx._company_frame
    return {
        "titles": len(ctx._title_cache),
        "firsts": len(ctx._first_cache),
        "names": len(ctx._name_cache),
        "changes": len(ctx._change_cache),
        "companies": 0 if frame is None else frame.height,
    }


def test_tiny_caches_give_the_same_signals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_crm_and_feed(tmp_path, 5)
    reference, ref_ctx = _run(tmp_path)
    assert reference.height > 0
    unbounded = _sizes(ref_ctx)
    assert unbounded["companies"] > 20 and unbounded["titles"] > 7  # the bound below really bites

    monkeypatch.setattr(context_mod, "CACHE_MAX_ENTRIES", 5)
    bounded, ctx = _run(tmp_path)
    assert bounded.equals(reference)
    sizes = _sizes(ctx)
    # per-value caches stay within the bound; the first-name and company caches restart from one
    # batch's distinct values, so they hold at most one batch beyond it
    assert max(sizes["titles"], sizes["names"], sizes["changes"]) <= 5, sizes
    assert sizes["firsts"] < unbounded["firsts"] and sizes["companies"] < unbounded["companies"], sizes
