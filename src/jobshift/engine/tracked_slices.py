"""Tracked-set partitioning: workers hold slices of the tracked set, never all of it.

The client writes the tracked set once to files (:func:`write_slices`):

- ``keys-SSS.parquet`` for S in 0..K-1: the (``h``, ``g``) entries of the three blocking indexes of
  :class:`~jobshift.engine.context.DetectContext` — hash of a LinkedIn key, of an e-mail, of a name
  blocking key → global contact row ``g`` — whose hash falls in slice S (``h % K == S``);
- ``contacts.parquet``: the prepared contact rows (blocking key, account family root, ``tracked``), in
  the order of the full context (``g``).

Workers receive a *shell* context (:func:`shell_context`: accounts, company index, settings, caches, no
contacts). For each batch of profiles a worker (:func:`detect_partition_sliced`):

1. hashes every key the matcher could join on (LinkedIn, work and listed e-mails, name blocking key);
2. reads each key slice in turn and keeps the contact rows those hashes reach (a profile whose e-mail
   falls in slice 1 and LinkedIn in slice 3 reaches its contacts in both: all of them are gathered);
3. loads only those contact rows and runs the unchanged :func:`~jobshift.engine.detect.detect_batch`
   on a context holding them (:func:`reach_context`).

Why the result equals the unpartitioned one: inside ``detect_batch`` the contacts are used only through
the three index joins on those key hashes and gathers at the rows they return; a key hash of the batch
finds, in the reduced context, exactly the index entries it finds in the full one (every entry with
that hash was loaded, together with its contact, whose other keys are indexed as in the full context).
So a profile sees the same contacts, in the same relative order, with the same columns: the same
candidate pairs, names scores, e-mail contests ("does another contact linked to this profile fit its
name better?"), history facts, profile facts and new hires (which read accounts only, kept whole).
Hash collisions only add contacts whose string keys differ; ``detect_batch`` drops them as it does
with the full context. The tests compare signals and ambiguity lists row for row for K = 1, 2, 3, 7.

Memory of a worker: the shell context, one key slice while probing (1/K of the indexes), and the
contacts a batch of profiles reaches (at most the batch's links, never the whole tracked set).
``finalize`` still runs in the client with the full context.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from jobshift.engine.batches import decode_observations
from jobshift.engine.context import DetectContext, key_hash
from jobshift.engine.detect import BatchResult, detect_batch, merge_results
from jobshift.engine.feed import KEYS_SCHEMA, SUB_BATCH_ROWS, PartitionFn, PartitionResult, read_partition

INDEX_BYTES_SHARE = 4
"""A key slice may take a 1/INDEX_BYTES_SHARE of a worker's memory budget (:func:`slices_for_budget`)."""


@dataclass(frozen=True)
class TrackedSlices:
    """The tracked set written as ``k`` key slices + one contacts file under ``directory``."""

    directory: str
    k: int

    def keys_path(self, s: int) -> Path:
        """The file of key slice ``s``."""
        return Path(self.directory) / f"keys-{s:03d}.parquet"

    @property
    def contacts_path(self) -> Path:
        """The file of the prepared contact rows (column ``g``: row in the full context)."""
        return Path(self.directory) / "contacts.parquet"


def write_slices(ctx: DetectContext, directory: str, k: int) -> TrackedSlices:
    """Write ``ctx``'s tracked set as ``k`` hash slices of its blocking indexes (see the module doc)."""
    if k < 1:
        raise ValueError(f"tracked partitions: {k} (at least 1)")
    out = TrackedSlices(directory, k)
    Path(directory).mkdir(parents=True, exist_ok=True)
    keys = (
        pl.concat([ctx.linkedin_index, ctx.email_index, ctx.block_index])
        .unique(maintain_order=True)
        .rename({"ci": "g"})
    )
    for s in range(k):
        keys.filter(pl.col("h") % k == s).write_parquet(out.keys_path(s), statistics=False)
    ctx.contacts.rename({"ci": "g"}).write_parquet(out.contacts_path, row_group_size=50_000)
    return out


