"""Incremental releases: detect only the people whose profile (or whose CRM contacts) changed.

A people-data vendor ships a new release of the whole feed every month; most profiles did not change.
A feed run keeps, per release, a :class:`FeedState`:

- ``rows``: the fingerprint of every row of the release (:mod:`jobshift.engine.feed_raw`: what the
  profile converter reads) and the person it belongs to (``None``: an unusable row);
- ``links``: per person, 64-bit hashes of the keys that link a profile to contacts (LinkedIn key,
  e-mails, name blocking key — :func:`~jobshift.engine.context.key_hash`);
- ``contacts``: per contact of the run's context, a fingerprint of its row and its link-key hashes;
- the run's merged detection result before ``finalize`` (candidates, profiles, new hires), per person;
- ``context_fp``: a fingerprint of everything else detection reads (accounts, aliases, settings,
  versions). When it differs, the run is a full one.

The next release is read raw and fingerprinted (no per-row Python); then only these people are detected
again: anyone with a row not seen in the last release, anyone with a row that disappeared, and anyone
whose link keys meet a contact that is new, removed or changed (old and new keys). Their old results
are dropped, every other person's cached result is kept, and the merged result is what ``finalize``
would get after a full run (every cross-person decision is taken in ``finalize``, which
:func:`finalize_run` runs only over what the release can change: :mod:`jobshift.engine.incremental_final`).
So the signals equal a full run's (tests/test_feed_incremental.py) for the same detection code (in
``context_fp``). The state is saved as deltas of the last one (:class:`Delta`, ``FeedState.edits``).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import importlib.metadata
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import polars as pl

from jobshift.domain.normalize.memo import Pairs, warm
from jobshift.engine.batches import decode_observations
from jobshift.engine.context import DetectContext, key_hash
from jobshift.engine.detect import BatchResult, detect_batch, merge_results
from jobshift.engine.feed import SUB_BATCH_ROWS, keep_people
from jobshift.engine.feed_raw import RawPartition, convert_held, convert_rows, held_rows, read_raw, row_frame
from jobshift.engine.finalize import Detection
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.incremental_final import Delta, FinalCache, finalize_release
from jobshift.utils.step_clock import StepClock

ROWS_SCHEMA = {"fp": pl.UInt64, "person_key": pl.String}
LINKS_SCHEMA = {"person_key": pl.String, "h": pl.UInt64}
NORM_SCHEMA = {"fn": pl.String, "raw": pl.String, "value": pl.String, "gen": pl.UInt32}
STATE_VERSION = 5
RESULTS_FORMAT = 4  # what the cached results mean (in the context fingerprint); STATE_VERSION: the files
MEMO_MAX_ROWS = 1_000_000
"""The normalization memo's bound (texts kept across runs): beyond it, the texts least recently used
(computed or lent) are dropped; a dropped text is only normalized again when next met."""
_P = ParamSpec("_P")
_R = TypeVar("_R")


def gc_paused(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` with Python's cyclic garbage collector off (restored after, also on errors).

    An incremental run converts tens of thousands of profiles into short-lived dicts and tuples while the
    context holds millions of long-lived objects: the generational collector's full passes over those
    took ≈ 1.1 of 6.2 CPU-s of the release step at 1M people (benchmarks/RESULTS.md). The objects made
    here hold no reference cycles that must be reclaimed during the run (as the ingest's conversion).
    """

    @functools.wraps(fn)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()

    return run


