"""Lead routing (pure): who owns a new lead, and why.

1. The matched account's BDR, when the account has one and that user is active.
2. An SMB account (``smb_segments``) without a usable BDR: round-robin over the active users of
   ``smb_roles`` (SDRs).
3. Otherwise (no matched account, or a non-SMB account without a BDR): the first pool whose regions and
   segments match the lead; round-robin over its active members (of the lead's region when any).

Round-robin is smooth weighted round-robin (the nginx algorithm): each member carries a current weight;
every pick adds each eligible member's weight to its current weight, picks the largest (ties: lowest
user id) and subtracts the total. With equal weights it is plain rotation; a member that joins starts at
0, a member that leaves is dropped. Members at their capacity are not eligible. The state (current
weights and a position counter) is what the service persists per pool key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rep:
    """A CRM user as routing sees it."""

    id: str
    name: str
    role: str
    active: bool
    region: str | None = None
    segment: str | None = None


@dataclass(frozen=True)
class PoolSpec:
    """A configured round-robin pool (``[[routing.pools]]``)."""

    name: str
    regions: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    roles: tuple[str, ...] = ("BDR", "SDR")
    users: tuple[str, ...] = ()
    same_region: bool = True


@dataclass(frozen=True)
class RoutingSettings:
    """``[routing]`` as plain values."""

    smb_segments: tuple[str, ...] = ("SMB",)
    smb_roles: tuple[str, ...] = ("SDR",)
    regions: Mapping[str, Sequence[str]] = field(default_factory=dict)
    default_region: str | None = None
    pools: tuple[PoolSpec, ...] = (PoolSpec("default"),)
    weights: Mapping[str, float] = field(default_factory=dict)
    capacity: Mapping[str, int] = field(default_factory=dict)
    default_capacity: int | None = None
    fallback_owner_id: str | None = None


@dataclass(frozen=True)
class Fixed:
    """The owner is known without a rotation."""

    owner_id: str | None
    rule: str
    reason: str


@dataclass(frozen=True)
class RoundRobin:
    """Pick from a pool: ``members`` (sorted ids) under ``pool_key``; ``why`` prefixes the reason."""

    pool_key: str
    members: tuple[str, ...]
    rule: str
    why: str


@dataclass(frozen=True)
class Pick:
    """The outcome of one weighted round-robin step."""

    user_id: str | None
    state: dict[str, float]
    position: int
    eligible: int


def region_of(country: str | None, settings: RoutingSettings) -> str | None:
    """The sales region of a country (ISO-2 code or name, any case); ``default_region`` if unlisted."""
    if not country or not country.strip():
        return None
    c = country.strip().casefold()
    for region, countries in settings.regions.items():
        if any(c == x.casefold() for x in countries):
            return region
    return settings.default_region


def _label(rep: Rep | None, user_id: str) -> str:
    return f"{rep.name} ({user_id})" if rep else user_id


def _account_label(account: Mapping[str, Any]) -> str:
    name = account.get("name")
    return f"{name} ({account.get('id')})" if name else str(account.get("id"))


def plan_route(
    lead: Mapping[str, Any],
    account: Mapping[str, Any] | None,
    reps: Mapping[str, Rep],
    settings: RoutingSettings,
) -> Fixed | RoundRobin:
    """The first routing step that applies to ``lead`` (its matched ``account`` may be ``None``)."""
    skipped = ""
    if account is not None:
        bdr_id = account.get("bdr_id")
        segment = account.get("segment")
        bdr = reps.get(str(bdr_id)) if bdr_id else None
        if bdr_id and (bdr is None or bdr.active):
            return Fixed(str(bdr_id), "account_bdr", f"BDR of matched account {_account_label(account)}")
        if bdr_id:
            skipped = f"BDR {_label(bdr, str(bdr_id))} of {_account_label(account)} is inactive; "
        if segment in settings.smb_segments:
            members = tuple(sorted(r.id for r in reps.values() if r.active and r.role in settings.smb_roles))
            no_bdr = skipped or f"no BDR on account {_account_label(account)}; "
            why = f"{segment}, {no_bdr}round-robin over {len(members)} active {'/'.join(settings.smb_roles)}"
            return RoundRobin("smb:" + "+".join(settings.smb_roles), members, "smb_round_robin", why)
    region = region_of(lead.get("company_country") or lead.get("person_country"), settings)
    segment = account.get("segment") if account else None
    for pool in settings.pools:
        if pool.regions and region not in pool.regions:
            continue
        if pool.segments and segment not in pool.segments:
            continue
        if pool.users:
            cands = [reps[u] for u in pool.users if u in reps and reps[u].active]
        else:
            cands = [r for r in reps.values() if r.active and r.role in pool.roles]
        scope = "*"
        if pool.same_region and region:
            local = [r for r in cands if r.region == region]
            if local:
                cands, scope = local, region
        members = tuple(sorted(r.id for r in cands))
        where = f"account {_account_label(account)} has no BDR" if account else "no matched account"
        why = (
            f"{skipped}{where}; region {region or 'unknown'}, segment {segment or 'unknown'} → "
            f"pool {pool.name!r}: round-robin over {len(members)} active reps"
            + (f" of {scope}" if scope != "*" else "")
        )
        return RoundRobin(f"pool:{pool.name}:{scope}", members, "pool_round_robin", why)
    return Fixed(
        settings.fallback_owner_id,
        "fallback",
        f"{skipped}no pool matches region {region or 'unknown'}, segment {segment or 'unknown'}"
        + (
            f" → fallback owner {settings.fallback_owner_id}"
            if settings.fallback_owner_id
            else " → unassigned"
        ),
    )


def capacity_of(user_id: str, settings: RoutingSettings) -> int | None:
    """Leads per capacity window for ``user_id`` (``None`` = no cap)."""
    return settings.capacity.get(user_id, settings.default_capacity)


def pick_weighted(
    members: Sequence[str],
    state: Mapping[str, float],
    position: int,
    settings: RoutingSettings,
    loads: Mapping[str, int],
) -> Pick:
    """One smooth weighted round-robin step over the members not at capacity."""
    eligible = []
    for m in members:
        cap = capacity_of(m, settings)
        if cap is None or loads.get(m, 0) < cap:
            eligible.append(m)
    new_state = {m: float(state.get(m, 0.0)) for m in members}
    if not eligible:
        return Pick(None, new_state, position, 0)
    total = 0.0
    for m in eligible:
        w = float(settings.weights.get(m, 1.0))
        new_state[m] += w
        total += w
    best = max(new_state[m] for m in eligible)
    chosen = min(m for m in eligible if new_state[m] == best)
    new_state[chosen] -= total
    return Pick(chosen, new_state, position + 1, len(eligible))


def round_robin_reason(
    step: RoundRobin, pick: Pick, reps: Mapping[str, Rep], settings: RoutingSettings
) -> str:
    """The stored reason of a round-robin decision."""
    if pick.user_id is None:
        full = "no active members" if not step.members else "every member is at capacity"
        fb = settings.fallback_owner_id
        return f"{step.why}: {full} → " + (f"fallback owner {fb}" if fb else "unassigned")
    nth = step.members.index(pick.user_id) + 1
    return (
        f"{step.why} → member #{nth} of {len(step.members)}: {_label(reps.get(pick.user_id), pick.user_id)}"
        f" (assignment {pick.position} of pool {step.pool_key})"
    )
