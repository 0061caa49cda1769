"""Attribution of opportunities to jobshift leads and contacts (the vendor's public definitions).

* **Sourced** — the lead/contact was created by jobshift, was contacted, and was the first contact
  role on the opportunity (its role is among the earliest; ties count as first).
* **Assisted** — created by jobshift, contacted, and added to an opportunity that already had
  contact roles.
* **Suspected** — created by jobshift, at least ``min_activities`` activities, on an account with an
  open opportunity, the first of those activities before the opportunity was created, and not (yet)
  a contact role on it: to review, the person probably belongs on the opportunity.

An opportunity gets one attribution, the strongest that applies: sourced > assisted > suspected.
The store finds the evidence with set-based SQL; these functions hold the rules and the totals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Attribution = Literal["sourced", "assisted", "suspected"]
ATTRIBUTIONS: tuple[Attribution, ...] = ("sourced", "assisted", "suspected")


def is_sourced(
    created_by_jobshift: bool, contacted: bool, role_at: datetime, first_role_at: datetime
) -> bool:
    """Rule of Sourced for one (person, opportunity) pair."""
    return created_by_jobshift and contacted and role_at <= first_role_at


def is_assisted(
    created_by_jobshift: bool, contacted: bool, role_at: datetime, first_role_at: datetime
) -> bool:
    """Rule of Assisted for one (person, opportunity) pair."""
    return created_by_jobshift and contacted and role_at > first_role_at


def is_suspected(
    created_by_jobshift: bool,
    activities: int,
    first_activity_at: datetime | None,
    opportunity_created_at: datetime | None,
    opportunity_open: bool,
    has_role: bool,
    min_activities: int = 5,
) -> bool:
    """Rule of Suspected for one (person, opportunity on the person's account) pair."""
    return (
        created_by_jobshift
        and opportunity_open
        and not has_role
        and activities >= min_activities
        and first_activity_at is not None
        and opportunity_created_at is not None
        and first_activity_at < opportunity_created_at
    )


@dataclass(frozen=True)
class OpportunityEvidence:
    """What the store found for one opportunity of the period: who could be credited, and how."""

    opportunity_id: str
    name: str | None
    amount: float | None
    created_in_period: bool
    won_in_period: bool
    sourced_by: tuple[str, ...] = ()
    assisted_by: tuple[str, ...] = ()
    suspected_by: tuple[str, ...] = ()


def classify(e: OpportunityEvidence) -> Attribution | None:
    """The strongest attribution the evidence supports, or None."""
    if e.sourced_by:
        return "sourced"
    if e.assisted_by:
        return "assisted"
    if e.suspected_by:
        return "suspected"
    return None


@dataclass
class AttributionTotals:
    """Per attribution: opportunities created in the period, their pipeline, and won amount."""

    opportunities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTIONS, 0))
    pipeline: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTIONS, 0.0))
    won_deals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTIONS, 0))
    won_amount: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ATTRIBUTIONS, 0.0))

    @property
    def credited_opportunities(self) -> int:
        """Opportunities created in the period that are sourced or assisted (suspected is a review list)."""
        return self.opportunities["sourced"] + self.opportunities["assisted"]

    @property
    def credited_pipeline(self) -> float:
        """Pipeline of sourced + assisted opportunities created in the period."""
        return self.pipeline["sourced"] + self.pipeline["assisted"]

    @property
    def credited_won_amount(self) -> float:
        """Won amount of sourced + assisted opportunities closed-won in the period."""
        return self.won_amount["sourced"] + self.won_amount["assisted"]


def summarize(evidence: Iterable[OpportunityEvidence]) -> tuple[AttributionTotals, dict[str, Attribution]]:
    """Totals per attribution and the attribution of each credited opportunity id."""
    totals = AttributionTotals()
    by_opp: dict[str, Attribution] = {}
    for e in evidence:
        kind = classify(e)
        if kind is None:
            continue
        by_opp[e.opportunity_id] = kind
        amount = float(e.amount or 0.0)
        if e.created_in_period:
            totals.opportunities[kind] += 1
            totals.pipeline[kind] += amount
        if e.won_in_period:
            totals.won_deals[kind] += 1
            totals.won_amount[kind] += amount
    return totals, by_opp
