"""The pipeline and engagement of one account in the demo data: opportunities with their contact roles,
activities, and leads (see :mod:`jobshift.synth.crm` for users, accounts and contacts)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from jobshift.synth.crm import CONTACT_ROLES, STAGES, Account, ContactRec, at, iso, linkedin_slug
from jobshift.synth.names import ascii_slug, pick_name
from jobshift.synth.titles import any_title, buyer_title

_AMOUNT = {
    "Large": (50_000, 600_000),
    "Mid-Market": (15_000, 150_000),
    "SMB": (3_000, 30_000),
    "PubSec": (20_000, 300_000),
}


@dataclass
class OppPlan:
    """What one opportunity is."""

    stage: int
    type: str
    close: date
    created: date


def _opp_plans(rng: random.Random, acc: Account, as_of: date) -> list[OppPlan]:
    plans: list[OppPlan] = []

    def past(lo: int, hi: int) -> date:
        return as_of - timedelta(days=rng.randint(lo, hi))

    def add(stage: int, typ: str, close: date) -> None:
        plans.append(OppPlan(stage, typ, close, close - timedelta(days=rng.randint(30, 240))))

    if acc.type == "Customer":
        add(7, "New Business", past(200, 1400))
        for _ in range(rng.choice((0, 0, 1, 2))):
            add(rng.choice((7, 7, 8)), "Add-On", past(20, 700))
        if rng.random() < 0.45:  # open renewal
            add(rng.randint(1, 6), "Renewal", as_of + timedelta(days=rng.randint(10, 180)))
        elif rng.random() < 0.5:
            add(7, "Renewal", past(20, 360))
        if rng.random() < 0.2:
            add(rng.randint(0, 6), "Add-On", as_of + timedelta(days=rng.randint(10, 200)))
    elif acc.type == "Former Customer":
        add(7, "New Business", past(900, 2200))
        add(8, "Renewal", past(100, 800))
    elif acc.type == "Prospect":
        r = rng.random()
        if r < 0.4:
            add(rng.randint(0, 6), "New Business", as_of + timedelta(days=rng.randint(10, 200)))
        elif r < 0.65:
            add(8, "New Business", past(20, 900))
        if rng.random() < 0.08:
            add(8, "New Business", past(300, 1200))
    elif rng.random() < 0.2:  # partner
        add(7, "New Business", past(100, 900))
    return plans


def make_opportunities(
    rng: random.Random, acc: Account, contacts: list[ContactRec], as_of: date, next_opp: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Opportunities of one account and their contact roles (marks ``ContactRec.roles``)."""
    opps: list[dict[str, object]] = []
    roles: list[dict[str, object]] = []
    for j, plan in enumerate(_opp_plans(rng, acc, as_of)):
        oid = f"o-{next_opp + j:07d}"
        lo, hi = _AMOUNT[acc.segment]
        won, closed = plan.stage == 7, plan.stage >= 7
        opps.append(
            {
                "id": oid,
                "account_id": acc.id,
                "name": f"{acc.company.base} - {plan.type}",
                "stage": STAGES[plan.stage],
                "type": plan.type,
                "is_closed": closed,
                "is_won": won,
                "amount": round(rng.uniform(lo, hi), -2),
                "created_at": iso(at(plan.created, rng)),
                "close_date": iso(plan.close),
                "owner_id": acc.owner_id,
                "lead_source": rng.choice(("Outbound", "Inbound", "Partner", "Event", "Web")),
            }
        )
        if not contacts:
            continue
        k = min(len(contacts), rng.choice((1, 2, 2, 3, 3, 4, 5, 6)))
        kind = "won" if won else ("lost" if closed else "open")
        for n, c in enumerate(rng.sample(contacts, k)):
            if not c.roles and rng.random() < 0.6:
                c.title = buyer_title(rng)
            c.roles.add(kind)
            roles.append(
                {
                    "opportunity_id": oid,
                    "contact_id": c.id,
                    "role": rng.choice(CONTACT_ROLES),
                    "is_primary": n == 0,
                }
            )
    return opps, roles


ACTIVITY_SUBJECTS = {
    "Email": ("Follow-up", "Intro", "Pricing question", "Re: proposal"),
    "Call": ("Discovery call", "Check-in call", "Left voicemail"),
    "Meeting": ("Demo", "Technical deep dive", "QBR", "Kick-off"),
    "LinkedIn": ("LinkedIn InMail",),
    "Other": ("Event follow-up",),
}
_ACT_TYPES = ("Email", "Email", "Email", "Call", "Call", "Meeting", "LinkedIn", "Other")


def make_activities(
    rng: random.Random, who_id: str, owner_id: str, n: int, as_of: date, opp_id: str | None, first_no: int
) -> list[dict[str, object]]:
    """``n`` activities for ``who_id`` within the last 12 months."""
    out: list[dict[str, object]] = []
    for j in range(n):
        typ = rng.choice(_ACT_TYPES)
        out.append(
            {
                "id": f"act-{first_no + j:08d}",
                "who_id": who_id,
                "type": typ,
                "occurred_at": iso(at(as_of - timedelta(days=rng.randint(1, 365)), rng)),
                "owner_id": owner_id,
                "subject": rng.choice(ACTIVITY_SUBJECTS[typ]),
                "opportunity_id": opp_id if opp_id and rng.random() < 0.5 else None,
            }
        )
    return out


LEAD_STATUSES = ("Open - Not Contacted", "Working - Contacted", "Nurture", "Unqualified", "Converted")


def make_lead(
    rng: random.Random,
    lead_no: int,
    person_no: int,
    company: str,
    domain: str | None,
    country: str,
    owner_id: str,
    as_of: date,
    convert_to: tuple[str, str] | None,
) -> dict[str, object]:
    """An existing lead (a person who is not a CRM contact); ``convert_to`` = (contact id, account id)."""
    nm = pick_name(rng, country)
    f, la = ascii_slug(nm.first).replace("-", ""), ascii_slug(nm.last).replace("-", "")
    email = f"{f}.{la}.{lead_no % 97}@{domain}" if domain else None
    status = "Converted" if convert_to else rng.choice(LEAD_STATUSES[:4])
    return {
        "id": f"l-{lead_no:07d}",
        "first_name": nm.first,
        "last_name": nm.last,
        "email": email,
        "company": company,
        "title": any_title(rng),
        "linkedin_url": f"linkedin.com/in/{linkedin_slug(nm, person_no)}" if rng.random() < 0.6 else None,
        "status": status,
        "lead_source": rng.choice(("Web", "Event", "Content Download", "Outbound")),
        "owner_id": owner_id,
        "created_at": iso(at(as_of - timedelta(days=rng.randint(5, 700)), rng)),
        "converted_contact_id": convert_to[0] if convert_to else None,
        "converted_account_id": convert_to[1] if convert_to else None,
        "converted_opportunity_id": None,
    }
