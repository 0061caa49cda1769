"""Notification rules (pure): does rule 1A/1B/1C/1D/2A/3A/3B fire for an item, and who is told.

A rule sees a small context record: the item kind (a job-change lead, or a contact that left), the lead
source, the stages of the account's open opportunities (the new company for leads, the company left for
contacts), whether the account is a customer with an open renewal, and the job start date. "Started
within N months" is precision-aware: ``2024`` and ``2024-03`` are periods, not days. A period wholly
after the cut-off (send date minus N months) is within, one wholly before is not, and a period that
straddles the cut-off counts by its middle (the part after the send date ignored). An unknown start is
"not within" (so 1B, not 1A, and neither 1C nor 1D).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

RECIPIENT_ROLES = ("lead_owner", "account_bdr", "account_ae", "account_renewal_manager")


@dataclass(frozen=True)
class RuleSpec:
    """One configured rule (``[notifications.rules.<id>]``)."""

    id: str
    item: str = "lead"  # lead | contact | new_hire
    open_opps: str = "any"  # none | early | late | any
    or_customer_open_renewal: bool = False
    started_within_months: int | None = None
    started_within: str = "any"  # yes | no | any
    recipients: tuple[str, ...] = ("lead_owner",)
    enabled: bool = True
    title: str = ""


@dataclass(frozen=True)
class RuleContext:
    """What the rules look at for one item."""

    item: str  # lead | contact | new_hire
    send_date: date
    lead_source: str | None = None
    open_opp_stages: tuple[int | None, ...] = ()
    open_renewal: bool = False
    is_customer: bool = False
    job_started_date: str | None = None

    @property
    def open_opp_count(self) -> int:
        """How many open opportunities the account has."""
        return len(self.open_opp_stages)


@dataclass(frozen=True)
class RuleResult:
    """Whether a rule fired, and a one-line why (also for a near miss)."""

    rule_id: str
    fired: bool
    why: str


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def start_period(value: str | None) -> tuple[date, date] | None:
    """The first and last day a (partial) start date can mean; ``None`` when unknown or invalid."""
    if not value:
        return None
    parts = str(value).strip().split("-")
    try:
        y = int(parts[0])
        if len(parts) == 1:
            return date(y, 1, 1), date(y, 12, 31)
        m = int(parts[1])
        if len(parts) == 2:
            return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        d = date(y, m, int(parts[2]))
        return d, d
    except (ValueError, IndexError):
        return None


def started_within(value: str | None, months: int, on: date) -> bool | None:
    """Did the job start within ``months`` before ``on``? ``None`` when the start is unknown."""
    period = start_period(value)
    if period is None:
        return None
    lo, hi = period
    cutoff = _add_months(on, -months)
    if lo > on:  # a start after the send date (announced ahead): recent
        return True
    hi = min(hi, on)
    if lo >= cutoff:
        return True
    if hi < cutoff:
        return False
    return lo + timedelta(days=(hi - lo).days // 2) >= cutoff


def _stages_match(kind: str, stages: Sequence[int | None], early: Sequence[int]) -> bool:
    if kind == "any":
        return True
    if kind == "none":
        return not stages
    if kind == "early":
        return any(s is not None and s in early for s in stages)
    return any(s is not None and s not in early for s in stages)  # late


def evaluate(
    rule: RuleSpec, ctx: RuleContext, *, lead_source: str, early_stages: Sequence[int] = (0, 1, 2)
) -> RuleResult:
    """Does ``rule`` fire for ``ctx``? ``lead_source`` is the contact-tracking source leads must have."""
    rid = rule.id
    if not rule.enabled:
        return RuleResult(rid, False, "rule disabled")
    if rule.item != ctx.item:
        return RuleResult(rid, False, f"rule is for {rule.item}s")
    if ctx.item == "lead" and ctx.lead_source != lead_source:
        return RuleResult(rid, False, f"lead source {ctx.lead_source!r} is not {lead_source!r}")
    opps = _stages_match(rule.open_opps, ctx.open_opp_stages, early_stages)
    renewal = rule.or_customer_open_renewal and ctx.is_customer and ctx.open_renewal
    stages = ", ".join(
        "?" if s is None else str(s) for s in sorted(ctx.open_opp_stages, key=lambda s: s or -1)
    )
    opp_text = f"{ctx.open_opp_count} open opp(s)" + (f" at stage {stages}" if stages else "")
    if not (opps or renewal):
        return RuleResult(rid, False, f"{opp_text}; needs {rule.open_opps} open opps")
    why = opp_text + (" (customer with an open renewal)" if renewal and not opps else "")
    if rule.started_within != "any" and rule.started_within_months:
        within = bool(started_within(ctx.job_started_date, rule.started_within_months, ctx.send_date))
        want = rule.started_within == "yes"
        started = f"started {ctx.job_started_date or 'unknown'}"
        if within != want:
            return RuleResult(
                rid,
                False,
                f"{why}; {started}, needs {'within' if want else 'over'} "
                f"{rule.started_within_months} months before {ctx.send_date.isoformat()}",
            )
        why += f"; {started} ({'within' if within else 'over'} {rule.started_within_months} months)"
    return RuleResult(rid, True, why)


def matching_rules(
    rules: Sequence[RuleSpec], ctx: RuleContext, *, lead_source: str, early_stages: Sequence[int] = (0, 1, 2)
) -> list[RuleResult]:
    """Every rule that fires for ``ctx``, in configured order."""
    out = []
    for r in rules:
        res = evaluate(r, ctx, lead_source=lead_source, early_stages=early_stages)
        if res.fired:
            out.append(res)
    return out


def recipients_for(
    rule: RuleSpec, team: dict[str, str | None], already: set[str] | None = None
) -> list[tuple[str, str]]:
    """``(role, user_id)`` of each recipient of ``rule`` given the item's team (role → user id), once each
    and skipping ``already`` (users told by an earlier rule, when one rule per recipient)."""
    seen = set(already or ())
    out = []
    for role in rule.recipients:
        uid = team.get(role)
        if uid and uid not in seen:
            seen.add(uid)
            out.append((role, uid))
    return out
