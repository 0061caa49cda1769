"""Signals: the record a detection emits, its deterministic id and the classification rules.

A signal says "this person is now somewhere else / more senior / new at a target account". The same
facts always give the same ``signal_id``; changed facts (another company, another start date, another
title for promotions) give a new id, so history is kept and re-running changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from jobshift.domain.signal_types import SIGNAL_TYPES, TITLED_TYPES, SignalType, types_where

__all__ = [
    "CONTACT_SIGNAL_TYPES",
    "SIGNAL_FIELDS",
    "SIGNAL_TYPES",
    "Signal",
    "SignalType",
    "classify_contact_change",
    "combine_confidence",
    "company_key",
    "make_signal_id",
    "signal_ids_from_keys",
]

CONTACT_SIGNAL_TYPES: frozenset[str] = frozenset(types_where(subject="contact"))

STATUS_NEW = "new"
STATUS_UNCERTAIN = "uncertain"
"""A name-only match whose profile history does not show the CRM company: reported, never pushed."""
SUPPRESSED_PREFIX = "suppressed:"

# The fields of formats.md (export order), then jobshift's own additions.
SIGNAL_FIELDS: tuple[str, ...] = (
    "signal_id",
    "type",
    "contact_id",
    "person_id",
    "person_key",
    "full_name",
    "linkedin_url",
    "email",
    "past_account_id",
    "past_company",
    "past_title",
    "new_company",
    "new_company_domain",
    "new_title",
    "matched_account_id",
    "is_customer_company",
    "is_target_company",
    "has_open_opportunity",
    "job_started_date",
    "seniority",
    "function",
    "persona_match",
    "confidence",
    "evidence",
    "match_rule",
    "detected_at",
    "observed_at",
    "lead_id",
    "status",
)


@dataclass
class Signal:
    """One detected signal (the row of the ``signals`` table / the export)."""

    type: str
    contact_id: str | None
    person_id: str | None
    person_key: str | None
    new_company_key: str | None = None
    job_started_date: str | None = None
    full_name: str | None = None
    linkedin_url: str | None = None
    email: str | None = None
    past_account_id: str | None = None
    past_company: str | None = None
    past_title: str | None = None
    new_company: str | None = None
    new_company_domain: str | None = None
    new_title: str | None = None
    matched_account_id: str | None = None
    is_customer_company: bool | None = None
    is_target_company: bool | None = None
    has_open_opportunity: bool | None = None
    seniority: str | None = None
    function: str | None = None
    persona_match: bool | None = None
    confidence: float = 1.0
    evidence: dict[str, Any] = field(default_factory=dict)
    match_rule: str | None = None
    observed_at: str | None = None
    status: str = STATUS_NEW
    lead_id: str | None = None

    @property
    def signal_id(self) -> str:
        """The deterministic id of these facts (see :func:`make_signal_id`)."""
        return make_signal_id(
            self.type,
            self.contact_id or self.person_key,
            self.new_company_key,
            self.job_started_date,
            self.new_title if self.type in TITLED_TYPES else None,
        )

    def to_row(self) -> dict[str, Any]:
        """The row as stored (without ``detected_at``, which the store sets on first insert)."""
        row = asdict(self)
        row.pop("new_company_key")
        row["signal_id"] = self.signal_id
        return row


def make_signal_id(
    type_: str,
    subject: str | None,
    company_key: str | None,
    job_start: str | None,
    title_key: str | None = None,
) -> str:
    """``sig-`` + 24 hex digits of the SHA-1 of (type, contact id or person key, company key, start).

    ``title_key`` (the new title) is part of the id of promotions and title changes, so a second
    promotion at the same company without a known start date is still a new fact.
    """
    parts = [type_, subject or "", company_key or "", job_start or ""]
    if title_key:
        parts.append(title_key.strip().lower())
    return signal_ids_from_keys(["\x1f".join(parts)])[0]


def signal_ids_from_keys(keys: list[str]) -> list[str]:
    """``sig-`` + 24 hex digits of the SHA-1 of each joined key (the engine builds the keys vectorized)."""
    sha1 = hashlib.sha1
    return [f"sig-{sha1(k.encode('utf-8')).hexdigest()[:24]}" for k in keys]


def company_key(account_id: str | None, domain: str | None, normalized_name: str | None) -> str | None:
    """The key of "the new company" in a signal id: the matched account, else its domain, else its name."""
    if account_id:
        return f"a:{account_id}"
    if domain:
        return f"d:{domain}"
    if normalized_name:
        return f"n:{normalized_name}"
    return None


def classify_contact_change(
    *,
    has_current_job: bool,
    same_company: bool,
    title_decision: str | None,
    side_role: bool = False,
) -> str | None:
    """The contact signal type for what the newest observation says, or ``None`` for "no change".

    The one classification of contact signals: the engine calls it once per distinct combination of its
    arguments and joins the answer back onto its rows.

    - no known employer → ``left_company``;
    - another company (unless the new job is a side role — advisor, board, investor — held while the
      CRM-company job is still open) → ``job_change``;
    - same company (or its parent/subsidiary), ``title_decision`` (``title_model.compare_titles``)
      ``promotion`` → ``promotion``;
    - ``lateral`` or ``demotion`` → ``title_change``; ``same`` or no title → no signal.
    """
    if not has_current_job:
        return SignalType.LEFT_COMPANY.value
    if not same_company and not side_role:
        return SignalType.JOB_CHANGE.value
    if title_decision == "promotion":
        return SignalType.PROMOTION.value
    if title_decision in ("lateral", "demotion"):
        return SignalType.TITLE_CHANGE.value
    return None


def combine_confidence(identity: float, company: float) -> float:
    """Confidence of a signal: identity confidence times company-resolution confidence, 3 decimals."""
    return round(max(0.0, min(1.0, identity * company)), 3)
