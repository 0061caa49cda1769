"""Which decoded rows of a detection batch can produce anything: the batch-side relevance mask.

:func:`~jobshift.engine.detect.detect_batch` (with ``skip_unlinked``) finds the identity candidates of a
batch first — they read names, LinkedIn keys and e-mails only, no company — and, once the feed's current
jobs are resolved, drops every row that can contribute nothing before the rest of the step (the choice
among several current jobs, the watched-account joins, the histories, the profile facts). A row
contributes only when

- it is one side of a candidate pair (tracked contact, after the e-mail contests), or
- its current job is at a watched account (a new hire or promotion), or it has several open-ended jobs
  (:func:`~jobshift.engine.current_job.choose_current_job` may then pick another one: always kept).

Any other row yields no candidate, no new hire and no profile row, and does not change another row's
result (candidate pairs are per profile; the only batch-wide rule — a contact with a strong match loses
its name matches — is applied before the mask). The current jobs are resolved for every row either way
(the same resolution, cached per run), so the mask never costs a second resolution. Tests compare
``detect_batch`` with and without the mask row for row on noisy data.
"""

from __future__ import annotations

import polars as pl

from jobshift.engine.context import DetectContext
from jobshift.engine.current_job import SEVERAL_OPEN, several_open


def productive_rows(ctx: DetectContext, obs: pl.DataFrame, linked: pl.Series) -> pl.Series:
    """The mask of rows of ``obs`` (decoded, ``cur_account_id`` resolved) to detect on: rows ``pi`` in
    ``linked`` (their candidate pairs), rows whose current job is at a watched account, and rows with
    several open-ended jobs (see the module docstring; the column ``SEVERAL_OPEN`` when ``obs`` has it)."""
    watched = ctx.accounts.filter(pl.col("is_watched")).get_column("account_id")
    multi = pl.col(SEVERAL_OPEN) if SEVERAL_OPEN in obs.columns else several_open()
    return obs.select(
        (
            pl.col("pi").is_in(linked.implode())
            | pl.col("cur_account_id").is_in(watched.implode()).fill_null(False)
            | multi
        ).alias("_keep")
    ).to_series()


def keep_rows(
    obs: pl.DataFrame, mask: pl.Series, *pairs: pl.DataFrame
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """``obs`` reduced to ``mask`` with its row numbers ``pi`` renumbered 0..n-1, and each frame of
    ``pairs`` (a ``pi`` column, every ``pi`` kept) renumbered the same way."""
    new_pi = (mask.cast(pl.UInt32).cum_sum() - 1).cast(pl.UInt32)
    kept = obs.filter(mask).with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("pi"))
    return kept, [p.with_columns(new_pi.gather(p.get_column("pi")).alias("pi")) for p in pairs]
