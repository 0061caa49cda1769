"""The observation values of parsed rows, vectorized (``profiles._convert`` over columns).

Experience entries come from :mod:`.experience`, the current job from :mod:`.current_job`. Domains are
:mod:`.domains`' expressions; normalizers that are not expressions (LinkedIn keys, partial dates,
``str.lower``) run once per distinct value.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from jobshift.domain.profile_parts import _SIMPLE_PERSON, linkedin_person, pdate
from jobshift.domain.profiles import _verified
from jobshift.engine.batches import OBSERVATION_SCHEMA
from jobshift.engine.convert.current_job import current_jobs, email_domain_kept, first_company
from jobshift.engine.convert.domains import HOST, company_email_domains, domain_table, registrable_domains
from jobshift.engine.convert.emails import SIMPLE_EMAIL, email_columns, email_table, normalized
from jobshift.engine.convert.experience import experience_entries, experience_json, linkedin_companies
from jobshift.engine.convert.parse import STRING_FIELDS
from jobshift.engine.convert.slice_tables import SliceTables, bounded
from jobshift.engine.convert.values import by_distinct, clean, truthy

POS_CAST: dict[Any, Any] = {"pos": pl.UInt32, **OBSERVATION_SCHEMA}
ASCII = r"^[\x00-\x7f]*$"
"""Text ``str.lower()`` and polars lower-case alike (ASCII); other text is lower-cased by Python."""
SIMPLE_PERSON = f"^(?:{_SIMPLE_PERSON.pattern})$"


def _lower(v: Any) -> str | None:
    return v.lower() if v is not None else None


def _map(df: pl.DataFrame, col: str, fn: Any, **kw: Any) -> pl.Series:
    return by_distinct(df[col], fn, **kw)


def _experience_hosts(exp: pl.Series) -> pl.Series:
    """The experience's company websites that are their own host (:data:`~.domains.HOST`: cleaning
    leaves them as they are), distinct."""
    sites = pl.select(exp.explode().struct.field("company").struct.field("website").unique()).to_series()
    return sites.filter(sites.str.contains(HOST).fill_null(False))


def _domains(values: pl.Series, tables: SliceTables | None) -> pl.DataFrame:
    """The :func:`~.domains.domain_table` of ``values`` and of the partition's earlier slices (kept)."""
    if tables is None or tables.domains is None:
        known = domain_table(values)
    else:
        new = values.unique().to_frame("v").join(tables.domains, on="v", how="anti", nulls_equal=True)
        known = pl.concat([tables.domains, domain_table(new["v"])]) if new.height else tables.domains
    if tables is not None:
        tables.domains = bounded(known)
    return known


