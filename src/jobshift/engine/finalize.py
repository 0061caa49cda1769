"""Merging batch results into signals: identity decisions, classification, filters, ids, evidence.

Pure (no I/O). Strong identity matches are chosen vectorized (newest observation, then the stronger
rule); contacts with only name candidates go through :func:`choose_identity` one by one (few).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any

import polars as pl

from jobshift.domain.filters import FILTER_ORDER
from jobshift.domain.matching.identity import (
    NAME_UNCERTAIN_CONFIDENCE,
    IdentityCandidate,
    choose_identity,
    name_confidence,
    strong_confidence,
)
from jobshift.domain.signal_types import TITLED_TYPES, types_filtered_by, types_where
from jobshift.domain.signals import (
    SIGNAL_FIELDS,
    classify_contact_change,
    signal_ids_from_keys,
)
from jobshift.engine.ages import ages
from jobshift.engine.context import DetectContext, block_last, first_token
from jobshift.engine.detect import FIRST_SEEN_RULE, HOLDER_RULE, BatchResult, merge_results
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.hire_columns import align_hires, matched_people, with_hire_columns
from jobshift.engine.successors import resolve_undated

_RANK = {"linkedin": 0, "email": 1, "personal_email": 2}
_SEED = 0x66696E61


def _id_hash(col: str) -> pl.Expr:
    """A 64-bit hash of an id column: ids with different hashes differ (equal hashes prove nothing)."""
    return pl.col(col).hash(_SEED)


@dataclass
class Detection:
    """The signals of a run plus what was reported instead of acted on."""

    signals: pl.DataFrame
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    matched: pl.DataFrame | None = None
    """What :func:`identity_matches` gives for the same input (:func:`finalize` sets it)."""


def _decide(
    ctx: DetectContext, cands: pl.DataFrame, prof: pl.DataFrame
) -> tuple[pl.DataFrame, list[dict[str, Any]]]:
    strong = cands.filter(pl.col("rule") != "name")
    # nearly every contact has one strong candidate: only the others are sorted to pick the newest
    # (a repeated 64-bit hash of the id: a superset of the repeated ids, cheaper to find than them)
    many = strong.select(_id_hash("contact_id").is_duplicated()).to_series()
    if many.any():
        best = (
            strong.filter(many)
            .with_columns(pl.col("rule").replace_strict(_RANK, default=3).alias("_rank"))
            .sort(
                ["contact_id", "observed_at", "_rank", "person_key"], descending=[False, True, False, False]
            )
            .unique("contact_id", keep="first", maintain_order=True)
            .drop("_rank")
        )
        strong = pl.concat([strong.filter(~many), best])
    strong = strong.with_columns(
        pl.col("rule")
        .replace_strict({r: strong_confidence(r) for r in _RANK}, default=0.95)
        .alias("id_conf"),
        pl.lit("matched").alias("outcome"),
    )
    weak = cands.filter(pl.col("rule") == "name")
    # contacts with a strong match have no weak one: only strong ids whose hash a weak id shares can be one
    maybe = _id_hash("contact_id").is_in(weak.select(_id_hash("contact_id")).to_series().implode())
    weak = weak.join(strong.filter(maybe).select("contact_id"), on="contact_id", how="anti")
    where = prof.select(
        "person_key",
        pl.coalesce(
            pl.col("cur_account_id"), pl.col("cur_domain"), pl.col("cur_name").str.to_lowercase()
        ).alias("_w"),
    )
    weak = weak.join(where, on="person_key", how="left").with_columns(pl.len().over("contact_id").alias("_k"))
    threshold = ctx.settings.name_match_threshold
    single = _decide_single(weak.filter(pl.col("_k") == 1), threshold).select(strong.columns)
    rows: list[dict[str, Any]] = []
    ambiguous: list[dict[str, Any]] = []
    weak_rows = weak.filter(pl.col("_k") > 1).drop("_k").sort("contact_id", maintain_order=True).to_dicts()
    for contact_id, grp in groupby(weak_rows, key=itemgetter("contact_id")):
        recs = list(grp)
        dec = choose_identity(
            [
                IdentityCandidate(
                    r["person_key"], r["observed_at"], "name", r["name_score"], r["history_ok"], r["_w"]
                )
                for r in recs
            ],
            threshold,
        )
        if dec.candidate is None:
            if dec.outcome == "ambiguous":
                ambiguous.append(
                    {
                        "contact_id": contact_id,
                        "reason": dec.reason,
                        "person_keys": sorted(r["person_key"] for r in recs),
                    }
                )
            continue
        rec = next(r for r in recs if r["person_key"] == dec.candidate.person_key)
        rec.pop("_w")
        rows.append({**rec, "id_conf": dec.confidence, "outcome": dec.outcome})
    parts = [strong, single, pl.DataFrame(rows, schema=strong.schema)] if rows else [strong, single]
    return pl.concat(parts, how="vertical_relaxed"), ambiguous


def _decide_single(weak: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """:func:`choose_identity` for contacts with exactly one (name) candidate, vectorized.

    Below the name threshold there is no decision (dropped, not ambiguous); otherwise the candidate is
    ``matched`` when its history holds the contact's company and ``uncertain`` when it does not.
    """
    weak = weak.filter(pl.col("name_score") >= threshold)
    scores = weak.get_column("name_score").unique().to_list()
    conf = {s: name_confidence(s) for s in scores}
    proven = pl.col("history_ok").fill_null(False)
    return weak.with_columns(
        pl.when(proven)
        .then(pl.col("name_score").replace_strict(conf, return_dtype=pl.Float64))
        .otherwise(pl.lit(NAME_UNCERTAIN_CONFIDENCE))
        .alias("id_conf"),
        pl.when(proven).then(pl.lit("matched")).otherwise(pl.lit("uncertain")).alias("outcome"),
    )


def _status(ctx: DetectContext, df: pl.DataFrame) -> pl.DataFrame:
    spec = ctx.settings.filters
    max_age = spec.max_job_change_age_months
    df = ages(ctx, df)
    comp_dom = list(spec.competitor_domains)
    comp_names = list(spec.competitor_names)
    facts: dict[str, pl.Expr] = {
        "stale_evidence": pl.col("evidence_age_days") > spec.max_evidence_age_days,
        "opted_out": pl.col("email_opt_out").fill_null(False),
        "advisor": pl.col("f_advisor"),
        "board_member": pl.col("f_board_member"),
        "investor": pl.col("f_investor"),
        "intern": pl.col("f_intern"),
        "student": pl.col("f_student"),
        "self_employed": pl.col("f_self_employed"),
        "competitor": pl.col("new_company_domain").is_in(comp_dom)
        | pl.col("new_company").str.to_lowercase().is_in(comp_names),
        "free_mail_only": pl.col("free_mail_only"),
        "too_old": pl.col("job_age_months") > max_age,
        "moved_to_customer": pl.col("is_customer_company"),
    }
    expr: Any = pl.when(pl.col("outcome") == "uncertain").then(pl.lit("uncertain"))
    for reason in FILTER_ORDER:
        if not spec.enabled(reason):
            continue
        types = list(types_filtered_by(reason))
        expr = expr.when(facts[reason].fill_null(False) & pl.col("type").is_in(types)).then(
            pl.lit(f"suppressed:{reason}")
        )
    return df.with_columns(expr.otherwise(pl.lit("new")).alias("status"))


def _titles(ctx: DetectContext, df: pl.DataFrame) -> pl.DataFrame:
    tf = ctx.title_frame(df.get_column("new_title"))
    df = df.join(tf, left_on="new_title", right_on="title", how="left")
    flags = [
        "f_advisor",
        "f_board_member",
        "f_investor",
        "f_intern",
        "f_student",
        "f_self_employed",
        "persona_match",
    ]
    return df.with_columns([pl.col(f).fill_null(False) for f in flags])


def finalize(
    ctx: DetectContext, results: list[BatchResult], previous: PreviousJobs | None = None
) -> Detection:
    """Merge batch results into the run's signals (columns of :data:`SIGNAL_FIELDS`, minus store-set ones).

    ``previous``: looks up the observation before the newest of a few people (undated new hires
    "first seen after an earlier observation elsewhere", ``engine/first_seen.py``); ``None`` skips it.
    """
    merged = merge_results(results)
    cands, hires = merged.candidates, merged.new_hires
    # one profile per person (batches hold distinct people, so nearly always already true)
    first = merged.profiles.get_column("person_key").is_first_distinct()
    prof = merged.profiles if first.all() else merged.profiles.filter(first)
    decided, df, ambiguous = contact_rows(ctx, cands, prof)
    df = _add_new_hires(ctx, df, decided, prof, hires, previous)
    counts = {"candidates": cands.height, "ambiguous": len(ambiguous)}
    return Detection(finish_signals(ctx, df), ambiguous, counts, _matched(decided))


def finish_signals(ctx: DetectContext, df: pl.DataFrame) -> pl.DataFrame:
    """Status (filters), signal ids and evidence of signal rows; row by row (shards may run it apart)."""
    return _finish(ctx, _status(ctx, df))


def contact_rows(
    ctx: DetectContext, cands: pl.DataFrame, prof: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    """(decided identities, contact signal rows before new hires and filters, ambiguity list).

    Needs every candidate of each contact it is given (decisions are per contact) and the profiles of
    their people; ``ctx.contacts`` must hold those contacts.
    """
    decided, ambiguous = _decide(ctx, cands, prof)
    acc_cur = ctx.accounts.select(
        pl.col("account_id").alias("cur_account_id"),
        pl.col("acc_root").alias("cur_root"),
        "is_customer_company",
        "is_target_company",
        "has_open_opportunity",
    )
    c = ctx.contacts.select(
        "contact_id",
        "account_id",
        pl.col("title").alias("past_title"),
        "email_opt_out",
        "acc_root",
    )
    df = (
        decided.filter(~pl.col("quiet").fill_null(False))
        .join(c, on="contact_id", how="left")
        .join(
            ctx.accounts.select("account_id", pl.col("acc_name").alias("past_company")),
            on="account_id",
            how="left",
        )
        .join(prof.drop("observed_at"), on="person_key", how="left")
    )
    df = df.join(acc_cur, on="cur_account_id", how="left")
    same = pl.col("cur_root").is_not_null() & (pl.col("cur_root") == pl.col("acc_root"))
    df = df.with_columns(same.alias("same_company"))
    tf = ctx.title_frame(df.get_column("cur_title")).select(
        "title", "f_advisor", "f_board_member", "f_investor"
    )
    side = df.join(tf, left_on="cur_title", right_on="title", how="left").select(
        (
            ~pl.col("same_company")
            & pl.col("open_at_crm")
            & pl.col("has_job")
            & (pl.col("f_advisor") | pl.col("f_board_member") | pl.col("f_investor")).fill_null(False)
        ).alias("side_role")
    )
    df = df.with_columns(side.get_column("side_role"))
    df = df.with_columns(
        pl.when(pl.col("side_role"))
        .then(pl.col("crm_open_title"))
        .otherwise(pl.col("cur_title"))
        .alias("new_title")
    )
    df = df.join(
        ctx.title_changes(df.select("past_title", "new_title")),
        on=["past_title", "new_title"],
        how="left",
        nulls_equal=True,
    )
    df = _classify(df).filter(pl.col("type").is_not_null())
    left = pl.col("type").is_in(list(types_where(has_new_company=False)))
    df = df.with_columns(
        pl.when(left).then(None).otherwise(pl.col("new_title")).alias("new_title"),
        pl.when(left).then(None).otherwise(pl.col("cur_name")).alias("new_company"),
        pl.when(left).then(None).otherwise(pl.col("cur_domain")).alias("new_company_domain"),
        pl.when(left).then(None).otherwise(pl.col("cur_account_id")).alias("matched_account_id"),
        pl.when(left).then(None).otherwise(pl.col("cur_start")).alias("job_started_date"),
        pl.col("account_id").alias("past_account_id"),
        (pl.col("rule") + pl.lit("/") + pl.col("cur_rule").fill_null("none")).alias("match_rule"),
        (
            pl.col("id_conf")
            * pl.when(left).then(0.9).otherwise(pl.col("cur_conf").fill_null(0.9).clip(0.5, 1.0))
        )
        .round(3)
        .alias("confidence"),
    )
    return decided, _titles(ctx, df), ambiguous


_KIND_KEYS = ("_has_job", "_same", "_side", "title_decision")


def _classify(df: pl.DataFrame) -> pl.DataFrame:
    """``type`` of each contact row by :func:`classify_contact_change`, called once per distinct
    combination of its inputs and joined back. An unknown fact (null) never makes a signal on its own:
    an unknown employer is not "left", an unknown company family is not "another company"."""
    df = df.with_columns(
        pl.col("has_job").fill_null(True).alias("_has_job"),
        pl.col("same_company").fill_null(True).alias("_same"),
        pl.col("side_role").fill_null(True).alias("_side"),
    )
    combos = df.select(_KIND_KEYS).unique()
    kinds = [
        classify_contact_change(has_current_job=h, same_company=s, side_role=r, title_decision=d)
        for h, s, r, d in combos.iter_rows()
    ]
    combos = combos.with_columns(pl.Series("type", kinds, dtype=pl.String))
    return df.join(combos, on=list(_KIND_KEYS), how="left", nulls_equal=True, maintain_order="left").drop(
        "_has_job", "_same", "_side"
    )


def _add_new_hires(
    ctx: DetectContext,
    df: pl.DataFrame,
    decided: pl.DataFrame,
    prof: pl.DataFrame,
    hires: pl.DataFrame,
    previous: PreviousJobs | None,
) -> pl.DataFrame:
    known = matched_people(decided, hires.get_column("person_key"))
    h = new_hire_rows(ctx, hires, prof, known, df, previous)
    df = with_hire_columns(df)
    return pl.concat([df, align_hires(h, df.schema)], how="vertical_relaxed")


def new_hire_rows(
    ctx: DetectContext,
    hires: pl.DataFrame,
    prof: pl.DataFrame,
    known: pl.DataFrame,
    contact_rows: pl.DataFrame,
    previous: PreviousJobs | None,
) -> pl.DataFrame:
    """Signal rows of new hires and promotions (before filters). ``known``: :func:`matched_people`;
    ``contact_rows``: the contact rows whose departures a successor may replace (all those at the
    account families of ``hires``)."""
    h = hires.join(prof, on="person_key").join(
        ctx.accounts.select(
            pl.col("account_id").alias("cur_account_id"),
            pl.col("acc_root").alias("cur_root"),
            "is_customer_company",
            "is_target_company",
            "has_open_opportunity",
        ),
        on="cur_account_id",
        how="left",
    )
    # a person matched to a tracked contact is covered by that contact's signal: either they are a
    # contact of this account family (not new there) or their job change already names this company
    # (one lead per person and new company)
    h = h.join(known, on="person_key", how="anti")
    h = h.with_columns((block_last("last_name") + "|" + first_token("first_name")).alias("_who"))
    h = h.sort(["observed_at", "person_key"], descending=[True, False]).unique(
        ["cur_account_id", "_who"], keep="first", maintain_order=True
    )
    # the persona first: the undated rules look further (departed holders, earlier observations) only
    # for people who can make a lead
    h = _titles(ctx, h.with_columns(pl.col("cur_title").alias("new_title"))).filter(pl.col("persona_match"))
    h = resolve_undated(ctx, h, contact_rows, previous)
    holder = pl.col("hire_rule") == HOLDER_RULE
    undated = pl.col("hire_rule").is_in(["no_start_date_previous_job_ended", FIRST_SEEN_RULE])
    h = h.with_columns(
        pl.col("hire_kind").alias("type"),
        pl.col("prev_title").alias("past_title"),
        pl.lit(None, dtype=pl.String).alias("contact_id"),
        pl.col("cur_title").alias("new_title"),
        pl.col("cur_name").alias("new_company"),
        pl.col("cur_domain").alias("new_company_domain"),
        pl.col("cur_account_id").alias("matched_account_id"),
        pl.col("cur_start").alias("job_started_date"),
        pl.lit("matched").alias("outcome"),
        (pl.col("hire_rule") + "/" + pl.col("cur_rule").fill_null("none")).alias("match_rule"),
        (pl.col("cur_conf").fill_null(0.9) * pl.when(undated).then(0.7).when(holder).then(0.6).otherwise(1.0))
        .round(3)
        .alias("confidence"),
        pl.lit(None, dtype=pl.Boolean).alias("email_opt_out"),
        pl.lit(None, dtype=pl.String).alias("crm_end_date"),
    )
    return h.with_columns(pl.lit("profile").alias("rule"))


def signal_id_keys() -> pl.Expr:
    """The text :func:`make_signal_id` hashes, built per row with polars (same parts, same order)."""

    def nz(e: pl.Expr) -> pl.Expr:
        return pl.when(e.is_not_null() & (e != "")).then(e)

    name = nz(pl.col("new_company").str.strip_chars().str.to_lowercase())
    ck = (
        pl.when(nz(pl.col("matched_account_id")).is_not_null())
        .then("a:" + pl.col("matched_account_id"))
        .when(nz(pl.col("new_company_domain")).is_not_null())
        .then("d:" + pl.col("new_company_domain"))
        .when(name.is_not_null())
        .then("n:" + name)
        .otherwise(pl.lit(""))
    )
    subject = pl.coalesce(nz(pl.col("contact_id")), pl.col("person_key"), pl.lit(""))
    base = pl.concat_str(
        [pl.col("type"), subject, ck, pl.col("job_started_date").fill_null("")], separator="\x1f"
    )
    titled = pl.col("type").is_in(list(TITLED_TYPES)) & nz(pl.col("new_title")).is_not_null()
    return (
        pl.when(titled)
        .then(base + "\x1f" + pl.col("new_title").str.strip_chars().str.to_lowercase())
        .otherwise(base)
    )


def _identity_check() -> pl.Expr:
    """What proved (or failed to prove) a name-only match: the CRM company in the profile's history."""
    company = pl.col("past_company").fill_null("the CRM account")
    return (
        pl.when(pl.col("rule") != "name")
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("history_ok").fill_null(False))
        .then("name only; the profile's history shows " + company)
        .otherwise(
            "name only; missing evidence: "
            + company
            + " in the profile's history (no shared LinkedIn or e-mail)"
        )
    )


