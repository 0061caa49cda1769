"""What a notification says (pure): the past deal and the "why it matters" sentence.

The wording of the departure rules (3A/3B) follows the person's actual role on the company's open
opportunities: a contact who was on the buying group of an open deal means "re-map the buying group";
one with no role on them does not. The lead page shows the same sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def money(value: Any) -> str:
    """``120000`` → ``"$120K"``, ``2500000`` → ``"$2.5M"`` (``""`` for none)."""
    if value is None or value == "":
        return ""
    v = float(value)
    if abs(v) >= 1_000_000:
        return f"${v / 1_000_000:,.1f}M"
    if abs(v) >= 10_000:
        return f"${v / 1_000:,.0f}K"
    return f"${v:,.0f}"


def _stage(o: Mapping[str, Any]) -> int:
    s = o.get("stage_number")
    return -1 if s is None else int(s)


def best_deal(roles: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The deal worth naming: a won one (largest amount), else the furthest open one, else the newest."""
    if not roles:
        return None
    won = [dict(r) for r in roles if r.get("is_won")]
    if won:
        return max(won, key=lambda r: float(r.get("amount") or 0))
    open_ = [dict(r) for r in roles if not r.get("is_closed")]
    if open_:
        return max(open_, key=_stage)
    return max((dict(r) for r in roles), key=lambda r: str(r.get("close_date") or ""))


def deal_text(deal: Mapping[str, Any] | None) -> str:
    """One line about a deal: ``"Acme - Platform (7-Closed Won, $120K), role: Economic Buyer"``."""
    if not deal:
        return ""
    facts = [str(deal.get("stage") or ("won" if deal.get("is_won") else "")), money(deal.get("amount"))]
    inner = ", ".join(f for f in facts if f)
    role = deal.get("role") or "contact role"
    name = deal.get("name") or "an opportunity"
    return f"{name}" + (f" ({inner})" if inner else "") + f", role: {role}"


def why_it_matters(
    company: str,
    open_opps: Sequence[Mapping[str, Any]],
    *,
    customer: bool,
    renewal: bool,
    left: bool,
    person: str = "",
    roles_on_open: Sequence[Mapping[str, Any]] = (),
    past_deal: Mapping[str, Any] | None = None,
) -> str:
    """The one sentence a rep reads first. ``left``: the person left ``company`` (rules 3A/3B);
    ``roles_on_open``: their roles on ``company``'s open opportunities; ``past_deal``: a deal they
    were on before (a job-change lead)."""
    parts = []
    if opps := list(open_opps):
        best = max(opps, key=_stage)
        n = len(opps)
        parts.append(
            f"{company} has {n} open opportunit{'y' if n == 1 else 'ies'}, furthest at {best.get('stage')}"
            + (f" ({best.get('name')})" if best.get("name") else "")
        )
    elif not left:
        parts.append(f"no open opportunity at {company}: a warm way in")
    if customer:
        parts.append(f"{company} is a customer" + (" with an open renewal" if renewal else ""))
    who = person or "they"
    if left and roles_on_open:
        role = roles_on_open[0]
        parts.append(
            f"{who} was {role.get('role') or 'a contact'} on {role.get('name') or 'an open deal'}: "
            "the deal just lost a member of its buying group, re-map it"
        )
    elif left and opps:
        parts.append(f"{who} had no role on these opportunities: the deal team is unchanged")
    elif left:
        parts.append(f"no open opportunity at {company}: follow {who} to the new company")
    if past_deal and not left:
        verb = "won" if past_deal.get("is_won") else "worked"
        deal, their_role = past_deal.get("name") or "an opportunity", past_deal.get("role") or "a contact"
        parts.append(f"{who} {verb} a deal with us before ({deal}, {their_role})")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def new_hire_why(company: str, person: str, open_opps: Sequence[Mapping[str, Any]]) -> str:
    """Why a new hire at a target account matters (rule 2A)."""
    who = person or "Someone"
    text = f"{who} is new at {company}, a target account: a first conversation while they shape their plans"
    if open_opps:
        best = max(open_opps, key=_stage)
        n = len(open_opps)
        text += (
            f"; {company} has {n} open opportunit{'y' if n == 1 else 'ies'}, furthest at {best.get('stage')}"
        )
    return text + "."