@dataclass
class FeedState:
    """What a feed run leaves for the next release (see the module docstring)."""

    context_fp: str
    rows: pl.DataFrame
    links: pl.DataFrame
    contacts: pl.DataFrame
    result: BatchResult
    final: FinalCache | None = None
    """The run's finalized output (:mod:`jobshift.engine.incremental_final`), once finalized."""
    norm: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=NORM_SCHEMA))
    """Company texts the runs normalized (``fn``: ``host``/``company``, ``raw`` → ``value``; ``gen``:
    the run that last used it), lent to the next run's converter (:mod:`jobshift.domain.normalize.memo`),
    at most :data:`MEMO_MAX_ROWS` (or ``detect_release``'s ``memo_rows``)."""
    layers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """The state files each table was read from (filled on load: a full copy, then later deltas)."""
    edits: dict[str, Delta | None] = field(default_factory=dict)
    """How a table follows from the one read from ``layers`` (``None``: unchanged); saving links the
    files of ``layers`` and writes only the delta. A table without an edit is written whole."""
    gen: int = 0  # the release's number in this state's history (names its files)


@dataclass
class ReleaseRun:
    """An incremental (or first, full) run over a release: the merged result, the new state, counts."""

    result: BatchResult
    state: FeedState
    stats: dict[str, Any] = field(default_factory=dict)
    old: FeedState | None = None
    """The last release's state this run was incremental against (``None``: a full run)."""
    redo: pl.Series = field(default_factory=lambda: pl.Series("person_key", [], dtype=pl.String))
    """People whose cached result was replaced (detected again, or gone)."""
    changed_contacts: pl.Series = field(default_factory=lambda: pl.Series("contact_id", [], dtype=pl.String))
    """Contacts new, removed or changed since the last release."""


@gc_paused
def finalize_run(ctx: DetectContext, run: ReleaseRun, previous: PreviousJobs | None = None) -> Detection:
    """The run's signals (as ``finalize`` over ``run.result``), finalizing only what the release can
    change when the last release's finalized output is at hand; records the output in ``run.state``."""
    old = run.old
    det, run.state.final, fin_stats = finalize_release(
        ctx,
        run.result,
        old.result if old is not None else None,
        run.redo,
        run.changed_contacts,
        old.final if old is not None else None,
        previous,
    )
    run.state.edits.update(run.state.final.edits)
    run.stats.update(fin_stats)
    return det


def _memo_pairs(norm: pl.DataFrame) -> dict[str, Pairs]:
    out: dict[str, Pairs] = {}
    for (fn,), g in norm.group_by("fn"):
        out[str(fn)] = dict(zip(g.get_column("raw").to_list(), g.get_column("value").to_list(), strict=True))
    return out


def _memo_frame(old: pl.DataFrame, seen: dict[str, Pairs], limit: int) -> pl.DataFrame:
    """``old`` and the texts this run normalized or took from the memo (one row per ``fn`` and ``raw``,
    those of this run tagged with the next ``gen``); the ``limit`` most recently used when more."""
    gen = int(old.get_column("gen").max() or 0) + 1 if old.height else 1  # type: ignore[arg-type]
    new = [
        pl.DataFrame(
            {"fn": [fn] * len(p), "raw": list(p.keys()), "value": list(p.values()), "gen": [gen] * len(p)},
            schema=NORM_SCHEMA,
        )
        for fn, p in seen.items()
        if p
    ]
    out = pl.concat([old, *new]).unique(["fn", "raw"], keep="last", maintain_order=True) if new else old
    if out.height > limit:
        out = out.sort("gen", descending=True, maintain_order=True).head(limit)
    return out


