"""Company keys joined by one 64-bit hash (engine/context.py ``resolve_companies``) answer exactly as
``CompanyIndex.resolve`` per row, also when keys share a hash inside a frame or with the run's cache."""

from __future__ import annotations

import itertools
import random

import polars as pl
import pytest

from jobshift.domain.matching.companies import CompanyIndex
from jobshift.engine import context as context_mod
from jobshift.engine.company_keys import attach_by_hash, company_key_hash
from jobshift.engine.context import DetectContext, DetectSettings
from test_company_keys import ACCOUNTS, ALIASES, DOMAINS, LINKEDINS, NAMES

SCHEMA = {"name": pl.String, "dom": pl.String, "li": pl.String}


def _ctx() -> DetectContext:
    index = CompanyIndex.build(ACCOUNTS, ALIASES)
    return DetectContext(pl.DataFrame(), pl.DataFrame(), index, DetectSettings())


def _batches() -> list[pl.DataFrame]:
    rows = list(itertools.product(NAMES, DOMAINS, LINKEDINS)) * 2  # every key twice
    random.Random(7).shuffle(rows)
    third = len(rows) // 3
    parts = [rows[:third], rows[third : 2 * third], rows[2 * third :]]
    return [pl.DataFrame(p, schema=SCHEMA, orient="row").with_row_index("row") for p in parts]


def _resolved(ctx: DetectContext) -> list[pl.DataFrame]:
    return [ctx.resolve_companies(b, "name", "dom", "li", "c_") for b in _batches()]


def _expected(batch: pl.DataFrame) -> list[tuple[object, ...]]:
    ref = CompanyIndex.build(ACCOUNTS, ALIASES)
    out = []
    for _, n, d, li in batch.iter_rows():
        m = ref.resolve(n, d, li) if (n or d or li) else None
        out.append((m.account_id, m.rule, m.confidence, m.tie_break) if m else (None, None, 0.0, None))
    return out


def _few_hashes() -> pl.Expr:
    """Three hash values: nearly every pair of keys collides, inside a frame and with the cache."""
    return (pl.col("_n").str.len_bytes().fill_null(0) % 3).cast(pl.UInt64).alias("_h")


def _check(got: list[pl.DataFrame]) -> None:
    for b, g in zip(_batches(), got, strict=True):
        assert g.select(b.columns).equals(b)  # rows kept, in order
        assert list(g.select("c_account_id", "c_rule", "c_conf", "c_tie").iter_rows()) == _expected(b)


def test_hash_join_equals_resolution_per_row() -> None:
    got = _resolved(_ctx())
    _check(got)
    assert set(got[0].get_column("c_rule").drop_nulls()) >= {"domain", "linkedin", "name", "core", "fuzzy"}


def test_colliding_hashes_give_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_mod, "company_key_hash", _few_hashes)
    _check(_resolved(_ctx()))


def test_a_cached_key_with_the_same_hash_is_not_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    # one key per frame, all with hash 0: no collision inside a frame, only with the cache
    monkeypatch.setattr(context_mod, "company_key_hash", lambda: pl.lit(0, dtype=pl.UInt64).alias("_h"))
    ctx = _ctx()
    for key in [("Acme", None, None), ("Globex", None, None), ("Initech", None, None), ("Acme", None, None)]:
        batch = pl.DataFrame([key, key], schema=SCHEMA, orient="row").with_row_index("row")
        got = ctx.resolve_companies(batch, "name", "dom", "li", "c_")
        assert list(got.select("c_account_id", "c_rule", "c_conf", "c_tie").iter_rows()) == _expected(batch)


def test_attach_by_hash_refuses_a_collision() -> None:
    key_schema = {"_n": pl.String, "_d": pl.String, "_l": pl.String}
    rows = pl.DataFrame({"_n": ["a", "b"], "_d": [None, None], "_l": [None, None]}, schema=key_schema)
    rows = rows.with_columns(pl.lit(1, dtype=pl.UInt64).alias("_h"))
    res = rows.head(1).with_columns(
        pl.lit("x").alias("aid"),
        pl.lit("name").alias("rule"),
        pl.lit(1.0).alias("conf"),
        pl.lit(None).alias("tie"),
    )
    assert attach_by_hash(rows, res) is None
    distinct = rows.with_columns(company_key_hash())
    assert distinct.get_column("_h").n_unique() == 2
    ok = attach_by_hash(
        distinct.head(1), distinct.head(1).join(res.drop("_h"), on=["_n", "_d", "_l"], nulls_equal=True)
    )
    assert ok is not None and ok.get_column("aid").to_list() == ["x"]
