"""Drafted vs not drafted: reply and meeting rates of the leads sent in a window (the scorecard section).

A lead counts as *drafted* when jobshift drafted its first touch before the lead's first activity (or it
has none). The rates compare the two groups; with fewer than ``min_sample`` leads in a group its rates
are shown but the comparison says "too few leads".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class GroupRates:
    """One group's counts and rates."""

    leads: int = 0
    replied: int = 0
    meetings: int = 0

    @property
    def reply_rate(self) -> float | None:
        """Replied / leads (``None`` without leads)."""
        return self.replied / self.leads if self.leads else None

    @property
    def meeting_rate(self) -> float | None:
        """Leads with a meeting / leads."""
        return self.meetings / self.leads if self.leads else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, rates included."""
        return {**asdict(self), "reply_rate": self.reply_rate, "meeting_rate": self.meeting_rate}


def lead_flags(outcome: Mapping[str, Any]) -> dict[str, bool]:
    """A lead's flags from its outcome row (``first_draft_at``, ``first_activity_at``, ``replies``,
    ``meetings``): *drafted* when its first draft came before its first activity (or it has none)."""
    drafted_at, first = outcome.get("first_draft_at"), outcome.get("first_activity_at")
    drafted = drafted_at is not None and (first is None or drafted_at <= first)
    return {
        "drafted": drafted,
        "replied": bool(outcome.get("replies")),
        "meeting": bool(outcome.get("meetings")),
    }


def compare(rows: Iterable[Mapping[str, Any]], min_sample: int = 10) -> dict[str, Any]:
    """``rows``: one per lead with ``drafted``, ``replied`` and ``meeting`` flags → the section."""
    groups = {"drafted": GroupRates(), "not_drafted": GroupRates()}
    for r in rows:
        g = groups["drafted" if r.get("drafted") else "not_drafted"]
        g.leads += 1
        g.replied += bool(r.get("replied"))
        g.meetings += bool(r.get("meeting"))
    d, n = groups["drafted"], groups["not_drafted"]
    enough = d.leads >= min_sample and n.leads >= min_sample
    lift = None
    if enough and d.reply_rate is not None and n.reply_rate is not None:
        lift = {
            "reply_rate": d.reply_rate - n.reply_rate,
            "meeting_rate": (d.meeting_rate or 0.0) - (n.meeting_rate or 0.0),
        }
    return {
        "drafted": d.to_dict(),
        "not_drafted": n.to_dict(),
        "difference": lift,
        "note": None if enough else f"too few leads to compare (at least {min_sample} in each group)",
        "min_sample": min_sample,
    }
