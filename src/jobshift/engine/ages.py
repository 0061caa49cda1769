"""Ages of a signal's evidence and job, counted to the run date (used by ``engine/finalize.py``)."""

from __future__ import annotations

import polars as pl

from jobshift.domain.signal_types import types_where
from jobshift.engine.context import DetectContext


def months_expr(start: pl.Expr, ref: pl.Expr) -> pl.Expr:
    """Whole months from a partial start date to a reference date, as :func:`months_between` counts."""
    sy = start.str.slice(0, 4).cast(pl.Int64, strict=False)
    sm = (
        pl.when(start.str.len_chars() >= 7)
        .then(start.str.slice(5, 2).cast(pl.Int64, strict=False))
        .otherwise(1)
    )
    ry = ref.str.slice(0, 4).cast(pl.Int64, strict=False)
    rm = ref.str.slice(5, 2).cast(pl.Int64, strict=False)
    months = (ry - sy) * 12 + (rm - sm)
    day_back = (
        (start.str.len_chars() >= 10)
        & (ref.str.len_chars() >= 10)
        & (ref.str.slice(8, 2) < start.str.slice(8, 2))
    )
    return months - day_back.fill_null(False).cast(pl.Int64)


def ages(ctx: DetectContext, df: pl.DataFrame) -> pl.DataFrame:
    """``evidence_age_days`` (run date − the later of ``observed_at`` and the feed's
    ``job_last_verified``) and ``job_age_months`` (run date − the job start; for ``left_company`` − when
    the CRM-company entry ended: ``age_from`` in the registry)."""
    today = ctx.settings.today()
    age_from = (
        pl.when(pl.col("type").is_in(list(types_where(age_from="crm_job_end"))))
        .then(pl.col("crm_end_date"))
        .otherwise(pl.col("job_started_date"))
    )
    observed = pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    verified = pl.col("job_last_verified").str.to_date("%Y-%m-%d", strict=False)
    verified = pl.when(verified <= pl.lit(today)).then(verified)  # a date after the run date: ignored
    return df.with_columns(
        (pl.lit(today) - pl.max_horizontal(observed, verified)).dt.total_days().alias("evidence_age_days"),
        months_expr(age_from, pl.lit(today.isoformat())).alias("job_age_months"),
    )
