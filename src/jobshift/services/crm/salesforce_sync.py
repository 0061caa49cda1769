"""Use cases of the Salesforce connector: check the connection and mapping, pull the org into the store.

``pull_salesforce`` reads each object (dependency order) changed since the last successful pull of that
object (its ``SystemModstamp`` watermark is kept on the run) or since ``--since``, and upserts the rows
through the same keyed bulk upsert as ``jobshift import`` (re-pulling changes nothing). Each object is
written in one transaction: all of it or nothing. Records missing a required column are quarantined.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from jobshift.config import Config
from jobshift.connectors.crm.protocol import CrmObject
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.connectors.crm.salesforce.fields import SOBJECTS
from jobshift.connectors.csv_import.columns import OBJECTS, resolve_object
from jobshift.connectors.csv_import.values import to_datetime
from jobshift.domain.crm_payload import WRITTEN_FIELDS
from jobshift.errors import FatalError, InputError
from jobshift.services.ingest.aliases import record_former_names, record_renames
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import upsert_rows
from jobshift.store.lookups import account_names
from jobshift.store.quarantine import add_quarantined
from jobshift.store.runs import finish_run, last_ok_counts, start_run
from jobshift.store.schema import CRM_TABLES

PULL_KIND = "crm_pull"
BATCH = 2_000


def connect(ws: Workspace, **kwargs: Any) -> SalesforceConnector:
    """A connector configured from the workspace's ``[salesforce]`` section (secrets from the environment)."""
    return SalesforceConnector(ws.config.salesforce, **kwargs)


@dataclass
class CheckReport:
    """What ``crm check`` found: the org's usage, and per object the fields read / missing."""

    api_used: int
    api_limit: int
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def check_salesforce(ws: Workspace, *, connector: SalesforceConnector | None = None) -> CheckReport:
    """Log in, read ``/limits``, describe every object and check the mapped fields jobshift writes.

    Raises ``FatalError`` naming the first written field (contacts, leads) the org lacks.
    """
    conn = connector or connect(ws)
    usage = conn.api_usage()
    report = CheckReport(api_used=usage.used, api_limit=usage.limit)
    for obj in OBJECTS:
        cols = conn.read_columns(obj)
        report.objects[obj] = {
            "sobject": SOBJECTS[obj],
            "fields_read": len(cols),
            "not_in_org": conn.skipped_fields.get(obj, []),
        }
    missing = [f for obj, names in WRITTEN_FIELDS.items() for f in conn.missing_fields(obj, names)]  # type: ignore[arg-type]
    if missing:
        raise FatalError(
            f"the org lacks {len(missing)} field(s) jobshift writes: {', '.join(missing)}; deploy them "
            "(`jobshift crm setup` prints the command) or map other fields in [salesforce.fields.*]"
        )
    conn.check_external_id("Lead", ws.config.salesforce.lead_external_id_field)
    report.warnings = conn.check_values(vocabulary(ws.config))
    report.stats = conn.stats.to_dict()
    return report


def vocabulary(cfg: Config) -> list[tuple[str, str, str, str]]:
    """Every configured value jobshift writes into a CRM field: (object, canonical field, value, key)."""
    p = cfg.program
    out = [
        ("leads", "status", p.lead_status, "[program] lead_status"),
        ("leads", "lead_source", p.contact_tracking_lead_source, "[program] contact_tracking_lead_source"),
        ("leads", "lead_source", p.target_tracking_lead_source, "[program] target_tracking_lead_source"),
        ("leads", "priority", p.priority, "[program] priority"),
        ("contacts", "status", p.contact_status, "[program] contact_status"),
        ("contacts", "disqualified_reason", p.disqualified_reason, "[program] disqualified_reason"),
    ]
    out += [
        ("leads", "priority_reason", v, f"[program.priority_reasons] {k}")
        for k, v in p.priority_reasons.items()
    ]
    return out


@dataclass
class PullReport:
    """What one pull did, per object: read, inserted, updated, unchanged, quarantined, watermark."""

    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def resolve_objects(names: Sequence[str]) -> list[str]:
    """Canonical object names (``roles`` accepted) in dependency order; ``UsageError`` if unknown."""
    wanted = {resolve_object(n).name for n in names}
    return [o for o in OBJECTS if o in wanted]


def last_watermark(ws: Workspace, obj: str) -> datetime | None:
    """The ``SystemModstamp`` watermark of the last successful pull of ``obj``."""
    with ws.store.connect() as c:
        counts = last_ok_counts(c, PULL_KIND, obj)
    mark = (counts or {}).get("watermark") if isinstance(counts, Mapping) else None
    return to_datetime(mark) if mark else None


