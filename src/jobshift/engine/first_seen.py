"""Undated new hires "first seen at this account after an earlier observation elsewhere".

A person at a watched account with no start date and no earlier entry at the account family is a new
hire when the people data's **previous observation** of them (the one before the observation detection
read) showed a current job at another company — not this account family — at most
``new_hire_window_days`` before: they moved in between. Detection reads only the newest observation of
each person, so the previous ones are looked up for these few candidates only, through a function the
service passes to ``finalize`` (``previous``: ``{person_key: observed_at}`` → rows of
:data:`PREVIOUS_SCHEMA`); without it (e.g. a feed read without the store) the rule is skipped. The
evidence names that observation (``previous_observation``: ``"2026-09-01 at Wingtip Toys"``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from jobshift.engine.context import DetectContext

PREVIOUS_SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "prev_observed_at": pl.String,
    "prev_company_name": pl.String,
    "prev_company_domain": pl.String,
    "prev_company_linkedin": pl.String,
}
PreviousJobs = Callable[[Mapping[str, str]], pl.DataFrame]
"""``{person_key: observed_at}`` → the observation before it of each key (:data:`PREVIOUS_SCHEMA`)."""


def first_seen_elsewhere(
    ctx: DetectContext, cands: pl.DataFrame, previous: PreviousJobs | None
) -> pl.DataFrame:
    """The rows of ``cands`` (``person_key``, ``observed_at``, ``cur_root``) whose previous observation
    shows a job elsewhere within the window, with ``previous_observation``."""
    none = cands.clear().with_columns(pl.lit(None, dtype=pl.String).alias("previous_observation"))
    if previous is None or cands.height == 0:
        return none
    prev = previous(dict(cands.select("person_key", "observed_at").iter_rows()))
    if prev.height == 0:
        return none
    prev = prev.filter(
        pl.col("prev_company_name").is_not_null()
        | pl.col("prev_company_domain").is_not_null()
        | pl.col("prev_company_linkedin").is_not_null()
    )
    prev = ctx.resolve_companies(
        prev, "prev_company_name", "prev_company_domain", "prev_company_linkedin", "p_"
    )
    prev = prev.join(
        ctx.accounts.select(pl.col("account_id").alias("p_account_id"), pl.col("acc_root").alias("p_root")),
        on="p_account_id",
        how="left",
    )
    day = pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    before = pl.col("prev_observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    gap = (day - before).dt.total_days()
    moved = cands.join(prev, on="person_key", how="inner").filter(
        (gap > 0)
        & (gap <= ctx.settings.new_hire_window_days)
        & (pl.col("p_root").is_null() | (pl.col("p_root") != pl.col("cur_root")))
    )
    where = pl.coalesce(
        pl.col("prev_company_name"), pl.col("prev_company_domain"), pl.col("prev_company_linkedin")
    )
    moved = moved.with_columns((pl.col("prev_observed_at") + " at " + where).alias("previous_observation"))
    return moved.select(*cands.columns, "previous_observation")
