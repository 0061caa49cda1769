"""Attribution rules and totals; funnel rates."""

from __future__ import annotations

from datetime import datetime

import pytest

from jobshift.domain.scorecard.attribution import (
    OpportunityEvidence,
    classify,
    is_assisted,
    is_sourced,
    is_suspected,
    summarize,
)
from jobshift.domain.scorecard.funnel import FUNNEL_STAGES, build_funnel

T0, T1, T2 = datetime(2024, 3, 1), datetime(2024, 3, 2), datetime(2024, 3, 3)


def test_sourced_and_assisted_rules() -> None:
    assert is_sourced(True, True, T0, T0)  # first role (ties count as first)
    assert not is_sourced(True, False, T0, T0)  # never contacted
    assert not is_sourced(False, True, T0, T0)  # not created by jobshift
    assert is_assisted(True, True, T1, T0) and not is_assisted(True, True, T0, T0)


def test_suspected_rule() -> None:
    assert is_suspected(True, 5, T0, T1, True, False)
    assert not is_suspected(True, 4, T0, T1, True, False)  # fewer than 5 activities
    assert not is_suspected(True, 5, T2, T1, True, False)  # first activity after the opp was created
    assert not is_suspected(True, 5, T0, T1, False, False)  # opp not open
    assert not is_suspected(True, 5, T0, T1, True, True)  # already a contact role
    assert is_suspected(True, 3, T0, T1, True, False, min_activities=3)


def test_precedence_and_totals() -> None:
    ev = [
        OpportunityEvidence("o1", "a", 100.0, True, True, sourced_by=("l1",), assisted_by=("l2",)),
        OpportunityEvidence("o2", "b", 50.0, True, False, assisted_by=("l3",), suspected_by=("l4",)),
        OpportunityEvidence("o3", "c", 30.0, True, False, suspected_by=("l5",)),
        OpportunityEvidence("o4", "d", 70.0, False, True, assisted_by=("l6",)),
        OpportunityEvidence("o5", "e", 10.0, True, False),
    ]
    assert [classify(e) for e in ev] == ["sourced", "assisted", "suspected", "assisted", None]
    totals, by_opp = summarize(ev)
    assert by_opp == {"o1": "sourced", "o2": "assisted", "o3": "suspected", "o4": "assisted"}
    # created in period: o1 sourced 100; o2 assisted 50; o3 suspected 30; o4 only won in period
    assert totals.opportunities == {"sourced": 1, "assisted": 1, "suspected": 1}
    assert totals.pipeline == {"sourced": 100.0, "assisted": 50.0, "suspected": 30.0}
    # won in period: o1 (sourced 100), o4 (assisted 70)
    assert totals.won_amount == {"sourced": 100.0, "assisted": 70.0, "suspected": 0.0}
    assert (totals.credited_opportunities, totals.credited_pipeline, totals.credited_won_amount) == (
        2,
        150.0,
        170.0,
    )


def test_funnel_rates() -> None:
    stages = {
        s.key: s
        for s in build_funnel(
            {
                "tracked": 1000,
                "signals_detected": 50,
                "filtered": 10,
                "leads_pushed": 40,
                "contacted": 20,
                "meeting_held": 5,
            }
        )
    }
    assert [s for s, _ in FUNNEL_STAGES] == list(stages)
    assert stages["signals_detected"].rate == pytest.approx(0.05)  # 50 / 1000
    assert stages["leads_pushed"].rate == pytest.approx(0.8)  # 40 / 50
    assert stages["contacted"].rate == pytest.approx(0.5)  # 20 / 40
    assert stages["opportunities"].rate == 0.0  # 0 / 5
    assert stages["closed_won_amount"].rate is None  # no pipeline
    assert stages["tracked"].rate is None
