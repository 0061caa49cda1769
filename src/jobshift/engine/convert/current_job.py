"""The current job of each row, vectorized (``profiles._convert``'s choice over the entries frame).

A row whose ``job_*`` fields name a company (a name, a domain or a LinkedIn page) keeps them
(``job_fields``) and fills its title and start from the first open experience entry of the same company
(same domain, same LinkedIn page, or the same name ignoring case). Any other row takes the first
experience entry with a company marked primary (``primary_experience``), else the open entry with a
company and the latest start, the first on ties (``open_experience``), else no employer.
"""

from __future__ import annotations

import polars as pl

from jobshift.engine.convert.values import truthy

CURRENT_COLUMNS = ("cur_pos", "source", "title", "name", "domain", "li", "start", "name_lower")


_USED = (
    *("row", "pos", "c_name", "c_domain", "c_linkedin", "c_name_lower", "has_company", "t_name", "start"),
    *("end", "primary"),
)
"""The entry columns the choice reads."""


def _first(df: pl.DataFrame) -> pl.DataFrame:
    """The first row of each ``row`` of ``df`` (sorted by ``row, pos``, as the entries are)."""
    return df.unique("row", keep="first", maintain_order=True)


def current_jobs(rows: pl.DataFrame, entries: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (``row``, ``has_job``, job-field ``c_job_title``, ``c_job_company_name``, ``name_lower``,
    ``domain0``, ``li``, ``start``) with :data:`CURRENT_COLUMNS` chosen: ``cur_pos`` (the current entry's
    position, null when none), ``source`` and the current job's title, company name / domain / LinkedIn
    key, start and lower-cased name."""
    job = rows.filter(pl.col("has_job")).select("row", "c_job_company_name", "name_lower", "domain0", "li")
    entries = entries.select(_USED)
    same = (
        entries.filter(pl.col("end").is_null())
        .join(job, on="row", how="inner", maintain_order="left")
        .filter(
            (truthy(pl.col("domain0")) & (pl.col("c_domain") == pl.col("domain0"))).fill_null(False)
            | (truthy(pl.col("li")) & (pl.col("c_linkedin") == pl.col("li"))).fill_null(False)
            | (
                truthy(pl.col("c_job_company_name"))
                & truthy(pl.col("c_name"))
                & (pl.col("c_name_lower") == pl.col("name_lower"))
            ).fill_null(False)
        )
        .pipe(_first)
        .select(
            "row",
            pl.col("pos").alias("m_pos"),
            pl.col("t_name").alias("m_title"),
            pl.col("start").alias("m_start"),
        )
    )
    free = entries.filter(
        pl.col("row").is_in(rows.filter(~pl.col("has_job"))["row"].implode()) & pl.col("has_company")
    )
    primary = _first(free.filter("primary")).with_columns(pl.lit("primary_experience").alias("e_source"))
    open_ = (
        free.filter(pl.col("end").is_null())
        .join(primary.select("row"), on="row", how="anti")
        .with_columns(pl.col("start").fill_null("").alias("_key"))
        .sort("row", "_key", "pos", descending=[False, True, False])
        .unique("row", keep="first", maintain_order=True)
        .drop("_key")
        .with_columns(pl.lit("open_experience").alias("e_source"))
    )
    chosen = pl.concat([primary, open_]).select(
        "row",
        pl.col("pos").alias("e_pos"),
        "e_source",
        pl.col("t_name").alias("e_title"),
        pl.col("c_name").alias("e_name"),
        pl.col("c_domain").alias("e_domain"),
        pl.col("c_linkedin").alias("e_li"),
        pl.col("start").alias("e_start"),
        pl.col("c_name_lower").alias("e_name_lower"),
    )
    df = rows.join(same, on="row", how="left", maintain_order="left").join(
        chosen, on="row", how="left", maintain_order="left"
    )
    has_job = pl.col("has_job")
    return df.with_columns(
        pl.when(has_job).then(pl.col("m_pos")).otherwise(pl.col("e_pos")).alias("cur_pos"),
        pl.when(has_job).then(pl.lit("job_fields")).otherwise(pl.col("e_source")).alias("source"),
        pl.when(has_job)
        .then(pl.coalesce("c_job_title", "m_title"))
        .when(pl.col("e_pos").is_not_null())
        .then(pl.col("e_title"))
        .otherwise(pl.col("c_job_title"))
        .alias("title"),
        pl.when(pl.col("e_pos").is_not_null())
        .then(pl.col("e_name"))
        .otherwise(pl.col("c_job_company_name"))
        .alias("name"),
        pl.when(pl.col("e_pos").is_not_null())
        .then(pl.col("e_domain"))
        .otherwise(pl.col("domain0"))
        .alias("domain"),
        pl.when(pl.col("e_pos").is_not_null()).then(pl.col("e_li")).otherwise(pl.col("li")).alias("li"),
        pl.when(has_job)
        .then(pl.coalesce("start", "m_start"))
        .when(pl.col("e_pos").is_not_null())
        .then(pl.col("e_start"))
        .otherwise(pl.col("start"))
        .alias("start"),
        pl.when(pl.col("e_pos").is_not_null())
        .then(pl.col("e_name_lower"))
        .otherwise(pl.col("name_lower"))
        .alias("name_lower"),
    ).drop(
        "m_pos",
        "m_title",
        "m_start",
        "e_pos",
        "e_source",
        "e_title",
        "e_name",
        "e_domain",
        "e_li",
        "e_start",
        "e_name_lower",
    )


def email_domain_kept(df: pl.DataFrame, entries: pl.DataFrame) -> pl.Series:
    """``email_domain`` of ``df`` (``row``, ``email_domain``, ``cur_pos``) unless an ended entry other
    than the current one has that domain (``profiles._email_company_domain``)."""
    past = (
        entries.filter(pl.col("end").is_not_null() & pl.col("c_domain").is_not_null())
        .select("row", "pos", "c_domain")
        .join(df.select("row", "email_domain", "cur_pos").drop_nulls("email_domain"), on="row", how="inner")
        .filter(
            (pl.col("c_domain") == pl.col("email_domain"))
            & (pl.col("pos") != pl.col("cur_pos")).fill_null(True)
        )
        .select("row")
        .unique()
    )
    hit = df.select(pl.col("row").is_in(past["row"].implode())).to_series()
    return (
        df.select(pl.when(hit).then(None).otherwise(pl.col("email_domain"))).to_series().alias("email_domain")
    )


def first_company(entries: pl.DataFrame) -> pl.DataFrame:
    """(``row``, ``first_company``): the first entry's domain, else its lower-cased name, among the entries
    with a domain or a name (``profiles._any_company``'s fallback)."""
    return (
        entries.select("row", "c_domain", "c_name", "c_name_lower")
        .filter(truthy(pl.col("c_domain")) | truthy(pl.col("c_name")))
        .pipe(_first)
        .select(
            "row",
            pl.when(truthy(pl.col("c_domain")))
            .then(pl.col("c_domain"))
            .otherwise(pl.col("c_name_lower"))
            .alias("first_company"),
        )
    )
