"""Use case: enrich the tracked contacts that are due, through the People Data Labs API, into ingest.

A contact is due when its lookup (LinkedIn URL > email > name + company) has no answer in the
``enrichment_cache`` newer than its tier's cadence (``[pdl] tier1_cadence_days`` / ``tier2_cadence_days``;
contacts without a tier use ``default_cadence_days``). The tracked set is the ``tracked_contacts`` table
when it exists, else every contact with an account. Lookups are made in batches; after each batch the
matched profiles are written to ``<workspace>/enrichment/pdl-<time>-<n>.jsonl`` and ingested like any
people file (so detection sees them), then the batch's answers are cached. A crash re-buys at most one
batch; a re-run within the cadence buys nothing. A rate limit or outage that outlasts the client's
retries stops the run cleanly (what was bought is kept); a bad key raises ``FatalError``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import orjson

from jobshift.connectors.people.pdl import EnrichResult, PdlClient, PersonLookup
from jobshift.errors import RetryableError
from jobshift.services.ingest.ingesting import ingest_people
from jobshift.services.workspace import Workspace
from jobshift.store.enrichment import (
    CachedLookup,
    cached_lookups,
    lookup_hash,
    record_lookups,
    tracked_people,
)
from jobshift.store.runs import finish_run, start_run
from jobshift.store.tracking import tier_of_contacts
from jobshift.utils.files import atomic_write_text
from jobshift.utils.timeutil import utcnow

PROVIDER = "pdl"
BATCH_SIZE = 100


class EnrichClient(Protocol):
    """What :func:`enrich_due` needs of a people-data client (``connectors.people.pdl.PdlClient``)."""

    def enrich(self, lookup: PersonLookup, *, observed_at: Any) -> EnrichResult:
        """Look one person up."""
        ...


@dataclass(frozen=True)
class DueLookup:
    """One lookup to make, and the contacts it serves."""

    hash: str
    kind: str
    lookup: PersonLookup
    contact_id: str
    tier: int | None


@dataclass
class EnrichReport:
    """What one enrichment run did (or, with ``dry_run``, would do)."""

    dry_run: bool
    run_id: int | None = None
    tracked: int = 0
    no_identifier: int = 0
    cached: int = 0
    due: int = 0
    requested: int = 0
    matched: int = 0
    no_match: int = 0
    errors: int = 0
    observations_inserted: int = 0
    api_calls: int = 0
    retries: int = 0
    rate_limited: int = 0
    stopped: str | None = None
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The counts alone (stored on the run)."""
        keys = (
            "tracked",
            "no_identifier",
            "cached",
            "due",
            "requested",
            "matched",
            "no_match",
            "errors",
            "observations_inserted",
            "api_calls",
            "retries",
            "rate_limited",
        )
        return {k: int(getattr(self, k)) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _lookup_of(row: Any) -> tuple[str, str, PersonLookup] | None:
    if row.linkedin_norm:
        return "profile", row.linkedin_norm, PersonLookup(linkedin_url=row.linkedin_norm)
    if row.email_norm:
        return "email", row.email_norm, PersonLookup(email=row.email_norm)
    name = " ".join(p for p in (row.first_name, row.last_name) if p)
    if name and row.company:
        return "name", f"{name.lower()}|{row.company.lower()}", PersonLookup(name=name, company=row.company)
    return None


def due_lookups(ws: Workspace, now: datetime, report: EnrichReport) -> list[DueLookup]:
    """The lookups due at ``now`` (tier 1 first), counting tracked / cached / unidentifiable contacts."""
    cfg = ws.config.pdl
    with ws.store.connect() as conn:
        rows = tracked_people(conn)
        tiers = tier_of_contacts(conn)
        candidates: dict[str, DueLookup] = {}
        for row in rows:
            report.tracked += 1
            found = _lookup_of(row)
            if found is None:
                report.no_identifier += 1
                continue
            kind, value, lookup = found
            h = lookup_hash(kind, value)
            tier = tiers.get(str(row.id))
            prev = candidates.get(h)
            if prev is None or (tier or 99) < (prev.tier or 99):
                candidates[h] = DueLookup(h, kind, lookup, str(row.id), tier)
        cache = cached_lookups(conn, candidates)
    cadence = {1: cfg.tier1_cadence_days, 2: cfg.tier2_cadence_days}
    due: list[DueLookup] = []
    for h, cand in candidates.items():
        days = cadence.get(cand.tier or 0, cfg.default_cadence_days)
        hit = cache.get(h)
        if hit is not None and hit.requested_at > now - timedelta(days=days):
            report.cached += 1
            continue
        due.append(cand)
    due.sort(key=lambda d: (d.tier or 99, d.contact_id))
    report.due = len(due)
    return due


def enrich_due(
    ws: Workspace,
    *,
    client: EnrichClient | None,
    now: datetime,
    dry_run: bool = False,
    limit: int | None = None,
    batch_size: int = BATCH_SIZE,
) -> EnrichReport:
    """Enrich the due tracked contacts (see the module docstring); ``now`` is naive UTC.

    ``limit`` (default ``[pdl] max_per_run``) caps the lookups of this run; with ``dry_run`` nothing is
    requested and ``client`` may be ``None``.
    """
    started = time.perf_counter()
    report = EnrichReport(dry_run=dry_run)
    due = due_lookups(ws, now, report)
    limit = limit or ws.config.pdl.max_per_run
    if limit is not None:
        due = due[:limit]
    if dry_run:
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    if client is None:
        raise ValueError("a client is needed unless dry_run")
    with ws.store.begin() as conn:
        report.run_id = start_run(conn, "enrich", object="people", source=PROVIDER)
    out_dir = ws.path / "enrichment"
    try:
        for n, start in enumerate(range(0, len(due), batch_size)):
            if not _batch(ws, client, due[start : start + batch_size], now, out_dir / _name(now, n), report):
                break
    except BaseException as exc:
        _finish(ws, client, report, started, "failed", str(exc) or repr(exc))
        raise
    _finish(ws, client, report, started, "stopped" if report.stopped else "ok", report.stopped)
    return report


def _name(now: datetime, n: int) -> str:
    return f"pdl-{now:%Y%m%dT%H%M%S}-{n:04d}.jsonl"


def _batch(
    ws: Workspace,
    client: EnrichClient,
    batch: list[DueLookup],
    now: datetime,
    path: Path,
    report: EnrichReport,
) -> bool:
    """Look up one batch, ingest its profiles, cache its answers; False when the run must stop."""
    profiles: list[dict[str, Any]] = []
    answers: list[CachedLookup] = []
    go_on = True
    for item in batch:
        try:
            res = client.enrich(item.lookup, observed_at=now.date())
        except RetryableError as exc:
            report.stopped = str(exc)
            go_on = False
            break
        report.requested += 1
        person_id = None
        if res.status == "matched" and res.profile is not None:
            report.matched += 1
            profiles.append(res.profile)
            person_id = str(res.profile.get("id")) if res.profile.get("id") else None
        elif res.status == "no_match":
            report.no_match += 1
        else:
            report.errors += 1
        answers.append(
            CachedLookup(
                item.hash,
                item.kind,
                PROVIDER,
                item.contact_id,
                now,
                res.status,
                person_id,
                res.likelihood,
                res.error,
            )
        )
    if profiles:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, "".join(orjson.dumps(p).decode() + "\n" for p in profiles))
        ingested = ingest_people(ws, path, workers=0)
        report.observations_inserted += ingested.inserted
        report.files.append(str(path))
    with ws.store.begin() as conn:
        record_lookups(conn, answers)
    return go_on


def _finish(
    ws: Workspace, client: EnrichClient, report: EnrichReport, started: float, status: str, error: str | None
) -> None:
    stats = getattr(client, "stats", None)
    if stats is not None:
        report.api_calls = int(getattr(stats, "calls", 0))
        report.retries = int(getattr(stats, "retries", 0))
        report.rate_limited = int(getattr(stats, "rate_limited", 0))
    report.seconds = round(time.perf_counter() - started, 3)
    if report.run_id is not None:
        with ws.store.begin() as conn:
            finish_run(conn, report.run_id, status=status, counts=report.counts(), error=error)


def run_enrichment(ws: Workspace, *, dry_run: bool = False, limit: int | None = None) -> EnrichReport:
    """``jobshift enrich``: a PDL client from ``[pdl]`` and ``JOBSHIFT_PDL_API_KEY``, now = UTC now."""
    now = utcnow()
    if dry_run:
        return enrich_due(ws, client=None, now=now, dry_run=True, limit=limit)
    with PdlClient(ws.config.pdl) as client:
        return enrich_due(ws, client=client, now=now, limit=limit)
