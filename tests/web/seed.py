"""A small CRM seeded straight into the store (no generator): two teams, leads, signals, a run."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, insert, update

from jobshift.errors import InputError
from jobshift.services.admin import auth
from jobshift.services.workspace import Workspace, init_workspace
from jobshift.store.quarantine import add_quarantined
from jobshift.store.runs import finish_run, start_run
from jobshift.store.schema import (
    accounts,
    activities,
    contacts,
    leads,
    opportunities,
    opportunity_contact_roles,
    people_observations,
    signals,
    users,
)

T0 = datetime(2026, 3, 1, 9, 0, 0)
LOGINS = {
    "admin": ("admin", "admin-pass-1"),
    "manager": ("mgr", "mgr-pass-12"),
    "rep": ("rep", "rep-pass-12"),
    "rep2": ("rep2", "rep2-pass-12"),
}


def _user(uid: str, name: str, role: str, manager_id: str | None = None) -> dict[str, object]:
    return {
        "id": uid,
        "name": name,
        "role": role,
        "active": True,
        "manager_id": manager_id,
        "email": f"{uid}@example.com",
    }


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, every column present (missing ones as NULL; ``email_norm`` from ``email``)."""
    out = [{c.name: r.get(c.name) for c in table.columns} for r in rows]
    if "email_norm" in table.c:
        for r in out:
            if r["email_norm"] is None and r.get("email"):
                r["email_norm"] = str(r["email"]).strip().lower()
    conn.execute(insert(table), out)


