"""Joins on key hashes confirm the keys: colliding hashes must not link the wrong contact and profile."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jobshift.engine import context as context_mod
from jobshift.engine import detect as detect_mod
from jobshift.engine import finalize as finalize_mod
from jobshift.engine.detect import detect_batch
from jobshift.engine.finalize import finalize
from jobshift.services.detect.detecting import build_context, default_tracked_set, iter_observation_batches
from jobshift.services.workspace import Workspace, init_workspace

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_detect_data.py"


def _signals(ws_dir: Path) -> pl.DataFrame:
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            ctx = build_context(conn, ws.config, default_tracked_set(conn), None)
            batches = list(iter_observation_batches(conn, 700))
    finally:
        ws.close()
    return finalize(ctx, [detect_batch(ctx, b) for b in batches]).signals.sort("signal_id")


def _colliding(col: str) -> pl.Expr:
    """Only 8 distinct hash values: nearly every pair of keys collides."""
    return (pl.col(col).str.len_bytes() % 8).cast(pl.UInt64).alias("h")


@pytest.fixture(scope="module")
def ws_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("bench_detect_data", BENCH)
    assert spec and spec.loader
    mod: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = tmp_path_factory.mktemp("hash")
    ws, _ = init_workspace(d / "ws")
    ws.close()
    mod.build(d / "ws" / "jobshift.db", d / "people.jsonl", 600, 750)
    return d / "ws"


def test_colliding_hashes_give_the_same_signals(ws_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _signals(ws_dir)
    assert expected.height > 50 and expected["type"].n_unique() >= 4
    monkeypatch.setattr(context_mod, "key_hash", _colliding)
    monkeypatch.setattr(detect_mod, "key_hash", _colliding)
    got = _signals(ws_dir)
    assert got.equals(expected)


def _few_company_hashes() -> pl.Expr:
    """Four hash values for company keys: most keys share one with others, in a batch and the cache."""
    return (pl.col("_n").str.len_bytes().fill_null(0) % 4).cast(pl.UInt64).alias("_h")


def test_colliding_company_key_hashes_give_the_same_signals(
    ws_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _signals(ws_dir)
    monkeypatch.setattr(context_mod, "company_key_hash", _few_company_hashes)
    got = _signals(ws_dir)
    assert got.equals(expected)


def _few_id_hashes(col: str) -> pl.Expr:
    """Two hash values for ids: finalize's repeated-id and strong-id filters see mostly false hits."""
    return (pl.col(col).str.len_bytes() % 2).cast(pl.UInt64)


def test_colliding_id_hashes_in_finalize_give_the_same_signals(
    ws_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _signals(ws_dir)
    assert expected.get_column("signal_id").is_sorted()  # sorted as strings (finalize sorts by numbers)
    monkeypatch.setattr(finalize_mod, "_id_hash", _few_id_hashes)
    got = _signals(ws_dir)
    assert got.equals(expected)
