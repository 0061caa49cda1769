"""Cohorts, tiers and cadences (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jobshift.domain.cadence import is_due, next_due, parse_cadence
from jobshift.domain.cohorts import (
    CohortSpec,
    ContactFacts,
    OppFacts,
    TierSpec,
    explain_contact,
    match_cohort,
    select_tracked,
)
from jobshift.domain.normalize.persona import PersonaSpec

AS_OF = date(2026, 11, 17)
PERSONA = PersonaSpec(seniorities=("vp", "c_suite"), functions=("engineering",))
BIG = ("Large", "Mid-Market", "PubSec")
COHORTS = [
    CohortSpec("closed_won_large", opportunity_status=("won",), segments=BIG),
    CohortSpec("closed_won_smb_persona", opportunity_status=("won",), segments=("SMB",), persona_only=True),
    CohortSpec("open_large", opportunity_status=("open",), segments=BIG),
    CohortSpec("closed_lost", opportunity_status=("lost",)),
]
TIERS = [TierSpec("tier1", "weekly:tue", size=2, top_cohort=True), TierSpec("tier2", "monthly:first-tue")]


def opp(
    oid: str, status: str, seg: str = "Large", close: date | None = date(2026, 1, 1), **kw: object
) -> OppFacts:
    return OppFacts(oid, status, kw.get("type", "New Business"), kw.get("stage", 7), close, None, seg)  # type: ignore[arg-type]


def contact(cid: str, *opps: OppFacts, title: str = "Engineer", gone: bool = False) -> ContactFacts:
    return ContactFacts(cid, "a-1", title, "Customer", "Large", None, None, False, gone, tuple(opps))


def test_first_matching_cohort_wins_and_reason_names_the_opportunity() -> None:
    c = contact("c1", opp("o-lost", "lost"), opp("o-won", "won", "Mid-Market"))
    verdicts = explain_contact(c, COHORTS, PERSONA, AS_OF)
    assert [(n, m.matched) for n, m in verdicts] == [("closed_won_large", True)]
    assert "Closed Won opportunity o-won" in verdicts[0][1].reason and "Mid-Market" in verdicts[0][1].reason


def test_failure_reasons_name_the_first_failed_test() -> None:
    smb = contact("c2", opp("o1", "won", "SMB"), title="Office Manager")
    verdicts = dict(explain_contact(smb, COHORTS, PERSONA, AS_OF))
    assert verdicts["closed_won_large"].reason == "no such opportunity in segment Large, Mid-Market, PubSec"
    assert "does not match the persona" in verdicts["closed_won_smb_persona"].reason
    assert verdicts["open_large"].reason == "no open opportunity"
    assert verdicts["closed_lost"].reason == "no Closed Lost opportunity"
    assert match_cohort(contact("c3"), COHORTS[0], PERSONA, AS_OF).reason == "no opportunity role"
    vp = contact("c4", opp("o1", "won", "SMB"), title="VP Engineering")
    assert match_cohort(vp, COHORTS[1], PERSONA, AS_OF).matched


def test_stage_type_and_recency_filters() -> None:
    spec = CohortSpec(
        "x", opportunity_status=("open",), stage_min=3, stage_max=5, opportunity_types=("Renewal",)
    )
    assert not match_cohort(
        contact("c", opp("o", "open", stage=2, type="Renewal")), spec, PERSONA, AS_OF
    ).matched
    assert match_cohort(contact("c", opp("o", "open", stage=4, type="renewal")), spec, PERSONA, AS_OF).matched
    recent = CohortSpec("r", opportunity_status=("won",), closed_within_months=6)
    assert match_cohort(contact("c", opp("o", "won", close=date(2026, 8, 1))), recent, PERSONA, AS_OF).matched
    m = match_cohort(contact("c", opp("o", "won", close=date(2025, 1, 1))), recent, PERSONA, AS_OF)
    assert not m.matched and "closed within 6 months" in m.reason


def test_selection_is_deterministic_fills_cap_in_priority_order_and_reports_overflow() -> None:
    contacts = [
        contact("c-lost", opp("o1", "lost")),
        contact("c-won-old", opp("o2", "won", close=date(2025, 1, 1))),
        contact("c-won-new", opp("o3", "won", close=date(2026, 6, 1))),
        contact("c-won-mid", opp("o4", "won", close=date(2026, 3, 1))),
        contact("c-open", opp("o5", "open")),
        contact("c-gone", opp("o6", "won"), gone=True),
        contact("c-none"),
    ]
    sel = select_tracked(contacts, COHORTS, TIERS, 4, PERSONA, AS_OF)
    assert [(a.contact_id, a.cohort, a.tier, a.position) for a in sel.assignments] == [
        ("c-won-new", "closed_won_large", 1, 1),
        ("c-won-mid", "closed_won_large", 1, 2),
        ("c-won-old", "closed_won_large", 2, 3),
        ("c-open", "open_large", 2, 4),
    ]
    assert sel.over_cap == {
        "closed_won_large": 0,
        "closed_won_smb_persona": 0,
        "open_large": 0,
        "closed_lost": 1,
    }
    assert sel.over_cap_ids == ["c-lost"]
    assert sel.per_tier == {"tier1": 2, "tier2": 2}
    assert sel.excluded_no_longer_at_company == 1
    again = select_tracked(list(reversed(contacts)), COHORTS, TIERS, 4, PERSONA, AS_OF)
    assert again.assignments == sel.assignments


@pytest.mark.parametrize(
    ("text", "after", "due"),
    [
        ("weekly:tue", datetime(2026, 11, 17, 0, 0), datetime(2026, 11, 24)),  # 17th is a Tuesday
        ("weekly:Tuesday", datetime(2026, 11, 16, 9), datetime(2026, 11, 17)),
        ("monthly:first-tue", datetime(2026, 11, 17), datetime(2026, 12, 1)),
        ("monthly:last-fri", datetime(2026, 11, 1), datetime(2026, 11, 27)),
        ("monthly:15", datetime(2026, 11, 15, 1), datetime(2026, 12, 15)),
        ("daily", datetime(2026, 11, 15, 1), datetime(2026, 11, 16)),
        ("30 6 * * 2", datetime(2026, 11, 17, 7), datetime(2026, 11, 24, 6, 30)),
        ("0 */6 1 * *", datetime(2026, 11, 1, 7), datetime(2026, 11, 1, 12)),
    ],
)
def test_next_due(text: str, after: datetime, due: datetime) -> None:
    assert next_due(text, after) == due


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("weekly:tues", "unknown day"),
        ("monthly:fifth-tue", "unknown 'fifth'"),
        ("monthly:31", "1-28"),
        ("61 * * * *", "out of range"),
        ("* * * *", "invalid cadence"),
        ("", "empty cadence"),
    ],
)
def test_invalid_cadences(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_cadence(text)


def test_is_due_and_describe() -> None:
    assert is_due("weekly:tue", None, datetime(2026, 11, 18))
    assert not is_due("weekly:tue", datetime(2026, 11, 17, 8), datetime(2026, 11, 23))
    assert is_due("weekly:tue", datetime(2026, 11, 17, 8), datetime(2026, 11, 24))
    assert parse_cadence("monthly:first-tue").describe() == "monthly on the first Tuesday"
