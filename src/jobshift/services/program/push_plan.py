"""Planning the push: pushable signals → outbox rows (create lead / update contact / link existing).

A signal is planned once (its outbox rows exist from then on). Dedupe runs in four places, in order:
leads already planned or applied in the outbox for the same person + company, the local copy of the CRM,
the CRM itself (``connector.find_existing``, batched; not for the built-in store, whose copy is the
CRM), and earlier signals of the same plan. A match is by any of the person's e-mails (work or
personal), the LinkedIn URL, or first + last name, at the new company.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from jobshift.config import Config
from jobshift.connectors.crm.protocol import CrmConnector, ExistingPerson, PersonLookup
from jobshift.connectors.crm.store import StoreCrmConnector
from jobshift.domain.actions import (
    PUSHABLE_TYPES,
    Existing,
    LeadContext,
    dedupe_key,
    default_route,
    plan_for_signal,
)
from jobshift.domain.normalize.emails import normalize_email
from jobshift.domain.normalize.linkedin import normalize_linkedin_person
from jobshift.domain.signal_types import push_rank, type_def
from jobshift.services.specs import action_settings
from jobshift.store import outbox as ob
from jobshift.store import signals as signal_store
from jobshift.store.lookups import rows_by_id
from jobshift.store.people import locations
from jobshift.store.schema import CRM_TABLES, accounts, contacts
from jobshift.store.tracking import tier_of_contacts

Router = Callable[[Mapping[str, Any], Mapping[str, Any] | None], tuple[str | None, str]]


@dataclass
class PlanCounts:
    """What a plan added to the outbox."""

    signals: int = 0
    create_lead: int = 0
    update_contact: int = 0
    update_title: int = 0
    link_existing: int = 0

    def add(self, kind: str) -> None:
        """Count one planned row of ``kind``."""
        setattr(self, kind, getattr(self, kind) + 1)


def pushable_signals(conn: Connection, only: Collection[str] | None = None) -> list[dict[str, Any]]:
    """``new`` signals of an actionable type with no outbox rows yet, oldest detection first (of the
    signal ids ``only`` when given)."""
    planned = ob.planned_signal_ids(conn)
    return [
        s
        for s in signal_store.new_of_types(conn, PUSHABLE_TYPES)
        if s["signal_id"] not in planned and (only is None or s["signal_id"] in only)
    ]


def _locations(conn: Connection, sigs: Sequence[Mapping[str, Any]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    return locations(conn, [str(s["person_key"]) for s in sigs if s.get("person_key")])


def _lookup_for(
    s: Mapping[str, Any], past: Mapping[str, Any] | None, emails: Sequence[str] | None
) -> PersonLookup:
    first, last = (
        (past.get("first_name"), past.get("last_name")) if past and past.get("last_name") else (None, None)
    )
    if not last:
        parts = str(s.get("full_name") or "").split()
        first, last = (" ".join(parts[:-1]) or None, parts[-1]) if len(parts) > 1 else (None, None)
    all_emails = [normalize_email(s.get("email")), *(emails or [])]
    return PersonLookup(
        key=str(s["signal_id"]),
        emails=tuple(dict.fromkeys(e for e in all_emails if e)),
        linkedin_norm=normalize_linkedin_person(s.get("linkedin_url")),
        first_name=first,
        last_name=last,
        account_id=s.get("matched_account_id"),
        company_domain=s.get("new_company_domain"),
        company_name=s.get("new_company"),
    )


def _existing_in_crm(
    conn: Connection,
    connector: CrmConnector,
    cfg: Config,
    sigs: Sequence[Mapping[str, Any]],
    past: Mapping[str, Mapping[str, Any]],
    locs: Mapping[tuple[str, str], tuple[Any, ...]],
    live: Mapping[str, Any],
) -> dict[str, ExistingPerson]:
    """Leads/contacts the CRM already has for the signals' people at their new companies, by signal id:
    first the local copy (what ``crm pull`` or ``import`` brought, plus what jobshift pushed), then the
    CRM itself (batched) when it is not the built-in store and ``[salesforce] dedupe_in_org``."""
    people = []
    for s in sigs:
        dkey = dedupe_key(s)
        if dkey is None or not type_def(s["type"]).has_new_company or dkey in live:
            continue
        loc = locs.get((str(s.get("person_key")), str(s.get("observed_at"))))
        emails = loc[4] if loc and isinstance(loc[4], list) else None
        people.append(_lookup_for(s, past.get(str(s.get("contact_id"))), emails))
    if not people:
        return {}
    found = StoreCrmConnector(conn.engine, CRM_TABLES).find_existing(people)
    in_org = connector.name != "store" and (connector.name != "salesforce" or cfg.salesforce.dedupe_in_org)
    if in_org:
        rest = [p for p in people if p.key not in found]
        if rest:
            found.update(connector.find_existing(rest))
    return found


def sort_key(signal: Mapping[str, Any], order: str, tiers: Mapping[str, int]) -> str:
    """Backfill order: ``oldest`` (job start, then detection) or ``priority`` (type, tier, persona, start)."""
    start = str(signal.get("job_started_date") or "9999")
    detected = str(signal.get("detected_at") or "")
    if order == "priority":
        tier = tiers.get(str(signal.get("contact_id") or ""), 9)
        persona = 0 if signal.get("persona_match") else 1
        return f"{push_rank(str(signal['type']))}|{tier}|{persona}|{start}|{detected}"
    return f"{start}|{detected}"


def plan(
    conn: Connection,
    connector: CrmConnector,
    cfg: Config,
    *,
    is_backfill: bool,
    now: datetime,
    order: str = "oldest",
    route: Router = default_route,
    only: Collection[str] | None = None,
) -> PlanCounts:
    """Write outbox rows for every pushable signal (in the caller's transaction); of the signal ids
    ``only`` when given (a confirmed review plans its signals at once, exactly as push would)."""
    sigs = pushable_signals(conn, only)
    counts = PlanCounts(signals=len(sigs))
    if not sigs:
        return counts
    prefetch = getattr(route, "prefetch", None)  # a Router reads the stored decisions of all at once
    if prefetch is not None:
        prefetch(sigs)
    settings = action_settings(cfg)
    accs = rows_by_id(conn, accounts, (s.get("matched_account_id") for s in sigs))
    past = rows_by_id(conn, contacts, (s.get("contact_id") for s in sigs))
    locs = _locations(conn, sigs)
    tiers = tier_of_contacts(conn) if order == "priority" else {}
    live = ob.live_leads_by_dedupe_key(conn)
    found = _existing_in_crm(conn, connector, cfg, sigs, past, locs, live)
    rows: list[dict[str, Any]] = []
    for s in sigs:
        dkey = dedupe_key(s)
        existing = None
        if dkey is not None and type_def(s["type"]).has_new_company:
            hit = live.get(dkey)
            if hit is not None:
                existing = Existing(
                    "outbox", hit.get("crm_record_id"), "planned lead", hit["idempotency_key"]
                )
            elif str(s["signal_id"]) in found:
                f = found[str(s["signal_id"])]
                existing = Existing(f.object, f.record_id, f.matched_by)
        loc = locs.get((str(s.get("person_key")), str(s.get("observed_at"))), (None, None, None, None, None))
        ctx = LeadContext(
            past_contact=past.get(str(s.get("contact_id"))),
            matched_account=accs.get(str(s.get("matched_account_id"))),
            person_country=loc[0],
            person_state=loc[1],
            company_country=loc[2],
            company_state=loc[3],
            is_backfill=is_backfill,
        )
        key = sort_key(s, order, tiers)
        for a in plan_for_signal(s, existing, ctx, settings, route):
            if a.kind == "create_lead" and a.dedupe_key:
                live[a.dedupe_key] = {"idempotency_key": a.idempotency_key, "crm_record_id": None}
            rows.append(
                {
                    "idempotency_key": a.idempotency_key,
                    "kind": a.kind,
                    "signal_id": a.signal_id,
                    "target_id": a.target_id,
                    "dedupe_key": a.dedupe_key,
                    "sort_key": key,
                    "payload": a.payload,
                    "is_backfill": is_backfill,
                }
            )
    inserted = {r["idempotency_key"] for r in rows} - ob.existing_keys(
        conn, [r["idempotency_key"] for r in rows]
    )
    ob.insert_rows(conn, rows, now)
    for r in rows:
        if r["idempotency_key"] in inserted:
            counts.add(r["kind"])
            inserted.discard(r["idempotency_key"])
    return counts
