"""Lead routing with persistent round-robin state (``routing_state``) and stored decisions
(``routing_decisions``).

The push calls it while planning, in its own transaction, so a rolled-back plan also rolls back the
rotation. A lead routed twice (a re-run) gets its stored decision back and the rotation does not move.

Hook for the push (``services.push_plan.plan(..., route=...)``)::

    router = Router(conn, cfg, now=now)
    plan(conn, connector, cfg, is_backfill=..., now=now, route=router)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from jobshift.config import Config
from jobshift.domain.routing import (
    Fixed,
    Rep,
    pick_weighted,
    plan_route,
    round_robin_reason,
)
from jobshift.services.specs import routing_settings
from jobshift.store.schema import accounts, leads, routing_decisions, routing_state, users
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
    q = select(users.c.id, users.c.name, users.c.role, users.c.active, users.c.region, users.c.segment)
    return {
        r.id: Rep(r.id, r.name, r.role, r.active is not False, r.region, r.segment) for r in conn.execute(q)
    }


def lead_key(lead: Mapping[str, Any]) -> str:
    """The decision key: the lead id when known, else ``signal:<signal_id>``."""
    if lead.get("id"):
        return str(lead["id"])
    if lead.get("signal_id"):
        return f"signal:{lead['signal_id']}"
    raise ValueError("a lead to route needs an id or a signal_id")


class Router:
    """Routes many leads in one transaction: users, loads and pool states are read once.

    Callable as the push hook: ``router(lead_fields, matched_account) -> (owner_id, reason)``.
    """

    def __init__(self, conn: Connection, cfg: Config, *, now: datetime | None = None) -> None:
        self.conn = conn
        self.settings = routing_settings(cfg)
        self.now = now or utcnow()
        self.reps = load_reps(conn)
        since = self.now - timedelta(days=cfg.routing.capacity_window_days)
        q = (
            select(routing_decisions.c.owner_id, func.count())
            .where(routing_decisions.c.decided_at >= since, routing_decisions.c.owner_id.is_not(None))
            .group_by(routing_decisions.c.owner_id)
        )
        self.loads: dict[str, int] = {str(o): int(n) for o, n in conn.execute(q)}
        self._states: dict[str, tuple[dict[str, float], int] | None] = {}

    def __call__(self, lead: Mapping[str, Any], account: Mapping[str, Any] | None) -> tuple[str | None, str]:
        d = self.route(lead, account)
        return d.owner_id, d.reason

    def route(self, lead: Mapping[str, Any], account: Mapping[str, Any] | None = None) -> RoutingDecision:
        """Decide (or return the stored decision of) one lead and record it."""
        key = lead_key(lead)
        row = self.conn.execute(select(routing_decisions).where(routing_decisions.c.lead_id == key)).first()
        if row is not None:
            return RoutingDecision(key, row.owner_id, row.reason, row.rule, row.pool_key, reused=True)
        if account is None and lead.get("matched_account_id"):
            acc = (
                self.conn.execute(select(accounts).where(accounts.c.id == lead["matched_account_id"]))
                .mappings()
                .first()
            )
            account = dict(acc) if acc else None
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
        self.conn.execute(
            insert(routing_decisions).values(
                lead_id=key,
                signal_id=lead.get("signal_id"),
                owner_id=decision.owner_id,
                reason=decision.reason,
                rule=decision.rule,
                pool_key=decision.pool_key,
                decided_at=self.now,
            )
        )
        return decision

    def _state(self, pool_key: str) -> tuple[dict[str, float], int]:
        if pool_key not in self._states:
            q = select(routing_state.c.weights, routing_state.c.position).where(
                routing_state.c.pool_key == pool_key
            )
            if self.conn.dialect.name == "postgresql":
                q = q.with_for_update()  # concurrent pushes take turns on a pool
            row = self.conn.execute(q).first()
            self._states[pool_key] = (dict(row.weights or {}), int(row.position)) if row else None
        cached = self._states[pool_key]
        return (dict(cached[0]), cached[1]) if cached else ({}, 0)

    def _save_state(self, pool_key: str, state: dict[str, float], position: int, user_id: str) -> None:
        values = {"weights": state, "position": position, "last_user_id": user_id, "updated_at": self.now}
        if self._states.get(pool_key) is None:
            self.conn.execute(insert(routing_state).values(pool_key=pool_key, **values))
        else:
            self.conn.execute(
                update(routing_state).where(routing_state.c.pool_key == pool_key).values(**values)
            )
        self._states[pool_key] = (state, position)


def route_lead(conn: Connection, lead_fields: Mapping[str, Any], config: Config) -> RoutingDecision:
    """Route one lead (in the caller's transaction); see :class:`Router` for many."""
    return Router(conn, config).route(lead_fields)


def explain(conn: Connection, lead_id: str) -> dict[str, Any] | None:
    """The stored decision of a lead (by lead id, else by its signal), with the lead's current owner."""
    lead = conn.execute(select(leads).where(leads.c.id == lead_id)).mappings().first()
    q = select(routing_decisions).where(routing_decisions.c.lead_id == lead_id)
    row = conn.execute(q).mappings().first()
    if row is None and lead is not None and lead["signal_id"]:
        q = select(routing_decisions).where(routing_decisions.c.lead_id == f"signal:{lead['signal_id']}")
        row = conn.execute(q).mappings().first()
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
