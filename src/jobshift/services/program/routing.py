"""Lead routing with persistent round-robin state (``routing_state``) and stored decisions
(``routing_decisions``).

The push calls it while planning, in its own transaction, so a rolled-back plan also rolls back the
rotation. A lead routed twice (a re-run) gets its stored decision back and the rotation does not move.

Hook for the push (``services.push_plan.plan(..., route=...)``)::

    with Router(conn, cfg, now=now) as router:
        plan(conn, connector, cfg, is_backfill=..., now=now, route=router)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from jobshift.config import Config
from jobshift.domain.routing import (
    Fixed,
    Rep,
    pick_weighted,
    plan_route,
    round_robin_reason,
)
from jobshift.services.specs import routing_settings
from jobshift.store.lookups import rows_by_id
from jobshift.store.program import routing as routing_store
from jobshift.store.schema import accounts, leads
from jobshift.utils.timeutil import utcnow


@dataclass(frozen=True)
class RoutingDecision:
    """Who owns a lead and why."""

    lead_key: str
    owner_id: str | None
    reason: str
    rule: str
    pool_key: str | None = None
    reused: bool = False


def load_reps(conn: Connection) -> dict[str, Rep]:
    """Every CRM user (a missing ``active`` counts as active)."""
    return {
        r["id"]: Rep(r["id"], r["name"], r["role"], r["active"] is not False, r["region"], r["segment"])
        for r in routing_store.crm_users(conn)
    }


def lead_key(lead: Mapping[str, Any]) -> str:
    """The decision key: the lead id when known, else ``signal:<signal_id>``."""
    if lead.get("id"):
        return str(lead["id"])
    if lead.get("signal_id"):
        return f"signal:{lead['signal_id']}"
    raise ValueError("a lead to route needs an id or a signal_id")


def _stored(row: Mapping[str, Any]) -> RoutingDecision:
    return RoutingDecision(
        row["lead_id"], row["owner_id"], row["reason"], row["rule"], row["pool_key"], reused=True
    )


class Router:
    """Routes many leads in one transaction: users, loads, stored decisions and pool states are read
    once, new decisions and pool states are written together by :meth:`flush`.

    Callable as the push hook: ``router(lead_fields, matched_account) -> (owner_id, reason)``. Use it as a
    context manager (``with Router(conn, cfg) as router: …``: flushed when the block ends without an
    error) or call :meth:`flush` before the transaction commits. :meth:`prefetch` reads the stored
    decisions of many leads in a few queries; a lead not prefetched is looked up on its own.
    """

    def __init__(self, conn: Connection, cfg: Config, *, now: datetime | None = None) -> None:
        self.conn = conn
        self.settings = routing_settings(cfg)
        self.now = now or utcnow()
        self.reps = load_reps(conn)
        since = self.now - timedelta(days=cfg.routing.capacity_window_days)
        self.loads: dict[str, int] = routing_store.owner_loads(conn, since)
        self._states: dict[str, tuple[dict[str, float], int] | None] = {}
        self._saved_pools: set[str] = set()  # pools whose row exists in the database
        self._dirty_pools: dict[str, dict[str, Any]] = {}
        self._decided: dict[str, RoutingDecision | None] = {}  # by key; None: none stored
        self._new: list[dict[str, Any]] = []
        self._accounts: dict[str, dict[str, Any] | None] = {}

    def __enter__(self) -> Router:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.flush()

    def __call__(self, lead: Mapping[str, Any], account: Mapping[str, Any] | None) -> tuple[str | None, str]:
        d = self.route(lead, account)
        return d.owner_id, d.reason

    def prefetch(self, leads: Iterable[Mapping[str, Any]]) -> None:
        """Read the stored decisions of ``leads`` (lead fields or signals) at once."""
        keys = [k for k in (lead_key(lead) for lead in leads) if k not in self._decided]
        found = routing_store.decisions(self.conn, keys)
        for k in keys:
            self._decided[k] = _stored(found[k]) if k in found else None

    def route(self, lead: Mapping[str, Any], account: Mapping[str, Any] | None = None) -> RoutingDecision:
        """Decide (or return the stored decision of) one lead and record it."""
        key = lead_key(lead)
        if key not in self._decided:
            self.prefetch([lead])
        known = self._decided[key]
        if known is not None:
            return known
        if account is None and lead.get("matched_account_id"):
            account = self._account(str(lead["matched_account_id"]))
        step = plan_route(lead, account, self.reps, self.settings)
        if isinstance(step, Fixed):
            decision = RoutingDecision(key, step.owner_id, step.reason, step.rule)
        else:
            state, position = self._state(step.pool_key)
            pick = pick_weighted(step.members, state, position, self.settings, self.loads)
            owner = pick.user_id or self.settings.fallback_owner_id
            reason = round_robin_reason(step, pick, self.reps, self.settings)
            if pick.user_id is not None:
                self._save_state(step.pool_key, pick.state, pick.position, pick.user_id)
            decision = RoutingDecision(key, owner, reason, step.rule, step.pool_key)
        if decision.owner_id:
            self.loads[decision.owner_id] = self.loads.get(decision.owner_id, 0) + 1
        self._new.append(
            {
                "lead_id": key,
                "signal_id": lead.get("signal_id"),
                "owner_id": decision.owner_id,
                "reason": decision.reason,
                "rule": decision.rule,
                "pool_key": decision.pool_key,
                "decided_at": self.now,
            }
        )
        self._decided[key] = replace(decision, reused=True)  # routed again: this decision, reused
        return decision

    def flush(self) -> None:
        """Write the new decisions and the moved pool states (in the router's transaction)."""
        routing_store.insert_decisions(self.conn, self._new)
        new = [v for k, v in self._dirty_pools.items() if k not in self._saved_pools]
        changed = [v for k, v in self._dirty_pools.items() if k in self._saved_pools]
        routing_store.save_pool_states(self.conn, new, changed)
        self._saved_pools.update(self._dirty_pools)
        self._new, self._dirty_pools = [], {}

    def _account(self, account_id: str) -> dict[str, Any] | None:
        if account_id not in self._accounts:
            self._accounts[account_id] = rows_by_id(self.conn, accounts, [account_id]).get(account_id)
        return self._accounts[account_id]

    def _state(self, pool_key: str) -> tuple[dict[str, float], int]:
        if pool_key not in self._states:
            self._states[pool_key] = routing_store.pool_state(self.conn, pool_key)
            if self._states[pool_key] is not None:
                self._saved_pools.add(pool_key)
        cached = self._states[pool_key]
        return (dict(cached[0]), cached[1]) if cached else ({}, 0)

    def _save_state(self, pool_key: str, state: dict[str, float], position: int, user_id: str) -> None:
        self._dirty_pools[pool_key] = {
            "pool_key": pool_key,
            "weights": dict(state),
            "position": position,
            "last_user_id": user_id,
            "updated_at": self.now,
        }
        self._states[pool_key] = (state, position)


def route_lead(conn: Connection, lead_fields: Mapping[str, Any], config: Config) -> RoutingDecision:
    """Route one lead (in the caller's transaction); see :class:`Router` for many."""
    with Router(conn, config) as router:
        return router.route(lead_fields)


def explain(conn: Connection, lead_id: str) -> dict[str, Any] | None:
    """The stored decision of a lead (by lead id, else by its signal), with the lead's current owner."""
    lead = rows_by_id(conn, leads, [lead_id]).get(lead_id)
    row = routing_store.decisions(conn, [lead_id]).get(lead_id)
    if row is None and lead is not None and lead["signal_id"]:
        key = f"signal:{lead['signal_id']}"
        row = routing_store.decisions(conn, [key]).get(key)
    if row is None and lead is None:
        return None
    out: dict[str, Any] = {"lead_id": lead_id, "current_owner_id": lead["owner_id"] if lead else None}
    if row is not None:
        out.update(
            owner_id=row["owner_id"],
            reason=row["reason"],
            rule=row["rule"],
            pool_key=row["pool_key"],
            decided_at=row["decided_at"].isoformat() if row["decided_at"] else None,
        )
    elif lead is not None:
        out.update(owner_id=lead["owner_id"], reason=lead["routing_reason"], rule=None, pool_key=None)
    return out
