"""Feed-mode finalize in shards: signals and ambiguity lists written as partitioned Parquet, never
gathered in one process, each shard reading only its own rows.

The number of shards ``n`` is chosen before the feed is read, from its expected size
(:func:`shards_for_feed`, :data:`PROFILES_PER_SHARD`), so a shard's rows stay about the same however long
the feed is. Each partition task (:func:`detect_partition_to_buckets`) writes its results to
``<results_dir>/part-NNNNN/`` already split into ``n`` buckets, one Parquet row group per bucket
(:mod:`jobshift.utils.parquet_buckets`):

- ``candidates`` by contact shard (``hash(contact_id) % n``), ``contact_profiles``: the profile facts of
  those candidates' people, in the bucket of each of their candidates' contacts;
- ``new_hires`` and ``hire_profiles`` by new-hire shard: the hash of the account family root
  (``acc_root``) of the person's current account;
- ``keys`` (person_key, observed_at, produced: did the person produce anything here) by person-key hash.

Then:

1. **Winners** (:func:`winners_bucket`, n tasks): for the people of one person-key bucket that produced
   something, the partition with their newest observation (ties: the lowest index) — the prune of
   :mod:`jobshift.engine.feed`. Every later read keeps a person's rows only from the partition they win.
2. **Contact shards** (:func:`contact_shard`, n tasks). ``finalize``'s identity decisions group the
   candidates *by contact* (the newest strong match of a contact among all its profiles, name-only
   candidates dropped for contacts with a strong one, ``choose_identity`` over a contact's name
   candidates), so shard ``s`` reads bucket ``s`` of every partition's candidates and contact profiles. It
   writes its contact signals (``signals-c-SSS.parquet``, filters, ids and evidence applied: they are row
   by row), its ambiguity list, and — bucketed by new-hire shard — the people it matched (``known-SSS``)
   and its contacts that left (``leavers-SSS``).
3. **New-hire shards** (:func:`hire_shard`, n of them). New hires group *by account family*: one lead per
   (account, name) among people, a departed holder's successor found by ``acc_root``, a holder claimed by
   several people names nobody. Shard ``h`` reads bucket ``h`` of every partition's new hires and hire
   profiles and of every contact shard's ``known`` and ``leavers``, and writes ``signals-h-SSS.parquet``.
   It runs where ``previous`` (the store's earlier observations) and the departed contacts can be read:
   the client, one shard at a time; its memory follows the shard, not the feed.

Each output row is computed from exactly the rows ``finalize`` would use for it, so the union of the
shards' signals equals ``finalize``'s, row for row, and the ambiguity lists (sorted by contact) too
(tests/test_feed_shards.py). The client then streams the signal files into the store
(:func:`iter_signal_files`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq

from jobshift.engine.context import DetectContext
from jobshift.engine.feed import PartitionFn, detect_partition
from jobshift.engine.feed_spill import part_dir, write_part_dir
from jobshift.engine.finalize import Detection, contact_rows, finish_signals, new_hire_rows
from jobshift.engine.first_seen import PreviousJobs
from jobshift.engine.hire_columns import align_hires, matched_people, with_hire_columns
from jobshift.engine.tracked_slices import TrackedSlices
from jobshift.utils.memory_release import release_after_task
from jobshift.utils.parquet_buckets import bucket_count, read_bucket, write_buckets

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


def part_file(results_dir: str, index: int, table: str) -> Path:
    """Partition ``index``'s bucketed ``table`` file."""
    return part_dir(results_dir, index) / f"{table}.parquet"


def _hire_bucket(ctx: DetectContext, prof: pl.DataFrame, people: pl.DataFrame, n: int) -> pl.Series:
    """The new-hire shard of each row of ``people`` (``person_key``): the account family root of the
    current account of the person's first row in ``prof``."""
    roots = ctx.accounts.select(
        pl.col("account_id").alias("cur_account_id"), pl.col("acc_root").alias("_root")
    )
    first = (
        prof.select("person_key", "cur_account_id")
        .unique("person_key", keep="first", maintain_order=True)
        .join(roots, on="cur_account_id", how="left")
    )
    return (
        people.select("person_key")
        .join(first, on="person_key", how="left", maintain_order="left")
        .select(shard_of("_root", n))
        .to_series()
    )


