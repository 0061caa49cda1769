"""The monthly funnel: tracked → signals detected → filtered → leads pushed → contacted → meeting
held → opportunity → pipeline amount → closed-won amount, with the conversion between stages.

Lead stages (contacted, meeting held) follow the leads pushed in the month; opportunity stages are
the sourced/assisted opportunities created in the month (closed-won: won in the month).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jobshift.domain.scorecard.metrics import share

FUNNEL_STAGES: tuple[tuple[str, str], ...] = (
    ("tracked", "Tracked contacts"),
    ("signals_detected", "Signals detected"),
    ("filtered", "Filtered out"),
    ("leads_pushed", "Leads pushed"),
    ("contacted", "Contacted"),
    ("meeting_held", "Meeting held"),
    ("opportunities", "Opportunities (sourced + assisted)"),
    ("pipeline_amount", "Pipeline amount"),
    ("closed_won_amount", "Closed-won amount"),
)
# stage -> the stage its conversion rate is measured against
CONVERSIONS: dict[str, str] = {
    "signals_detected": "tracked",
    "filtered": "signals_detected",
    "leads_pushed": "signals_detected",
    "contacted": "leads_pushed",
    "meeting_held": "contacted",
    "opportunities": "meeting_held",
    "closed_won_amount": "pipeline_amount",
}


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the funnel: its value and the rate against the stage it follows from."""

    key: str
    label: str
    value: float
    rate: float | None
    rate_of: str | None


def build_funnel(values: Mapping[str, float]) -> list[FunnelStage]:
    """The funnel stages in order; a missing value counts as 0, rates are None on an empty base."""
    out = []
    for key, label in FUNNEL_STAGES:
        base = CONVERSIONS.get(key)
        v = float(values.get(key, 0) or 0)
        rate = share(v, float(values.get(base, 0) or 0)) if base else None
        out.append(FunnelStage(key, label, v, rate, base))
    return out
