"""Undated new hires who took over a departed CRM contact's role ("replacing the CRM's known holder").

A person at a watched account with no start date and no earlier entry at the account family is a
candidate (``hire_rule`` :data:`~jobshift.engine.detect.HOLDER_RULE`, from ``engine/detect.py``). The
candidate is a ``new_hire`` only when a CRM contact of the same account family who held the same role
(the title model calls the two titles ``same``: level and function) has left:

- detected in this run (``job_change`` / ``left_company`` of that contact; the departure date is the end
  of the CRM-company entry, else the start of the new job, unknown is accepted), or
- marked departed in the CRM (``no_longer_at_company``, dated by ``no_longer_at_company_at``; an
  undated mark is not enough: it may be years old);

and the departure is at most ``new_hire_window_days`` before the candidate's observation, and the
candidate's latest job elsewhere ended at most ``new_hire_window_days`` before the departure (or, the
departure date unknown, before the observation): they were elsewhere while the holder still held the
role. Without that, a colleague with the same title who has been there for years (most undated
profiles) would be taken for the successor. A holder matched by several candidates names nobody (five
account executives without start dates are not five new hires because one left); a candidate matching
several holders takes the latest departure. The evidence names the holder (``replaced_contact``).

:func:`resolve_undated` applies this rule, then "first seen after an earlier observation elsewhere"
(``engine/first_seen.py``) to the candidates it did not confirm.
"""

from __future__ import annotations

import polars as pl

from jobshift.domain.signal_types import types_where
from jobshift.engine.batches import partial_to_date
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import FIRST_SEEN_RULE, HOLDER_RULE
from jobshift.engine.first_seen import PreviousJobs, first_seen_elsewhere


def departures(ctx: DetectContext, contact_rows: pl.DataFrame) -> pl.DataFrame:
    """(``acc_root``, ``holder_id``, ``holder_title``, ``departed_on``, ``undated_ok``) of every contact
    known to have left its account: this run's contact signals that mark the contact as left, and the
    CRM's own marks."""
    gone = pl.coalesce(partial_to_date("crm_end_date"), partial_to_date("job_started_date"))
    run = contact_rows.filter(
        pl.col("type").is_in(list(types_where(contact_update="mark_left")))
        & pl.col("past_title").is_not_null()
        & pl.col("acc_root").is_not_null()
    ).select(
        "acc_root",
        pl.col("contact_id").alias("holder_id"),
        pl.col("past_title").alias("holder_title"),
        gone.alias("departed_on"),
        pl.lit(True).alias("undated_ok"),
    )
    crm = ctx.departed.filter(pl.col("title").is_not_null()).select(
        "acc_root",
        pl.col("contact_id").alias("holder_id"),
        pl.col("title").alias("holder_title"),
        pl.col("departed_on").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("departed_on"),
        pl.lit(False).alias("undated_ok"),
    )
    return pl.concat([run, crm], how="vertical_relaxed").unique(
        ["acc_root", "holder_id"], keep="first", maintain_order=True
    )


def replacing_holders(ctx: DetectContext, cands: pl.DataFrame, gone: pl.DataFrame) -> pl.DataFrame:
    """The rows of ``cands`` (hire candidates with ``cur_root``, ``cur_title``, ``observed_at``) that
    replace a departed holder, with ``replaced_contact`` (``"<id>: <title>, left <date>; previous job
    ended <date>"``)."""
    if cands.height == 0 or gone.height == 0:
        return cands.clear().with_columns(pl.lit(None, dtype=pl.String).alias("replaced_contact"))
    pairs = cands.select("person_key", "cur_root", "cur_title", "observed_at", "elsewhere_end").join(
        gone, left_on="cur_root", right_on="acc_root", how="inner"
    )
    pairs = pairs.filter(pl.col("cur_title").is_not_null())
    seen = pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    gap = (seen - pl.col("departed_on")).dt.total_days()
    window = ctx.settings.new_hire_window_days
    came = partial_to_date("elsewhere_end")
    reference = pl.coalesce(pl.col("departed_on"), seen)
    pairs = pairs.filter(
        pl.when(pl.col("departed_on").is_null()).then(pl.col("undated_ok")).otherwise(gap <= window)
        & ((reference - came).dt.total_days() <= window).fill_null(False)
    )
    same = ctx.title_changes(
        pairs.select(pl.col("holder_title").alias("past_title"), pl.col("cur_title").alias("new_title"))
    )
    pairs = pairs.join(
        same.filter(pl.col("title_decision") == "same").select("past_title", "new_title"),
        left_on=["holder_title", "cur_title"],
        right_on=["past_title", "new_title"],
        how="semi",
    )
    # a holder claimed by several people names nobody; a person takes the latest departure
    pairs = pairs.filter(pl.col("person_key").n_unique().over("holder_id") == 1)
    pairs = pairs.sort(
        ["person_key", "departed_on", "holder_id"], descending=[False, True, False], nulls_last=True
    )
    best = pairs.unique("person_key", keep="first", maintain_order=True).select(
        "person_key",
        (
            pl.col("holder_id")
            + ": "
            + pl.col("holder_title")
            + ", left "
            + pl.col("departed_on").cast(pl.String).fill_null("(date unknown)")
            + "; previous job ended "
            + pl.col("elsewhere_end")
        ).alias("replaced_contact"),
    )
    return cands.join(best, on="person_key", how="inner")


def resolve_undated(
    ctx: DetectContext, hires: pl.DataFrame, contact_rows: pl.DataFrame, previous: PreviousJobs | None
) -> pl.DataFrame:
    """Keep the tentative undated candidates of ``hires`` that a rule confirms — a departed holder's
    successor first (:func:`replacing_holders`), then first seen after an earlier observation
    elsewhere (``engine/first_seen.py``) — and every other row; adds ``replaced_contact`` and
    ``previous_observation``."""
    tentative = pl.col("hire_rule").is_in([HOLDER_RULE, FIRST_SEEN_RULE])
    sure = hires.filter(~tentative)
    maybe = hires.filter(tentative)
    succ = replacing_holders(
        ctx, maybe.filter(pl.col("hire_rule") == HOLDER_RULE), departures(ctx, contact_rows)
    )
    rest = maybe.join(succ.select("person_key"), on="person_key", how="anti")
    seen = first_seen_elsewhere(ctx, rest, previous).with_columns(pl.lit(FIRST_SEEN_RULE).alias("hire_rule"))

    def null(col: str) -> pl.Expr:
        return pl.lit(None, dtype=pl.String).alias(col)

    return pl.concat(
        [
            sure.with_columns(null("replaced_contact"), null("previous_observation")),
            succ.with_columns(null("previous_observation")),
            seen.with_columns(null("replaced_contact")),
        ],
        how="diagonal_relaxed",
    )