def _profiles_by(prof: pl.DataFrame, people: pl.DataFrame, bucket: str) -> tuple[pl.DataFrame, pl.Series]:
    """The rows of ``prof`` of each (person_key, ``bucket``) pair of ``people``, with their buckets: a
    person's profile goes to every bucket they have rows in."""
    pairs = people.select("person_key", bucket).unique()
    rows = prof.with_row_index("_i").join(pairs, on="person_key", how="inner").sort([bucket, "_i"])
    return rows.drop("_i", bucket), rows.get_column(bucket)


def detect_partition_to_buckets(
    ctx: DetectContext,
    path: str,
    results_dir: str,
    index: int,
    n: int,
    partition_fn: PartitionFn = detect_partition,
) -> tuple[int, int]:
    """Detect one partition and write its results under ``results_dir`` in ``n`` buckets (module doc);
    returns (rows read, bad rows). The worker's memory is given back after it (``utils/memory_release``),
    once the task's frames are gone."""
    try:
        return _to_buckets(ctx, path, results_dir, index, n, partition_fn)
    finally:
        release_after_task()


def _to_buckets(
    ctx: DetectContext, path: str, results_dir: str, index: int, n: int, partition_fn: PartitionFn
) -> tuple[int, int]:
    part = partition_fn(ctx, path)
    cands, prof, hires = part.result.candidates, part.result.profiles, part.result.new_hires
    produced = pl.concat([cands.select("person_key"), hires.select("person_key")]).unique()
    keys = part.keys.with_columns(
        pl.col("person_key").is_in(produced.get_column("person_key").implode()).alias("produced")
    )
    c_bucket = cands.select(shard_of("contact_id", n)).to_series()
    c_prof, c_prof_bucket = _profiles_by(prof, cands.with_columns(c_bucket.alias("_b")), "_b")
    h_bucket = _hire_bucket(ctx, prof, hires, n)
    h_prof, h_prof_bucket = _profiles_by(prof, hires.with_columns(h_bucket.alias("_b")), "_b")
    tables = {
        "candidates": (cands, c_bucket),
        "contact_profiles": (c_prof, c_prof_bucket),
        "new_hires": (hires, h_bucket),
        "hire_profiles": (h_prof, h_prof_bucket),
        "keys": (keys, keys.select(shard_of("person_key", n)).to_series()),
    }

    def write(tmp: Path) -> None:
        for name, (df, bucket) in tables.items():
            write_buckets(df, bucket, n, tmp / f"{name}.parquet")

    write_part_dir(results_dir, index, write)
    return part.rows, part.bad


def bucket_count_of(results_dir: str, n_parts: int) -> int:
    """The bucket count every partition's results were written with (an error when one is missing or
    differs)."""
    files = [part_file(results_dir, i, "keys") for i in range(n_parts)]
    missing = [str(f.parent) for f in files if not f.exists()]
    if missing:
        raise FileNotFoundError(f"partition results missing: {', '.join(missing[:3])}")
    counts = {bucket_count(f) for f in files}
    if len(counts) != 1:
        raise ValueError(f"partitions written with different bucket counts: {sorted(counts)}")
    return counts.pop()


def winners_bucket(results_dir: str, n_parts: int, bucket: int) -> int:
    """(person_key, part) of the people of person-key bucket ``bucket`` that produced something: the
    partition of their newest observation; written to ``winners-BBB``; returns their count."""
    files = [part_file(results_dir, i, "keys") for i in range(n_parts)]
    produced = pl.concat(
        [
            read_bucket(f, bucket, ["person_key", "produced"]).filter("produced").select("person_key")
            for f in files
        ]
    ).unique()
    # one partition's keys at a time, reduced to its produced people's newest row
    by, desc = ["person_key", "observed_at", "part"], [False, True, False]
    newest = [
        read_bucket(f, bucket, ["person_key", "observed_at"])
        .join(produced, on="person_key", how="semi")
        .with_columns(pl.lit(i, pl.UInt32).alias("part"))
        .sort(by, descending=desc)
        .unique("person_key", keep="first")
        for i, f in enumerate(files)
    ]
    won = (
        pl.concat(newest)
        .sort(by, descending=desc)
        .unique("person_key", keep="first")
        .select("person_key", "part")
    )
    _out_dir(results_dir)
    won.write_parquet(out_path(results_dir, "winners", bucket))
    return won.height


