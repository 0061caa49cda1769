"""engine/convert/values.py: a Python function applied once per distinct value, its null policy and fast
pattern; engine/convert/parse.py: the lines' text handed to pyarrow."""

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


def test_lines_text_is_the_lines_joined_of_a_sliced_column() -> None:
    from jobshift.engine.convert.parse import lines_text

    lines = pl.Series(
        "line", ['{"a":1}', '{"b":"Zoë 😀"}', '{"c":"日本"}', '{"d":' + '"x' * 5000 + '"}', "{}"]
    )
    for part in (
        lines,
        lines.slice(1, 3),
        lines.slice(4),
        lines.slice(0, 0),
        pl.concat([lines, lines], rechunk=False),
    ):
        assert lines_text(part).to_pybytes() == "".join(v + "\n" for v in part.to_list()).encode()
    with_null = pl.Series("line", ['{"a":1}', None, "{}"])
    assert lines_text(with_null).to_pybytes() == b'{"a":1}\n{}\n'
