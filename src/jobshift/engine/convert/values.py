"""Strings as the profile converter cleans them, their JSON text, and Python functions applied once per
distinct value."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Final

import polars as pl

__all__ = [
    "CONTROL",
    "JSON_ESCAPES",
    "NEEDS_ESCAPE",
    "PY_WHITESPACE",
    "by_distinct",
    "clean",
    "json_string",
    "truthy",
]

PY_WHITESPACE: Final = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
"""The characters Python's ``str.strip()`` removes (Rust's whitespace differs: ``\\x1c``–``\\x1f``)."""
_SHORT_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
JSON_ESCAPES: Final = _SHORT_ESCAPES | {
    chr(i): f"\\u{i:04x}" for i in range(0x20) if chr(i) not in _SHORT_ESCAPES
}
"""What ``orjson`` escapes in a string, and how (non-ASCII text stays UTF-8)."""
NEEDS_ESCAPE: Final = r'[\x00-\x1f"\\]'
"""A string holding a character :data:`JSON_ESCAPES` rewrites."""
CONTROL: Final = r"[\x00-\x1f]"
"""Characters ``orjson`` escapes beyond ``"`` and ``\\``."""


def clean(col: str | pl.Expr, nul: bool = True) -> pl.Expr:
    """``s()`` of a string (``profiles._convert``'s reading of a string field): NUL characters removed,
    Python-stripped (:data:`PY_WHITESPACE`), empty → null. ``nul=False``: the caller knows there is no
    NUL character, the removal is skipped."""
    e = pl.col(col) if isinstance(col, str) else col
    if nul:
        e = e.str.replace_all("\x00", "", literal=True)
    return e.str.strip_chars(PY_WHITESPACE).replace("", None)


def json_string(e: pl.Expr, escape: bool = True) -> pl.Expr:
    """A string (or null) as the JSON text ``orjson.dumps`` writes for it (``escape=False``: the caller
    knows no character needs escaping)."""
    if escape:
        e = e.str.replace_many(list(JSON_ESCAPES), list(JSON_ESCAPES.values()))
    return pl.concat_str(pl.lit('"'), e, pl.lit('"')).fill_null("null")


def truthy(e: pl.Expr) -> pl.Expr:
    """A string is set and not empty (Python truthiness of ``str | None``)."""
    return e.is_not_null() & (e.str.len_bytes() > 0)


def by_distinct(
    values: pl.Series,
    fn: Callable[[Any], str | None],
    fast: str | None = None,
    fast_out: pl.Expr | None = None,
    *,
    call_on_null: bool = True,
) -> pl.Series:
    """``fn`` of each value of ``values``, calling ``fn`` once per distinct non-null value (joined back);
    named as ``values``.

    Nulls: ``fn(None)`` (``call_on_null``, once) or null. Values matching the regex ``fast`` take
    ``fast_out`` (an expression of ``pl.col("v")``, default the value itself) without a call."""
    df = values.cast(pl.String).to_frame("v")
    if fast:  # the pattern is tested once: its answer is a column
        df = df.with_columns(pl.col("v").str.contains(fast).fill_null(False).alias("_plain"))
    todo = df.filter(~pl.col("_plain"))["v"] if fast else df["v"]
    distinct = todo.drop_nulls().unique()
    null_out = fn(None) if call_on_null and df["v"].has_nulls() else None
    called = pl.lit(None, pl.String)
    if distinct.len():
        table = pl.DataFrame(
            {"v": distinct, "_out": pl.Series([fn(v) for v in distinct.to_list()], dtype=pl.String)}
        )
        df = df.join(table, on="v", how="left", maintain_order="left")
        called = pl.col("_out")
    out = pl.when(pl.col("v").is_null()).then(pl.lit(null_out, pl.String)).otherwise(called)
    if fast:
        out = pl.when(pl.col("_plain")).then(fast_out if fast_out is not None else pl.col("v")).otherwise(out)
    return df.select(out.cast(pl.String).alias(values.name)).to_series()
