"""The open-ended-jobs flag a detection batch computes once (``engine/current_job.several_open``) and
that both the relevance mask and the current-job choice read: the same answers as counting again."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from jobshift.engine.batches import decode_observations
from jobshift.engine.current_job import SEVERAL_OPEN, choose_current_job, several_open
from jobshift.engine.feed import read_partition
from jobshift.engine.prefilter.rows import productive_rows
from test_feed_filter import EDGE, NOISE, _edge_context, _write

_OPEN = '{"title":"x","end_date":null}'
_ENDED = '{"title":"y","end_date":"2020-01"}'


def test_flag_counts_open_entries() -> None:
    texts = [
        None,
        "[]",
        f"[{_OPEN}]",
        f"[{_OPEN},{_ENDED}]",
        f"[{_OPEN},{_ENDED},{_OPEN}]",
        f"[{_OPEN}] " * 3,
    ]
    got = pl.DataFrame({"experience": texts}, schema={"experience": pl.String}).select(several_open())
    assert got.columns == [SEVERAL_OPEN]
    assert got[SEVERAL_OPEN].to_list() == [False, False, False, False, True, True]


def _entry(company: str, domain: str | None, title: str, start: str, end: str | None, primary: bool) -> str:
    return json.dumps(
        {
            "company_name": company,
            "company_website": domain,
            "company_domain": domain,
            "company_linkedin": None,
            "company_country": None,
            "company_region": None,
            "title": title,
            "title_levels": [],
            "title_role": None,
            "start_date": start,
            "end_date": end,
            "is_primary": primary,
        },
        separators=(",", ":"),
    )


def test_choice_and_mask_read_the_flag_as_they_count(tmp_path: Path) -> None:
    ctx = _edge_context()
    jl, _ = _write(tmp_path, "edge", EDGE, NOISE)
    obs, _, _ = read_partition(jl)
    # second open jobs: at a watched account, at an unwatched one, a board seat, an ended one
    extra = [
        [
            _entry("Nobody Ltd", "nobody.org", "CTO", "2019-01", None, True),
            _entry("Globex", "globex.com", "VP Sales", "2021-03", None, False),
        ],
        [
            _entry("Initech GmbH", None, "Board Member", "2022-01", None, False),
            _entry("Acme Inc.", "acme.com", "Engineer", "2018-01", None, True),
        ],
        [
            _entry("Umbrella Corporation", "umbrella.co.uk", "Analyst", "2015-01", "2019-01", False),
            _entry("Outside Co", "outside.io", "Analyst", "2020-01", None, True),
        ],
    ]
    texts = obs["experience"].to_list()
    for i, entries in enumerate(extra * 5):
        texts[i] = "[" + ",".join(entries) + "]"
    obs = obs.with_columns(pl.Series("experience", texts, dtype=pl.String))
    d = decode_observations(obs).with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("pi"))
    d = ctx.resolve_companies(d, "cur_name", "cur_domain", "cur_linkedin", "cur_")
    flagged = d.with_columns(several_open())
    assert flagged[SEVERAL_OPEN].any()  # the edge cases hold rows with two open jobs
    plain = choose_current_job(ctx, d)
    read = choose_current_job(ctx, flagged).drop(SEVERAL_OPEN)
    assert read.equals(plain)
    assert plain["cur_choice"].drop_nulls().len() >= 5  # the choice did replace some current jobs
    linked = pl.Series("pi", [0, 3], dtype=pl.UInt32)
    assert productive_rows(ctx, flagged, linked).equals(productive_rows(ctx, d, linked))
