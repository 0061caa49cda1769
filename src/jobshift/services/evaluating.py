"""Use case ``jobshift eval``: score stored (or exported) signals against a truth file, beside a baseline.

The naive baseline is computed in the same run from the same store: a contact is matched to profiles
by exact LinkedIn key or email only, and "job change" means the profile's current company name string
differs from the CRM account name (no normalization at all).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from jobshift.domain.evaluation import score
from jobshift.errors import InputFileError
from jobshift.services.detecting import newest_observations_query
from jobshift.services.workspace import Workspace
from jobshift.store import signals as signal_store
from jobshift.store.schema import accounts, contacts


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every JSON object of a JSON Lines file (blank lines skipped)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return [orjson.loads(line) for line in fh if line.strip()]
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputFileError(f"{p}: cannot read JSON Lines: {exc}") from None


def naive_baseline(ws: Workspace) -> list[dict[str, Any]]:
    """Job changes per the naive rule (see the module docstring), as signal-like rows."""
    with ws.store.connect() as conn:
        crm = {
            r.id: r
            for r in conn.execute(
                select(contacts.c.id, contacts.c.linkedin_norm, contacts.c.email_norm, accounts.c.name).join(
                    accounts, accounts.c.id == contacts.c.account_id
                )
            )
        }
        by_li: dict[str, str] = {}
        by_email: dict[str, str] = {}
        for cid, r in crm.items():
            if r.linkedin_norm:
                by_li[r.linkedin_norm] = cid
            if r.email_norm:
                by_email[r.email_norm] = cid
        seen: dict[str, str] = {}
        for o in conn.execute(newest_observations_query(conn)).mappings():
            emails = o["emails_norm"]
            if isinstance(emails, str):
                emails = orjson.loads(emails)
            cid = by_li.get(o["linkedin_norm"] or "") or next(
                (by_email[e] for e in [o["work_email_norm"], *(emails or [])] if e and e in by_email), None
            )
            if cid and o["job_company_name"] and o["job_company_name"] != crm[cid].name:
                seen[cid] = o["person_id"]
    return [{"type": "job_change", "contact_id": c, "person_id": p, "status": "new"} for c, p in seen.items()]


def evaluate(ws: Workspace, truth_path: str | Path, signals_path: str | Path | None = None) -> dict[str, Any]:
    """Precision/recall/F1 per type, matched-account and filter accuracy, and the naive baseline."""
    truth = read_jsonl(truth_path)
    if signals_path is not None:
        predicted = read_jsonl(signals_path)
        source = str(signals_path)
    else:
        with ws.store.connect() as conn:
            predicted = signal_store.newest_per_subject(signal_store.iter_signals(conn))
        source = "store"
    report = score(predicted, truth).as_dict()
    baseline = score(naive_baseline(ws), truth, types=("job_change",)).as_dict(examples=0)
    return {
        "source": source,
        "truth": str(truth_path),
        "truth_rows": len(truth),
        "predicted_rows": len(predicted),
        **report,
        "baseline": {
            "rule": "current company name != CRM account name (raw strings)",
            "per_type": baseline["per_type"],
        },
    }
