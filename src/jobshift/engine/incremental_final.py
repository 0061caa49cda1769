"""Incremental ``finalize``: only the contacts and new-hire groups a release can change are finalized again.

After a release, :mod:`jobshift.engine.incremental` knows the people detected again (``redo``: new,
changed or removed rows, and people linked to a changed contact) and the contacts that changed. The
previous run's finalized output is kept in the state (:class:`FinalCache`): its signals, its
ambiguity reports and its identity decisions (which contact is matched to which person). Every decision
``finalize`` takes across people is local to a group:

- a contact's signal and ambiguity report depend on the contact's row, its candidates (people) and
  their profiles: a contact is **affected** when it changed or when a redone person is (or was) one of
  its candidates; it is finalized again with all its candidates;
- a new hire depends on whether its person is matched to some contact (affected: a person of an
  affected contact, or redone), on the other hires of the same account and name (one lead per account
  and person), and — for an undated hire replacing a departed holder — on the contacts who left that
  account family. All three stay inside the hire's **account family** (root): every hire of a root
  holding an affected hire or an affected contact is finalized again, together with the contacts of
  that root whose cached signal marks them as left (the departures the successor rule reads);
- with a ``previous`` lookup (the store's earlier observations, which the release does not describe),
  the roots of the undated hire candidates (which that lookup may confirm: "first seen elsewhere")
  are always finalized again.

Everything else is reused row for row. The cache is keyed by what ``finalize`` reads besides the
results and the context fingerprint: the run date (ages, staleness) and the CRM's departed marks; when
the key differs, ``finalize`` runs over everything (the signals are then the full run's by definition).
tests/test_feed_incremental.py compares the signals and ambiguity reports with a full run's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from jobshift.domain.signal_types import types_where
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import FIRST_SEEN_RULE, HOLDER_RULE, BatchResult
from jobshift.engine.finalize import Detection, finalize, identity_matches
from jobshift.engine.first_seen import PreviousJobs
from jobshift.utils.step_clock import StepClock

AMBIGUOUS_SCHEMA = pl.Schema(
    [("contact_id", pl.String()), ("reason", pl.String()), ("person_keys", pl.List(pl.String()))]
)
MATCHED_SCHEMA = pl.Schema([("contact_id", pl.String()), ("person_key", pl.String())])
_NO_ROOT = "\x00"


@dataclass
class Delta:
    """How a table of a release's state follows from the last release's: the rows whose ``key`` is in
    ``dead`` are dropped and ``add`` is appended. The state store writes only this (a per-release delta
    beside the last full copy of the table) until the deltas grow too large."""

    key: str
    dead: pl.Series
    add: pl.DataFrame


@dataclass
class FinalCache:
    """The previous run's finalized output, for :func:`finalize_release`."""

    key: str
    signals: pl.DataFrame
    ambiguous: pl.DataFrame
    """``AMBIGUOUS_SCHEMA``: the run's ambiguity reports."""
    matched: pl.DataFrame
    """``MATCHED_SCHEMA``: every contact decided ``matched`` to a person."""
    edits: dict[str, Delta] = field(default_factory=dict)
    """``signals`` and ``matched`` as edits of the cache they were finalized from (incremental only;
    the signals' order may then differ from ``signals``: they are read by ``signal_id``)."""


def final_key(ctx: DetectContext, previous: PreviousJobs | None) -> str:
    """What ``finalize`` reads that the context fingerprint and the cached results do not cover."""
    h = hashlib.sha256()
    h.update(f"{ctx.settings.today().isoformat()}|{previous is not None}|".encode())
    dep = ctx.departed
    h.update(f"{dep.height}|{dep.hash_rows(seed=3).sum() if dep.height else 0}".encode())
    return h.hexdigest()


def _ambiguous_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=AMBIGUOUS_SCHEMA) if rows else pl.DataFrame(schema=AMBIGUOUS_SCHEMA)


def _full(
    ctx: DetectContext, result: BatchResult, previous: PreviousJobs | None, key: str
) -> tuple[Detection, FinalCache]:
    det = finalize(ctx, [result], previous)
    cache = FinalCache(key, det.signals, _ambiguous_frame(det.ambiguous), identity_matches(ctx, result))
    return det, cache


def _roots(ctx: DetectContext, frame: pl.DataFrame, account_col: str) -> pl.DataFrame:
    """``frame`` + ``_root``: the account family of ``account_col`` (else the account, else none)."""
    acc = ctx.accounts.select(pl.col("account_id").alias(account_col), pl.col("acc_root").alias("_r"))
    return (
        frame.join(acc, on=account_col, how="left")
        .with_columns(pl.coalesce("_r", account_col, pl.lit(_NO_ROOT)).alias("_root"))
        .drop("_r")
    )


