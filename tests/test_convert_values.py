"""engine/convert/values.py: a Python function applied once per distinct value, its null policy and fast
pattern."""

from __future__ import annotations

import polars as pl

from jobshift.engine.convert.values import by_distinct


def test_by_distinct_calls_once_per_distinct_value_and_keeps_order() -> None:
    calls: list[str | None] = []

    def fn(v: str | None) -> str | None:
        calls.append(v)
        return None if v is None else v.upper() + "!"

    values = pl.Series("name", ["a", None, "b", "a", None, "Ä", "b"])
    out = by_distinct(values, fn)
    assert out.name == "name"
    assert out.to_list() == ["A!", None, "B!", "A!", None, "Ä!", "B!"]
    assert sorted(calls, key=str) == sorted(["a", "b", "Ä", None], key=str)


def test_by_distinct_null_policy() -> None:
    values = pl.Series("v", [None, "x", None])
    assert by_distinct(values, lambda v: "none" if v is None else v).to_list() == ["none", "x", "none"]
    kept = by_distinct(values, lambda v: "none" if v is None else v, call_on_null=False)
    assert kept.to_list() == [None, "x", None]


def test_by_distinct_fast_pattern_skips_the_function() -> None:
    seen: list[str] = []

    def fn(v: str | None) -> str | None:
        seen.append(str(v))
        return "slow:" + str(v)

    values = pl.Series("v", ["abc", "ABC", "abc", "x-y", None])
    out = by_distinct(values, fn, r"^[a-z]+$", pl.col("v") + "?", call_on_null=False)
    assert out.to_list() == ["abc?", "slow:ABC", "abc?", "slow:x-y", None]
    assert sorted(seen) == ["ABC", "x-y"]
    assert by_distinct(pl.Series("e", [], dtype=pl.String), fn).to_list() == []