def _canon(obj: Any) -> Any:
    """A JSON-able, order-independent form of settings values (sets sorted, dataclasses as dicts)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _canon(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (set, frozenset)):
        return sorted((_canon(x) for x in obj), key=repr)
    if isinstance(obj, dict):
        return {str(k): _canon(v) for k, v in sorted(obj.items(), key=lambda kv: repr(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_canon(x) for x in obj]
    return obj if isinstance(obj, (str, int, float, bool, type(None))) else repr(obj)


_CODE_FP: list[str] = []


def code_fingerprint() -> str:
    """A hash of the detection code (``engine/`` and ``domain/`` sources): results cached by another
    version of the rules are not reused, even when the package version string did not change."""
    if not _CODE_FP:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for sub in ("engine", "domain"):
            for p in sorted((root / sub).rglob("*.py")):
                h.update(p.relative_to(root).as_posix().encode())
                h.update(p.read_bytes())
        _CODE_FP.append(h.hexdigest())
    return _CODE_FP[0]


def context_fingerprint(ctx: DetectContext) -> str:
    """A fingerprint of what detection reads besides profiles and contacts (a change → full run).

    The run date is left out: detection itself does not read it (``finalize`` does, on every run).
    """
    versions = []
    for dist in ("jobshift", "tldextract"):  # tldextract's bundled suffix list: normalize_domain's rules
        try:
            versions.append(importlib.metadata.version(dist))
        except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
            versions.append("unknown")
    h = hashlib.sha256()
    settings = dataclasses.replace(ctx.settings, run_date=None)
    h.update(
        json.dumps(
            [RESULTS_FORMAT, versions, sys.version, code_fingerprint(), pl.__version__, _canon(settings)]
        ).encode()
    )
    acc = ctx.accounts.sort("account_id")
    h.update(repr(acc.hash_rows(seed=7).to_list()).encode())
    idx = ctx.index
    for table in (idx.by_domain, idx.by_linkedin, idx.by_name, idx.by_core):
        # the index's (key, account) pairs as an order-independent multiset of row hashes
        pairs = pl.DataFrame(
            [(k, a) for k, ids in table.items() for a in ids],
            schema={"k": pl.String, "a": pl.String},
            orient="row",
        )
        h.update(repr(pairs.hash_rows(seed=5).sort().to_list()).encode())
    return h.hexdigest()


def contact_table(ctx: DetectContext) -> pl.DataFrame:
    """Per contact of the context: ``cfp`` (its row's fingerprint) and its link-key hashes."""
    c = ctx.contacts
    return pl.DataFrame(
        {
            "contact_id": c.get_column("contact_id"),
            "cfp": c.drop("ci").hash_rows(seed=11),
            "h_li": c.select(key_hash("linkedin_norm")).get_column("h"),
            "h_em": c.select(key_hash("email_norm")).get_column("h"),
            "h_bl": c.select(key_hash("block")).get_column("h"),
        }
    )


def person_links(ctx: DetectContext, obs: pl.DataFrame) -> pl.DataFrame:
    """(``person_key``, ``h``): hashes of each observation's LinkedIn key, e-mails and blocking key."""
    if obs.height == 0:
        return pl.DataFrame(schema=LINKS_SCHEMA)
    d = decode_observations(obs).with_columns(ctx.block_key("first_name", "last_name").alias("p_block"))
    keys = pl.concat(
        [
            d.select("person_key", pl.col("linkedin_norm").alias("k")),
            d.select("person_key", pl.col("work_email_norm").alias("k")),
            d.select("person_key", pl.col("emails_norm").alias("k")).explode("k"),
            d.select("person_key", pl.col("p_block").alias("k")),
        ]
    ).drop_nulls("k")
    return keys.select("person_key", key_hash("k")).unique()


def _changed_contact_hashes(old: pl.DataFrame, new: pl.DataFrame) -> tuple[pl.Series, pl.DataFrame]:
    """(contact ids new, removed or changed; their link-key hashes, old and new)."""
    if old.height == new.height and old.get_column("cfp").equals(new.get_column("cfp")):
        return pl.Series("contact_id", [], dtype=pl.String), pl.DataFrame(schema={"h": pl.UInt64})
    # ``cfp`` hashes the whole row, the id included: one 64-bit key per (contact, content)
    changed = pl.concat(
        [new.join(old.select("cfp"), on="cfp", how="anti"), old.join(new.select("cfp"), on="cfp", how="anti")]
    )
    hashes = pl.concat([changed.select(pl.col(c).alias("h")) for c in ("h_li", "h_em", "h_bl")]).drop_nulls()
    return changed.get_column("contact_id").unique(), hashes.unique()


def _drop_people(res: BatchResult, people: pl.DataFrame) -> BatchResult:
    gone = ~pl.col("person_key").is_in(people.get_column("person_key").implode())
    return BatchResult(res.candidates.filter(gone), res.profiles.filter(gone), res.new_hires.filter(gone), 0)


def _convert_part(part: RawPartition, index: int, idx: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """Convert the rows ``idx`` of one partition (tagged with its ``part`` index); + unusable fps."""
    obs, bad = convert_rows(part, idx.sort())
    return obs.with_columns(pl.lit(index, dtype=pl.UInt32).alias("part")), bad


def _newest(obs: pl.DataFrame) -> pl.DataFrame:
    """The newest observation per person; ties: the first partition, then the first row in it (as
    :func:`jobshift.engine.feed.prune` after a per-partition deduplication)."""
    return (
        obs.with_row_index("_o")
        .sort(["person_key", "observed_at", "part", "_o"], descending=[False, True, False, False])
        .unique("person_key", keep="first", maintain_order=True)
        .drop("_o")
    )


@gc_paused
def detect_release(
    ctx: DetectContext, paths: list[str], old: FeedState | None, memo_rows: int = MEMO_MAX_ROWS
) -> ReleaseRun:
    """Detect over the release in ``paths`` given the last release's state (``None``: a full run).

    One partition's raw text is held at a time: each is read, fingerprinted, and its rows to detect are
    converted before the next is read. A partition holding unchanged rows of a person found changed
    later (a row removed, or a changed row in a later partition) is read a second time for those rows.
    """
    stats: dict[str, Any] = {"mode": "incremental", "partitions": len(paths)}
    clock = StepClock(stats)
    ctx_fp = context_fingerprint(ctx)
    if old is not None and old.context_fp != ctx_fp:
        old, stats["mode"] = None, "full (accounts, aliases, settings, code or version changed)"
    elif old is None:
        stats["mode"] = "full (no earlier release)"
    contacts = contact_table(ctx)
    clock.lap("context")
    with warm(_memo_pairs(old.norm) if old is not None else {}) as seen:
        if old is None:
            run = _first_release(ctx, paths, ctx_fp, contacts, stats)
        else:
            run = _next_release(ctx, paths, old, ctx_fp, contacts, stats)
    clock = StepClock(stats)
    run.state.norm = _memo_frame(old.norm if old is not None else run.state.norm, seen, memo_rows)
    stats["memo_known"] = old.norm.height if old is not None else 0
    clock.lap("memo")
    return run


def _next_release(
    ctx: DetectContext,
    paths: list[str],
    old: FeedState,
    ctx_fp: str,
    contacts: pl.DataFrame,
    stats: dict[str, Any],
) -> ReleaseRun:
    """The incremental run of :func:`detect_release` given a usable state."""
    clock = StepClock(stats)
    old_fps = old.rows.get_column("fp").implode()  # one row per fp
    ids, hashes = _changed_contact_hashes(old.contacts, contacts)
    if ids.len() == 0 and old.contacts.equals(contacts):
        contacts = old.contacts  # the same table: its state file is linked, not written again
    via_links = old.links.join(hashes, on="h", how="semi").select("person_key")
    via_cands = (
        old.result.candidates.lazy().filter(pl.col("contact_id").is_in(ids.implode())).select("person_key")
    ).collect()
    redo = pl.concat([via_links, via_cands]).drop_nulls().unique()
    redo_fps = _fps_of(old.rows, redo)
    stats["changed_contacts"] = ids.len()
    clock.lap("contacts")
    # rows are matched by fingerprint only: a known row's person is the old state's (same fp, same row)
    row_frames, todo_frames, obs_list, bad_list, held = [], [], [], [], []
    for i, path in enumerate(paths):  # pass 1 (JSONL rows to convert are held: one conversion for all)
        part = read_raw(path)
        clock.lap("read")
        rows_i = row_frame(part, i).with_columns(pl.col("fp").is_in(old_fps).alias("known"))
        row_frames.append(rows_i)
        todo_i = rows_i.filter(~pl.col("known") | pl.col("fp").is_in(redo_fps)).select("part", "idx")
        todo_frames.append(todo_i)
        clock.lap("match")
        if todo_i.height and part.lines is not None:
            held.append((i, held_rows(part, todo_i.get_column("idx").sort())))
        elif todo_i.height:
            obs_i, bad_i = _convert_part(part, i, todo_i.get_column("idx"))
            obs_list.append(obs_i)
            bad_list.append(bad_i)
        del part
        clock.lap("convert")
    if held:
        obs_list.append((conv := convert_held(held))[0])
        bad_list.append(conv[1])
    clock.lap("convert")
    rows = pl.concat(row_frames)
    stats["rows"] = rows.height
    todo = pl.concat(todo_frames)
    in_release = old.rows.get_column("fp").is_in(rows.get_column("fp").implode())
    # the persons of a removed row or of a changed row may have other, unchanged rows: detect whole
    gone = old.rows.filter(~in_release).select("person_key").drop_nulls()
    changed = [o.select("person_key") for o in obs_list]
    redo = pl.concat([redo, gone, *changed]).unique()
    more = (
        rows.filter(pl.col("known") & pl.col("fp").is_in(_fps_of(old.rows, redo)))
        .select("part", "idx")
        .join(todo, on=["part", "idx"], how="anti")
    )
    for i in more.get_column("part").unique().sort().to_list():  # pass 2
        obs_i, bad_i = _convert_part(read_raw(paths[i]), i, more.filter(pl.col("part") == i)["idx"])
        obs_list.append(obs_i)
        bad_list.append(bad_i)
    todo = pl.concat([todo, more])
    clock.lap("second_pass")
    obs = pl.concat(obs_list, how="diagonal_relaxed") if obs_list else pl.DataFrame()
    bad = pl.concat(bad_list) if bad_list else pl.Series("fp", [], dtype=pl.UInt64)
    stats["converted"] = todo.height
    fresh = _newest(obs) if obs.height else obs
    redo_all = pl.concat([redo, fresh.select("person_key")]).unique() if fresh.height else redo
    stats["people_detected"] = fresh.height
    det_in = fresh.drop("fp", "part") if fresh.height else fresh
    new_parts = _detect_frame(ctx, det_in)
    clock.lap("detect")
    r0 = old.result
    nothing = BatchResult(r0.candidates.clear(), r0.profiles.clear(), r0.new_hires.clear(), 0)
    added = merge_results(new_parts) if new_parts else nothing
    result = merge_results([_drop_people(old.result, redo_all), added])
    clock.lap("merge")
    # the new state: every row of the release with its person, the links of every person
    conv_keys = obs.select("fp", "person_key") if obs.height else pl.DataFrame(schema=ROWS_SCHEMA)
    bad_keys = pl.DataFrame({"fp": bad}).with_columns(pl.lit(None, pl.String).alias("person_key"))
    # every row of the release is known (the old state's row: same fp, same person), or new: converted
    # or bad (a new row seen twice has one person)
    new_rows = pl.concat([conv_keys, bad_keys]).filter(~pl.col("fp").is_in(old_fps)).unique("fp")
    release_rows = pl.concat([old.rows.filter(in_release), new_rows])
    links_new = person_links(ctx, det_in) if det_in.height else pl.DataFrame(schema=LINKS_SCHEMA)
    links_old = old.links.filter(~pl.col("person_key").is_in(redo_all.get_column("person_key").implode()))
    bad_fps = release_rows.filter(pl.col("person_key").is_null()).get_column("fp")
    stats["bad"] = rows.select(pl.col("fp").is_in(bad_fps.implode()).sum()).item()
    gone_people = redo_all.get_column("person_key")
    edits: dict[str, Delta | None] = {
        "rows": Delta("fp", old.rows.get_column("fp").filter(~in_release), new_rows),
        "links": Delta("person_key", gone_people, links_new),
        "candidates": Delta("person_key", gone_people, added.candidates),
        "profiles": Delta("person_key", gone_people, added.profiles),
        "new_hires": Delta("person_key", gone_people, added.new_hires),
    }
    if contacts is old.contacts:
        edits["contacts"] = None
    state = FeedState(
        ctx_fp,
        release_rows,
        pl.concat([links_old, links_new]),
        contacts,
        result,
        layers={} if old.edits else old.layers,  # edits say how to go from a state as loaded
        edits=edits,
        gen=old.gen + 1,
    )
    clock.lap("state_frames")
    return ReleaseRun(state.result, state, stats, old, redo_all.get_column("person_key"), ids)


def _fps_of(rows: pl.DataFrame, people: pl.DataFrame) -> pl.Series:
    """The fingerprints of the rows of ``people`` (a ``person_key`` frame) in a state's ``rows``, for
    ``is_in``."""
    return rows.join(people, on="person_key", how="semi").get_column("fp").implode()


def _detect_frame(ctx: DetectContext, obs: pl.DataFrame) -> list[BatchResult]:
    return [detect_batch(ctx, obs.slice(i, SUB_BATCH_ROWS)) for i in range(0, obs.height, SUB_BATCH_ROWS)]


def _first_release(
    ctx: DetectContext, paths: list[str], ctx_fp: str, contacts: pl.DataFrame, stats: dict[str, Any]
) -> ReleaseRun:
    """A full run that records the state, one partition in memory at a time (as the ordinary feed run:
    newest per person within the partition, detect, then keep each person's rows from the partition
    with their newest observation — ties: the lowest index)."""
    results: list[BatchResult] = []
    keys, links, row_keys, n_rows = [], [], [], 0
    for i, path in enumerate(paths):
        part = read_raw(path)
        n_rows += part.height
        obs, bad = _convert_part(part, i, pl.Series("idx", range(part.height), dtype=pl.UInt32))
        del part
        row_keys += [
            obs.select("fp", "person_key"),
            pl.DataFrame({"fp": bad}).with_columns(pl.lit(None, pl.String).alias("person_key")),
        ]
        newest = _newest(obs).drop("fp", "part")
        del obs
        parts = _detect_frame(ctx, newest)
        results.append(merge_results(parts) if parts else _empty_result(ctx))
        tag = pl.lit(i, dtype=pl.UInt32).alias("part")
        keys.append(newest.select("person_key", "observed_at").with_columns(tag))
        links.append(person_links(ctx, newest).with_columns(tag))
    winners = (
        pl.concat(keys)
        .sort(["person_key", "observed_at", "part"], descending=[False, True, False])
        .unique("person_key", keep="first")
        .select("person_key", "part")
    )
    pruned = [
        keep_people(r, winners.filter(pl.col("part") == i).select("person_key"), n_observations=0)
        for i, r in enumerate(results)
    ]
    result = merge_results(pruned) if pruned else _empty_result(ctx)
    rows = pl.concat(row_keys).unique("fp", keep="first")
    stats.update(
        rows=n_rows,
        converted=n_rows,
        people_detected=winners.height,
        bad=rows.get_column("person_key").null_count(),
    )
    link_frame = (
        pl.concat(links).join(winners, on=["person_key", "part"], how="semi").drop("part")
        if links
        else pl.DataFrame(schema=LINKS_SCHEMA)
    )
    return ReleaseRun(result, FeedState(ctx_fp, rows, link_frame, contacts, result), stats)


def _empty_result(ctx: DetectContext) -> BatchResult:
    from jobshift.engine.batches import OBSERVATION_SCHEMA, frame

    return detect_batch(ctx, frame([], OBSERVATION_SCHEMA))
