"""Write-through of successful CRM writes into the local copy of the CRM.

After a push writes a lead or a contact change to the CRM (the built-in store, Salesforce, HubSpot),
the same transaction that marks the outbox row applied records it here, so that everything reading the
local copy (notifications the next day, the scorecard, the web UI) sees it at once, without waiting
for the next ``crm pull``. A later pull overwrites these rows with the CRM's own values (same ids).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from jobshift.domain.crm_payload import CONTACT_KEEP_FIRST_FIELDS
from jobshift.domain.normalize.emails import normalize_email
from jobshift.domain.normalize.linkedin import normalize_linkedin_person
from jobshift.store.schema import contacts, leads
from jobshift.utils.grouped_update import update_by_key

_CHUNK = 900


def record_leads(conn: Connection, rows: Sequence[Mapping[str, Any]], created_at: datetime) -> int:
    """Insert (or refresh) local lead rows by ``id``; returns how many were new.

    Each row holds canonical lead columns (CRM fields plus local-only ones); normalized e-mail and
    LinkedIn keys are derived here. An existing row keeps its ``created_at``.
    """
    clean: dict[str, dict[str, Any]] = {}
    for r in rows:
        row = {k: v for k, v in r.items() if k in leads.c}
        row["email_norm"] = normalize_email(row.get("email"))
        row["linkedin_norm"] = normalize_linkedin_person(row.get("linkedin_url"))
        clean[str(row["id"])] = row
    ids = list(clean)
    have: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        q = select(leads.c.id).where(leads.c.id.in_(ids[i : i + _CHUNK]))
        have.update(str(x) for (x,) in conn.execute(q))
    fresh = [
        {**r, "created_at": r.get("created_at") or created_at} for k, r in clean.items() if k not in have
    ]
    if fresh:
        cols = sorted({c for r in fresh for c in r})
        conn.execute(insert(leads), [{c: r.get(c) for c in cols} for r in fresh])
    refresh = [(k, {c: v for c, v in r.items() if c not in ("id", "created_at")}) for k, r in clean.items()]
    update_by_key(conn, leads, [(k, vals) for k, vals in refresh if k in have])
    return len(fresh)


def record_contact_changes(conn: Connection, changes: Sequence[tuple[str, Mapping[str, Any]]]) -> int:
    """Apply ``(contact id, canonical fields)`` changes to local contacts; returns how many rows matched.

    ``no_longer_at_company_at`` keeps the first date (a re-applied change does not move it).
    """
    rows = [(cid, {k: v for k, v in f.items() if k in contacts.c and k != "id"}) for cid, f in changes]
    return update_by_key(conn, contacts, rows, keep_first=CONTACT_KEEP_FIRST_FIELDS)
