"""A small workspace for the outreach tests: users, a customer account, jobshift leads and their signals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from jobshift.services.workspace import Workspace
from jobshift.store.schema import accounts, leads, opportunities, signals, users

NOW = datetime(2026, 12, 10, 9)


def lead_email(i: int) -> str:
    """The e-mail of lead ``i``."""
    return f"person{i}@newco{i}.test"


def seed(
    ws_path: Path, n: int = 12, *, toml: str = "", ids: Sequence[str] | None = None, owner: str = "u-bdr"
) -> Workspace:
    """A workspace with ``n`` job-change leads (owner ``owner``) and their signals; ``toml`` is the config;
    ``ids``: the leads' record ids (default ``L000``…), e.g. those of a fake CRM."""
    (ws_path / "jobshift.toml").write_text('[workspace]\nname = "Acme"\n' + toml)
    ws = Workspace.open(ws_path)
    sigs: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for i in range(n):
        sid, lid = f"sig-{i:04d}", ids[i] if ids else f"L{i:03d}"
        sigs.append(
            {"signal_id": sid, "type": "job_change", "contact_id": f"c-{i}", "full_name": f"Dana{i} Reyes",
             "past_account_id": "a-old", "past_company": "Contoso", "past_title": "Director of Engineering",
             "new_company": f"Newco{i}", "new_title": "VP Engineering", "job_started_date": "2026-03",
             "persona_match": i % 2 == 0, "confidence": 0.95, "detected_at": NOW, "status": "pushed",
             "lead_id": lid}
        )  # fmt: skip
        rows.append(
            {"id": lid, "first_name": f"Dana{i}", "last_name": "Reyes", "email": lead_email(i),
             "company": f"Newco{i}", "title": "VP Engineering", "status": "New", "owner_id": owner,
             "created_at": NOW, "signal_id": sid, "job_started_date": "2026-03", "past_account_id": "a-old",
             "past_title": "Director of Engineering", "lead_source": "jobshift Contact Tracking"}
        )  # fmt: skip
    with ws.store.begin() as conn:
        conn.execute(
            insert(users),
            [{"id": owner, "name": "Sam Rivera", "email": "sam@acme.test", "role": "BDR", "active": True}],
        )
        conn.execute(insert(accounts), [{"id": "a-old", "name": "Contoso", "type": "Customer"}])
        conn.execute(
            insert(opportunities),
            [{"id": "o1", "account_id": "a-old", "stage": "7-Closed Won", "is_closed": True, "is_won": True}],
        )
        conn.execute(insert(signals), sigs)
        conn.execute(insert(leads), rows)
    return ws