def _winning(results_dir: str, n: int, table: str, n_parts: int, bucket: int) -> pl.DataFrame:
    """Bucket ``bucket`` of ``table`` over all partitions, in partition order, each person's rows only
    from the partition they win (column ``_part``: that partition)."""
    rows = pl.concat(
        [
            read_bucket(part_file(results_dir, i, table), bucket).with_columns(
                pl.lit(i, pl.UInt32).alias("_part")
            )
            for i in range(n_parts)
        ],
        how="vertical_relaxed",
    ).with_row_index("_i")
    by_person = rows.with_columns(shard_of("person_key", n).alias("_pb")).partition_by("_pb", as_dict=True)
    kept = [
        g.join(
            pl.read_parquet(out_path(results_dir, "winners", int(pb))).rename({"part": "_part"}),
            on=["person_key", "_part"],
            how="semi",
        )
        for (pb,), g in by_person.items()
    ]
    return (
        pl.concat([rows.clear().with_columns(pl.lit(0, pl.UInt64).alias("_pb")), *kept])
        .sort("_i")
        .drop("_i", "_pb")
    )


def _profiles_of(results_dir: str, table: str, n_parts: int, bucket: int, won: pl.DataFrame) -> pl.DataFrame:
    """The profile facts (bucket ``bucket`` of ``table``) of the people of ``won``, from the partition
    each wins, one row per person."""
    prof = pl.concat(
        [
            read_bucket(part_file(results_dir, i, table), bucket).with_columns(
                pl.lit(i, pl.UInt32).alias("_part")
            )
            for i in range(n_parts)
        ],
        how="vertical_relaxed",
    )
    return (
        prof.with_row_index("_i")
        .join(won.select("person_key", "_part").unique(), on=["person_key", "_part"], how="semi")
        .sort("_i")
        .drop("_i", "_part")
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


def _out_dir(results_dir: str) -> None:
    out_path(results_dir, "x", 0).parent.mkdir(parents=True, exist_ok=True)


def contact_shard(
    ctx: DetectContext, slices: TrackedSlices | None, results_dir: str, n_parts: int, shard: int, n: int
) -> int:
    """Decide the contacts of shard ``shard`` of ``n`` and write their signals (module doc, step 2);
    returns the shard's candidate count."""
    won = _winning(results_dir, n, "candidates", n_parts, shard)
    prof = _profiles_of(results_dir, "contact_profiles", n_parts, shard, won)
    cands = won.drop("_part")
    sub = _with_contacts(ctx, slices, cands.get_column("contact_id").unique())
    decided, rows, ambiguous = contact_rows(sub, cands, prof)
    _out_dir(results_dir)
    finish_signals(sub, with_hire_columns(rows)).write_parquet(out_path(results_dir, "signals-c", shard))
    known = matched_people(decided)
    write_buckets(known, _hire_bucket(ctx, prof, known, n), n, out_path(results_dir, "known", shard))
    leavers = rows.select(LEAVER_COLUMNS)
    write_buckets(
        leavers,
        leavers.select(shard_of("acc_root", n)).to_series(),
        n,
        out_path(results_dir, "leavers", shard),
    )
    pl.DataFrame(ambiguous, schema=AMBIGUOUS_SCHEMA).write_parquet(out_path(results_dir, "ambiguous", shard))
    return cands.height


def hire_shard(
    ctx: DetectContext, results_dir: str, n_parts: int, shard: int, n: int, previous: PreviousJobs | None
) -> int:
    """New hires of the account families of shard ``shard`` of ``n`` (module doc, step 3); returns
    the shard's new-hire rows. ``ctx`` needs accounts and departed contacts, not the tracked contacts."""
    won = _winning(results_dir, n, "new_hires", n_parts, shard)
    prof = _profiles_of(results_dir, "hire_profiles", n_parts, shard, won)
    hires = won.drop("_part").join(prof.select("person_key"), on="person_key", how="semi")
    people = hires.select("person_key").unique()
    known = pl.concat([read_bucket(out_path(results_dir, "known", s), shard) for s in range(n)]).join(
        people, on="person_key", how="semi"
    )
    leavers = pl.concat(
        [read_bucket(out_path(results_dir, "leavers", s), shard) for s in range(n)], how="vertical_relaxed"
    )
    empty = read_bucket(part_file(results_dir, 0, "candidates"), 0).clear()
    schema = with_hire_columns(contact_rows(ctx, empty, prof.clear())[1]).schema
    h = align_hires(new_hire_rows(ctx, hires, prof, known, leavers, previous), schema)
    finish_signals(ctx, h).write_parquet(out_path(results_dir, "signals-h", shard))
    return hires.height


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


PROFILES_PER_SHARD = 2_500_000
"""Default shard size: feed profiles per shard. A shard's rows (candidates, new hires, winners) are
proportional to the feed profiles it stands for, so its memory stays the same as the feed grows."""
JSONL_BYTES_PER_PROFILE = 750
"""Bytes of a JSON Lines profile, to estimate a feed file's profiles from its size (Parquet files give
their row count): 776 for bench_scale's generated profiles."""
GZIP_RATIO = 5
"""How much smaller a ``.gz`` JSON Lines file is assumed to be (an estimate; ``--shards`` overrides)."""


def estimated_profiles(paths: Sequence[str]) -> int:
    """The profiles in the feed files ``paths``: Parquet footers' row counts, JSON Lines sizes divided by
    :data:`JSONL_BYTES_PER_PROFILE` (gzipped: by that ÷ :data:`GZIP_RATIO`)."""
    total = 0
    for p in paths:
        name = p.lower()
        if name.endswith(".parquet"):
            total += pq.ParquetFile(p).metadata.num_rows
        else:
            ratio = GZIP_RATIO if name.endswith(".gz") else 1
            total += Path(p).stat().st_size * ratio // JSONL_BYTES_PER_PROFILE
    return total


def shards_for(profiles: int, profiles_per_shard: int = PROFILES_PER_SHARD) -> int:
    """Shards for a feed of ``profiles`` profiles (at least 1)."""
    return max(1, -(-profiles // profiles_per_shard))


def shards_for_feed(paths: Sequence[str], profiles_per_shard: int = PROFILES_PER_SHARD) -> int:
    """Shards for the feed files ``paths`` (:func:`estimated_profiles`)."""
    return shards_for(estimated_profiles(paths), profiles_per_shard)


def finalize_sharded(
    ctx: DetectContext,
    task_ctx: DetectContext,
    results_dir: str,
    n_parts: int,
    previous: PreviousJobs | None,
    slices: TrackedSlices | None = None,
    mapper: Mapper = local_map,
) -> ShardedDetection:
    """Steps 1-3 of the module doc over the partition results in ``results_dir`` (written by
    :func:`detect_partition_to_buckets`; their bucket count is the shard count). ``task_ctx``: the
    context the contact shards get (the shell of ``slices`` in sliced mode, else ``ctx``); ``mapper``
    runs the winner and contact shard tasks (Dask tasks or here); the new-hire shards run here with
    ``ctx``."""
    n = bucket_count_of(results_dir, n_parts)
    won = mapper(winners_bucket, [(results_dir, n_parts, b) for b in range(n)])
    n_cands = mapper(contact_shard, [(task_ctx, slices, results_dir, n_parts, s, n) for s in range(n)])
    n_hires = [hire_shard(ctx, results_dir, n_parts, s, n, previous) for s in range(n)]
    counts = {
        "candidates": sum(n_cands),
        "largest_shard_candidates": max(n_cands),
        "largest_shard_hires": max(n_hires),
        "largest_shard_winners": max(won),
    }
    return ShardedDetection(results_dir, n, n, counts)
