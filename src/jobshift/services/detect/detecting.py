"""Use case ``jobshift detect``: read the store, run the pure detection engine, upsert signals.

The tracked set is pluggable (:class:`TrackedSet`); the default tracks every contact that has an
account. Observations are read newest-per-person in one SQL query, in partitions, and handed to an
:class:`~jobshift.engine.executor.Executor` (local by default). Also: ``export signals``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import polars as pl
from sqlalchemy import Connection, Select

from jobshift.config import Config
from jobshift.domain.matching.companies import Alias
from jobshift.domain.signals import SIGNAL_FIELDS, SIGNAL_TYPES
from jobshift.engine.batches import (
    ACCOUNT_ICP_SCHEMA,
    ACCOUNT_SCHEMA,
    CONTACT_SCHEMA,
    DEPARTED_SCHEMA,
    OBSERVATION_SCHEMA,
    frame,
)
from jobshift.engine.context import DetectContext
from jobshift.engine.detect import detect_batch
from jobshift.engine.executor import Executor, LocalExecutor
from jobshift.engine.finalize import Detection, finalize
from jobshift.engine.first_seen import PREVIOUS_SCHEMA, PreviousJobs
from jobshift.errors import UsageError
from jobshift.services.browse.exporting import register_exporter, write_records
from jobshift.services.specs import detect_settings
from jobshift.services.workspace import Workspace
from jobshift.store import Store
from jobshift.store import review as review_store
from jobshift.store import signals as signal_store
from jobshift.store.detect.queries import accounts_with_counts, departed_contacts
from jobshift.store.detect.reading import cursor_frame, iter_newest, read_frame
from jobshift.store.people import previous_jobs
from jobshift.store.run_lock import locked
from jobshift.store.runs import finish_run, start_run
from jobshift.store.tracking import (
    contacts_with_account_columns,
    has_tracked_table,
    shared_email_contact_columns,
)
from jobshift.utils.timeutil import utcnow

BATCH_ROWS = 50_000
"""Newest observations per batch. Two batches are in flight (the local executor's threads) plus one
being read: at 1M tracked × 1M profiles this keeps `detect` near 1.4 GB and its reader near 0.3 GB;
100,000 cost the same CPU but peaked ~0.2–0.3 GB higher."""


class TrackedSet(Protocol):
    """Which contacts detection watches. A cohort/tier-based provider replaces the default later."""

    def query(self, tier: int | None) -> Select[Any]:
        """A SELECT of the contact columns of ``CONTACT_SCHEMA`` for the tracked contacts."""
        ...


class AllContactsWithAccount:
    """The default tracked set: every contact with an ``account_id``; tiers need cohorts."""

    def query(self, tier: int | None) -> Select[Any]:
        """All contacts with an account (``tier`` is rejected: there are no cohorts yet)."""
        if tier is not None:
            raise UsageError("--tier needs the tracked set: run `jobshift track` first")
        return contacts_with_account_columns()


def default_tracked_set(conn: Connection) -> TrackedSet:
    """The tracked set of ``jobshift track`` once it has run, else every contact with an account."""
    if has_tracked_table(conn):
        from jobshift.services.detect.tracking import CohortTrackedSet

        return CohortTrackedSet()
    return AllContactsWithAccount()


@dataclass
class DetectSummary:
    """What ``detect`` did."""

    run_id: int
    observations: int
    tracked_contacts: int
    by_type: dict[str, int]
    by_status: dict[str, int]
    write: dict[str, int]
    ambiguous: int
    ambiguous_examples: list[dict[str, Any]] = field(default_factory=list)
    release: dict[str, Any] | None = None
    """``detect --feed --incremental``: how the release was processed (mode, rows, people detected)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return self.__dict__.copy()


def read_accounts(conn: Connection) -> pl.DataFrame:
    """Accounts with their contact counts, whether they have an open opportunity, and the ICP columns."""
    return cursor_frame(conn, accounts_with_counts(), {**ACCOUNT_SCHEMA, **ACCOUNT_ICP_SCHEMA})


def iter_observation_batches(conn: Connection, batch_rows: int = BATCH_ROWS) -> Iterator[pl.DataFrame]:
    """Newest observations as typed polars frames of about ``batch_rows`` rows (person-key ranges)."""
    yield from iter_newest(conn, OBSERVATION_SCHEMA, batch_rows)


def build_context(
    conn: Connection, cfg: Config, tracked: TrackedSet, tier: int | None, run_date: date | None = None
) -> DetectContext:
    """Tracked contacts + accounts + aliases → the shared context of a run."""
    q = tracked.query(tier)
    c = read_frame(conn, q, CONTACT_SCHEMA)
    # untracked contacts that share an e-mail address with a tracked one: they compete for e-mail
    # matches ("Charlie" untracked beats a tracked "Charlotte" for Charlie's profile), nothing more
    rivals = read_frame(conn, shared_email_contact_columns(), CONTACT_SCHEMA)
    rivals = rivals.join(c.select("contact_id"), on="contact_id", how="anti").join(
        c.select("email_norm").drop_nulls().unique(), on="email_norm", how="semi"
    )
    a = read_accounts(conn)
    aliases = [
        Alias(r["account_id"], r["alias_name"], r["alias_domain"], r["alias_linkedin_norm"])
        for r in signal_store.list_aliases(conn)
    ]
    # a few rows with a computed column (connectorx cannot type an all-NULL expression): the cursor
    departed = cursor_frame(conn, departed_contacts(), DEPARTED_SCHEMA)
    return DetectContext.build(
        c, a, aliases, detect_settings(cfg, run_date), rivals=rivals, departed=departed
    )


def run_detection(
    conn: Connection, ctx: DetectContext, executor: Executor | None = None, batch_rows: int = BATCH_ROWS
) -> tuple[Detection, int]:
    """Run the engine over every newest observation; returns the detection and the observation count."""
    ex = executor or LocalExecutor()
    results = list(ex.run(lambda b: detect_batch(ctx, b), iter_observation_batches(conn, batch_rows)))
    if not results:
        results = [detect_batch(ctx, frame([], OBSERVATION_SCHEMA))]
    return finalize(ctx, results, previous_lookup(conn)), sum(r.n_observations for r in results)


def previous_lookup(conn: Connection) -> PreviousJobs:
    """The store's earlier observations for ``finalize`` (undated new hires first seen after an earlier
    observation elsewhere): ``{person_key: observed_at}`` → the observation before each."""

    def lookup(newest: Mapping[str, str]) -> pl.DataFrame:
        return frame(previous_jobs(conn, newest), PREVIOUS_SCHEMA)

    return lookup


def signal_rows(df: pl.DataFrame) -> Iterator[dict[str, Any]]:
    """Store-ready dicts (``evidence`` stays the JSON text the engine encoded)."""
    cols = df.columns
    for values in df.iter_rows():
        yield dict(zip(cols, values, strict=True))


@locked("detect")
def detect(
    ws: Workspace,
    *,
    tier: int | None = None,
    tracked: TrackedSet | None = None,
    executor: Executor | None = None,
    run_date: date | None = None,
) -> DetectSummary:
    """``jobshift detect``: detect and upsert signals in one transaction; a run row records the counts.

    ``run_date`` (default: today, UTC) is what ``too_old`` and the evidence's age are measured to."""
    store = ws.store
    with store.connect() as conn:
        tracked = tracked or default_tracked_set(conn)
        ctx = build_context(conn, ws.config, tracked, tier, run_date)
        detection, n_obs = run_detection(conn, ctx, executor)
    return record_detection(store, ctx, detection, n_obs)


def record_detection(
    store: Store, ctx: DetectContext, detection: Detection, n_obs: int, **extra_counts: int
) -> DetectSummary:
    """Upsert the signals of a detection and record the run (one transaction); the summary."""
    df = detection.signals
    by_type: dict[str, int] = {t: int(df.filter(pl.col("type") == t).height) for t in SIGNAL_TYPES}
    by_status = {str(s): int(n) for s, n in df.group_by("status").len().sort("status").iter_rows()}
    rows = df.select(signal_store.ROW_COLUMNS).iter_rows()
    return record_run(store, ctx, rows, n_obs, by_type, by_status, detection.ambiguous, extra_counts)


def record_run(
    store: Store,
    ctx: DetectContext,
    rows: Iterable[tuple[Any, ...]],
    n_obs: int,
    by_type: dict[str, int],
    by_status: dict[str, int],
    ambiguous: list[dict[str, Any]],
    extra_counts: dict[str, int],
) -> DetectSummary:
    """Upsert signal ``rows`` (:data:`ROW_COLUMNS` tuples, streamed) and record the run, in one
    transaction; the summary. Used by the store path and the feed's sharded path alike."""
    with store.begin() as conn:
        run_id = start_run(conn, "detect")
        write = signal_store.upsert_tuples(conn, rows, utcnow())
        reviewed = review_store.apply_reviews(conn)  # rejected pairs are never raised again
        counts = {
            "observations": n_obs,
            "tracked": ctx.n_tracked,
            **extra_counts,
            **by_type,
            **write,
            "ambiguous": len(ambiguous),
            "review_rejected": reviewed["reject"],
            "review_confirmed": reviewed["confirm"],
        }
        finish_run(conn, run_id, counts=counts)
    return DetectSummary(
        run_id, n_obs, ctx.n_tracked, by_type, by_status, write, len(ambiguous), ambiguous[:20]
    )


def export_signals(ws: Workspace, fmt: str, out: str | Path) -> int:
    """Write the newest detection per (person, type, new company) as JSONL or CSV; returns the row count."""
    if fmt not in ("jsonl", "csv"):
        raise UsageError(f"unknown format {fmt!r} (jsonl or csv)")
    with ws.store.connect() as conn:
        rows = signal_store.newest_per_subject(signal_store.iter_signals(conn))
    return write_records(SIGNAL_FIELDS, rows, fmt, out)


register_exporter("signals", export_signals)
