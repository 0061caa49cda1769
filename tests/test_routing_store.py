"""Routing on the store (SQLite and PostgreSQL): persistent round-robin, stored decisions, explain."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import event, select

from jobshift.config import parse_config
from jobshift.services.program.routing import Router, explain, route_lead
from jobshift.store import Store
from jobshift.store.schema import routing_decisions, routing_state
from notify_data import TEAM, account, seed, user

NOW = datetime(2024, 9, 24, 6, 0)


def test_bdr_smb_round_robin_persists_across_runs(store: Store) -> None:
    seed(store, users=TEAM, accounts=[account("big", bdr="bdr1"), account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    with store.begin() as conn:
        d = route_lead(conn, {"signal_id": "s0", "matched_account_id": "big"}, cfg)
        assert (d.owner_id, d.rule) == ("bdr1", "account_bdr")
    owners = []
    for run in range(3):  # three pushes, each with its own Router and transaction
        with store.begin() as conn, Router(conn, cfg, now=NOW) as r:
            for i in range(2):
                d = r.route({"signal_id": f"s{run}-{i}", "matched_account_id": "smb"})
                owners.append(d.owner_id)
                assert d.rule == "smb_round_robin"
                assert d.reason.startswith("SMB, no BDR on account Company smb (smb)")
    assert owners == ["sdr1", "sdr2", "sdr3", "sdr1", "sdr2", "sdr3"]
    with store.connect() as conn:
        st = conn.execute(select(routing_state)).mappings().one()
        assert st["position"] == 6
        assert conn.execute(select(routing_decisions)).mappings().all().__len__() == 7


def test_same_lead_twice_reuses_the_decision(store: Store) -> None:
    seed(store, users=TEAM, accounts=[account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    with store.begin() as conn:
        a = route_lead(conn, {"signal_id": "s1", "matched_account_id": "smb"}, cfg)
    with store.begin() as conn:
        b = route_lead(conn, {"signal_id": "s1", "matched_account_id": "smb"}, cfg)
        c = route_lead(conn, {"signal_id": "s2", "matched_account_id": "smb"}, cfg)
    assert (b.owner_id, b.reused) == (a.owner_id, True)
    assert c.owner_id != a.owner_id


def test_rolled_back_push_does_not_move_the_rotation(store: Store) -> None:
    seed(store, users=TEAM, accounts=[account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    try:
        with store.begin() as conn:
            route_lead(conn, {"signal_id": "s1", "matched_account_id": "smb"}, cfg)
            raise RuntimeError("push failed")
    except RuntimeError:
        pass
    with store.begin() as conn:
        assert route_lead(conn, {"signal_id": "s1", "matched_account_id": "smb"}, cfg).owner_id == "sdr1"


def test_inactive_skipped_weights_caps_and_region_pools(store: Store) -> None:
    reps = [
        user("b-us", "BDR"),
        user("s-us", "SDR"),
        user("s-off", "SDR", active=False),
        user("b-eu", "BDR", region="EMEA"),
        user("s-eu", "SDR", region="EMEA"),
    ]
    seed(store, users=reps)
    cfg = parse_config({"routing": {"weights": {"b-us": 3}, "capacity": {"s-us": 1}}})
    got: Counter[str] = Counter()
    with store.begin() as conn, Router(conn, cfg, now=NOW) as r:
        for i in range(5):
            d = r.route({"signal_id": f"us{i}", "company_country": "US"})
            got[str(d.owner_id)] += 1
        eu = r.route({"signal_id": "eu", "company_country": "Germany"})
    assert got == Counter({"b-us": 4, "s-us": 1})  # s-us capped at 1, s-off inactive
    assert eu.owner_id in {"b-eu", "s-eu"}
    assert "pool 'default'" in eu.reason and "EMEA" in eu.reason


def test_explain_by_lead_id_and_signal(store: Store) -> None:
    from jobshift.store.schema import leads

    seed(store, users=TEAM, accounts=[account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    with store.begin() as conn:
        d = route_lead(conn, {"signal_id": "s9", "matched_account_id": "smb"}, cfg)
        conn.execute(leads.insert().values(id="L9", last_name="X", signal_id="s9", owner_id=d.owner_id))
        out = explain(conn, "L9")
        assert out is not None
        assert out["reason"] == d.reason and out["rule"] == "smb_round_robin"
        assert explain(conn, "nope") is None


def _statements(store: Store, n: int, cfg: Any) -> tuple[int, list[str | None]]:
    """Route ``n`` new leads (half SMB round-robin, half pool) in one Router; statements sent, owners."""
    sent = [0]

    def count(*_args: object) -> None:
        sent[0] += 1

    leads = [{"signal_id": f"n{n}-{i}", "matched_account_id": "smb" if i % 2 else None} for i in range(n)]
    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with store.begin() as conn, Router(conn, cfg, now=NOW) as r:
            r.prefetch(leads)
            owners = [r.route(lead).owner_id for lead in leads]
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return sent[0], owners


def test_routing_many_leads_costs_the_same_statements_as_a_few(store: Store) -> None:
    seed(store, users=TEAM, accounts=[account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    few, _ = _statements(store, 4, cfg)
    many, owners = _statements(store, 40, cfg)
    assert many == few  # prefetched decisions, one insert of decisions, one write per pool
    assert None not in owners
    with store.connect() as conn:
        assert len(conn.execute(select(routing_decisions)).all()) == 44


def test_a_lead_routed_twice_in_one_router_reuses_its_decision(store: Store) -> None:
    seed(store, users=TEAM, accounts=[account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    with store.begin() as conn, Router(conn, cfg, now=NOW) as r:
        a = r.route({"signal_id": "s1", "matched_account_id": "smb"})
        b = r.route({"signal_id": "s1", "matched_account_id": "smb"})
        c = r.route({"signal_id": "s2", "matched_account_id": "smb"})
    assert (a.reused, b.reused, b.owner_id, b.reason) == (False, True, a.owner_id, a.reason)
    assert c.owner_id != a.owner_id
    with store.connect() as conn:
        assert conn.execute(select(routing_state.c.position)).scalar_one() == 2
        assert len(conn.execute(select(routing_decisions)).all()) == 2


def test_a_router_left_by_an_error_writes_nothing(store: Store) -> None:
    seed(store, users=TEAM, accounts=[account("smb", segment="SMB", bdr=None)])
    cfg = parse_config({})
    with store.connect() as conn:
        trans = conn.begin()
        try:
            with Router(conn, cfg, now=NOW) as r:
                r.route({"signal_id": "s1", "matched_account_id": "smb"})
                raise RuntimeError("planning failed")
        except RuntimeError:
            pass
        assert conn.execute(select(routing_decisions)).all() == []
        assert conn.execute(select(routing_state)).all() == []
        trans.rollback()
