"""Strings as the profile converter cleans them, and Python functions applied once per distinct value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from jobshift.engine.convert.experience import PY_WHITESPACE, _clean, _json_text

__all__ = ["PY_WHITESPACE", "by_distinct", "clean", "json_string", "truthy"]


def clean(col: str | pl.Expr) -> pl.Expr:
    """A top-level string field as ``profiles._convert`` reads it: NUL removed, Python-stripped, empty →
    null (``s()`` of a string; the experience module's rule, :data:`PY_WHITESPACE`)."""
    return _clean(pl.col(col) if isinstance(col, str) else col)


def truthy(e: pl.Expr) -> pl.Expr:
    """A string is set and not empty (Python truthiness of ``str | None``)."""
    return e.is_not_null() & (e.str.len_bytes() > 0)


def by_distinct(
    col: pl.Series,
    fn: Callable[[Any], str | None],
    fast: str | None = None,
    fast_out: pl.Expr | None = None,
) -> pl.Series:
    """``fn`` of each value of ``col`` (nulls included: ``fn(None)``), calling ``fn`` once per distinct
    value; values matching the regex ``fast`` take ``fast_out`` (an expression of ``pl.col("v")``)."""
    df = pl.DataFrame({"v": col.cast(pl.String)})
    plain = pl.col("v").str.contains(fast).fill_null(False) if fast else pl.lit(False)
    others = df.filter(~plain)["v"].unique().to_list() if fast else df["v"].unique().to_list()
    table = {v: fn(v) for v in others if v is not None}
    null_out = fn(None) if df["v"].has_nulls() else None
    slow = (
        pl.col("v").replace_strict(table, default=None, return_dtype=pl.String)
        if table
        else pl.lit(None, pl.String)
    )
    slow = pl.when(pl.col("v").is_null()).then(pl.lit(null_out, pl.String)).otherwise(slow)
    out = pl.when(plain).then(fast_out if fast_out is not None else pl.col("v")).otherwise(slow)
    return df.select(out.cast(pl.String).alias(col.name)).to_series()


def json_string(e: pl.Expr) -> pl.Expr:
    """A string as JSON text the way ``orjson`` writes it (the experience module's encoder)."""
    return _json_text(e)


CONTROL = r"[\x00-\x1f]"
"""Characters ``orjson`` escapes beyond ``"`` and ``\\``."""
