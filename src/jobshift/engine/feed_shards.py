"""Feed-mode finalize in shards: signals and ambiguity lists written as partitioned Parquet, never
gathered in one process.

Input: the partition results that :func:`jobshift.engine.feed_spill.detect_partition_to_dir` wrote to
``results_dir`` (candidates, profile facts, new hires, (person_key, observed_at)). Steps:

1. :func:`write_winners` (client): each person that produced something → the partition with their
   newest observation (the prune of :mod:`jobshift.engine.feed`), one small file. Every later read of a
   partition's rows keeps only the people it wins.
2. **Contact shards** (:func:`contact_shard`, S tasks). ``finalize``'s identity decisions group the
   candidates *by contact*: the newest strong match of a contact among all its profiles, name-only
   candidates dropped for contacts with a strong one, ``choose_identity`` over a contact's name
   candidates (ambiguity lists). So the candidates are hash-partitioned on
   ``contact_id``: shard ``hash(contact_id) % S`` holds every candidate of its contacts and reads the
   profile facts of their people (a join by ``person_key``). It writes its contact signals
   (``signals-c-SSS.parquet``, filters, ids and evidence applied: they are row by row), its ambiguity
   list, the people it matched (``known-SSS``) and its contacts that left (``leavers-SSS``).
3. **New-hire shards** (:func:`hire_shard`, H tasks). New hires group *by account family*: one lead per
   (account, name) among people, a departed holder's successor found by ``acc_root``, a holder claimed
   by several people names nobody. So the new hires are hash-partitioned on their account family root
   (``cur_root``); a shard reads the matched people among its hires (from all ``known-*``: a person
   matched to a contact is not also a new hire) and the leavers of its families (from all
   ``leavers-*``), and writes ``signals-h-SSS.parquet``. It runs where ``previous`` (the store's earlier
   observations) can be read: the client, one shard at a time.

Each output row is computed from exactly the rows ``finalize`` would use for it, so the union of the
shards' signals equals ``finalize``'s, row for row, and the ambiguity lists (sorted by contact) too
(tests/test_feed_shards.py). The client then streams the signal files into the store
(:func:`iter_signal_files`); memory holds one shard at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from jobshift.engine.context import DetectContext
from jobshift.engine.feed_spill import part_dir
from jobshift.engine.finalize import Detection, contact_rows, finish_signals, new_hire_rows
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.hire_columns import align_hires, matched_people, with_hire_columns
from jobshift.engine.tracked_slices import TrackedSlices

_SEED = 0x7368617264
LEAVER_COLUMNS = ("type", "contact_id", "past_title", "acc_root", "crm_end_date", "job_started_date")
AMBIGUOUS_SCHEMA = pl.Schema(
    [("contact_id", pl.String()), ("reason", pl.String()), ("person_keys", pl.List(pl.String()))]
)
Mapper = Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]
"""Runs a function over argument tuples (in this process, or as Dask tasks) and returns the results."""


def local_map(fn: Callable[..., Any], args: list[tuple[Any, ...]]) -> list[Any]:
    """:data:`Mapper` in this process, one call after the other."""
    return [fn(*a) for a in args]


def shard_of(col: str, n: int) -> pl.Expr:
    """The shard (0..n-1) of a string key column (stable hash)."""
    return pl.col(col).hash(_SEED) % n


def write_winners(results_dir: str, n_parts: int) -> None:
    """(person_key, part) of every person that produced something: their newest partition."""
    dirs = [part_dir(results_dir, i) for i in range(n_parts)]
    missing = [str(d) for d in dirs if not (d / "keys.parquet").exists()]
    if missing:
        raise FileNotFoundError(f"partition results missing: {', '.join(missing[:3])}")
    produced = (
        pl.concat(
            [
                pl.scan_parquet(d / f"{t}.parquet").select("person_key")
                for d in dirs
                for t in ("candidates", "new_hires")
            ]
        )
        .unique()
        .collect()
    )
    # one partition's keys at a time, reduced to its produced people's newest row: memory follows the
    # people that produced something, not every profile of the feed
    by, desc = ["person_key", "observed_at", "part"], [False, True, False]
    newest = [
        pl.read_parquet(d / "keys.parquet")
        .join(produced, on="person_key", how="semi")
        .with_columns(pl.lit(i, pl.UInt32).alias("part"))
        .sort(by, descending=desc)
        .unique("person_key", keep="first")
        for i, d in enumerate(dirs)
    ]
    (
        pl.concat(newest)
        .sort(by, descending=desc)
        .unique("person_key", keep="first")
        .select("person_key", "part")
        .write_parquet(Path(results_dir) / "winners.parquet")
    )


def pruned(results_dir: str, n_parts: int, table: str) -> pl.LazyFrame:
    """The rows of ``table`` over all partitions, each person's only from the partition they win."""
    winners = pl.scan_parquet(Path(results_dir) / "winners.parquet")
    return pl.concat(
        [
            pl.scan_parquet(part_dir(results_dir, i) / f"{table}.parquet").join(
                winners.filter(pl.col("part") == i).select("person_key"), on="person_key", how="semi"
            )
            for i in range(n_parts)
        ],
        how="vertical_relaxed",
    )