def _is_in(col: str, values: pl.Series) -> pl.Expr:
    return pl.col(col).is_in(values.implode())


def _where(frame: pl.DataFrame, pred: pl.Expr, *cols: str) -> pl.DataFrame:
    """The columns ``cols`` of the rows of ``frame`` where ``pred`` holds (only those columns are
    gathered: an eager ``filter`` copies every column of the wide result frames)."""
    return frame.lazy().filter(pred).select(cols).collect()


def _col_where(frame: pl.DataFrame, pred: pl.Expr, col: str) -> pl.Series:
    """The column ``col`` of the rows of ``frame`` where ``pred`` holds."""
    return _where(frame, pred, col).get_column(col)


def finalize_release(
    ctx: DetectContext,
    result: BatchResult,
    old_result: BatchResult | None,
    redo: pl.Series,
    changed_contacts: pl.Series,
    cache: FinalCache | None,
    previous: PreviousJobs | None = None,
) -> tuple[Detection, FinalCache, dict[str, Any]]:
    """The signals of ``result`` (the release's merged detection result) as :func:`finalize` gives
    them, reusing ``cache`` for what neither ``redo`` (people detected again, whose cached rows in
    ``old_result`` were replaced) nor ``changed_contacts`` can change (see the module docstring)."""
    key = final_key(ctx, previous)
    if cache is None or old_result is None or cache.key != key:
        det, new_cache = _full(ctx, result, previous, key)
        return det, new_cache, {"finalize": "full"}
    stats: dict[str, Any] = {"finalize": "incremental"}
    clock = StepClock(stats, "finalize_cpu_s")
    cands = result.candidates
    affected = _affected_contacts(cands, old_result.candidates, redo, changed_contacts)
    clock.lap("affected")
    people = pl.concat(
        [
            redo.alias("person_key"),
            _col_where(cands, _is_in("contact_id", affected), "person_key"),
            _col_where(cache.matched, _is_in("contact_id", affected), "person_key"),
        ]
    ).unique()
    clock.lap("people")
    # the account families whose hires are finalized again
    hires_new = _roots(ctx, _with_account(result.new_hires, result.profiles), "acc")
    hires_old = _roots(
        ctx,
        _with_account(old_result.new_hires.filter(_is_in("person_key", people)), old_result.profiles),
        "acc",
    )
    # departures matter only where a hire may replace a departed holder
    holder_roots = _col_where(hires_new, pl.col("hire_rule") == HOLDER_RULE, "_root").unique()
    contact_roots = ctx.contacts.select("contact_id", "acc_root").drop_nulls()
    was_contact = _roots(
        ctx, _where(cache.signals, _is_in("contact_id", affected), "past_account_id"), "past_account_id"
    )
    contact_side = pl.concat(
        [
            contact_roots.filter(_is_in("contact_id", affected)).get_column("acc_root").alias("_root"),
            was_contact.get_column("_root"),
        ]
    )
    root_parts = [
        hires_new.filter(_is_in("person_key", people)).get_column("_root"),
        hires_old.get_column("_root"),
        contact_side.filter(contact_side.is_in(holder_roots.implode())),
    ]
    if previous is not None:
        # undated candidates the store's earlier observations may confirm (first seen elsewhere)
        undated = pl.col("hire_rule").is_in([FIRST_SEEN_RULE, HOLDER_RULE])
        root_parts.append(hires_new.filter(undated).get_column("_root"))
    roots = pl.concat([r.alias("_root") for r in root_parts]).unique()
    # contacts of those families whose cached signal marks them as left: the departures read there
    left_types = list(types_where(contact_update="mark_left"))
    holders = (
        _where(
            cache.signals, pl.col("type").is_in(left_types) & pl.col("contact_id").is_not_null(), "contact_id"
        )
        .join(contact_roots, on="contact_id", how="inner")
        .filter(_is_in("acc_root", roots) & _is_in("acc_root", holder_roots))
        .get_column("contact_id")
    )
    subset_contacts = pl.concat([affected, holders]).unique()
    clock.lap("families")
    # the subset: whole candidate lists of those contacts, every hire of those families except the
    # people matched by a contact outside the subset (their decision is the cached one)
    known_outside = _where(cache.matched, ~_is_in("contact_id", subset_contacts), "person_key")
    sub_cands = cands.filter(_is_in("contact_id", subset_contacts))
    sub_hires = (
        hires_new.filter(_is_in("_root", roots))
        .join(known_outside, on="person_key", how="anti")
        .select(result.new_hires.columns)
    )
    sub_people = pl.concat([sub_cands.get_column("person_key"), sub_hires.get_column("person_key")]).unique()
    sub_prof = result.profiles.filter(_is_in("person_key", sub_people))
    subset = BatchResult(sub_cands, sub_prof, sub_hires, 0)
    clock.lap("subset")
    det = finalize(ctx, [subset], previous)
    clock.lap("finalize")
    # reuse every other cached row (decided on the two key columns; the wide rows are gathered once)
    keys = cache.signals.select("contact_id", "matched_account_id")
    kept = (
        _roots(ctx, keys, "matched_account_id")
        .select(
            pl.when(pl.col("contact_id").is_null())
            .then(~_is_in("_root", roots))
            .otherwise(~_is_in("contact_id", subset_contacts))
        )
        .to_series()
    )
    keep = kept.arg_true()
    clock.lap("kept")
    signals = _sorted_union(cache.signals, keep, det.signals)
    dead_ids = cache.signals.get_column("signal_id").filter(~kept)
    amb = pl.concat(
        [
            cache.ambiguous.filter(~_is_in("contact_id", subset_contacts)),
            _ambiguous_frame(det.ambiguous),
        ]
    ).sort("contact_id")
    new_matched = identity_matches(ctx, subset)
    matched = pl.concat([cache.matched.filter(~_is_in("contact_id", subset_contacts)), new_matched])
    ambiguous = amb.to_dicts()
    clock.lap("merge")
    counts = {"candidates": cands.height, "ambiguous": len(ambiguous)}
    stats.update(finalized_contacts=subset_contacts.len(), finalized_hires=sub_hires.height)
    edits = {
        "signals": Delta("signal_id", dead_ids, det.signals.select(cache.signals.columns)),
        "matched": Delta("contact_id", subset_contacts.alias("contact_id"), new_matched),
    }
    return Detection(signals, ambiguous, counts), FinalCache(key, signals, amb, matched, edits), stats


