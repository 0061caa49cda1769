"""A small hand-built CRM for the scorecard tests; every expected value is derived in the comments.

Graded month: 2024-03 (period [2024-03-01, 2024-04-01)); engagement window: 2024-01 .. 2024-03.
ICP: industry Software, country US, at least 100 employees. Persona (test matcher): a title
containing "vp", "chief" or equal to "CTO" (case-insensitive).

Accounts                      customer?                         ICP?               other
  A1 Customer Software US 500  yes (type; also O1 won)           yes
  A2 Prospect Retail US 200    no (O5 won, created after as_of)  no (industry)      target; O4 lost, O7 open
  A3 Prospect Software DE 50   no                                no                 O3 open
  A4 Prospect Banking US 1000  yes (O2 probability 100)          no (industry)
  A5 Prospect Software US 300  no                                yes                no opps
  A6 Customer (no industry) US yes (type)                        no (industry)
  A7 Prospect Software US 150  yes (O6 won)                      yes

Opportunities (kind as of 2024-04-01)
  O1 A1 closed won   created 2023-06-01                roles C1, C2, C3
  O2 A4 prob. 100    created 2023-07-01 (won)          role  C4
  O3 A3 open  500    created 2024-03-10                roles C6 (03-10 09:00, first), C5 (03-15)
  O4 A2 closed lost  created 2023-05-01                roles C7, C8
  O5 A2 closed won   created 2024-05-01 → after as_of: ignored   role C9
  O6 A7 closed won 2000 created 2024-03-05 closed 2024-03-25  roles C11 (03-05, first), C12 (03-06)
  O7 A2 open  300    created 2024-03-25                no roles

Contacts: C3 and C8 have no account (not tracked by the default tracked set); the others are tracked.
Leads (jobshift = lead source "jobshift Contact Tracking" or a signal_id):
  L1 03-02 09:00 "VP Engineering" → A5, owner U1, converted to C11; acts 03-04 10:00, 03-05, 03-20 Meeting
  L2 03-05 "Office Manager" → A1, owner U1; no activity
  L3 03-10 12:00 "CTO" signal s1 (source Other) → A3, owner U2; act 03-10 13:00
  L4 03-15 no title, no account, flags target=yes customer=no, owner U2; acts 03-01 (before creation)
     and 04-02 (after the period) → both ignored
  L5 03-20 "Buyer" → A2, owner U2; 5 activities 03-21 .. 03-25 10:00
  L6 03-06 "VP Sales" source Webinar → not a jobshift lead
  L7 2024-01-10 no title, converted to C5 / account A3, owner U1; acts on C5 01-20, on L7 01-25, 02-01, 02-02
  L8 2023-12-20 (before the window) with activities
Signals detected in March: pushed ×3, new ×1, suppressed:advisor ×1; in February: suppressed:intern ×1.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert

from jobshift.store import Store
from jobshift.store.schema import (
    accounts,
    activities,
    contacts,
    leads,
    opportunities,
    opportunity_contact_roles,
    signals,
    users,
)

D = datetime
JS = "jobshift Contact Tracking"


def title_matcher(title: str) -> bool:
    """The persona of the tests."""
    t = title.lower()
    return "vp" in t.split() or "chief" in t or t == "cto"


def _acc(
    id_: str, type_: str, industry: str | None, country: str, employees: int, **kw: Any
) -> dict[str, Any]:
    return {
        "id": id_,
        "name": f"Account {id_}",
        "type": type_,
        "industry": industry,
        "country": country,
        "employees": employees,
        "is_target": kw.get("is_target", False),
        "segment": None,
        "created_at": None,
    }


def _opp(
    id_: str,
    acc: str,
    created: datetime,
    *,
    closed: bool,
    won: bool,
    amount: float = 0.0,
    probability: float | None = None,
    close: date | None = None,
) -> dict[str, Any]:
    return {
        "id": id_,
        "account_id": acc,
        "name": f"Opp {id_}",
        "stage": "x",
        "is_closed": closed,
        "is_won": won,
        "probability": probability,
        "amount": amount,
        "created_at": created,
        "close_date": close,
    }


def _con(id_: str, acc: str | None, title: str, **kw: Any) -> dict[str, Any]:
    return {
        "id": id_,
        "account_id": acc,
        "last_name": id_,
        "first_name": "F",
        "title": title,
        "email": kw.get("email", f"{id_.lower()}@x.com"),
        "linkedin_url": kw.get("linkedin_url"),
        "email_opt_out": kw.get("email_opt_out", False),
        "no_longer_at_company": False,
    }


def _lead(id_: str, created: datetime, title: str | None, **kw: Any) -> dict[str, Any]:
    row = {
        "id": id_,
        "last_name": id_,
        "first_name": "F",
        "company": "Co",
        "title": title,
        "created_at": created,
        "lead_source": JS,
        "signal_id": None,
        "owner_id": None,
        "matched_account_id": None,
        "converted_contact_id": None,
        "converted_account_id": None,
        "is_target_company": None,
        "is_customer_company": None,
    }
    row.update(kw)
    return row


def _act(id_: str, who: str, at: datetime, type_: str = "Call") -> dict[str, Any]:
    return {
        "id": id_,
        "who_id": who,
        "type": type_,
        "occurred_at": at,
        "owner_id": None,
        "opportunity_id": None,
    }


def _sig(id_: str, at: datetime, status: str) -> dict[str, Any]:
    return {
        "signal_id": id_,
        "type": "job_change",
        "detected_at": at,
        "status": status,
        "full_name": f"P {id_}",
        "new_company": "NewCo",
        "new_title": "VP",
    }


def load(store: Store) -> None:
    """Insert the data set described in the module docstring."""
    rows: dict[Any, list[dict[str, Any]]] = {
        users: [{"id": "U1", "name": "Ann", "role": "BDR"}, {"id": "U2", "name": "Bob", "role": "SDR"}],
        accounts: [
            _acc("A1", "Customer", "Software", "US", 500),
            _acc("A2", "Prospect", "Retail", "US", 200, is_target=True),
            _acc("A3", "Prospect", "Software", "DE", 50),
            _acc("A4", "Prospect", "Banking", "US", 1000),
            _acc("A5", "Prospect", "Software", "US", 300),
            _acc("A6", "Customer", None, "US", 2000),
            _acc("A7", "Prospect", " software ", "us", 150),
        ],
        opportunities: [
            _opp("O1", "A1", D(2023, 6, 1), closed=True, won=True, amount=1000, close=date(2023, 9, 1)),
            _opp("O2", "A4", D(2023, 7, 1), closed=False, won=False, probability=100),
            _opp("O3", "A3", D(2024, 3, 10), closed=False, won=False, amount=500),
            _opp("O4", "A2", D(2023, 5, 1), closed=True, won=False),
            _opp("O5", "A2", D(2024, 5, 1), closed=True, won=True, amount=9999, close=date(2024, 3, 20)),
            _opp("O6", "A7", D(2024, 3, 5), closed=True, won=True, amount=2000, close=date(2024, 3, 25)),
            _opp("O7", "A2", D(2024, 3, 25), closed=False, won=False, amount=300),
        ],
        contacts: [
            _con("C1", "A1", "VP Engineering"),
            _con("C2", "A1", "Office Manager"),
            _con("C3", None, "CTO"),
            _con("C4", "A4", "Director of IT"),
            _con("C5", "A3", "Engineer"),
            _con("C6", "A3", "Chief Technology Officer"),
            _con("C7", "A2", "Buyer"),
            _con("C8", None, "Analyst"),
            _con("C9", "A2", "Clerk"),
            _con("C11", "A7", "VP Engineering"),
            _con("C12", "A7", "Procurement"),
        ],
        opportunity_contact_roles: [
            {"opportunity_id": o, "contact_id": c, "created_at": at}
            for o, c, at in [
                ("O1", "C1", None),
                ("O1", "C2", None),
                ("O1", "C3", None),
                ("O2", "C4", None),
                ("O3", "C6", D(2024, 3, 10, 9)),
                ("O3", "C5", D(2024, 3, 15)),
                ("O4", "C7", None),
                ("O4", "C8", None),
                ("O5", "C9", None),
                ("O6", "C11", D(2024, 3, 5)),
                ("O6", "C12", D(2024, 3, 6)),
            ]
        ],
        leads: [
            _lead(
                "L1",
                D(2024, 3, 2, 9),
                "VP Engineering",
                matched_account_id="A5",
                owner_id="U1",
                converted_contact_id="C11",
            ),
            _lead("L2", D(2024, 3, 5), "Office Manager", matched_account_id="A1", owner_id="U1"),
            _lead(
                "L3",
                D(2024, 3, 10, 12),
                "CTO",
                signal_id="s1",
                lead_source="Other",
                matched_account_id="A3",
                owner_id="U2",
            ),
            _lead(
                "L4", D(2024, 3, 15), None, owner_id="U2", is_target_company=True, is_customer_company=False
            ),
            _lead("L5", D(2024, 3, 20), "Buyer", matched_account_id="A2", owner_id="U2"),
            _lead("L6", D(2024, 3, 6), "VP Sales", lead_source="Webinar"),
            _lead(
                "L7",
                D(2024, 1, 10),
                None,
                owner_id="U1",
                converted_contact_id="C5",
                converted_account_id="A3",
            ),
            _lead("L8", D(2023, 12, 20), "VP Data", owner_id="U1"),
        ],
        activities: [
            _act("a1", "L1", D(2024, 3, 4, 10)),
            _act("a2", "L1", D(2024, 3, 5)),
            _act("a3", "L1", D(2024, 3, 20), "Meeting"),
            _act("a4", "L3", D(2024, 3, 10, 13)),
            _act("a5", "L4", D(2024, 3, 1)),
            _act("a6", "L4", D(2024, 4, 2)),
            *[_act(f"b{i}", "L5", D(2024, 3, 21 + i, 10)) for i in range(5)],
            _act("a7", "L6", D(2024, 3, 7)),
            _act("a8", "C5", D(2024, 1, 20)),
            _act("a9", "L7", D(2024, 1, 25)),
            _act("a10", "L7", D(2024, 2, 1)),
            _act("a11", "L7", D(2024, 2, 2)),
            _act("a12", "L8", D(2024, 1, 5)),
        ],
        signals: [
            _sig("s1", D(2024, 3, 9), "pushed"),
            _sig("s2", D(2024, 3, 10), "pushed"),
            _sig("s3", D(2024, 3, 11), "pushed"),
            _sig("s4", D(2024, 3, 31, 23), "new"),
            _sig("s5", D(2024, 3, 1), "suppressed:advisor"),
            _sig("s6", D(2024, 2, 28), "suppressed:intern"),
        ],
    }
    with store.begin() as conn:
        for table, data in rows.items():
            conn.execute(insert(table), data)
