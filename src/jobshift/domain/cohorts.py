"""Cohorts and tiers: which contacts are tracked, why, and how often (pure; see docs/program.md).

A cohort is a filter over a contact, its account and the opportunities it has a role on. Cohorts are
tried in priority order; each contact belongs to the first cohort that takes it. Within a cohort the
contacts are ordered by their best qualifying opportunity (newest close/create date first), then by
id, so the selection is deterministic. The cap is filled in that order; the rest is reported as
over the cap. Tiers then split the tracked set (e.g. the first 1,000 of the top cohort, then the rest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from jobshift.domain.normalize.persona import PersonaSpec, persona_matches

OPP_STATUSES = ("won", "open", "lost")
_STATUS_TEXT = {"won": "Closed Won", "open": "open", "lost": "Closed Lost"}


@dataclass(frozen=True)
class OppFacts:
    """One opportunity a contact has a role on, with its account's segment."""

    opportunity_id: str
    status: str  # won | open | lost
    type: str | None = None
    stage_number: int | None = None
    close_date: date | None = None
    created_at: date | None = None
    segment: str | None = None
    role: str | None = None

    @property
    def when(self) -> date:
        """The date that orders opportunities (close date for closed ones, else creation)."""
        d = self.close_date if self.status != "open" else None
        return d or self.created_at or self.close_date or date.min


@dataclass(frozen=True)
class ContactFacts:
    """What cohorts look at for one contact."""

    contact_id: str
    account_id: str | None = None
    title: str | None = None
    account_type: str | None = None
    account_segment: str | None = None
    account_industry: str | None = None
    account_country: str | None = None
    account_is_target: bool = False
    no_longer_at_company: bool = False
    opportunities: tuple[OppFacts, ...] = ()


@dataclass(frozen=True)
class CohortSpec:
    """One cohort. Empty tuples / ``None`` mean "no constraint"."""

    name: str
    opportunity_status: tuple[str, ...] = ()
    opportunity_types: tuple[str, ...] = ()
    stage_min: int | None = None
    stage_max: int | None = None
    closed_within_months: int | None = None
    segments: tuple[str, ...] = ()
    account_types: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    target_accounts_only: bool = False
    persona_only: bool = False

    @property
    def needs_opportunity(self) -> bool:
        """Whether a qualifying opportunity is required."""
        return bool(
            self.opportunity_status
            or self.opportunity_types
            or self.stage_min is not None
            or self.stage_max is not None
            or self.closed_within_months is not None
            or self.roles
        )


@dataclass(frozen=True)
class TierSpec:
    """A tier: which cohorts feed it (all when empty; only the top one with ``top_cohort``), its size."""

    name: str
    cadence: str
    size: int | None = None
    cohorts: tuple[str, ...] = ()
    top_cohort: bool = False


@dataclass(frozen=True)
class Match:
    """Outcome of one cohort for one contact: matched, the reason text, the ordering date."""

    matched: bool
    reason: str
    when: date = date.min


@dataclass(frozen=True)
class Assignment:
    """A tracked contact: its cohort (and rank, 1 = top), tier (1-based), overall position, reason."""

    contact_id: str
    cohort: str
    cohort_rank: int
    tier: int
    position: int
    reason: str


@dataclass
class Selection:
    """The tracked set and its counts."""

    assignments: list[Assignment] = field(default_factory=list)
    matched: dict[str, int] = field(default_factory=dict)
    tracked: dict[str, int] = field(default_factory=dict)
    over_cap: dict[str, int] = field(default_factory=dict)
    per_tier: dict[str, int] = field(default_factory=dict)
    over_cap_ids: list[str] = field(default_factory=list)
    excluded_no_longer_at_company: int = 0


def _norm(values: Iterable[str]) -> set[str]:
    return {v.strip().lower() for v in values}


def _in(value: str | None, allowed: tuple[str, ...]) -> bool:
    return bool(value) and (value or "").strip().lower() in _norm(allowed)


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _opp_steps(spec: CohortSpec, as_of: date) -> list[tuple[str, Callable[[OppFacts], bool]]]:
    steps: list[tuple[str, Callable[[OppFacts], bool]]] = []
    if spec.opportunity_status:
        text = " or ".join(_STATUS_TEXT.get(s, s) for s in spec.opportunity_status)
        steps.append((f"no {text} opportunity", lambda o: o.status in spec.opportunity_status))
    if spec.opportunity_types:
        steps.append(
            (f"no such opportunity of type {', '.join(spec.opportunity_types)}",
             lambda o: _in(o.type, spec.opportunity_types))
        )  # fmt: skip
    if spec.stage_min is not None or spec.stage_max is not None:
        lo = spec.stage_min if spec.stage_min is not None else -1
        hi = spec.stage_max if spec.stage_max is not None else 10**6
        steps.append(
            (f"no such opportunity at stage {spec.stage_min or 0}-{spec.stage_max or 'any'}",
             lambda o: o.stage_number is not None and lo <= o.stage_number <= hi)
        )  # fmt: skip
    if spec.closed_within_months is not None:
        n = spec.closed_within_months
        steps.append(
            (f"no such opportunity closed within {n} months",
             lambda o: o.close_date is not None and 0 <= _months_between(o.close_date, as_of) <= n)
        )  # fmt: skip
    if spec.roles:
        steps.append(
            (f"no such opportunity with role {', '.join(spec.roles)}", lambda o: _in(o.role, spec.roles))
        )
    if spec.segments:
        steps.append(
            (
                f"no such opportunity in segment {', '.join(spec.segments)}",
                lambda o: _in(o.segment, spec.segments),
            )
        )
    return steps