def convert_parsed(
    parsed: pl.DataFrame, tables: SliceTables | None = None
) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    """(observations ``pos`` + ``OBSERVATION_SCHEMA`` of the rows converted here, positions of the rows
    that are bad (``ProfileError``), positions of the rows left to the slow path). ``tables``: what the
    partition's earlier slices normalized (used, and updated with this slice's values)."""
    # NUL removal only for the fields of this batch that hold such characters
    nul = parsed.select(pl.col(STRING_FIELDS).str.contains("\x00", literal=True).any()).row(0)
    df = parsed.with_columns(
        *(clean(f, n).alias(f"c_{f}") for f, n in zip(STRING_FIELDS, nul, strict=True))
    ).with_row_index("row")
    df = df.with_columns(
        normalized(pl.col("c_work_email"), email_table(df["c_work_email"])).alias("work_norm")
    )
    # the work e-mail's domain is its host's when the address is plain (the host part of
    # :data:`SIMPLE_EMAIL` is a :data:`~.domains.HOST`, which ``normalize_domain`` reads as it is)
    host_key = df.select(
        pl.when(pl.col("work_norm").str.contains(SIMPLE_EMAIL))
        .then(pl.col("work_norm").str.split("@").list.last())
        .otherwise(pl.col("work_norm"))
    ).to_series()
    # job websites, e-mail hosts and the experience's websites share most hosts: resolved once
    sites = pl.concat([df["c_job_company_website"], host_key, _experience_hosts(df["experience"])])
    domains = _domains(sites, tables)
    df = df.with_columns(
        _map(
            df,
            "c_linkedin_url",
            linkedin_person,
            fast=SIMPLE_PERSON,
            fast_out=pl.lit("linkedin.com/in/") + pl.col("v").str.extract(SIMPLE_PERSON, 1),
        ).alias("linkedin_norm"),
        registrable_domains(df["c_job_company_website"], domains).alias("domain0"),
        linkedin_companies(df["c_job_company_linkedin_url"]).alias("li"),
        _map(df, "c_job_company_name", _lower, fast=ASCII, fast_out=pl.col("v").str.to_lowercase()).alias(
            "name_lower"
        ),
        _map(df, "c_observed_at", lambda v: pdate(v) if v is not None else None).alias("observed"),
        _map(df, "job_start_date", pdate).alias("start"),
        _map(df, "job_last_verified", lambda v: _verified(v) if v is not None else None).alias("verified"),
        company_email_domains(host_key, domains).alias("email_domain"),
    )
    df = df.hstack(email_columns(df))
    entries = experience_entries(df["experience"], domains, tables)
    df = df.with_columns(
        pl.coalesce(
            "c_full_name",
            pl.concat_str("c_first_name", "c_last_name", separator=" ", ignore_nulls=True).pipe(
                lambda e: pl.when(e.str.len_bytes() > 0).then(e)
            ),
        ).alias("full"),
        (truthy(pl.col("c_job_company_name")) | truthy(pl.col("domain0")) | truthy(pl.col("li"))).alias(
            "has_job"
        ),
        experience_json(entries, df.height),
    )
    df = current_jobs(df, entries)
    df = df.with_columns(
        pl.when(pl.col("source").is_not_null() & ~truthy(pl.col("domain")))
        .then(email_domain_kept(df, entries))
        .otherwise(pl.col("domain"))
        .alias("domain")
    )
    df = df.join(first_company(entries), on="row", how="left", maintain_order="left").with_columns(
        pl.when(truthy(pl.col("domain")))
        .then(pl.col("domain"))
        .when(truthy(pl.col("name")))
        .then(pl.col("name_lower"))
        .otherwise(pl.col("first_company"))
        .alias("any_company")
    )
    identified = truthy(pl.col("linkedin_norm")) | pl.col("has_emails")
    # the lower-cased full name is only read by the name key (rows no other key identifies)
    named = df.select(pl.when(~identified & ~truthy(pl.col("c_id"))).then(pl.col("full"))).to_series()
    df = df.with_columns(
        by_distinct(named, _lower, fast=ASCII, fast_out=pl.col("v").str.to_lowercase()).alias("full_lower")
    )
    bad = pl.col("observed").is_null() | (
        ~identified & ~(truthy(pl.col("full")) & truthy(pl.col("any_company")))
    )
    df = df.with_columns(bad.alias("bad"), pl.col("emails_odd").alias("slow"))
    slow_pos = df.filter(pl.col("slow"))["pos"]
    bad_pos = df.filter(~pl.col("slow") & pl.col("bad"))["pos"]
    good = df.filter(~pl.col("slow") & ~pl.col("bad"))
    person_key = (
        pl.when(truthy(pl.col("c_id")))
        .then(pl.lit("pdl:") + pl.col("c_id"))
        .when(truthy(pl.col("linkedin_norm")))
        .then(pl.lit("li:") + pl.col("linkedin_norm"))
        .when(pl.col("has_emails"))
        .then(pl.lit("em:") + pl.col("em_first"))
        .otherwise(pl.lit("nm:") + pl.col("full_lower") + pl.lit("|") + pl.col("any_company"))
    )
    obs = good.select(
        "pos",
        person_key.alias("person_key"),
        pl.col("c_id").alias("person_id"),
        pl.col("observed").alias("observed_at"),
        pl.col("full").alias("full_name"),
        pl.col("c_first_name").alias("first_name"),
        pl.col("c_last_name").alias("last_name"),
        pl.col("c_linkedin_url").alias("linkedin_url"),
        "linkedin_norm",
        pl.col("c_work_email").alias("work_email"),
        pl.col("work_norm").alias("work_email_norm"),
        "emails_norm",
        pl.col("title").alias("job_title"),
        pl.col("name").alias("job_company_name"),
        pl.col("domain").alias("job_company_domain"),
        pl.col("li").alias("job_company_linkedin_norm"),
        pl.col("start").alias("job_start_date"),
        pl.col("source").alias("current_job_source"),
        pl.col("c_location_country").alias("location_country"),
        pl.col("c_location_region").alias("location_region"),
        "experience",
        pl.col("verified").alias("job_last_verified"),
    ).cast(POS_CAST)
    return obs, bad_pos.cast(pl.UInt32), slow_pos.cast(pl.UInt32)