def seed_workspace(ws_dir: Path) -> Workspace:
    """Create a workspace with CRM data and the four logins of ``LOGINS``."""
    ws, _ = init_workspace(ws_dir)
    with ws.store.begin() as conn:
        _insert(
            conn,
            users,
            [
                _user("u-mgr1", "Mona Manager", "Manager"),
                _user("u-mgr2", "Max Manager", "Manager"),
                _user("u-bdr1", "Bea Bdr", "BDR", "u-mgr1"),
                _user("u-bdr2", "Ben Bdr", "BDR", "u-mgr2"),
                _user("u-ae1", "Ada Ae", "AE", "u-mgr1"),
            ],
        )
        _insert(
            conn,
            accounts,
            [
                {
                    "id": "a-old",
                    "name": "OldCo",
                    "domain": "oldco.com",
                    "type": "Customer",
                    "segment": "Large",
                    "owner_id": "u-ae1",
                    "bdr_id": "u-bdr1",
                    "is_target": False,
                },
                {
                    "id": "a-new",
                    "name": "NewCo",
                    "domain": "newco.com",
                    "type": "Prospect",
                    "segment": "SMB",
                    "owner_id": "u-ae1",
                    "bdr_id": "u-bdr1",
                    "is_target": True,
                },
                {
                    "id": "a-other",
                    "name": "OtherCo",
                    "domain": "otherco.com",
                    "type": "Customer",
                    "segment": "Mid-Market",
                    "bdr_id": "u-bdr2",
                    "is_target": False,
                },
            ],
        )
        _insert(
            conn,
            opportunities,
            [
                {
                    "id": "o-1",
                    "account_id": "a-new",
                    "name": "NewCo platform",
                    "stage": "3-Technical Evaluation",
                    "stage_number": 3,
                    "is_closed": False,
                    "is_won": False,
                    "amount": 40000.0,
                },
                {
                    "id": "o-2",
                    "account_id": "a-new",
                    "name": "NewCo expansion",
                    "stage": "Closed Won",
                    "stage_number": 7,
                    "is_closed": True,
                    "is_won": True,
                    "amount": 50000.0,
                    "close_date": date(2026, 4, 1),
                },
            ],
        )
        _insert(
            conn,
            contacts,
            [
                {
                    "id": "c-1",
                    "account_id": "a-old",
                    "first_name": "Jane",
                    "last_name": "Doe",
                    "title": "Director IT",
                    "email": "jane@oldco.com",
                    "no_longer_at_company": True,
                    "status": "Disqualified",
                    "owner_id": "u-ae1",
                    "created_at": T0,
                },
                {
                    "id": "c-2",
                    "account_id": "a-old",
                    "first_name": "Bob",
                    "last_name": "Stay",
                    "title": "CTO",
                    "owner_id": "u-ae1",
                    "created_at": T0,
                },
                {
                    "id": "c-3",
                    "account_id": "a-other",
                    "first_name": "Carl",
                    "last_name": "Other",
                    "title": "VP Eng",
                    "no_longer_at_company": True,
                    "owner_id": "u-bdr2",
                    "created_at": T0,
                },
                {"id": "c-4", "first_name": "Nora", "last_name": "Noaccount", "created_at": T0},
            ],
        )
        _insert(
            conn,
            leads,
            [
                {
                    "id": "l-1",
                    "first_name": "Jane",
                    "last_name": "Doe",
                    "company": "NewCo",
                    "title": "VP Engineering",
                    "email": "jane@newco.com",
                    "status": "New",
                    "lead_source": "jobshift Contact Tracking",
                    "owner_id": "u-bdr1",
                    "created_at": datetime(2026, 3, 10),
                    "signal_id": "s-1",
                    "past_contact_id": "c-1",
                    "past_account_id": "a-old",
                    "past_title": "Director IT",
                    "matched_account_id": "a-new",
                    "job_started_date": "2026-02",
                    "converted_opportunity_id": "o-2",
                },
                {
                    "id": "l-2",
                    "first_name": "Carl",
                    "last_name": "Other",
                    "company": "FarCo",
                    "title": "CTO",
                    "status": "New",
                    "lead_source": "jobshift Contact Tracking",
                    "owner_id": "u-bdr2",
                    "created_at": datetime(2026, 3, 12),
                    "signal_id": "s-2",
                    "past_contact_id": "c-3",
                    "past_account_id": "a-other",
                    "custom": {"routing_reason": "SMB round-robin"},
                },
                {
                    "id": "l-3",
                    "first_name": "Zed",
                    "last_name": "Plain",
                    "company": "Elsewhere",
                    "status": "Open",
                    "lead_source": "Web",
                    "owner_id": "u-bdr1",
                    "created_at": datetime(2026, 1, 5),
                },
            ],
        )
        _insert(
            conn,
            signals,
            [
                {
                    "signal_id": "s-1",
                    "type": "job_change",
                    "contact_id": "c-1",
                    "full_name": "Jane Doe",
                    "past_account_id": "a-old",
                    "past_company": "OldCo",
                    "past_title": "Director IT",
                    "new_company": "NewCo",
                    "new_title": "VP Engineering",
                    "matched_account_id": "a-new",
                    "confidence": 0.93,
                    "match_rule": "linkedin+domain",
                    "evidence": {"linkedin": "jane-doe"},
                    "detected_at": datetime(2026, 3, 9),
                    "observed_at": "2026-03-08",
                    "lead_id": "l-1",
                    "status": "pushed",
                },
                {
                    "signal_id": "s-2",
                    "type": "job_change",
                    "contact_id": "c-3",
                    "full_name": "Carl Other",
                    "past_company": "OtherCo",
                    "new_company": "FarCo",
                    "confidence": 0.8,
                    "match_rule": "email+name",
                    "detected_at": datetime(2026, 3, 11),
                    "observed_at": "2026-03-10",
                    "lead_id": "l-2",
                    "status": "pushed",
                },
                {
                    "signal_id": "s-3",
                    "type": "left_company",
                    "contact_id": "c-2",
                    "full_name": "Bob Stay",
                    "past_company": "OldCo",
                    "confidence": 0.7,
                    "match_rule": "name+history",
                    "detected_at": datetime(2026, 3, 11),
                    "observed_at": "2026-03-10",
                    "status": "new",
                },
            ],
        )
        _insert(
            conn,
            activities,
            [
                {
                    "id": "act-1",
                    "who_id": "l-1",
                    "type": "Meeting",
                    "occurred_at": datetime(2026, 3, 15),
                    "owner_id": "u-bdr1",
                    "subject": "Intro meeting",
                },
            ],
        )
        run_id = start_run(conn, "import", object="contacts", source="contacts.csv")
        add_quarantined(
            conn,
            run_id,
            "contacts",
            [
                InputError(
                    "required value missing", column="last_name", source="contacts.csv", line=7, raw="c-9,,"
                ),
                InputError("not an email", column="email", source="contacts.csv", line=9, raw="c-10,x,bad@"),
            ],
        )
        finish_run(conn, run_id, counts={"inserted": 4, "quarantined": 2})
    auth.add_user(ws, *LOGINS["admin"][:1], "admin", LOGINS["admin"][1])
    auth.add_user(ws, LOGINS["manager"][0], "manager", LOGINS["manager"][1], "u-mgr1")
    auth.add_user(ws, LOGINS["rep"][0], "rep", LOGINS["rep"][1], "u-bdr1")
    auth.add_user(ws, LOGINS["rep2"][0], "rep", LOGINS["rep2"][1], "u-bdr2")
    return ws


