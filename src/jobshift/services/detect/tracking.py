"""Use case ``jobshift track``: rebuild the tracked set from cohorts and tiers; explain one contact.

After the first ``track`` the ``tracked_contacts`` table is the tracked set of the whole program
(detection via :class:`CohortTrackedSet`, the scorecard and the web via
:func:`jobshift.store.tracking.tracked_contacts_query`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select

from jobshift.domain.cadence import parse_cadence
from jobshift.domain.cohorts import explain_contact, select_tracked
from jobshift.errors import UsageError
from jobshift.services.specs import cohort_specs, persona_spec, tier_specs
from jobshift.services.workspace import Workspace
from jobshift.store.runs import finish_run, start_run
from jobshift.store.tracking import (
    cohort_tracked_columns,
    has_tracked_table,
    iter_contact_facts,
    replace_tracked,
    tracked_row,
)
from jobshift.utils.timeutil import utcnow


@dataclass
class TrackSummary:
    """What ``track`` selected."""

    run_id: int
    cap: int
    tracked: int
    cohorts: list[dict[str, Any]] = field(default_factory=list)
    tiers: list[dict[str, Any]] = field(default_factory=list)
    over_cap: int = 0
    over_cap_examples: list[str] = field(default_factory=list)
    excluded_no_longer_at_company: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def track(ws: Workspace, *, as_of: date | None = None) -> TrackSummary:
    """Select the tracked set and replace ``tracked_contacts`` in one transaction (deterministic)."""
    cfg = ws.config
    as_of = as_of or utcnow().date()
    cohorts, tiers = cohort_specs(cfg), tier_specs(cfg)
    with ws.store.connect() as conn:
        sel = select_tracked(
            iter_contact_facts(conn), cohorts, tiers, cfg.program.tracking_cap, persona_spec(cfg), as_of
        )
    now = utcnow()
    with ws.store.begin() as conn:
        run_id = start_run(conn, "track")
        n = replace_tracked(conn, sel.assignments, now)
        over = sum(sel.over_cap.values())
        counts = {
            "tracked": n,
            "over_cap": over,
            "per_cohort": sel.tracked,
            "per_tier": sel.per_tier,
            "matched": sel.matched,
        }
        finish_run(conn, run_id, counts=counts)
    return TrackSummary(
        run_id=run_id,
        cap=cfg.program.tracking_cap,
        tracked=n,
        cohorts=[
            {
                "rank": i + 1,
                "cohort": c.name,
                "matched": sel.matched[c.name],
                "tracked": sel.tracked[c.name],
                "over_cap": sel.over_cap[c.name],
            }
            for i, c in enumerate(cohorts)
        ],
        tiers=[
            {
                "tier": i + 1,
                "name": t.name,
                "contacts": sel.per_tier[t.name],
                "cadence": t.cadence,
                "schedule": parse_cadence(t.cadence).describe(),
            }
            for i, t in enumerate(tiers)
        ],
        over_cap=over,
        over_cap_examples=sel.over_cap_ids[:20],
        excluded_no_longer_at_company=sel.excluded_no_longer_at_company,
    )


def explain(ws: Workspace, contact_id: str, *, as_of: date | None = None) -> dict[str, Any]:
    """Why ``contact_id`` is (not) tracked: its stored row and every cohort's verdict, in order."""
    cfg = ws.config
    as_of = as_of or utcnow().date()
    with ws.store.connect() as conn:
        facts = next(iter_contact_facts(conn, only=contact_id), None)
        if facts is None:
            raise UsageError(f"no contact {contact_id!r}")
        row = tracked_row(conn, contact_id)
        built = has_tracked_table(conn)
    verdicts = explain_contact(facts, cohort_specs(cfg), persona_spec(cfg), as_of)
    matched = next((name for name, m in verdicts if m.matched), None)
    if row is not None:
        tier = tier_specs(cfg)[row["tier"] - 1] if row["tier"] <= len(cfg.tiers) else None
        summary = (
            f"tracked: cohort {row['cohort']} (rank {row['cohort_rank']}), position {row['position']:,}, "
            f"tier {row['tier']}"
            + (f" ({tier.name}, {parse_cadence(tier.cadence).describe()})" if tier else "")
            + f" — {row['reason']}"
        )
    elif not built:
        summary = (
            "not tracked yet: run `jobshift track` (until then every contact with an account is tracked)"
        )
    elif facts.no_longer_at_company:
        summary = "not tracked: already marked No Longer At Company"
    elif matched is not None:
        summary = f"not tracked: matches cohort {matched} but is over the cap of {cfg.program.tracking_cap:,}"
    else:
        summary = "not tracked: no cohort matches"
    return {
        "contact_id": contact_id,
        "tracked": row is not None,
        "summary": summary,
        "row": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in (row or {}).items()} or None,
        "cohorts": [{"cohort": name, "matched": m.matched, "reason": m.reason} for name, m in verdicts],
    }


class CohortTrackedSet:
    """The tracked set of ``jobshift track`` for detection (``--tier N`` picks one tier)."""

    def query(self, tier: int | None) -> Select[Any]:
        """Contact columns of the tracked contacts (of ``tier`` when given)."""
        return cohort_tracked_columns(tier)
