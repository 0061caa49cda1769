"""Feed-mode detection: the people feed read straight from its files, one partition per file.

Each partition (a JSONL / JSONL.gz / Parquet file) is converted to observations with the same rules as
the ingest (:func:`jobshift.domain.profiles.profile_to_row`; vectorized by :mod:`jobshift.engine.convert`,
the same values), reduced to the newest observation of each
person *within the partition*, and run through the pure :func:`~jobshift.engine.detect.detect_batch`.

One person may appear in several partitions. Rather than shuffling the whole feed by person key, the
merge keeps, for every person that produced something (a candidate or a new hire), only the rows of the
partition holding that person's globally newest observation (ties: the lowest partition index):

1. detect per partition → small :class:`BatchResult` + the partition's (person_key, observed_at) table,
   which stays where it was computed (a Dask worker's memory, or this process);
2. the union of person keys that produced something (small) is sent to every partition, which answers
   with the newest ``observed_at`` it holds for those keys;
3. :func:`prune` drops every row coming from a partition that is not the newest for its person.

A person whose newest observation links to nobody therefore also cancels links from older partitions,
exactly as if the feed had been deduplicated first. Local and Dask executors run the same functions, so
their exports are identical (:func:`detect_feed_local` is the reference).
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from jobshift.connectors.people.files import parse_line, people_file_format, read_people_chunks
from jobshift.domain.profiles import OBSERVATION_FIELDS, PROFILE_FIELDS, ProfileError, profile_to_row
from jobshift.engine import convert
from jobshift.engine.batches import OBSERVATION_SCHEMA
from jobshift.engine.context import DetectContext
from jobshift.engine.convert.partition import convert_lines, convert_table, read_projected
from jobshift.engine.detect import BatchResult, detect_batch, merge_results
from jobshift.engine.feed_raw import nonblank_lines
from jobshift.errors import UsageError

FEED_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".parquet")
_POS = [OBSERVATION_FIELDS.index(c) for c in OBSERVATION_SCHEMA]
KEYS_SCHEMA = {"person_key": pl.String, "observed_at": pl.String}


@dataclass
class PartitionResult:
    """What one partition gives: its detection, its newest (person_key, observed_at), row counts."""

    result: BatchResult
    keys: pl.DataFrame
    rows: int
    bad: int


def feed_partitions(spec: str) -> list[str]:
    """The feed files of ``spec``: a file, a directory (its feed files), a glob, or a comma list; sorted."""
    out: list[str] = []
    for part in (s.strip() for s in spec.split(",")):
        if not part:
            continue
        if "://" in part and not part.startswith("file://"):
            raise UsageError(f"{part}: remote feeds are not supported yet (copy the files locally)")
        part = part.removeprefix("file://")
        if os.path.isdir(part):
            hits = [str(p) for p in sorted(Path(part).iterdir()) if p.name.lower().endswith(FEED_SUFFIXES)]
        else:
            hits = sorted(glob.glob(part)) if glob.has_magic(part) else [part]
        out.extend(h for h in hits if os.path.isfile(h))
    if not out:
        raise UsageError(f"--feed {spec!r}: no feed files found (.jsonl, .jsonl.gz, .parquet)")
    return out


def read_partition(path: str) -> tuple[pl.DataFrame, int, int]:
    """Observations (``OBSERVATION_SCHEMA``) of one feed file, newest per person; + (rows, bad rows).

    With ``engine.convert.VECTOR`` (the default) the file is converted by :mod:`jobshift.engine.convert`;
    otherwise (or for a Parquet file whose column types it does not read, or text that is not UTF-8)
    each chunk of the file becomes a frame before the next is read, so a partition is held as columns,
    not as millions of Python tuples.
    """
    done = _read_vector(path) if convert.VECTOR else None
    if done is not None:
        obs, n, bad = done
        return _newest(obs), n, bad
    frames: list[pl.DataFrame] = []
    bad = n = 0
    for first, items in read_people_chunks(path, columns=PROFILE_FIELDS):
        rows: list[tuple[object, ...]] = []
        for line, item in enumerate(items, first):
            rec = parse_line(item) if isinstance(item, bytes) else item
            if rec is None:
                continue
            n += 1
            if not isinstance(rec, dict):
                bad += 1
                continue
            try:
                values = profile_to_row(rec, path, line)
            except ProfileError:
                bad += 1
                continue
            rows.append(tuple(values[i] for i in _POS))
        frames.append(pl.DataFrame(rows, schema=OBSERVATION_SCHEMA, orient="row", infer_schema_length=0))
    df = pl.concat(frames) if frames else pl.DataFrame(schema=OBSERVATION_SCHEMA)
    return _newest(df), n, bad


def _newest(df: pl.DataFrame) -> pl.DataFrame:
    """The newest observation of each person (ties: the first in the file)."""
    return df.sort(["person_key", "observed_at"], descending=[False, True], maintain_order=True).unique(
        "person_key", keep="first", maintain_order=True
    )


def _read_vector(path: str) -> tuple[pl.DataFrame, int, int] | None:
    """(observations in file order, rows, bad rows) by the vectorized converter; ``None`` when it does not
    take the file (Parquet columns of other types, text that is not UTF-8)."""
    fmt = people_file_format(Path(path))
    if fmt == "parquet":
        table = read_projected(path)
        conv = convert_table(path, table)
        n = table.num_rows
    else:
        try:
            lines = nonblank_lines(path, fmt)
        except (pl.exceptions.PolarsError, UnicodeError):  # invalid UTF-8: the line reader copes
            return None
        conv = convert_lines(path, lines, whole=fmt == "jsonl")
        n = lines.len()
    if conv is None:
        return None
    return conv.obs.drop("pos"), n, conv.bad.len()


SUB_BATCH_ROWS = 50_000
"""A partition is detected in slices of this many people (the store path's batch size): the memory a
detection needs grows with its batch, a partition may hold millions of profiles."""


PREFILTER = True
"""Read partitions through the relevance pre-filter (:mod:`jobshift.engine.prefilter.read`): rows that cannot
link to a tracked contact or a watched account are not converted. Same results either way."""
PREFILTER_SUFFIXES: tuple[str, ...] = ()
"""The files read through the pre-filter: none by default. With the vectorized converter
(:mod:`jobshift.engine.convert`) converting every row costs less CPU than the pre-filter's passes, for
JSONL and Parquet, even with 19% of rows kept (benchmarks/RESULTS.md, "Vectorized profile converter",
2026-12-08); before it, Parquet was pre-filtered."""


def detect_partition(ctx: DetectContext, path: str) -> PartitionResult:
    """Read one partition and run the pure detection on it (the task a Dask worker runs)."""
    if PREFILTER and path.lower().endswith(PREFILTER_SUFFIXES):
        from jobshift.engine.prefilter.read import detect_relevant

        done = detect_relevant(ctx, path, SUB_BATCH_ROWS)
        if done is not None:
            result, keys, n, bad = done
            return PartitionResult(result, keys, n, bad)
    obs, n, bad = read_partition(path)
    # rows that can produce nothing are dropped inside each batch (engine/prefilter/rows.py)
    parts = [
        detect_batch(ctx, obs.slice(i, SUB_BATCH_ROWS), skip_unlinked=True)
        for i in range(0, obs.height, SUB_BATCH_ROWS)
    ]
    result = merge_results(parts) if parts else detect_batch(ctx, obs)
    return PartitionResult(result, obs.select(*KEYS_SCHEMA), n, bad)


PartitionFn = Callable[[DetectContext, str], PartitionResult]
"""The task run per partition: :func:`detect_partition`, or its sliced form
(:func:`jobshift.engine.tracked_slices.sliced_partition_fn`)."""


def batch_of(part: PartitionResult) -> BatchResult:
    """The detection part of a partition result (what is gathered to the client)."""
    return part.result


def produced_keys(results: list[BatchResult]) -> pl.DataFrame:
    """Person keys that produced a candidate or a new hire in any partition."""
    keys = [r.candidates.select("person_key") for r in results] + [
        r.new_hires.select("person_key") for r in results
    ]
    if not keys:
        return pl.DataFrame(schema={"person_key": pl.String})
    return pl.concat(keys).unique()


def seen_keys(part: PartitionResult, keys: pl.DataFrame) -> pl.DataFrame:
    """The partition's newest ``observed_at`` for each of ``keys`` it holds."""
    return part.keys.join(keys, on="person_key", how="semi")


def keep_people(r: BatchResult, people: pl.DataFrame, n_observations: int | None = None) -> BatchResult:
    """The rows of ``r`` about ``people`` (a ``person_key`` frame); ``n_observations`` kept unless given."""
    return BatchResult(
        r.candidates.join(people, on="person_key", how="semi"),
        r.profiles.join(people, on="person_key", how="semi"),
        r.new_hires.join(people, on="person_key", how="semi"),
        r.n_observations if n_observations is None else n_observations,
    )


def prune(results: list[BatchResult], seen: list[pl.DataFrame]) -> list[BatchResult]:
    """Keep each person's rows only from the partition with their newest observation (see module doc)."""
    tagged = [s.with_columns(pl.lit(i, pl.UInt32).alias("part")) for i, s in enumerate(seen)]
    winners = (
        pl.concat(tagged)
        .sort(["person_key", "observed_at", "part"], descending=[False, True, False])
        .unique("person_key", keep="first")
        if tagged
        else pl.DataFrame(schema={"person_key": pl.String, "observed_at": pl.String, "part": pl.UInt32})
    )
    out = []
    for i, r in enumerate(results):
        out.append(keep_people(r, winners.filter(pl.col("part") == i).select("person_key")))
    return out


def detect_feed_local(
    ctx: DetectContext,
    paths: list[str],
    results_dir: str | None = None,
    partition_fn: PartitionFn = detect_partition,
) -> tuple[list[BatchResult], int, int]:
    """The reference feed run in this process: pruned batch results, profiles read, bad rows.

    ``results_dir``: each partition's results go to files there as they are detected, and only the
    pruned rows are read back (:mod:`jobshift.engine.feed_spill`): memory holds one partition at a time.
    ``partition_fn``: the task per partition (sliced mode: :mod:`jobshift.engine.tracked_slices`).
    """
    if results_dir is not None:
        from jobshift.engine.feed_spill import detect_partition_to_dir, merge_partition_dirs

        counts = [detect_partition_to_dir(ctx, p, results_dir, i, partition_fn) for i, p in enumerate(paths)]
        merged = merge_partition_dirs(results_dir, len(paths))
        return merged, sum(r for r, _ in counts), sum(b for _, b in counts)
    parts = [partition_fn(ctx, p) for p in paths]
    results = [p.result for p in parts]
    keys = produced_keys(results)
    seen = [seen_keys(p, keys) for p in parts]
    return prune(results, seen), sum(p.rows for p in parts), sum(p.bad for p in parts)