def shell_context(ctx: DetectContext) -> DetectContext:
    """``ctx`` without its contacts and departed contacts: what workers receive in sliced mode."""
    shell = copy.copy(ctx)
    shell.feed_keys = None  # the pre-filter's key sets hold the whole tracked set's keys
    shell.departed = ctx.departed.clear()
    shell.index_contacts(ctx.contacts.clear())
    return shell


def probe_hashes(shell: DetectContext, raw: pl.DataFrame) -> pl.DataFrame:
    """Distinct hashes (``h``) of every key a batch of observations can be matched on."""
    obs = decode_observations(raw)
    keys = pl.concat(
        [
            obs.select(pl.col("linkedin_norm").alias("k")),
            obs.select(pl.col("work_email_norm").alias("k")),
            obs.select(pl.col("emails_norm").alias("k")).explode("k"),
            obs.select(shell.block_key("first_name", "last_name").alias("k")),
        ]
    )
    return keys.drop_nulls("k").unique().select(key_hash("k")).unique()


def reached_rows(slices: TrackedSlices, hashes: pl.DataFrame) -> pl.Series:
    """Global contact rows (``g``, ascending) whose index entries share a hash with ``hashes``."""
    found: list[pl.DataFrame] = []
    for s in range(slices.k):
        mine = hashes.filter(pl.col("h") % slices.k == s)
        if mine.height:
            found.append(pl.read_parquet(slices.keys_path(s)).join(mine, on="h", how="semi").select("g"))
    if not found:
        return pl.Series("g", [], dtype=pl.UInt32)
    return pl.concat(found).get_column("g").unique().sort()


def reach_context(shell: DetectContext, slices: TrackedSlices, raw: pl.DataFrame) -> DetectContext:
    """A context holding the contacts ``raw``'s keys reach (in the full context's order), sharing the
    shell's caches."""
    rows = reached_rows(slices, probe_hashes(shell, raw))
    contacts = (
        pl.scan_parquet(slices.contacts_path).filter(pl.col("g").is_in(rows.implode())).collect().sort("g")
    )
    sub = copy.copy(shell)
    sub.index_contacts(contacts.drop("g"))
    return sub


def detect_sliced_batch(shell: DetectContext, slices: TrackedSlices, raw: pl.DataFrame) -> BatchResult:
    """:func:`detect_batch` of ``raw`` against the contacts it reaches; company caches go back to the
    shell so the next batch reuses them."""
    sub = reach_context(shell, slices, raw)
    result = detect_batch(sub, raw)
    shell._company_frame = sub._company_frame
    shell._domain_frame = sub._domain_frame
    return result


def detect_partition_sliced(slices: TrackedSlices, shell: DetectContext, path: str) -> PartitionResult:
    """:func:`~jobshift.engine.feed.detect_partition` with the tracked set read from ``slices``."""
    obs, n, bad = read_partition(path)
    parts = [
        detect_sliced_batch(shell, slices, obs.slice(i, SUB_BATCH_ROWS))
        for i in range(0, obs.height, SUB_BATCH_ROWS)
    ]
    result = merge_results(parts) if parts else detect_batch(shell, obs)
    return PartitionResult(result, obs.select(*KEYS_SCHEMA), n, bad)


def sliced_partition_fn(slices: TrackedSlices) -> PartitionFn:
    """The partition task of sliced mode (picklable: a partial of a module function)."""
    return partial(detect_partition_sliced, slices)


def slices_for_budget(ctx: DetectContext, budget_bytes: int) -> int:
    """Key slices needed so that one slice of the blocking indexes takes at most 1/INDEX_BYTES_SHARE of
    a worker's memory budget; 0 when the whole tracked set (contacts + indexes) fits half the budget
    (no slicing needed). ``[detection] worker_memory_mb`` gives the budget."""
    index = sum(i.estimated_size() for i in (ctx.linkedin_index, ctx.email_index, ctx.block_index))
    whole = ctx.contacts.estimated_size() + index
    if whole <= budget_bytes // 2:
        return 0
    return max(1, math.ceil(index * INDEX_BYTES_SHARE / max(1, budget_bytes)))
