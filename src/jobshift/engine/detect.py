"""The pure batch step of detection: one batch of newest observations in, match candidates out.

``detect_batch(ctx, obs)`` returns a :class:`BatchResult`:
- ``candidates``: (contact, profile) pairs linked by LinkedIn, email or name + blocking key, with the
  pair's evidence (name score, whether the profile's history contains the contact's CRM company,
  whether an experience entry at that company is still open, when it ended);
- ``profiles``: the per-profile facts a signal needs (current job, resolved account, title class);
- ``new_hires``: profiles that started at a target account within the window with a persona title.
No I/O; the same function runs on Dask workers. :func:`jobshift.engine.signals.finalize` merges results.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from jobshift.domain.normalize.domains import FREE_MAIL_DOMAINS
from jobshift.engine.batches import decode_experience, decode_observations, partial_to_date
from jobshift.engine.context import DetectContext

PROFILE_COLUMNS = (
    "person_key",
    "person_id",
    "observed_at",
    "full_name",
    "linkedin_url",
    "email",
    "cur_name",
    "cur_domain",
    "cur_linkedin",
    "cur_title",
    "cur_start",
    "has_job",
    "cur_account_id",
    "cur_rule",
    "cur_conf",
    "cur_tie",
    "free_mail_only",
    "location_country",
    "location_region",
)


_FREE = sorted(FREE_MAIL_DOMAINS)


def _domain_of(email: pl.Expr) -> pl.Expr:
    """The part of an e-mail address after the ``@``."""
    return email.str.replace(r"^[^@]*@", "")


_RULE_RANK = {"linkedin": 0, "email": 1, "personal_email": 2}
_RANK_RULE = {v: k for k, v in _RULE_RANK.items()}


@dataclass
class BatchResult:
    """What one batch contributes to a run."""

    candidates: pl.DataFrame
    profiles: pl.DataFrame
    new_hires: pl.DataFrame
    n_observations: int


def _email_candidates(obs: pl.DataFrame, contacts: pl.DataFrame) -> pl.DataFrame:
    emails = (
        pl.concat(
            [
                obs.select("person_key", pl.col("work_email_norm").alias("e")),
                obs.select("person_key", pl.col("emails_norm").alias("e")).explode("e"),
            ]
        )
        .drop_nulls("e")
        .unique()
    )
    hits = emails.join(
        contacts.select("contact_id", "email_norm").drop_nulls("email_norm"),
        left_on="e",
        right_on="email_norm",
    )
    free = _domain_of(pl.col("e")).is_in(_FREE)
    return hits.select(
        "contact_id",
        "person_key",
        pl.when(free).then(pl.lit("personal_email")).otherwise(pl.lit("email")).alias("rule"),
    )


def _name_candidates(ctx: DetectContext, obs: pl.DataFrame, strong: pl.DataFrame) -> pl.DataFrame:
    contacts = ctx.contacts.join(strong.select("contact_id").unique(), on="contact_id", how="anti")
    profiles = obs.join(strong.select("person_key").unique(), on="person_key", how="anti")
    pairs = profiles.select("person_key", pl.col("p_block").alias("block")).join(
        contacts.select("contact_id", "block"), on="block"
    )
    pairs = pairs.filter(pl.col("block").str.len_chars() > 2).select("contact_id", "person_key")
    return ctx.score_names(pairs, obs).with_columns(pl.lit("name").alias("rule"))


def _pair_history(ctx: DetectContext, obs: pl.DataFrame, cands: pl.DataFrame) -> pl.DataFrame:
    """Per (contact, profile): history contains the CRM company? still open there? ended when?"""
    keys = cands.select("person_key").unique()
    exp = (
        decode_experience(obs.join(keys, on="person_key", how="semi").select("person_key", "experience"))
        .explode("experience")
        .drop_nulls("experience")
        .unnest("experience")
    )
    exp = ctx.resolve_companies(exp, "company_name", "company_domain", "company_linkedin", "e_")
    exp = exp.join(
        ctx.accounts.select(pl.col("account_id").alias("e_account_id"), pl.col("acc_root").alias("e_root")),
        on="e_account_id",
        how="left",
    )
    pairs = (
        cands.select("contact_id", "person_key")
        .unique()
        .join(ctx.contacts.select("contact_id", "acc_root"), on="contact_id", how="left")
    )
    hit = pairs.join(exp.select("person_key", "e_root", "end_date", "title"), on="person_key").filter(
        pl.col("e_root") == pl.col("acc_root")
    )
    agg = hit.group_by("contact_id", "person_key").agg(
        pl.lit(True).alias("history_ok"),
        pl.col("end_date").is_null().any().alias("open_at_crm"),
        pl.col("title").filter(pl.col("end_date").is_null()).first().alias("crm_open_title"),
        pl.col("end_date").max().alias("crm_end_date"),
    )
    return cands.join(agg, on=["contact_id", "person_key"], how="left").with_columns(
        pl.col("history_ok").fill_null(False), pl.col("open_at_crm").fill_null(False)
    )


def _profiles(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    df = ctx.resolve_companies(obs, "cur_name", "cur_domain", "cur_linkedin", "cur_")
    emails = pl.col("emails_norm").fill_null([])
    work_free = _domain_of(pl.col("work_email_norm")).is_in(_FREE)
    list_free = emails.list.eval(_domain_of(pl.element()).is_in(_FREE)).list.all()
    has_any = pl.col("work_email_norm").is_not_null() | (emails.list.len() > 0)
    free_only = has_any & work_free.fill_null(True) & list_free
    return df.with_columns(
        free_only.alias("free_mail_only"),
        pl.coalesce(pl.col("work_email"), emails.list.first()).alias("email"),
    )


def _start_age_days() -> pl.Expr:
    """Days from the start of the current job (earliest reading of a partial date) to ``observed_at``."""
    return (
        pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        - partial_to_date("cur_start")
    ).dt.total_days()


def _new_hires(ctx: DetectContext, prof: pl.DataFrame) -> pl.DataFrame:
    targets = ctx.accounts.filter(pl.col("is_target_company")).select(
        pl.col("account_id").alias("cur_account_id")
    )
    df = prof.filter(pl.col("has_job") & pl.col("cur_start").is_not_null()).join(
        targets, on="cur_account_id", how="semi"
    )
    df = df.with_columns(_start_age_days().alias("start_age_days"))
    return df.filter(pl.col("start_age_days").is_between(0, ctx.settings.new_hire_window_days))


def _strong_candidates(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    """LinkedIn and e-mail candidates, minus e-mail matches that the names or LinkedIn keys contradict.

    CRMs hold one address on several contacts (``jdoe@`` for John and Jane Doe) and addresses get
    reused, so an e-mail match counts only when the names agree (``email_name_threshold``), the two
    LinkedIn keys (when both are known) are equal, and no other contact linked to that profile fits its
    name better (an exact name beats a nickname). A LinkedIn match stands on its own. Names are scored
    only where that matters (e-mail-only pairs, profiles linked to several contacts).
    """
    c = ctx.contacts
    by_li = (
        obs.select("person_key", "linkedin_norm")
        .drop_nulls("linkedin_norm")
        .join(c.select("contact_id", "linkedin_norm").drop_nulls("linkedin_norm"), on="linkedin_norm")
        .select("contact_id", "person_key", pl.lit("linkedin").alias("rule"))
    )
    pairs = (
        pl.concat([by_li, _email_candidates(obs, c)])
        .with_columns(pl.col("rule").replace_strict(_RULE_RANK, return_dtype=pl.Int8).alias("_rank"))
        .group_by("contact_id", "person_key")
        .agg(pl.col("_rank").min())
        .with_columns(
            pl.col("_rank").replace_strict(_RANK_RULE, return_dtype=pl.String).alias("rule"),
            pl.len().over("person_key").alias("_n"),
        )
    )
    need = (pl.col("rule") != "linkedin") | (pl.col("_n") > 1)
    easy = pairs.filter(~need).select(
        "contact_id",
        "person_key",
        "rule",
        pl.lit(100.0).alias("name_score"),
        pl.lit(True).alias("name_exact"),
    )
    hard = ctx.score_names(pairs.filter(need).select("contact_id", "person_key", "rule"), obs)
    li = obs.select("person_key", pl.col("linkedin_norm").alias("p_li"))
    hard = hard.join(li, on="person_key", how="left").join(
        c.select("contact_id", pl.col("linkedin_norm").alias("c_li")), on="contact_id", how="left"
    )
    conflict = (
        pl.col("p_li").is_not_null() & pl.col("c_li").is_not_null() & (pl.col("p_li") != pl.col("c_li"))
    )
    is_email = pl.col("rule") != "linkedin"
    ok = ~is_email | (~conflict & (pl.col("name_score") >= ctx.settings.email_name_threshold))
    fit = pl.col("name_score") * 2 + pl.col("name_exact").cast(pl.Float64)
    hard = hard.filter(ok).with_columns(fit.alias("_fit"))
    hard = hard.filter(~is_email | (pl.col("_fit") >= pl.col("_fit").max().over("person_key")))
    cols = ["contact_id", "person_key", "rule", "name_score"]
    return pl.concat([easy.select(cols), hard.select(cols)])


def detect_batch(ctx: DetectContext, raw: pl.DataFrame) -> BatchResult:
    """Detect on one batch of newest observations (see the module docstring)."""
    obs = decode_observations(raw)
    obs = obs.with_columns(ctx.block_key("first_name", "last_name").alias("p_block"))
    strong = _strong_candidates(ctx, obs)
    names = _name_candidates(ctx, obs, strong)
    cands = pl.concat([strong, names.select(strong.columns)]).unique(["contact_id", "person_key", "rule"])
    # only candidates and recent starters need their current company resolved
    recent = obs.filter(pl.col("has_job")).filter(
        _start_age_days().is_between(0, ctx.settings.new_hire_window_days)
    )
    keep = pl.concat([cands.select("person_key"), recent.select("person_key")]).unique()
    prof = _profiles(ctx, obs.join(keep, on="person_key", how="semi"))
    cands = _with_history(ctx, obs, cands, prof)
    cands = cands.join(obs.select("person_key", "observed_at"), on="person_key", how="left")
    hires = _new_hires(ctx, prof)
    # profiles of "quiet" candidates (still at the CRM company with the CRM title) cannot make a signal:
    # keep only what finalize can use, so a run's results stay small
    loud = pl.concat([cands.filter(~pl.col("quiet")).select("person_key"), hires.select("person_key")])
    prof = prof.join(loud, on="person_key", how="semi").select(*PROFILE_COLUMNS, "first_name", "last_name")
    return BatchResult(cands, prof, hires.select("person_key", "start_age_days"), obs.height)


def _with_history(
    ctx: DetectContext, obs: pl.DataFrame, cands: pl.DataFrame, prof: pl.DataFrame
) -> pl.DataFrame:
    """History facts per pair; a strong match still at the CRM company (most) needs no history read."""
    roots = ctx.accounts.select(pl.col("account_id").alias("cur_account_id"), pl.col("acc_root").alias("_cr"))
    cur = prof.select("person_key", "cur_account_id", "cur_title").join(
        roots, on="cur_account_id", how="left"
    )
    df = cands.join(cur.select("person_key", "_cr", "cur_title"), on="person_key", how="left").join(
        ctx.contacts.select("contact_id", "acc_root"), on="contact_id", how="left"
    )
    stays = (pl.col("rule") != "name") & pl.col("_cr").is_not_null() & (pl.col("_cr") == pl.col("acc_root"))
    easy = df.filter(stays).join(
        ctx.contacts.select("contact_id", pl.col("title").alias("past_title")), on="contact_id", how="left"
    )
    easy = easy.join(
        ctx.title_changes(easy.select("past_title", pl.col("cur_title").alias("new_title"))),
        left_on=["past_title", "cur_title"],
        right_on=["past_title", "new_title"],
        how="left",
        nulls_equal=True,
    ).with_columns(
        pl.lit(True).alias("history_ok"),
        pl.lit(True).alias("open_at_crm"),
        pl.col("cur_title").alias("crm_open_title"),
        pl.lit(None, dtype=pl.String).alias("crm_end_date"),
        (~pl.col("title_changed").fill_null(False)).alias("quiet"),
    )
    hard = _pair_history(ctx, obs, df.filter(~stays).select(cands.columns))
    hard = hard.with_columns(pl.lit(False).alias("quiet"))
    return pl.concat([easy.select(hard.columns), hard], how="vertical_relaxed")