def pull_salesforce(
    ws: Workspace,
    *,
    since: datetime | None = None,
    objects: Sequence[str] | None = None,
    connector: SalesforceConnector | None = None,
) -> PullReport:
    """Read Salesforce into the store (incremental by ``SystemModstamp``; see the module docstring)."""
    conn = connector or connect(ws)
    sources = {o: f"salesforce:{SOBJECTS[o]}" for o in OBJECTS}
    return pull_with(ws, conn, sources, since=since, objects=objects)


def pull_with(
    ws: Workspace,
    conn: Any,
    sources: Mapping[str, str],
    *,
    since: datetime | None = None,
    objects: Sequence[str] | None = None,
) -> PullReport:
    """Read any remote CRM connector (``read``, ``watermarks``, ``rejected``, ``stats``) into the store,
    each object from its last watermark (or ``since``); ``sources`` names each object's origin."""
    started = time.perf_counter()
    report = PullReport()
    for obj in objects or list(OBJECTS):
        report.objects[obj] = _pull_object(
            ws, conn, obj, since if since is not None else last_watermark(ws, obj), sources[obj]
        )
    report.stats = conn.stats.to_dict()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _pull_object(ws: Workspace, conn: Any, obj: str, since: datetime | None, source: str) -> dict[str, Any]:
    spec = OBJECTS[obj]
    table = CRM_TABLES[obj]
    required = [c.name for c in spec.columns if c.required]
    crm = source.split(":", 1)[0].capitalize() if not source.startswith("hubspot") else "HubSpot"
    counts: dict[str, Any] = {"read": 0, "inserted": 0, "updated": 0, "unchanged": 0, "quarantined": 0}
    with ws.store.begin() as db:
        run_id = start_run(db, PULL_KIND, object=obj, source=source)
    try:
        with ws.store.begin() as db:
            bad: list[InputError] = []
            batch: list[dict[str, Any]] = []
            seen: set[tuple[Any, ...]] = set()
            rejected_before = len(conn.rejected)
            obj_name: CrmObject = obj  # type: ignore[assignment]
            before = account_names(db) if obj == "accounts" else None
            for row in conn.read(obj_name, since):
                counts["read"] += 1
                missing = [c for c in required if row.get(c) in (None, "")]
                if missing:
                    reason = f"required column {missing[0]} is empty in {crm}"
                    raw = str(row.get("id") or row)
                    bad.append(InputError(reason, column=missing[0], source=source, raw=raw))
                    continue
                key = tuple(row[k] for k in spec.key)
                if key in seen:
                    continue
                seen.add(key)
                batch.append(row)
                if len(batch) >= BATCH:
                    _flush(db, obj, table.c.keys(), batch, counts)
            _flush(db, obj, table.c.keys(), batch, counts)
            for _obj, rid, reason in conn.rejected[rejected_before:]:
                bad.append(InputError(reason, source=source, raw=rid))
            add_quarantined(db, run_id, obj, bad)
            counts["quarantined"] = len(bad)
            if before is not None:
                counts["former_names"] = _former_names(db, conn, before, since)
        mark = conn.watermarks.get(obj) or since
        counts["watermark"] = mark.isoformat() if mark else None
    except BaseException as exc:
        with ws.store.begin() as db:
            finish_run(db, run_id, status="failed", counts=counts, error=str(exc) or repr(exc))
        raise
    with ws.store.begin() as db:
        finish_run(db, run_id, status="ok", counts=counts)
    return counts


def _former_names(db: Any, conn: Any, before: dict[str, str], since: datetime | None) -> int:
    """Record the former names of renamed accounts as aliases: names changed since the last pull, and
    (when the connector reads it, e.g. Salesforce ``AccountHistory``) the CRM's own name history."""
    added = record_renames(db, before)
    history = getattr(conn, "account_name_history", None)
    if history is not None:
        added += record_former_names(db, [(c.account_id, c.old_name) for c in history(since)])
    return added


def _flush(
    db: Any, obj: str, table_cols: Sequence[str], batch: list[dict[str, Any]], counts: dict[str, Any]
) -> None:
    if not batch:
        return
    cols = [c for c in batch[0] if c in table_cols]
    res = upsert_rows(db, obj, cols, [tuple(r.get(c) for c in cols) for r in batch])
    counts["inserted"] += res.inserted
    counts["updated"] += res.updated
    counts["unchanged"] += res.unchanged
    batch.clear()
