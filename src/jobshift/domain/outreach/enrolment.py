"""Enrolment rules (pure): which lead goes into which sequence, and the key that makes it happen once.

A lead is enrolled by the first enabled rule that takes it (signal type, persona, customer past, age);
never by two rules and never twice: the outbox idempotency key is the lead's, whatever the tool or
sequence (changing a rule later does not enrol leads a second time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

EMAIL_TOOLS = frozenset({"outreach", "salesloft"})
"""Tools that find or create the person by e-mail (HubSpot and Salesforce can use the CRM record)."""


@dataclass(frozen=True)
class EnrolRuleSpec:
    """One ``[[outreach.enrol]]`` rule."""

    name: str
    tool: str
    sequence: str
    signal_types: tuple[str, ...] = ("job_change",)
    persona_only: bool = False
    customers_only: bool = False
    max_age_days: int = 30
    enabled: bool = True


def enrol_key(lead_id: str) -> str:
    """The outbox idempotency key of a lead's enrolment (one per lead, ever)."""
    return f"enrol:{lead_id}"


def why_not(rule: EnrolRuleSpec, lead: Mapping[str, Any], now: datetime) -> str | None:
    """Why ``rule`` does not take ``lead`` (``None`` when it does)."""
    if not rule.enabled:
        return "rule disabled"
    if lead.get("signal_type") not in rule.signal_types:
        return f"signal type {lead.get('signal_type')!r} not in {list(rule.signal_types)}"
    if rule.persona_only and not lead.get("persona_match"):
        return "new title does not match the persona"
    if rule.customers_only and not lead.get("past_was_customer"):
        return "did not come from a customer account"
    created = lead.get("created_at")
    if isinstance(created, datetime) and created < now - timedelta(days=rule.max_age_days):
        return f"lead older than {rule.max_age_days} days"
    if str(lead.get("status") or "").casefold() == "dismissed":
        return "lead dismissed"
    return None


def matching_rule(
    lead: Mapping[str, Any], rules: Sequence[EnrolRuleSpec], now: datetime
) -> EnrolRuleSpec | None:
    """The first rule that takes ``lead``."""
    return next((r for r in rules if why_not(r, lead, now) is None), None)
