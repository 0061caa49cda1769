"""Which decoded rows of a detection batch can produce anything: the batch-side relevance mask.

:func:`~jobshift.engine.detect.detect_batch` (with ``skip_unlinked``) finds the identity candidates of a
batch first — they read names, LinkedIn keys and e-mails only, no company — and then drops, before any
company is resolved, every row that can contribute nothing. A row contributes only when

- it is one side of a candidate pair (tracked contact, after the e-mail contests), or
- its current job can be at a watched account (a new hire or promotion): the company key the feed
  gives as its current job (registrable domain, LinkedIn page, name) may resolve to an account of a
  watched family (:class:`~jobshift.engine.prefilter.keys.FeedKeys`, the same test as the feed
  pre-filter's), or it has several open-ended jobs (:func:`~jobshift.engine.current_job.choose_current_job`
  may then pick another one: such rows are always kept).

Any other row yields no candidate, no new hire and no profile row, and does not change another row's
result (candidate pairs are per profile; the only batch-wide rule — a contact with a strong match loses
its name matches — is applied before the mask). In a bulk feed most rows are such rows, and their
company resolution (Python per distinct company key, cold in a fresh worker context) was most of the
step's cost. Tests compare ``detect_batch`` with and without the mask row for row on noisy data.
"""

from __future__ import annotations

import polars as pl

from jobshift.engine.context import DetectContext
from jobshift.engine.prefilter.keys import feed_keys

OPEN_ENTRY = '"end_date":null'
"""How an open-ended experience entry is written in the ``experience`` JSON (as ``choose_current_job``
counts them)."""


def may_be_watched(ctx: DetectContext, obs: pl.DataFrame, rows: pl.Series | None = None) -> pl.Series:
    """Per row of decoded ``obs``: can its current job resolve to a watched-family account?

    A superset: true for every row whose current job really resolves there (see the module docstring).
    ``rows``: the mask of rows to answer for (others: false); company names are checked (Python, once
    per distinct name, cached) only for rows the domain, LinkedIn page and open-entry tests left open.
    """
    keys = feed_keys(ctx)
    todo = pl.Series("_w", [True] * obs.height, dtype=pl.Boolean) if rows is None else rows
    if not keys.watched or not todo.any():
        return pl.Series("_w", [False] * obs.height, dtype=pl.Boolean)
    pages = pl.Series(sorted(keys.company_pages), dtype=pl.String)
    open_rows = obs.select("pi", "cur_name", "cur_domain", "cur_linkedin", "experience").filter(todo)
    quick = (
        pl.col("cur_domain").is_in(keys.domains.implode()).fill_null(False)
        | pl.col("cur_linkedin").is_in(pages.implode()).fill_null(False)
        | (pl.col("experience").str.count_matches(OPEN_ENTRY, literal=True) >= 2).fill_null(False)
    )
    open_rows = open_rows.with_columns(quick.alias("_q"))
    named = open_rows.filter(~pl.col("_q")).get_column("cur_name").drop_nulls().unique()
    hits = pl.Series([n for n in named.to_list() if keys.name_may_match(n)], dtype=pl.String)
    watched = open_rows.filter(pl.col("_q") | pl.col("cur_name").is_in(hits.implode()).fill_null(False))
    return obs.get_column("pi").is_in(watched.get_column("pi").implode()).alias("_w")


def productive_rows(ctx: DetectContext, obs: pl.DataFrame, linked: pl.Series) -> pl.Series:
    """The mask of rows of ``obs`` to detect on: rows ``pi`` in ``linked`` (their candidate pairs) or
    whose current job may be at a watched account (:func:`may_be_watched`)."""
    has_pair = obs.get_column("pi").is_in(linked.implode())
    return has_pair | may_be_watched(ctx, obs, ~has_pair)


def keep_rows(
    obs: pl.DataFrame, mask: pl.Series, *pairs: pl.DataFrame
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """``obs`` reduced to ``mask`` with its row numbers ``pi`` renumbered 0..n-1, and each frame of
    ``pairs`` (a ``pi`` column, every ``pi`` kept) renumbered the same way."""
    new_pi = (mask.cast(pl.UInt32).cum_sum() - 1).cast(pl.UInt32)
    kept = obs.filter(mask).with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("pi"))
    return kept, [p.with_columns(new_pi.gather(p.get_column("pi")).alias("pi")) for p in pairs]
