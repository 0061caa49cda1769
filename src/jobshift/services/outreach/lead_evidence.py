"""Loading leads' evidence from the store (batched): the lead, its signal, the account the person left
(a customer? by type or a won opportunity), and the owner (the rep who writes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from jobshift.domain.outreach.evidence import Evidence, evidence_from_records
from jobshift.store.lookups import rows_by_id
from jobshift.store.schema import accounts, leads, opportunities, signals, users

_CHUNK = 900


def jobshift_leads(conn: Connection, lead_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Leads jobshift created (they carry a signal id), oldest first; only ``lead_ids`` when given."""
    q = select(leads).where(leads.c.signal_id.is_not(None)).order_by(leads.c.created_at, leads.c.id)
    if lead_ids is None:
        return [dict(r) for r in conn.execute(q).mappings()]
    out: list[dict[str, Any]] = []
    ids = list(lead_ids)
    for i in range(0, len(ids), _CHUNK):
        out.extend(dict(r) for r in conn.execute(q.where(leads.c.id.in_(ids[i : i + _CHUNK]))).mappings())
    return out


def _signals(conn: Connection, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _CHUNK):
        q = select(signals).where(signals.c.signal_id.in_(ids[i : i + _CHUNK]))
        out.update({r["signal_id"]: dict(r) for r in conn.execute(q).mappings()})
    return out


def _won_accounts(conn: Connection, ids: Sequence[str]) -> set[str]:
    out: set[str] = set()
    for i in range(0, len(ids), _CHUNK):
        q = select(opportunities.c.account_id).where(
            opportunities.c.account_id.in_(ids[i : i + _CHUNK]), opportunities.c.is_won.is_(True)
        )
        out.update(str(a) for (a,) in conn.execute(q))
    return out


def load_evidence(
    conn: Connection, lead_rows: Sequence[dict[str, Any]], our_company: str | None
) -> dict[str, tuple[Evidence, dict[str, Any] | None]]:
    """``{lead id: (evidence, signal row)}`` for ``lead_rows``."""
    sigs = _signals(conn, sorted({str(r["signal_id"]) for r in lead_rows if r.get("signal_id")}))
    past_ids = [
        r.get("past_account_id") or (sigs.get(str(r.get("signal_id"))) or {}).get("past_account_id")
        for r in lead_rows
    ]
    accs = rows_by_id(conn, accounts, past_ids)
    won = _won_accounts(conn, sorted(accs))
    reps = rows_by_id(conn, users, (r.get("owner_id") for r in lead_rows))
    out: dict[str, tuple[Evidence, dict[str, Any] | None]] = {}
    for lead, past_id in zip(lead_rows, past_ids, strict=True):
        sig = sigs.get(str(lead.get("signal_id")))
        acc = accs.get(str(past_id)) if past_id else None
        ev = evidence_from_records(
            lead,
            sig,
            acc,
            reps.get(str(lead.get("owner_id"))),
            our_company=our_company,
            past_was_customer=bool(past_id and str(past_id) in won),
        )
        out[str(lead["id"])] = (ev, sig)
    return out
