"""Each category's formula from aggregates, computed by hand in the comments, graded on the scale."""

from __future__ import annotations

import pytest

from jobshift.domain.scorecard import CATEGORIES, CATEGORY_BY_KEY, grade
from jobshift.domain.scorecard.icp import IcpCriteria, failed_criteria
from jobshift.domain.scorecard.metrics import (
    CohortTerm,
    cost_per_opportunity,
    kinds_present_share,
    mean,
    median_from_histogram,
    pipeline_to_spend,
    share,
    weighted_cohort_share,
)


def _g(key: str, value: float | None, benchmark: float) -> str:
    return grade(value, benchmark, CATEGORY_BY_KEY[key].direction).grade


def test_eleven_categories_in_priority_order() -> None:
    assert [c.number for c in CATEGORIES] == list(range(1, 12))
    assert {c.key for c in CATEGORIES if c.direction == "lower"} == {"filtering", "days_until_first_activity"}
    assert all(c.fix for c in CATEGORIES)


def test_contacts_provided_weighted() -> None:
    # won 80/100 (w3), open 30/60 (w2), lost 0/50 (w1): (3·0.8 + 2·0.5 + 0) / 6 = 3.4/6 = 0.5667
    terms = [
        CohortTerm("closed_won", 3, 100, 80),
        CohortTerm("open", 2, 60, 30),
        CohortTerm("closed_lost", 1, 50, 0),
    ]
    v = weighted_cohort_share(terms)
    assert v == pytest.approx(3.4 / 6)
    assert _g("contacts_provided", v, 0.8) == "C-"  # s = 0.708
    assert terms[2].missing == 50
    # a cohort with nothing available is left out: (3·1.0 + 2·0.5) / 5 = 0.8 → exactly at benchmark → B
    v2 = weighted_cohort_share(
        [CohortTerm("closed_won", 3, 10, 10), CohortTerm("open", 2, 4, 2), CohortTerm("closed_lost", 1, 0, 0)]
    )
    assert v2 == pytest.approx(0.8)
    assert _g("contacts_provided", v2, 0.8) == "B"
    assert weighted_cohort_share([CohortTerm("open", 2, 0, 0)]) is None


def test_closed_won_tracked_boundaries() -> None:
    # 90/100 = 0.9 → B; 89/100 → s = 0.989 → C+
    assert _g("closed_won_contacts_tracked", share(90, 100), 0.9) == "B"
    assert _g("closed_won_contacts_tracked", share(89, 100), 0.9) == "C+"
    assert share(1, 0) is None


def test_persona_definition_missing_persona_is_f() -> None:
    # 12 of 20 buyer titles match → 0.6 → B; no persona → value None → F
    assert _g("persona_definition", share(12, 20), 0.6) == "B"
    assert _g("persona_definition", None, 0.6) == "F"


def test_accounts_provided_kinds() -> None:
    # 2 of the 3 kinds → 0.667; s = 0.667 → D
    v = kinds_present_share({"target_or_icp": 5, "open_opportunity": 0, "customer": 9})
    assert v == pytest.approx(2 / 3)
    assert _g("accounts_provided", v, 1.0) == "D"
    assert _g("accounts_provided", kinds_present_share({"a": 1, "b": 2, "c": 3}), 1.0) == "B"


def test_icp_definition_and_matcher() -> None:
    icp = IcpCriteria.of(industries=[" Software "], countries=["US"], min_employees=100, max_employees=5000)
    assert icp.active_criteria == ("industry", "country", "employees")
    assert failed_criteria(icp, "software", "us", None, 200) == []
    assert failed_criteria(icp, "Retail", "US", None, 50) == ["industry", "employees"]
    assert failed_criteria(icp, None, "DE", None, 6000) == ["industry", "country", "employees"]
    assert not IcpCriteria.of().defined
    # 6 of 10 customers match → 0.6, s = 1.2 → A-; 4/10 → s = 0.8 → C
    assert _g("icp_definition", share(6, 10), 0.5) == "A-"
    assert _g("icp_definition", share(4, 10), 0.5) == "C"


def test_filtering_lower_is_better() -> None:
    # 30 of 100 filtered = 0.3; s = 0.2/0.3 = 0.667 → D; 10/100 → s = 2 → A+; 0 → A+
    assert _g("filtering", share(30, 100), 0.2) == "D"
    assert _g("filtering", share(10, 100), 0.2) == "A+"
    assert _g("filtering", share(0, 100), 0.2) == "A+"


def test_title_and_account_relevance() -> None:
    # 45/100 titles → s = 0.9 → C+; 30/100 accounts → exactly 0.3 → B; 29/100 → C+
    assert _g("new_title_relevance", share(45, 100), 0.5) == "C+"
    assert _g("new_account_relevance", share(30, 100), 0.3) == "B"
    assert _g("new_account_relevance", share(29, 100), 0.3) == "C+"


def test_engagement_rate() -> None:
    # 50 of 100 leads contacted → B; 49 → C+
    assert _g("engagement_rate", share(50, 100), 0.5) == "B"
    assert _g("engagement_rate", share(49, 100), 0.5) == "C+"


def test_days_until_first_activity_median() -> None:
    # values 1, 3, 5, 5 → median (3 + 5) / 2 = 4; s = 7/4 = 1.75 → A+
    hist = {1: 1, 3: 1, 5: 2}
    assert median_from_histogram(hist) == 4
    assert _g("days_until_first_activity", median_from_histogram(hist), 7) == "A+"
    # 0,0,9,9,9 → 9; s = 0.778 → C-; odd count picks the middle value
    assert median_from_histogram({0: 2, 9: 3}) == 9
    assert _g("days_until_first_activity", 9, 7) == "C-"
    assert median_from_histogram({}) is None
    assert median_from_histogram({2: 1}) == 2


def test_number_of_activities_mean() -> None:
    # 300 activities over 100 leads = 3 → B; 290 → 2.9, s = 0.967 → C+
    assert _g("number_of_activities", mean(300, 100), 3) == "B"
    assert _g("number_of_activities", mean(290, 100), 3) == "C+"
    assert mean(5, 0) is None


def test_spend() -> None:
    # 120,000 a year = 10,000 a month; 150,000 pipeline → 15 per 1; 4 opps → 2,500 each
    assert pipeline_to_spend(150_000, 120_000) == pytest.approx(15)
    assert cost_per_opportunity(4, 120_000) == pytest.approx(2500)
    assert pipeline_to_spend(1, None) is None and cost_per_opportunity(0, 100) is None
