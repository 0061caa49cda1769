"""Filters: signals that are kept but never reach the CRM, with status ``suppressed:<reason>``.

The reasons are checked in :data:`FILTER_ORDER`; the first that applies names the status. The same
order drives the vectorized engine (``jobshift.engine.detect``), so both paths agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jobshift.domain.signal_types import type_def

FILTER_ORDER: tuple[str, ...] = (
    "stale_evidence",
    "opted_out",
    "advisor",
    "board_member",
    "investor",
    "intern",
    "student",
    "self_employed",
    "competitor",
    "free_mail_only",
    "too_old",
    "moved_to_customer",
)
"""Precedence of suppression reasons: evidence too old to act on first, then who the person is (opt-out,
role kind), then where they went."""

TITLE_FLAG_REASONS: dict[str, str] = {
    "is_advisor": "advisor",
    "is_board": "board_member",
    "is_investor": "investor",
    "is_intern": "intern",
    "is_student": "student",
    "is_self_employed": "self_employed",
}


@dataclass(frozen=True)
class FilterSpec:
    """Which filters are on (from ``[filters]`` and ``[detection]`` of jobshift.toml)."""

    skip_advisors: bool = True
    skip_board_members: bool = True
    skip_investors: bool = True
    skip_interns: bool = True
    skip_students: bool = True
    skip_self_employed: bool = True
    skip_moves_to_customers: bool = False
    skip_free_mail_only: bool = True
    skip_opted_out: bool = True
    competitor_domains: frozenset[str] = field(default_factory=frozenset)
    competitor_names: frozenset[str] = field(default_factory=frozenset)  # normalized names
    max_job_change_age_months: int = 12
    max_evidence_age_days: int = 180
    """An observation older than this (at the run date) raises no lead (``stale_evidence``)."""

    def enabled(self, reason: str) -> bool:
        """Whether the filter named ``reason`` is switched on."""
        return {
            "stale_evidence": self.max_evidence_age_days > 0,
            "opted_out": self.skip_opted_out,
            "advisor": self.skip_advisors,
            "board_member": self.skip_board_members,
            "investor": self.skip_investors,
            "intern": self.skip_interns,
            "student": self.skip_students,
            "self_employed": self.skip_self_employed,
            "competitor": bool(self.competitor_domains or self.competitor_names),
            "free_mail_only": self.skip_free_mail_only,
            "too_old": True,
            "moved_to_customer": self.skip_moves_to_customers,
        }[reason]


def applicable(reason: str, signal_type: str) -> bool:
    """Whether ``reason`` can suppress a signal of ``signal_type`` (its registry entry's ``filters``).

    Role-kind filters look at the new title (not meaningful for ``left_company``); opt-out concerns a
    CRM contact (not ``new_hire``); age concerns job changes; moves to customers and free-mail-only
    profiles concern job changes (see :mod:`jobshift.domain.signal_types`).
    """
    return reason in type_def(signal_type).filters


def months_between(start_iso: str | None, ref_iso: str | None) -> int | None:
    """Whole months from a partial start date to a reference date (earliest reading), or ``None``."""
    if not start_iso or not ref_iso or len(ref_iso) < 7:
        return None
    try:
        sy, sm = int(start_iso[:4]), int(start_iso[5:7]) if len(start_iso) >= 7 else 1
        ry, rm = int(ref_iso[:4]), int(ref_iso[5:7])
    except ValueError:
        return None
    months = (ry - sy) * 12 + (rm - sm)
    if len(start_iso) >= 10 and len(ref_iso) >= 10 and ref_iso[8:10] < start_iso[8:10]:
        months -= 1
    return months


def suppression_reason(spec: FilterSpec, signal_type: str, facts: dict[str, bool]) -> str | None:
    """The first enabled, applicable reason whose fact is true, or ``None``.

    ``facts`` maps reason names (see :data:`FILTER_ORDER`) to whether they hold for this signal.
    """
    for reason in FILTER_ORDER:
        if facts.get(reason) and spec.enabled(reason) and applicable(reason, signal_type):
            return reason
    return None


def status_for(reason: str | None) -> str:
    """``new`` or ``suppressed:<reason>``."""
    return f"suppressed:{reason}" if reason else "new"
