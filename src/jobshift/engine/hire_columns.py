"""Frame helpers shared by :mod:`jobshift.engine.finalize` and its shards
(:mod:`jobshift.engine.feed_shards`): which people a contact's signal already covers, and the columns
new-hire rows and contact rows share."""

from __future__ import annotations

import polars as pl


def matched_people(decided: pl.DataFrame, among: pl.Series | None = None) -> pl.DataFrame:
    """Person keys matched to a tracked contact: their new-hire rows are covered by the contact's signal.

    ``among``: only these person keys are asked about (the new-hire candidates), a far smaller set.
    """
    matched = pl.col("outcome") == "matched"
    if among is not None:
        matched = matched & pl.col("person_key").is_in(among.implode())
    return decided.filter(matched).select("person_key").unique()


def with_hire_columns(df: pl.DataFrame) -> pl.DataFrame:
    """Contact rows with the (null) new-hire evidence columns."""
    return df.with_columns(
        pl.lit(None, dtype=pl.String).alias("hire_rule"),
        pl.lit(None, dtype=pl.String).alias("replaced_contact"),
        pl.lit(None, dtype=pl.String).alias("previous_observation"),
    )


def align_hires(h: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """New-hire rows with the columns (``schema``) of the contact rows (:func:`with_hire_columns`)."""
    missing = [pl.lit(None, dtype=dt).alias(col) for col, dt in schema.items() if col not in h.columns]
    return h.with_columns(missing).select(list(schema))