def _profiles_of(results_dir: str, n_parts: int, people: pl.DataFrame) -> pl.DataFrame:
    return (
        pruned(results_dir, n_parts, "profiles")
        .join(people.lazy(), on="person_key", how="semi")
        .collect()
        .unique("person_key", keep="first", maintain_order=True)
    )


def _with_contacts(ctx: DetectContext, slices: TrackedSlices | None, ids: pl.Series) -> DetectContext:
    """``ctx``, or (sliced mode: ``ctx`` is a shell) a copy holding the contacts ``ids`` only."""
    if slices is None:
        return ctx
    import copy

    rows = (
        pl.scan_parquet(slices.contacts_path)
        .filter(pl.col("contact_id").is_in(ids.implode()))
        .collect()
        .sort("g")
        .drop("g")
    )
    sub = copy.copy(ctx)
    sub.index_contacts(rows)
    return sub


def out_path(results_dir: str, name: str, shard: int) -> Path:
    """``<results_dir>/shards/<name>-SSS.parquet``."""
    return Path(results_dir) / "shards" / f"{name}-{shard:03d}.parquet"


def contact_shard(
    ctx: DetectContext, slices: TrackedSlices | None, results_dir: str, n_parts: int, shard: int, n: int
) -> int:
    """Decide the contacts of shard ``shard`` of ``n`` and write their signals (module doc, step 2);
    returns the shard's candidate count."""
    cands = pruned(results_dir, n_parts, "candidates").filter(shard_of("contact_id", n) == shard).collect()
    prof = _profiles_of(results_dir, n_parts, cands.select("person_key").unique())
    sub = _with_contacts(ctx, slices, cands.get_column("contact_id").unique())
    decided, rows, ambiguous = contact_rows(sub, cands, prof)
    out_path(results_dir, "x", 0).parent.mkdir(parents=True, exist_ok=True)
    finish_signals(sub, with_hire_columns(rows)).write_parquet(out_path(results_dir, "signals-c", shard))
    matched_people(decided).write_parquet(out_path(results_dir, "known", shard))
    rows.select(LEAVER_COLUMNS).write_parquet(out_path(results_dir, "leavers", shard))
    pl.DataFrame(ambiguous, schema=AMBIGUOUS_SCHEMA).write_parquet(out_path(results_dir, "ambiguous", shard))
    return cands.height


def hire_shard(
    ctx: DetectContext,
    results_dir: str,
    n_parts: int,
    shard: int,
    n: int,
    n_contact_shards: int,
    previous: PreviousJobs | None,
) -> None:
    """New hires of the account families of shard ``shard`` of ``n`` (module doc, step 3). ``ctx``
    needs accounts and departed contacts, not the tracked contacts."""
    roots = ctx.accounts.select(
        pl.col("account_id").alias("cur_account_id"), pl.col("acc_root").alias("_root")
    )
    # which hires are this shard's: two columns of every hire's profile, then only the shard's rows
    hires_lf = pruned(results_dir, n_parts, "new_hires")
    mine = (
        pruned(results_dir, n_parts, "profiles")
        .select("person_key", "cur_account_id")
        .join(hires_lf.select("person_key").unique(), on="person_key", how="semi")
        .collect()
        .unique("person_key", keep="first", maintain_order=True)
        .join(roots, on="cur_account_id", how="left")
        .filter(shard_of("_root", n) == shard)
        .select("person_key")
    )
    hires = hires_lf.join(mine.lazy(), on="person_key", how="semi").collect()
    prof = _profiles_of(results_dir, n_parts, mine)
    cs = range(n_contact_shards)
    known = (
        pl.concat([pl.scan_parquet(out_path(results_dir, "known", s)) for s in cs])
        .join(mine.lazy(), on="person_key", how="semi")
        .collect()
    )
    leavers = (
        pl.concat([pl.scan_parquet(out_path(results_dir, "leavers", s)) for s in cs], how="vertical_relaxed")
        .filter(shard_of("acc_root", n) == shard)
        .collect()
    )
    schema = with_hire_columns(contact_rows(ctx, _empty_cands(results_dir), prof.clear())[1]).schema
    h = align_hires(new_hire_rows(ctx, hires, prof, known, leavers, previous), schema)
    finish_signals(ctx, h).write_parquet(out_path(results_dir, "signals-h", shard))


