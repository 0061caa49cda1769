"""Rules 1A-1D, 3A, 3B: each has a case that fires and a near miss that does not."""

from __future__ import annotations

from datetime import date

import pytest

from jobshift.config import Config
from jobshift.domain.notification_rules import (
    RuleContext,
    RuleSpec,
    evaluate,
    matching_rules,
    recipients_for,
    started_within,
)
from jobshift.services.specs import rule_specs

SRC = "jobshift Contact Tracking"
SEND = date(2024, 9, 25)


def specs() -> dict[str, RuleSpec]:
    return {s.id: s for s in rule_specs(Config())}


def lead(**kw: object) -> RuleContext:
    base: dict[str, object] = {
        "item": "lead",
        "send_date": SEND,
        "lead_source": SRC,
        "job_started_date": "2024-08-15",
    }
    base.update(kw)
    return RuleContext(**base)  # type: ignore[arg-type]


def contact(**kw: object) -> RuleContext:
    base: dict[str, object] = {"item": "contact", "send_date": SEND}
    base.update(kw)
    return RuleContext(**base)  # type: ignore[arg-type]


CASES = [
    # rule, fires, near miss
    ("1A", lead(), lead(job_started_date="2024-06-20")),  # started just over 3 months ago
    ("1B", lead(job_started_date="2024-05-01"), lead(job_started_date="2024-07-01")),
    ("1C", lead(open_opp_stages=(3,)), lead(open_opp_stages=(2,))),  # stage 2 is not "3 or beyond"
    (
        "1C",
        lead(open_opp_stages=(5,), job_started_date="2024-04-01"),
        lead(open_opp_stages=(5,), job_started_date="2024-03-01"),
    ),  # 6-month window edge
    ("1D", lead(open_opp_stages=(0,)), lead(open_opp_stages=(3,))),
    (
        "1D",
        lead(is_customer=True, open_renewal=True, open_opp_stages=(4,)),
        lead(is_customer=False, open_renewal=True, open_opp_stages=(4,)),
    ),  # renewal counts only for customers
    ("3A", contact(open_opp_stages=(3,)), contact(open_opp_stages=(1,))),
    ("3B", contact(open_opp_stages=(1, 7)), contact(open_opp_stages=())),  # no open opp at all
]


@pytest.mark.parametrize(("rid", "fires", "near"), CASES)
def test_rule_fires_and_near_miss(rid: str, fires: RuleContext, near: RuleContext) -> None:
    rule = specs()[rid]
    assert evaluate(rule, fires, lead_source=SRC).fired, evaluate(rule, fires, lead_source=SRC).why
    res = evaluate(rule, near, lead_source=SRC)
    assert not res.fired
    assert res.why


@pytest.mark.parametrize("rid", ["1A", "1B", "1C", "1D"])
def test_lead_rules_need_the_contact_tracking_source(rid: str) -> None:
    rule = specs()[rid]
    for ctx in (
        lead(),
        lead(job_started_date="2024-01-01"),
        lead(open_opp_stages=(1,)),
        lead(open_opp_stages=(4,)),
    ):
        if evaluate(rule, ctx, lead_source=SRC).fired:
            other = RuleContext(**{**ctx.__dict__, "lead_source": "New Hires & Promotions"})
            assert not evaluate(rule, other, lead_source=SRC).fired
            return
    pytest.fail("no context fired")


def test_contact_rules_ignore_leads_and_vice_versa() -> None:
    s = specs()
    assert not evaluate(s["3A"], lead(open_opp_stages=(4,)), lead_source=SRC).fired
    assert not evaluate(
        s["1C"], contact(open_opp_stages=(4,), job_started_date="2024-09-01"), lead_source=SRC
    ).fired


def test_1a_and_1b_split_every_lead_without_opps() -> None:
    s = specs()
    for start in ("2024-09-20", "2024-07", "2024-06", "2024", "2023-02", None, "garbage"):
        fired = [
            r for r in ("1A", "1B") if evaluate(s[r], lead(job_started_date=start), lead_source=SRC).fired
        ]
        assert len(fired) == 1, (start, fired)


def test_started_within_is_precision_aware() -> None:
    on = date(2024, 9, 25)  # cut-off for 3 months: 2024-06-25
    assert started_within("2024-06-26", 3, on) is True
    assert started_within("2024-06-24", 3, on) is False
    assert started_within("2024-07", 3, on) is True  # the whole month is after the cut-off
    assert started_within("2024-05", 3, on) is False  # the whole month is before
    assert started_within("2024-06", 3, on) is False  # straddles: middle (06-15) is before 06-25
    assert started_within("2024", 3, on) is False  # Jan 1..Sep 25, middle in May
    assert started_within("2024", 12, on) is True
    assert started_within("2024-10-01", 3, on) is True  # announced start after the send day
    assert started_within(None, 3, on) is None
    assert started_within("2024-13", 3, on) is None


def test_several_rules_and_recipients_once() -> None:
    s = specs()
    ctx = lead(open_opp_stages=(1, 4))
    fired = [r.rule_id for r in matching_rules(list(s.values()), ctx, lead_source=SRC)]
    assert fired == ["1C", "1D"]
    team = {
        "lead_owner": "u-bdr",
        "account_bdr": "u-bdr",
        "account_ae": "u-ae",
        "account_renewal_manager": None,
    }
    told: set[str] = set()
    first = recipients_for(s["1C"], team, told)
    told |= {u for _r, u in first}
    second = recipients_for(s["1D"], team, told)
    assert first == [("account_ae", "u-ae")]
    assert second == [("lead_owner", "u-bdr")]  # the AE is not told twice, the BDR once


def test_disabled_rule_never_fires() -> None:
    rule = RuleSpec("1A", open_opps="none", enabled=False)
    assert not evaluate(rule, lead(), lead_source=SRC).fired
