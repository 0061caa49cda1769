"""The e-mail addresses of a row, vectorized: ``profiles._emails`` over list columns.

``personal_emails`` (strings) and ``emails`` (``{address, type}`` structs) are cleaned, normalized (the
fast pattern of :func:`jobshift.domain.profile_parts.email` in vector form, the Python normalizer once
per distinct other value), and deduplicated in the converter's order: the work e-mail, the personal
addresses (``personal_emails`` then ``emails`` entries of type ``personal``), the other entries.
"""

from __future__ import annotations

import polars as pl

from jobshift.domain.profile_parts import _SIMPLE_EMAIL, email
from jobshift.engine.convert.values import CONTROL, clean, json_string, truthy

SIMPLE_EMAIL = f"^(?:{_SIMPLE_EMAIL.pattern})$"
"""Addresses ``email()`` leaves as they are (its fast pattern, anchored)."""
_STR_LIST = pl.List(pl.String)


def email_table(values: pl.Series) -> dict[str, str | None]:
    """``email()`` of each distinct cleaned value that is not already plain."""
    v = values.drop_nulls()
    others = v.filter(~v.str.contains(SIMPLE_EMAIL)).unique().to_list()
    return {x: email(x) for x in others}


def normalized(e: pl.Expr, table: dict[str, str | None]) -> pl.Expr:
    """``email()`` of a cleaned value (null stays null), by the fast pattern or ``table``."""
    slow = e.replace_strict(table, default=None, return_dtype=pl.String) if table else pl.lit(None, pl.String)
    return pl.when(e.is_null()).then(None).when(e.str.contains(SIMPLE_EMAIL)).then(e).otherwise(slow)


def email_columns(df: pl.DataFrame) -> pl.DataFrame:
    """``emails_norm`` (JSON text), ``em_first`` (the ``em:`` key's address), ``has_emails`` and
    ``emails_odd`` (an address needing JSON escapes beyond ``"`` and ``\\``: slow) of ``df``'s rows, from
    its ``work_norm``, ``personal_emails`` and ``emails`` columns."""
    raw = df.select(
        pl.col("personal_emails").list.eval(clean(pl.element())).alias("pe"),
        pl.col("emails")
        .list.eval(
            pl.struct(
                clean(pl.element().struct.field("address")).alias("a"),
                (clean(pl.element().struct.field("type")) == "personal").fill_null(False).alias("p"),
            )
        )
        .alias("em"),
    )
    flat = pl.concat(
        [
            raw["pe"].explode(),
            raw["em"].explode().struct.field("a"),
        ]
    )
    table = email_table(flat)
    empty = pl.lit([], _STR_LIST)
    lists = raw.select(
        pl.col("pe").list.eval(normalized(pl.element(), table)).fill_null(empty).alias("pn"),
        pl.col("em")
        .list.eval(
            pl.struct(
                normalized(pl.element().struct.field("a"), table).alias("a"), pl.element().struct.field("p")
            )
        )
        .alias("em"),
    ).with_columns(
        pl.col("em").list.eval(pl.element().struct.field("a")).fill_null(empty).alias("an"),
        pl.col("em")
        .list.eval(pl.element().filter(pl.element().struct.field("p")).struct.field("a"))
        .fill_null(empty)
        .alias("typed"),
    )
    personal = pl.concat_list("pn", "typed").list.eval(pl.element().filter(truthy(pl.element())))
    every = (
        pl.concat_list(pl.concat_list(df["work_norm"]).fill_null(empty), "pn", "typed", "an")
        .list.eval(pl.element().filter(truthy(pl.element())))
        .list.unique(maintain_order=True)
    )
    out = lists.select(personal.alias("personal"), every.alias("every"))
    return out.select(
        (
            pl.lit("[") + pl.col("every").list.eval(json_string(pl.element())).list.join(",") + pl.lit("]")
        ).alias("emails_norm"),
        pl.coalesce(pl.col("personal").list.first(), pl.col("every").list.first()).alias("em_first"),
        (pl.col("every").list.len() > 0).alias("has_emails"),
        pl.col("every")
        .list.eval(pl.element().str.contains(CONTROL))
        .list.any()
        .fill_null(False)
        .alias("emails_odd"),
    )