def _finish(ctx: DetectContext, df: pl.DataFrame) -> pl.DataFrame:
    df = df.join(
        ctx.accounts.select(pl.col("account_id").alias("matched_account_id"), "watch_reason"),
        on="matched_account_id",
        how="left",
        maintain_order="left",
    )
    ids = signal_ids_from_keys(df.select(signal_id_keys().alias("k")).get_column("k").to_list())
    evidence = pl.struct(
        pl.col("rule").alias("identity"),
        _identity_check().alias("identity_check"),
        pl.col("match_rule"),
        pl.col("cur_tie").alias("company_tie_break"),
        pl.col("cur_choice").alias("current_job_choice"),
        pl.col("watch_reason").alias("account_watched"),
        pl.col("hire_rule").alias("new_hire_rule"),
        pl.col("replaced_contact"),
        pl.col("previous_observation"),
        pl.col("observed_at"),
        pl.col("job_last_verified"),
        pl.col("evidence_age_days"),
        pl.lit(ctx.settings.today().isoformat()).alias("run_date"),
        pl.col("job_started_date"),
        pl.col("job_age_months"),
        pl.when(pl.col("type").is_in(list(TITLED_TYPES)))
        .then(pl.col("title_reason"))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("title_change"),
    ).struct.json_encode()
    df = df.with_columns(
        pl.Series("signal_id", ids, dtype=pl.String),
        evidence.alias("evidence"),
        pl.lit(None, dtype=pl.String).alias("lead_id"),
    )
    out = [f for f in SIGNAL_FIELDS if f != "detected_at"]
    # sorted by signal id: ``sig-`` + 24 lower-case hex digits sort as the two numbers they spell
    # (twice as fast as comparing the strings)
    sid = pl.col("signal_id")
    hi = sid.str.slice(4, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False)
    lo = sid.str.slice(20, 8).str.to_integer(base=16, dtype=pl.UInt32, strict=False)
    return df.select(out).sort(hi, lo)


def identity_matches(ctx: DetectContext, result: BatchResult) -> pl.DataFrame:
    """(``contact_id``, ``person_key``) of every contact :func:`finalize` decides is ``matched`` to a
    person (quiet ones included: they too make the person "known" for new hires). The incremental
    finalize (``engine/incremental_final.py``) keeps these to reuse the decisions of unchanged contacts."""
    prof = result.profiles.unique("person_key", keep="first")
    return _matched(_decide(ctx, result.candidates, prof)[0])


def _matched(decided: pl.DataFrame) -> pl.DataFrame:
    return decided.filter(pl.col("outcome") == "matched").select("contact_id", "person_key")
