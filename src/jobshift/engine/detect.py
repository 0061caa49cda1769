"""The pure batch step of detection: one batch of newest observations in, match candidates out.

``detect_batch(ctx, obs)`` returns a :class:`BatchResult`:
- ``candidates``: (contact, profile) pairs linked by LinkedIn, email or name + blocking key, with the
  pair's evidence (name score, whether the profile's history contains the contact's CRM company,
  whether an experience entry at that company is still open, when it ended);
- ``profiles``: the per-profile facts a signal needs (current job, resolved account, title class);
- ``new_hires``: profiles that started at a target account within the window with a persona title.
No I/O; the same function runs on Dask workers. :func:`jobshift.engine.finalize.finalize` merges results.

Inside a batch, contacts and profiles are referred to by integer row numbers (``ci`` in
``ctx.contacts``, ``pi`` in the batch): looking a column up is then a gather, 20x cheaper than a
string-keyed join against a million contacts. Only LinkedIn keys, e-mails and name blocking keys are
joined as strings, because that is what links them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from jobshift.domain.normalize.domains import FREE_MAIL_DOMAINS
from jobshift.domain.signal_types import SignalType
from jobshift.engine.batches import (
    HISTORY_DTYPE,
    decode_experience,
    decode_observations,
    partial_to_date,
)
from jobshift.engine.context import DetectContext, key_hash
from jobshift.engine.current_job import SEVERAL_OPEN, choose_current_job, several_open
from jobshift.engine.prefilter.rows import keep_rows, productive_rows

HOLDER_RULE = "no_start_date_replaced_holder"
"""``hire_rule`` of an undated new hire who took over the role of a departed CRM contact."""
FIRST_SEEN_RULE = "no_start_date_first_seen_elsewhere"
"""``hire_rule`` of an undated new hire whose previous observation showed a job elsewhere."""

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
    "cur_choice",
    "free_mail_only",
    "location_country",
    "location_region",
    "job_last_verified",
)


_FREE = sorted(FREE_MAIL_DOMAINS)


def _domain_of(email: pl.Expr) -> pl.Expr:
    """The part of an e-mail address after its first ``@`` (the whole text when it has none).

    A split, not a regular expression (``^[^@]*@`` removed): the same text, twice as fast.
    """
    return email.str.splitn("@", 2).struct.field("field_1").fill_null(email)


_RULE_RANK = {"linkedin": 0, "email": 1, "personal_email": 2}
_RANK_RULE = {v: k for k, v in _RULE_RANK.items()}


@dataclass
class BatchResult:
    """What one batch contributes to a run."""

    candidates: pl.DataFrame
    profiles: pl.DataFrame
    new_hires: pl.DataFrame
    n_observations: int


def merge_results(parts: list[BatchResult]) -> BatchResult:
    """The frames of several batch results, concatenated (``finalize`` keeps one profile per person)."""
    if len(parts) == 1:
        return parts[0]
    return BatchResult(
        pl.concat([p.candidates for p in parts], how="vertical_relaxed"),
        pl.concat([p.profiles for p in parts], how="vertical_relaxed"),
        pl.concat([p.new_hires for p in parts], how="vertical_relaxed"),
        sum(p.n_observations for p in parts),
    )


def _gather(df: pl.DataFrame, idx: pl.Series, *cols: str) -> list[pl.Series]:
    """Columns ``cols`` of ``df`` at row numbers ``idx``."""
    return [df.get_column(c).gather(idx) for c in cols]


def _email_candidates(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    emails = pl.concat(
        [
            obs.select("pi", pl.col("work_email_norm").alias("e")),
            obs.select("pi", pl.col("emails_norm").alias("e")).explode("e"),
        ]
    ).drop_nulls("e")
    hits = emails.with_columns(key_hash("e")).join(ctx.email_index, on="h")
    hits = hits.filter(hits["e"] == ctx.contacts["email_norm"].gather(hits["ci"]))
    free = _domain_of(pl.col("e")).is_in(_FREE)
    return hits.select("ci", "pi", pl.when(free).then(2).otherwise(1).cast(pl.Int8).alias("_rank"))


def _strong_candidates(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    """LinkedIn and e-mail candidates, minus e-mail matches that the names or LinkedIn keys contradict.

    CRMs hold one address on several contacts (``jdoe@`` for John and Jane Doe) and addresses get
    reused, so an e-mail match counts only when the names agree (``email_name_threshold``), the two
    LinkedIn keys (when both are known) are equal, and no other contact linked to that profile fits its
    name better (an exact name beats a nickname). A LinkedIn match stands on its own. Names are scored
    only where that matters (e-mail-only pairs, profiles linked to several contacts).
    """
    by_li = (
        obs.select("pi", "linkedin_norm").drop_nulls("linkedin_norm").with_columns(key_hash("linkedin_norm"))
    ).join(ctx.linkedin_index, on="h")
    by_li = by_li.filter(by_li["linkedin_norm"] == ctx.contacts["linkedin_norm"].gather(by_li["ci"])).select(
        "ci", "pi", pl.lit(0, dtype=pl.Int8).alias("_rank")
    )
    pairs = (
        pl.concat([by_li, _email_candidates(ctx, obs)])
        .group_by("ci", "pi")
        .agg(pl.col("_rank").min())
        .with_columns(pl.len().over("pi").alias("_n"))
    )
    need = (pl.col("_rank") != 0) | (pl.col("_n") > 1)
    easy = pairs.filter(~need).select(
        "ci", "pi", "_rank", pl.lit(100.0).alias("name_score"), pl.lit(True).alias("name_exact")
    )
    hard = ctx.score_names(pairs.filter(need).select("ci", "pi", "_rank"), obs)
    p_li, c_li = (
        obs.get_column("linkedin_norm").gather(hard["pi"]),
        ctx.contacts["linkedin_norm"].gather(hard["ci"]),
    )
    hard = hard.with_columns(p_li.alias("p_li"), c_li.alias("c_li"))
    conflict = (
        pl.col("p_li").is_not_null() & pl.col("c_li").is_not_null() & (pl.col("p_li") != pl.col("c_li"))
    )
    is_email = pl.col("_rank") != 0
    ok = ~is_email | (~conflict & (pl.col("name_score") >= ctx.settings.email_name_threshold))
    fit = pl.col("name_score") * 2 + pl.col("name_exact").cast(pl.Float64)
    hard = hard.filter(ok).with_columns(fit.alias("_fit"))
    hard = hard.filter(~is_email | (pl.col("_fit") >= pl.col("_fit").max().over("pi")))
    cols = ["ci", "pi", "_rank", "name_score"]
    out = pl.concat([easy.select(cols), hard.select(cols)])
    return out.with_columns(
        pl.col("_rank").replace_strict(_RANK_RULE, return_dtype=pl.String).alias("rule")
    ).drop("_rank")


def _name_candidates(ctx: DetectContext, obs: pl.DataFrame, strong: pl.DataFrame) -> pl.DataFrame:
    """Same blocking key (last name + canonical first name); contacts and profiles without a strong match."""
    profiles = obs.select("pi", pl.col("p_block").alias("block")).join(
        strong.select("pi").unique(), on="pi", how="anti"
    )
    pairs = profiles.with_columns(key_hash("block")).join(ctx.block_index, on="h")
    pairs = pairs.filter(pairs["block"] == ctx.contacts["block"].gather(pairs["ci"])).select("ci", "pi")
    pairs = pairs.join(strong.select("ci").unique(), on="ci", how="anti")
    return ctx.score_names(pairs, obs).select("ci", "pi", pl.lit("name").alias("rule"), "name_score")


def _pair_history(ctx: DetectContext, obs: pl.DataFrame, cands: pl.DataFrame) -> pl.DataFrame:
    """Per (contact, profile): history contains the CRM company? still open there? ended when?"""
    keys = cands.select("pi").unique()
    exp = (
        decode_experience(obs.join(keys, on="pi", how="semi").select("pi", "experience"), HISTORY_DTYPE)
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
    pairs = cands.select("ci", "pi").unique()
    pairs = pairs.with_columns(
        ctx.contacts["acc_root"].gather(pairs["ci"]).alias("acc_root"),
        ctx.contacts["account_id"].gather(pairs["ci"]).alias("acc_id"),
    )
    hit = pairs.join(exp.select("pi", "e_account_id", "e_root", "end_date", "title"), on="pi").filter(
        pl.col("e_root") == pl.col("acc_root")
    )
    # identity proof for a name-only match is the contact's own account in the history; the family
    # (parent/subsidiary) is not enough: a same-name hire at a subsidiary is someone else
    agg = hit.group_by("ci", "pi").agg(
        (pl.col("e_account_id") == pl.col("acc_id")).any().alias("history_ok"),
        pl.col("end_date").is_null().any().alias("open_at_crm"),
        pl.col("title").filter(pl.col("end_date").is_null()).first().alias("crm_open_title"),
        pl.col("end_date").max().alias("crm_end_date"),
    )
    return cands.join(agg, on=["ci", "pi"], how="left").with_columns(
        pl.col("history_ok").fill_null(False), pl.col("open_at_crm").fill_null(False)
    )


def _profiles(obs: pl.DataFrame) -> pl.DataFrame:
    """Free-mail-only flag and a contact e-mail for the profiles a signal may need."""
    emails = pl.col("emails_norm").fill_null([])
    work_free = _domain_of(pl.col("work_email_norm")).is_in(_FREE)
    list_free = emails.list.eval(_domain_of(pl.element()).is_in(_FREE)).list.all()
    has_any = pl.col("work_email_norm").is_not_null() | (emails.list.len() > 0)
    free_only = has_any & work_free.fill_null(True) & list_free
    return obs.with_columns(
        free_only.alias("free_mail_only"),
        pl.coalesce(pl.col("work_email"), emails.list.first()).alias("email"),
    )


def _start_age_days() -> pl.Expr:
    """Days from the start of the current job (earliest reading of a partial date) to ``observed_at``."""
    return (
        pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        - partial_to_date("cur_start")
    ).dt.total_days()


def _watched_history(ctx: DetectContext, df: pl.DataFrame) -> pl.DataFrame:
    """Per profile of ``df`` (at a watched account): the latest earlier entry at the same account family
    (``prev_title``, ``prev_end``) and when the latest job elsewhere ended (``elsewhere_end``)."""
    exp = (
        decode_experience(df.select("pi", "experience", "cur_root"), HISTORY_DTYPE)
        .explode("experience")
        .drop_nulls("experience")
        .unnest("experience")
        .filter(pl.col("end_date").is_not_null())
    )
    exp = ctx.resolve_companies(exp, "company_name", "company_domain", "company_linkedin", "e_")
    exp = exp.join(
        ctx.accounts.select(pl.col("account_id").alias("e_account_id"), pl.col("acc_root").alias("e_root")),
        on="e_account_id",
        how="left",
    )
    here = pl.col("e_root").is_not_null() & (pl.col("e_root") == pl.col("cur_root"))
    inside = (
        exp.filter(here)
        .sort(["pi", "end_date"], descending=[False, True])
        .group_by("pi", maintain_order=True)
        .agg(pl.col("title").first().alias("prev_title"), pl.col("end_date").first().alias("prev_end"))
    )
    away = (
        exp.filter(~here.fill_null(False)).group_by("pi").agg(pl.col("end_date").max().alias("elsewhere_end"))
    )
    return df.select("pi").join(inside, on="pi", how="left").join(away, on="pi", how="left")


def _new_hires(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    """New hires and promotions at watched accounts (flagged target, or matching the ICP).

    - started within ``new_hire_window_days`` of ``observed_at`` and no earlier entry at the account
      family → ``new_hire`` (``hire_rule`` ``start_within_window``);
    - started within the window after an earlier entry at the account family whose title the title
      model calls a promotion → ``promotion`` (``prev_title`` is the past title); any other move inside
      the account is neither;
    - no start date, no earlier entry at the account family, and a job elsewhere that ended within the
      window → ``new_hire`` with lower confidence (``hire_rule`` ``no_start_date_previous_job_ended``);
    - no start date, no earlier entry at the account family, a job elsewhere that ended within twice
      the window → a candidate (``hire_rule`` ``no_start_date_replaced_holder``) that ``finalize`` keeps
      only when the person's role is the one of a CRM contact at the account family who left around
      then (``engine/successors.py``), or else when the previous observation showed a job elsewhere;
    - no start date, no earlier entry at the account family, no such ended job → a candidate
      (``no_start_date_first_seen_elsewhere``) that ``finalize`` keeps only when the previous
      observation showed a job elsewhere within the window (``engine/first_seen.py``).
    """
    watched = ctx.accounts.filter(pl.col("is_watched")).select(pl.col("account_id").alias("cur_account_id"))
    at = obs.filter(pl.col("has_job")).join(watched, on="cur_account_id", how="semi")
    window = ctx.settings.new_hire_window_days
    at = at.with_columns(_start_age_days().alias("start_age_days"))
    dated = pl.col("start_age_days").is_between(0, window).fill_null(False)
    undated = pl.col("cur_start").is_null()
    cand = at.filter(dated | undated)
    hist = _watched_history(ctx, cand)
    cand = cand.join(hist, on="pi", how="left")
    obs_day = pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    ended_days = (obs_day - partial_to_date("elsewhere_end")).dt.total_days()
    ended_recently = ended_days.is_between(0, window)
    changes = ctx.title_changes(
        cand.filter(pl.col("prev_title").is_not_null()).select(
            pl.col("prev_title").alias("past_title"), pl.col("cur_title").alias("new_title")
        )
    )
    cand = cand.join(
        changes,
        left_on=["prev_title", "cur_title"],
        right_on=["past_title", "new_title"],
        how="left",
        nulls_equal=True,
    )
    inside = pl.col("prev_title").is_not_null()
    kind = (
        pl.when(dated & ~inside)
        .then(pl.lit(SignalType.NEW_HIRE.value))
        .when(dated & inside & (pl.col("title_decision") == "promotion"))
        .then(pl.lit(SignalType.PROMOTION.value))
        .when(undated & ~inside)
        .then(pl.lit(SignalType.NEW_HIRE.value))
    )
    rule = (
        pl.when(~dated & undated & ~ended_days.is_between(0, 2 * window).fill_null(False))
        .then(pl.lit(FIRST_SEEN_RULE))
        .when(~dated & undated & ~ended_recently.fill_null(False))
        .then(pl.lit(HOLDER_RULE))
        .when(~dated & undated)
        .then(pl.lit("no_start_date_previous_job_ended"))
        .when(inside)
        .then(pl.lit("promoted_within_window"))
        .otherwise(pl.lit("start_within_window"))
    )
    return cand.with_columns(kind.alias("hire_kind"), rule.alias("hire_rule")).filter(
        pl.col("hire_kind").is_not_null()
    )


def _with_history(ctx: DetectContext, obs: pl.DataFrame, cands: pl.DataFrame) -> pl.DataFrame:
    """History facts per pair; a strong match still at the CRM company (most) needs no history read.

    Such a pair is ``quiet`` when the title did not change either: it cannot make a signal, and its
    profile is not kept in the batch result.
    """
    ci, pi = cands["ci"], cands["pi"]
    df = cands.with_columns(
        obs["cur_root"].gather(pi).alias("_cr"),
        obs["cur_title"].gather(pi).alias("cur_title"),
        ctx.contacts["acc_root"].gather(ci).alias("acc_root"),
        ctx.contacts["title"].gather(ci).alias("past_title"),
    )
    stays = (pl.col("rule") != "name") & pl.col("_cr").is_not_null() & (pl.col("_cr") == pl.col("acc_root"))
    easy = df.filter(stays)
    easy = easy.join(
        ctx.title_changes(easy.select("past_title", pl.col("cur_title").alias("new_title"))),
        left_on=["past_title", "cur_title"],
        right_on=["past_title", "new_title"],
        how="left",
        nulls_equal=True,
    ).with_columns(
        pl.lit(True).alias("history_ok"),
        pl.lit(True).alias("open_at_crm"),
        # only a move away from the CRM company reads the open CRM title (a side role); not these
        pl.lit(None, dtype=pl.String).alias("crm_open_title"),
        pl.lit(None, dtype=pl.String).alias("crm_end_date"),
        (~pl.col("title_changed").fill_null(False)).alias("quiet"),
    )
    hard = _pair_history(ctx, obs, df.filter(~stays).select(cands.columns))
    hard = hard.with_columns(pl.lit(False).alias("quiet"))
    return pl.concat([easy.select(hard.columns), hard], how="vertical_relaxed")


def detect_batch(ctx: DetectContext, raw: pl.DataFrame, skip_unlinked: bool = False) -> BatchResult:
    """Detect on one batch of newest observations (see the module docstring).

    ``skip_unlinked``: rows that can produce nothing (no candidate pair, current job at no watched
    account) are dropped once their current job is resolved (:mod:`jobshift.engine.prefilter.rows`);
    the same result, cheaper on a bulk feed's partitions where most rows are such rows.
    """
    n_obs = raw.height
    obs = decode_observations(raw).with_columns(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("pi"),
        ctx.profile_block_key("first_name", "last_name").alias("p_block"),
    )
    # identity candidates read names, LinkedIn keys and e-mails only: found before any company
    strong = _strong_candidates(ctx, obs)
    names = _name_candidates(ctx, obs, strong)
    # untracked e-mail rivals only compete: a profile that fits one better has no candidate left
    strong = strong.filter(ctx.contacts["tracked"].gather(strong["ci"]))
    obs = ctx.resolve_companies(obs, "cur_name", "cur_domain", "cur_linkedin", "cur_").sort("pi")
    obs = obs.with_columns(several_open())  # read by the mask and the choice: counted once
    if skip_unlinked:
        mask = productive_rows(ctx, obs, pl.concat([strong["pi"], names["pi"]]))
        if not mask.all():
            obs, (strong, names) = keep_rows(obs, mask, strong, names)
    obs = choose_current_job(ctx, obs).drop(SEVERAL_OPEN).sort("pi")
    roots = ctx.accounts.select(
        pl.col("account_id").alias("cur_account_id"), pl.col("acc_root").alias("cur_root")
    )
    obs = obs.join(roots, on="cur_account_id", how="left").sort("pi")
    cands = pl.concat([strong, names.select(strong.columns)]).unique(["ci", "pi", "rule"])
    cands = _with_history(ctx, obs, cands)
    cands = cands.with_columns(
        ctx.contacts["contact_id"].gather(cands["ci"]).alias("contact_id"),
        obs["person_key"].gather(cands["pi"]).alias("person_key"),
        obs["observed_at"].gather(cands["pi"]).alias("observed_at"),
    )
    hires = _new_hires(ctx, obs)
    # profiles of quiet candidates cannot make a signal: keep only what finalize can use
    loud = pl.concat([cands.filter(~pl.col("quiet")).select("pi"), hires.select("pi")]).unique()
    prof = _profiles(obs.join(loud, on="pi", how="semi")).select(*PROFILE_COLUMNS, "first_name", "last_name")
    out = cands.select(
        "contact_id",
        "person_key",
        "rule",
        "name_score",
        "history_ok",
        "open_at_crm",
        "crm_open_title",
        "crm_end_date",
        "observed_at",
        "quiet",
    )
    hire_cols = (
        "person_key",
        "start_age_days",
        "hire_kind",
        "hire_rule",
        "prev_title",
        "title_reason",
        "elsewhere_end",
    )
    return BatchResult(out, prof, hires.select(hire_cols), n_obs)
