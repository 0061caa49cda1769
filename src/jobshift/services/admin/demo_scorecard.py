"""Make the demo's scorecard realistic: not all A, so the report shows what to fix.

Two deliberate, documented gaps (docs/scorecard.md, "The demo"):

- **A narrow ICP**: a fresh demo workspace gets ``[icp] countries = ["United States"]`` and
  ``min_employees = 200`` (only when its ``[icp]`` block is still the untouched default), so about a
  third of the customers match — ICP Definition grades D and its drill-down suggests the widening.
- **Low engagement**: the pushed leads have no rep activity (the push just created them), so a
  deterministic ~40% of them get 1–4 simulated calls/e-mails (``demo-act-<lead>-<n>``, subject
  ``demo: simulated follow-up``) — Engagement Rate and Number of Activities grade below benchmark.

Neither touches detection, tracking or the truth file: the ICP only feeds the scorecard, and the
activities are added after the push. Both are idempotent.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from jobshift.config import load_config
from jobshift.services.workspace import Workspace
from jobshift.store.admin import demo as demo_store
from jobshift.utils.files import atomic_write_text
from jobshift.utils.timeutil import utcnow

DEMO_ICP = {"countries": '["United States"]', "min_employees": "200"}
ENGAGED_SHARE = 0.4
_DEFAULT_ICP = re.compile(  # the untouched [icp] of the generated template (comment lines between keys)
    r"(\[icp\]\n(?:#[^\n]*\n)*industries = \[\]\n(?:#[^\n]*\n)*countries = )\[\]"
    r"((?:\n#[^\n]*)*\nsegments = \[\]\n(?:#[^\n]*\n)*?)# (min_employees = )200\n"
)


def narrow_demo_icp(ws: Workspace) -> bool:
    """Write the demo's narrow ICP into ``jobshift.toml`` if ``[icp]`` is the default; reloads the config."""
    path = ws.path / "jobshift.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    new, n = _DEFAULT_ICP.subn(
        lambda m: f"{m.group(1)}{DEMO_ICP['countries']}{m.group(2)}{m.group(3)}{DEMO_ICP['min_employees']}\n",
        text,
        count=1,
    )
    if n == 0:
        return False
    atomic_write_text(path, new)
    ws.config = load_config(ws.path)
    return True


def _fraction(key: str) -> float:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def simulate_rep_activity(ws: Workspace, now: datetime | None = None) -> int:
    """Add simulated follow-ups to ~40% of the jobshift leads that have none; returns activities added."""
    now = now or utcnow()
    p = ws.config.program
    sources = [p.contact_tracking_lead_source, p.target_tracking_lead_source]
    with ws.store.begin() as conn:
        rows = demo_store.program_leads(conn, sources)
        touched = demo_store.touched_records(conn)
        new = []
        for lead_id, owner, created in rows:
            if lead_id in touched or _fraction(f"engaged:{lead_id}") >= ENGAGED_SHARE:
                continue
            f = _fraction(f"count:{lead_id}")
            n = 1 if f < 0.55 else 2 if f < 0.8 else 4
            start = created or now
            for k in range(n):
                new.append(
                    {
                        "id": f"demo-act-{lead_id}-{k + 1}"[:64],
                        "who_id": lead_id,
                        "type": "Call" if k % 2 == 0 else "Email",
                        "occurred_at": min(start + timedelta(seconds=k + 1), max(start, now)),
                        "owner_id": owner,
                        "subject": "demo: simulated follow-up",
                    }
                )
        demo_store.add_activities(conn, new)
    return len(new)