FIRST = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lea", "Mo", "Nia"]
LAST = ["Silva", "Ng", "Okafor", "Berg", "Rossi", "Kim", "Dubois", "Novak", "Haas", "Ito", "Lund", "Moreau"]
COMPANIES = [
    "Acme Cloud",
    "Brightwave",
    "Cobalt Labs",
    "Datafold",
    "Evergreen IT",
    "Fjord Systems",
    "Granite AI",
]
TITLES = ["VP Engineering", "Director of IT", "Head of Security", "CTO", "Director, Platform", "VP Data"]


def add_bulk_leads(ws: Workspace, n: int, *, owners: tuple[str, ...] = ("u-bdr1", "u-bdr2")) -> None:
    """Add ``n`` deterministic job-change leads (with signals) for lists, screenshots and benchmarks."""
    lead_rows, signal_rows = [], []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        company, past = COMPANIES[i % len(COMPANIES)], COMPANIES[(i + 3) % len(COMPANIES)]
        kind = ("job_change", "job_change", "new_hire", "promotion")[i % 4]
        created = datetime(2026, 1, 1) + timedelta(minutes=37 * i)
        lead_rows.append(
            {
                "id": f"lb-{i:06d}",
                "first_name": first,
                "last_name": last,
                "company": company,
                "title": TITLES[i % len(TITLES)],
                "email": f"{first.lower()}.{last.lower()}{i}@example.com",
                "status": ("New", "New", "Contacted", "Open")[i % 4],
                "lead_source": "jobshift Contact Tracking",
                "owner_id": owners[i % len(owners)],
                "created_at": created,
                "signal_id": f"sb-{i:06d}",
                "past_title": TITLES[(i + 2) % len(TITLES)],
                "job_started_date": f"2025-{1 + i % 12:02d}",
            }
        )
        signal_rows.append(
            {
                "signal_id": f"sb-{i:06d}",
                "type": kind,
                "full_name": f"{first} {last}",
                "past_company": past,
                "new_company": company,
                "new_title": TITLES[i % len(TITLES)],
                "confidence": 0.6 + (i % 40) / 100,
                "match_rule": ("linkedin+domain", "email+domain", "name+history")[i % 3],
                "detected_at": created,
                "observed_at": created.date().isoformat(),
                "lead_id": f"lb-{i:06d}",
                "status": "pushed",
            }
        )
    with ws.store.begin() as conn:
        for start in range(0, n, 5000):
            _insert(conn, leads, lead_rows[start : start + 5000])
            _insert(conn, signals, signal_rows[start : start + 5000])


def add_relationship(ws: Workspace) -> None:
    """Jane Doe (c-1) was the Economic Buyer on the won o-2, had a call in 2025; the feed saw her twice."""
    with ws.store.begin() as conn:
        conn.execute(
            insert(opportunity_contact_roles),
            [{"opportunity_id": "o-2", "contact_id": "c-1", "role": "Economic Buyer", "is_primary": True}],
        )
        conn.execute(
            insert(activities),
            [
                {
                    "id": "act-old",
                    "who_id": "c-1",
                    "type": "Call",
                    "subject": "QBR with Jane",
                    "occurred_at": datetime(2025, 11, 3),
                }
            ],
        )
        conn.execute(
            update(signals)
            .where(signals.c.signal_id == "s-1")
            .values(person_key="li:jane-doe", linkedin_url="linkedin.com/in/jane-doe")
        )
        conn.execute(
            insert(people_observations),
            [
                {
                    "obs_id": f"o{i}",
                    "person_key": "li:jane-doe",
                    "observed_at": day,
                    "job_title": title,
                    "job_company_name": company,
                    "job_company_domain": domain,
                }
                for i, (day, title, company, domain) in enumerate(
                    [
                        ("2025-12-01", "Director IT", "OldCo", "oldco.com"),
                        ("2026-03-08", "VP Engineering", "NewCo", "newco.com"),
                    ]
                )
            ],
        )


