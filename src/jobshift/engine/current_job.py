"""Which of a profile's current jobs detection reads (pure, no I/O).

A profile can hold several current jobs (an operating role plus board seats, or a stale entry the
owner never closed). :func:`choose_current_job` picks one per profile — the CRM account first, then a
watched (target/ICP) company, then the feed's primary flag, then the most recent start; operating
roles before seats — and records the choice in the evidence.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from jobshift.engine.batches import decode_experience, partial_to_date
from jobshift.engine.context import DetectContext

OPEN_ENTRY = '"end_date":null'
"""How an open-ended experience entry is written in the ``experience`` JSON."""
SEVERAL_OPEN = "_several_open"
"""A batch column :func:`choose_current_job` reads when present (see :func:`several_open`)."""


def several_open() -> pl.Expr:
    """Whether a row's experience text holds two open-ended entries or more (a string count), as
    :data:`SEVERAL_OPEN`: only such rows can have their current job changed by :func:`choose_current_job`.
    A batch may add it once and let both the relevance mask and the choice read it."""
    return (
        (pl.col("experience").str.count_matches(OPEN_ENTRY, literal=True) >= 2)
        .fill_null(False)
        .alias(SEVERAL_OPEN)
    )


def choose_current_job(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    """Profiles with several open-ended jobs: the current job is the one at a CRM account, then at a
    watched (target / ICP) account, then the primary one, then the most recent start — operating roles
    before advisor / board / investor seats. ``cur_choice`` records why when another job than the
    feed's was chosen (``"3 current jobs: crm_account"``).

    Only profiles whose experience text holds two open-ended entries are decoded (a string count, the
    column :data:`SEVERAL_OPEN` when ``obs`` has it).
    """
    no_choice = pl.lit(None, dtype=pl.String).alias("cur_choice")
    multi = obs.filter(pl.col(SEVERAL_OPEN) if SEVERAL_OPEN in obs.columns else several_open())
    if multi.height == 0:
        return obs.with_columns(no_choice)
    exp = (
        decode_experience(multi.select("pi", "experience"))
        .explode("experience")
        .drop_nulls("experience")
        .unnest("experience")
        .filter(pl.col("end_date").is_null())
        .with_row_index("_i")
    )
    exp = ctx.resolve_companies(exp, "company_name", "company_domain", "company_linkedin", "e_")
    exp = exp.join(
        ctx.accounts.select(pl.col("account_id").alias("e_account_id"), pl.col("is_watched").alias("_w")),
        on="e_account_id",
        how="left",
    )
    tf = ctx.title_frame(exp.get_column("title")).select(
        "title", (pl.col("f_advisor") | pl.col("f_board_member") | pl.col("f_investor")).alias("_seat")
    )
    exp = exp.join(tf, on="title", how="left").with_columns(
        pl.col("_seat").fill_null(False),
        pl.col("e_account_id").is_not_null().alias("_crm"),
        pl.col("_w").fill_null(False),
        pl.col("is_primary").fill_null(False),
        partial_to_date("start_date").alias("_start"),
    )
    keys = ["_seat", "_crm", "_w", "is_primary", "_start"]
    names = {
        "_seat": "operating_role",
        "_crm": "crm_account",
        "_w": "watched_account",
        "is_primary": "primary",
    }
    exp = exp.sort(
        ["pi", *keys, "_i"], descending=[False, False, True, True, True, True, False], nulls_last=True
    )
    # why: the first ranking key on which the chosen entry beats the runner-up (vectorized)
    second = [pl.col(k).slice(1, 1).first().alias(f"_2{k}") for k in keys]
    best = exp.group_by("pi", maintain_order=True).agg(pl.all().first(), pl.len().alias("len"), *second)
    why: Any = pl.when(pl.col("len") == 1).then(pl.lit("latest_start"))
    for k in keys:
        why = why.when(pl.col(k).ne_missing(pl.col(f"_2{k}"))).then(pl.lit(names.get(k, "latest_start")))
    best = best.with_columns(why.otherwise(pl.lit("first_listed")).alias("_why"))
    # replace the feed's current job only where another entry was chosen: the feed's job_* fields are
    # one experience entry (company name and title; its domain may come from the work e-mail)
    cur = obs.select("pi", "cur_name", "cur_title")
    best = best.join(cur, on="pi", how="left")
    same = pl.col("company_name").str.to_lowercase().eq_missing(
        pl.col("cur_name").str.to_lowercase()
    ) & pl.col("title").str.to_lowercase().eq_missing(pl.col("cur_title").str.to_lowercase())
    swap = best.filter(~same).select(
        "pi",
        pl.col("company_name").alias("_n"),
        pl.col("company_domain").alias("_d"),
        pl.col("company_linkedin").alias("_l"),
        pl.col("title").alias("_t"),
        pl.col("start_date").alias("_s"),
        pl.col("e_account_id").alias("_a"),
        pl.col("e_rule").alias("_r"),
        pl.col("e_conf").alias("_c"),
        pl.col("e_tie").alias("_tb"),
        (pl.col("len").cast(pl.String) + " current jobs: " + pl.col("_why")).alias("cur_choice"),
    )
    if swap.height == 0:
        return obs.with_columns(no_choice)
    out = obs.join(swap, on="pi", how="left")
    hit = pl.col("cur_choice").is_not_null()
    return out.with_columns(
        *(
            pl.when(hit).then(pl.col(src)).otherwise(pl.col(dst)).alias(dst)
            for src, dst in (
                ("_n", "cur_name"),
                ("_d", "cur_domain"),
                ("_l", "cur_linkedin"),
                ("_t", "cur_title"),
                ("_s", "cur_start"),
                ("_a", "cur_account_id"),
                ("_r", "cur_rule"),
                ("_c", "cur_conf"),
                ("_tb", "cur_tie"),
            )
        )
    ).drop("_n", "_d", "_l", "_t", "_s", "_a", "_r", "_c", "_tb")