def _empty_cands(results_dir: str) -> pl.DataFrame:
    return pl.read_parquet(part_dir(results_dir, 0) / "candidates.parquet").clear()


@dataclass
class ShardedDetection:
    """Where a sharded finalize wrote its signals, its ambiguity lists and counts."""

    results_dir: str
    contact_shards: int
    hire_shards: int
    counts: dict[str, int] = field(default_factory=dict)

    def signal_files(self) -> list[Path]:
        """The signal files, contact shards then new-hire shards."""
        return [out_path(self.results_dir, "signals-c", s) for s in range(self.contact_shards)] + [
            out_path(self.results_dir, "signals-h", s) for s in range(self.hire_shards)
        ]

    def ambiguous(self) -> list[dict[str, Any]]:
        """The ambiguity lists of every contact shard, by contact (as ``finalize`` orders them)."""
        frames = [
            pl.read_parquet(out_path(self.results_dir, "ambiguous", s)) for s in range(self.contact_shards)
        ]
        return pl.concat(frames).sort("contact_id", maintain_order=True).to_dicts()

    def to_detection(self) -> Detection:
        """Everything in one frame (tests and small runs; a large run streams :func:`iter_signal_files`)."""
        signals = pl.concat([pl.read_parquet(f) for f in self.signal_files()], how="vertical_relaxed")
        amb = self.ambiguous()
        return Detection(signals.sort("signal_id"), amb, {**self.counts, "ambiguous": len(amb)})


def iter_signal_files(files: Sequence[Path], columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The rows (``columns``) of the signal files, one file in memory at a time."""
    for f in files:
        yield from pl.read_parquet(f, columns=list(columns)).iter_rows()


SHARD_BYTES = 8 << 20
"""Default shard size: this many bytes of partition result files (Parquet) per shard."""


def shards_for(results_dir: str, n_parts: int, shard_bytes: int = SHARD_BYTES) -> int:
    """Shards so that each reads about ``shard_bytes`` of the partitions' result files (at least 1):
    every shard scans all partitions' files, so more shards than needed cost reads."""
    size = sum(
        (part_dir(results_dir, i) / f"{t}.parquet").stat().st_size
        for i in range(n_parts)
        for t in ("candidates", "profiles", "new_hires")
        if (part_dir(results_dir, i) / f"{t}.parquet").exists()
    )
    return max(1, -(-size // shard_bytes))


def finalize_sharded(
    ctx: DetectContext,
    task_ctx: DetectContext,
    results_dir: str,
    n_parts: int,
    previous: PreviousJobs | None,
    shards: int | None = None,
    slices: TrackedSlices | None = None,
    mapper: Mapper = local_map,
) -> ShardedDetection:
    """Steps 1-3 of the module doc over the partition results in ``results_dir``. ``task_ctx``: the
    context the contact shards get (the shell of ``slices`` in sliced mode, else ``ctx``); ``mapper``
    runs them (Dask tasks or here); the new-hire shards run here with ``ctx``. ``shards``: default
    :func:`shards_for`."""
    write_winners(results_dir, n_parts)
    shards = shards or shards_for(results_dir, n_parts)
    args = [(task_ctx, slices, results_dir, n_parts, s, shards) for s in range(shards)]
    n_cands = mapper(contact_shard, args)
    for s in range(shards):
        hire_shard(ctx, results_dir, n_parts, s, shards, shards, previous)
    return ShardedDetection(results_dir, shards, shards, {"candidates": sum(n_cands)})
