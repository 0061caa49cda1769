"""Routing decisions (pure): account BDR, SMB round-robin, region pools, weights, capacity."""

from __future__ import annotations

from collections import Counter

from jobshift.domain.routing import (
    Fixed,
    PoolSpec,
    Rep,
    RoundRobin,
    RoutingSettings,
    pick_weighted,
    plan_route,
    region_of,
)

REPS = {
    r.id: r
    for r in [
        Rep("bdr1", "Bea", "BDR", True, "AMER"),
        Rep("bdr2", "Ben", "BDR", False, "AMER"),
        Rep("bdr3", "Bo", "BDR", True, "EMEA"),
        Rep("sdr1", "Sam", "SDR", True, "AMER"),
        Rep("sdr2", "Sue", "SDR", True, "EMEA"),
        Rep("sdr3", "Sid", "SDR", False, "AMER"),
    ]
}
S = RoutingSettings(regions={"AMER": ("US", "United States")}, default_region="EMEA")


def test_account_bdr_wins() -> None:
    step = plan_route({}, {"id": "a1", "name": "Acme", "bdr_id": "bdr1", "segment": "SMB"}, REPS, S)
    assert isinstance(step, Fixed)
    assert step.owner_id == "bdr1"
    assert "BDR of matched account Acme (a1)" in step.reason


def test_smb_without_bdr_round_robins_active_sdrs() -> None:
    step = plan_route({}, {"id": "a1", "name": "Acme", "bdr_id": None, "segment": "SMB"}, REPS, S)
    assert isinstance(step, RoundRobin)
    assert step.members == ("sdr1", "sdr2")  # sdr3 is inactive
    assert step.why.startswith("SMB, no BDR on account Acme (a1)")


def test_inactive_bdr_is_skipped() -> None:
    step = plan_route({}, {"id": "a1", "name": "Acme", "bdr_id": "bdr2", "segment": "SMB"}, REPS, S)
    assert isinstance(step, RoundRobin)
    assert "inactive" in step.why


def test_no_account_goes_to_the_region_pool() -> None:
    step = plan_route({"company_country": "united states"}, None, REPS, S)
    assert isinstance(step, RoundRobin)
    assert step.pool_key == "pool:default:AMER"
    assert step.members == ("bdr1", "sdr1")
    eu = plan_route({"company_country": "France"}, None, REPS, S)
    assert isinstance(eu, RoundRobin)
    assert eu.members == ("bdr3", "sdr2")
    assert "no matched account" in eu.why


def test_large_account_without_bdr_uses_pools_and_no_pool_is_unassigned() -> None:
    s = RoutingSettings(pools=(PoolSpec("apj", regions=("APJ",)),), regions={"APJ": ("JP",)})
    step = plan_route({"company_country": "US"}, {"id": "a1", "bdr_id": None, "segment": "Large"}, REPS, s)
    assert isinstance(step, Fixed)
    assert step.owner_id is None
    assert "no pool matches" in step.reason


def test_round_robin_is_fair_and_weighted() -> None:
    members = ("a", "b", "c")
    state: dict[str, float] = {}
    pos = 0
    got = []
    for _ in range(9):
        p = pick_weighted(members, state, pos, S, {})
        state, pos = p.state, p.position
        got.append(p.user_id)
    assert got == ["a", "b", "c"] * 3
    w = RoutingSettings(weights={"a": 2})
    state, pos, c = {}, 0, Counter[str]()
    for _ in range(40):
        p = pick_weighted(members, state, pos, w, {})
        state, pos = p.state, p.position
        c[str(p.user_id)] += 1
    assert c == Counter({"a": 20, "b": 10, "c": 10})


def test_capacity_caps_skip_full_members() -> None:
    s = RoutingSettings(capacity={"a": 1}, default_capacity=2)
    assert pick_weighted(("a", "b"), {}, 0, s, {"a": 1}).user_id == "b"
    full = pick_weighted(("a", "b"), {}, 0, s, {"a": 1, "b": 2})
    assert full.user_id is None
    assert full.eligible == 0


def test_region_of_names_codes_and_default() -> None:
    assert region_of("US", S) == "AMER"
    assert region_of(" united STATES ", S) == "AMER"
    assert region_of("Germany", S) == "EMEA"
    assert region_of(None, S) is None
