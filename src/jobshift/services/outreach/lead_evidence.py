"""Loading leads' evidence from the store (batched): the lead, its signal, the account the person left
(a customer? by type or a won opportunity), and the owner (the rep who writes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from jobshift.domain.outreach.evidence import Evidence, evidence_from_records
from jobshift.store.lookups import rows_by_id
from jobshift.store.outreach import signals_by_id, won_account_ids
from jobshift.store.schema import accounts, users


def load_evidence(
    conn: Connection, lead_rows: Sequence[dict[str, Any]], our_company: str | None
) -> dict[str, tuple[Evidence, dict[str, Any] | None]]:
    """``{lead id: (evidence, signal row)}`` for ``lead_rows``."""
    sigs = signals_by_id(conn, sorted({str(r["signal_id"]) for r in lead_rows if r.get("signal_id")}))
    past_ids = [
        r.get("past_account_id") or (sigs.get(str(r.get("signal_id"))) or {}).get("past_account_id")
        for r in lead_rows
    ]
    accs = rows_by_id(conn, accounts, past_ids)
    won = won_account_ids(conn, sorted(accs))
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