def add_uncertain(ws: Workspace, signal_id: str = "s-u1", status: str = "uncertain") -> None:
    """An uncertain signal: Bob Stay (c-2, OldCo, team of u-mgr1) matched by name only to a profile
    whose history does not show OldCo."""
    with ws.store.begin() as conn:
        _insert(
            conn,
            signals,
            [
                {
                    "signal_id": signal_id,
                    "type": "job_change",
                    "contact_id": "c-2",
                    "person_key": "nm:bob stay|farway",
                    "full_name": "Bob Stay",
                    "past_account_id": "a-old",
                    "past_company": "OldCo",
                    "past_title": "CTO",
                    "new_company": "Farway" if signal_id == "s-u1" else f"Farway {signal_id}",
                    "new_title": "CTO",
                    "confidence": 0.4,
                    "match_rule": "name_only_without_history",
                    "detected_at": datetime(2026, 3, 12),
                    "observed_at": "2026-03-11",
                    "status": status,
                }
            ],
        )
        if signal_id == "s-u1":
            _insert(
                conn,
                people_observations,
                [
                    {
                        "obs_id": "ou1",
                        "person_key": "nm:bob stay|farway",
                        "observed_at": "2026-03-11",
                        "full_name": "Bob Stay",
                        "job_title": "CTO",
                        "job_company_name": "Farway",
                        "job_company_domain": "farway.io",
                        "linkedin_url": "linkedin.com/in/bob-stay-42",
                        "linkedin_norm": "bob-stay-42",
                        "experience": [
                            {"company_name": "Farway", "company_domain": "farway.io", "title": "CTO"},
                            {"company_name": "Elsewhere Ltd", "title": "VP Engineering", "end_date": "2025"},
                        ],
                    }
                ],
            )


def add_lowercase_lead(ws: Workspace, **overrides: Any) -> None:
    """Lead l-lc (rep u-bdr1) as a people feed delivers it, all lower case: the pages show it cased
    (domain/display) — "Lauren O'Neil", "SVP of R&D, EMEA at Apexbridge Insurance GmbH"; ``overrides``
    replaces or adds lead columns."""
    row = {
        "id": "l-lc",
        "first_name": "lauren",
        "last_name": "o'neil",
        "title": "svp of r&d, emea",
        "company": "apexbridge insurance gmbh",
        "status": "New",
        "lead_source": "jobshift Contact Tracking",
        "owner_id": "u-bdr1",
        "created_at": datetime(2026, 3, 12),
    }
    with ws.store.begin() as conn:
        conn.execute(insert(leads).values(**{**row, **overrides}))


def add_untracked_won_contacts(ws: Workspace, n: int = 30, title: str | None = None) -> None:
    """A closed-won opportunity o-bigwin (a-old, closed 2025-09-01) whose ``n`` contacts c-w00.. have no
    account: not tracked, so the scorecard's closed-won drill-down lists them all."""
    with ws.store.begin() as conn:
        conn.execute(
            insert(opportunities).values(
                id="o-bigwin",
                account_id="a-old",
                name="OldCo enterprise",
                stage="7-Closed Won",
                stage_number=7,
                is_closed=True,
                is_won=True,
                amount=90000.0,
                created_at=datetime(2025, 6, 1),
                close_date=date(2025, 9, 1),
            )
        )
        conn.execute(
            insert(contacts),
            [
                {"id": f"c-w{i:02d}", "last_name": f"buyer {i:02d}", "title": title, "email_opt_out": False}
                for i in range(n)
            ],
        )
        conn.execute(
            insert(opportunity_contact_roles),
            [{"opportunity_id": "o-bigwin", "contact_id": f"c-w{i:02d}"} for i in range(n)],
        )
