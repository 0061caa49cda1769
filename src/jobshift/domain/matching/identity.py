"""Identity resolution: which people-data profile is this CRM contact.

Rules, strongest first: normalized LinkedIn URL, then email (the work email, or any known email of
the profile), then normalized name plus company (fuzzy). LinkedIn and email are *strong*: among strong
matches the newest observation wins (an older observation never overrides a newer one), ties go to the
stronger rule. A name-only match is acted on only when the profile's own history (current job or
experience) contains the contact's CRM company; otherwise it is ``uncertain`` (reported, never pushed).
Several name-only candidates that disagree about where the person is now are ``ambiguous``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

RULE_RANK: dict[str, int] = {"linkedin": 0, "email": 1, "name": 2}
RULE_CONFIDENCE: dict[str, float] = {"linkedin": 0.99, "email": 0.97, "personal_email": 0.95}
NAME_HISTORY_CONFIDENCE = 0.9
NAME_UNCERTAIN_CONFIDENCE = 0.4

Outcome = Literal["matched", "uncertain", "ambiguous"]


@dataclass(frozen=True)
class IdentityCandidate:
    """One profile that may be the contact, and what links them."""

    person_key: str
    observed_at: str
    rule: str  # linkedin | email | personal_email | name
    name_score: float = 100.0  # 0..100
    history_has_company: bool = False
    current_company_key: str | None = None

    @property
    def strong(self) -> bool:
        """LinkedIn or email matches identify a person on their own."""
        return self.rule != "name"


@dataclass(frozen=True)
class IdentityDecision:
    """The outcome for one contact."""

    outcome: Outcome
    candidate: IdentityCandidate | None
    confidence: float
    reason: str
    n_candidates: int


def rule_rank(rule: str) -> int:
    """0 for LinkedIn, 1 for any email rule, 2 for name."""
    return RULE_RANK.get("email" if rule.endswith("email") else rule, 3)


def strong_confidence(rule: str) -> float:
    """Confidence of a LinkedIn / email match."""
    return RULE_CONFIDENCE.get(rule, 0.95)


def name_confidence(name_score: float) -> float:
    """Confidence of a name + history match: 0.9 scaled by the name similarity."""
    return round(NAME_HISTORY_CONFIDENCE * max(0.0, min(100.0, name_score)) / 100.0, 3)


def choose_identity(candidates: list[IdentityCandidate], name_threshold: float = 90.0) -> IdentityDecision:
    """Pick the profile of a contact among ``candidates`` (see the module docstring for the rules)."""
    n = len(candidates)
    strong = [c for c in candidates if c.strong]
    if strong:
        best = min(strong, key=lambda c: (_neg(c.observed_at), rule_rank(c.rule), c.person_key))
        return IdentityDecision("matched", best, strong_confidence(best.rule), best.rule, n)
    names = [c for c in candidates if c.name_score >= name_threshold]
    if not names:
        return IdentityDecision("uncertain", None, 0.0, "no_candidate", n)
    proven = [c for c in names if c.history_has_company]
    pool = proven or names
    where = {c.current_company_key for c in pool}
    if len(where) > 1:
        return IdentityDecision("ambiguous", None, 0.0, f"{len(pool)} same-name profiles disagree", n)
    best = min(pool, key=lambda c: (_neg(c.observed_at), -c.name_score, c.person_key))
    if proven:
        return IdentityDecision("matched", best, name_confidence(best.name_score), "name+history", n)
    return IdentityDecision("uncertain", best, NAME_UNCERTAIN_CONFIDENCE, "name_only_without_history", n)


def _neg(iso: str) -> tuple[int, ...]:
    """Sort key putting the newest ISO date (any precision) first."""
    return tuple(-ord(ch) for ch in iso)