def match_cohort(c: ContactFacts, spec: CohortSpec, persona: PersonaSpec, as_of: date) -> Match:
    """Does ``c`` belong to ``spec``? The reason says which record qualified it, or the first failed test."""
    if spec.account_types and not _in(c.account_type, spec.account_types):
        return Match(False, f"account type {c.account_type or 'none'} not in {', '.join(spec.account_types)}")
    if spec.industries and not _in(c.account_industry, spec.industries):
        return Match(
            False, f"account industry {c.account_industry or 'none'} not in {', '.join(spec.industries)}"
        )
    if spec.countries and not _in(c.account_country, spec.countries):
        return Match(
            False, f"account country {c.account_country or 'none'} not in {', '.join(spec.countries)}"
        )
    if spec.target_accounts_only and not c.account_is_target:
        return Match(False, "account is not a target account")
    if spec.persona_only and not persona_matches(c.title, persona):
        return Match(False, f"title {c.title or '(none)'!r} does not match the persona")
    if not spec.needs_opportunity:
        if spec.segments and not _in(c.account_segment, spec.segments):
            return Match(
                False, f"account segment {c.account_segment or 'none'} not in {', '.join(spec.segments)}"
            )
        if not c.account_id:
            return Match(False, "contact has no account")
        return Match(True, f"contact of account {c.account_id}")
    opps = list(c.opportunities)
    if not opps:
        return Match(False, "no opportunity role")
    for failure, test in _opp_steps(spec, as_of):
        opps = [o for o in opps if test(o)]
        if not opps:
            return Match(False, failure)
    best = max(opps, key=lambda o: (o.when, o.opportunity_id))
    bits = [b for b in (best.type, f"stage {best.stage_number}" if best.stage_number is not None else None,
                        best.segment) if b]  # fmt: skip
    text = f"{_STATUS_TEXT.get(best.status, best.status)} opportunity {best.opportunity_id}"
    if bits:
        text += f" ({', '.join(bits)})"
    if spec.persona_only:
        text += f"; title {c.title!r} matches the persona"
    return Match(True, text, best.when)


def _tier_for(cohort: str, rank: int, tiers: Sequence[TierSpec], filled: list[int]) -> int:
    for i, t in enumerate(tiers):
        if t.top_cohort and rank != 1:
            continue
        if t.cohorts and cohort not in t.cohorts:
            continue
        if t.size is not None and filled[i] >= t.size:
            continue
        return i
    return len(tiers) - 1


def select_tracked(
    contacts: Iterable[ContactFacts],
    cohorts: Sequence[CohortSpec],
    tiers: Sequence[TierSpec],
    cap: int,
    persona: PersonaSpec,
    as_of: date,
) -> Selection:
    """Assign every contact to its first matching cohort, fill the cap in priority order, split into tiers."""
    sel = Selection(
        matched={c.name: 0 for c in cohorts},
        tracked={c.name: 0 for c in cohorts},
        over_cap={c.name: 0 for c in cohorts},
        per_tier={t.name: 0 for t in tiers},
    )
    buckets: list[list[tuple[date, str, str]]] = [[] for _ in cohorts]
    for c in contacts:
        if c.no_longer_at_company:
            sel.excluded_no_longer_at_company += 1
            continue
        for i, spec in enumerate(cohorts):
            m = match_cohort(c, spec, persona, as_of)
            if m.matched:
                buckets[i].append((m.when, c.contact_id, m.reason))
                sel.matched[spec.name] += 1
                break
    filled = [0] * len(tiers)
    position = 0
    for i, (spec, bucket) in enumerate(zip(cohorts, buckets, strict=True)):
        bucket.sort(key=lambda b: (-b[0].toordinal(), b[1]))
        for _when, cid, reason in bucket:
            if position >= cap:
                sel.over_cap[spec.name] += 1
                sel.over_cap_ids.append(cid)
                continue
            position += 1
            t = _tier_for(spec.name, i + 1, tiers, filled) if tiers else 0
            if tiers:
                filled[t] += 1
                sel.per_tier[tiers[t].name] += 1
            sel.tracked[spec.name] += 1
            sel.assignments.append(Assignment(cid, spec.name, i + 1, t + 1, position, reason))
    return sel


def explain_contact(
    c: ContactFacts, cohorts: Sequence[CohortSpec], persona: PersonaSpec, as_of: date
) -> list[tuple[str, Match]]:
    """Each cohort's verdict on ``c``, in priority order (stops after the first match)."""
    out: list[tuple[str, Match]] = []
    for spec in cohorts:
        m = match_cohort(c, spec, persona, as_of)
        out.append((spec.name, m))
        if m.matched:
            break
    return out