def _sorted_union(cached: pl.DataFrame, keep: pl.Series, new: pl.DataFrame) -> pl.DataFrame:
    """The rows ``keep`` (indices) of ``cached`` and every row of ``new``, sorted by ``signal_id``; the
    wide rows are gathered once (not gathered, concatenated, then sorted)."""
    ids = pl.concat([cached.get_column("signal_id").gather(keep), new.get_column("signal_id")])
    rows = pl.concat(
        [keep, pl.int_range(cached.height, cached.height + new.height, eager=True).cast(keep.dtype)]
    )
    both = pl.concat([cached, new.select(cached.columns)], how="vertical_relaxed")
    return both.gather(rows.gather(ids.arg_sort()))


def _with_account(hires: pl.DataFrame, profiles: pl.DataFrame) -> pl.DataFrame:
    """``hires`` + ``acc``: the account each hire's person is at (their profile's)."""
    prof = profiles.join(hires.select("person_key"), on="person_key", how="semi")
    acc = prof.unique("person_key", keep="first", maintain_order=True).select(
        "person_key", pl.col("cur_account_id").alias("acc")
    )
    return hires.join(acc, on="person_key", how="left")


def _affected_contacts(
    cands: pl.DataFrame, old_cands: pl.DataFrame, redo: pl.Series, changed: pl.Series
) -> pl.Series:
    """Contacts whose identity decision or signal can change: changed ones, those with a strong
    candidate (LinkedIn, e-mail) among the people detected again (before or now), and those without a
    strong candidate and a name candidate among them (a name candidate counts only without a strong
    one; the strong candidates of people not detected again are the same as before)."""
    strong = pl.col("rule") != "name"
    cols = ["contact_id", "rule"]
    mine = pl.concat(
        [
            _where(cands, _is_in("person_key", redo), *cols),
            _where(old_cands, _is_in("person_key", redo), *cols),
        ]
    )
    weak = mine.filter(~strong).select("contact_id").unique()
    with_strong = _where(cands, strong & _is_in("contact_id", weak.get_column("contact_id")), "contact_id")
    weak_only = weak.join(with_strong, on="contact_id", how="anti")
    return pl.concat(
        [
            changed.alias("contact_id"),
            mine.filter(strong).get_column("contact_id"),
            weak_only.get_column("contact_id"),
        ]
    ).unique()
