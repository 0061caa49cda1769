"""Small CRM + signals fixtures for the program tests (tracking, push, backfill)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert

from jobshift.store import Store
from jobshift.store.schema import accounts, contacts, leads, opportunities, opportunity_contact_roles, signals

DETECTED = datetime(2026, 11, 17, 6)


def seed_crm(store: Store) -> None:
    """Accounts, contacts and opportunities covering the four default cohorts."""
    accs = [
        {"id": "a-big", "name": "BigCo", "domain": "bigco.com", "segment": "Large", "type": "Customer",
         "bdr_id": "u-bdr", "owner_id": "u-ae", "country": "United States", "state": "CA"},
        {"id": "a-smb", "name": "SmallCo", "domain": "smallco.com", "segment": "SMB", "type": "Customer",
         "bdr_id": None, "owner_id": "u-ae2", "country": "Germany", "state": None},
        {"id": "a-new", "name": "NewCo", "domain": "newco.com", "segment": "Mid-Market", "type": "Prospect",
         "bdr_id": "u-bdr2", "owner_id": "u-ae", "country": "United States", "state": "NY"},
    ]  # fmt: skip
    cons = [
        {"id": f"c-{i}", "account_id": acc, "first_name": f"F{i}", "last_name": f"L{i}", "title": title,
         "email": f"p{i}@{dom}", "email_norm": f"p{i}@{dom}", "linkedin_norm": f"linkedin.com/in/p-{i}",
         "country": "US", "state": "TX", "no_longer_at_company": False}
        for i, acc, dom, title in [
            (1, "a-big", "bigco.com", "Engineer"),
            (2, "a-big", "bigco.com", "VP Engineering"),
            (3, "a-smb", "smallco.com", "VP Engineering"),
            (4, "a-smb", "smallco.com", "Office Manager"),
            (5, "a-big", "bigco.com", "Analyst"),
            (6, "a-smb", "smallco.com", "Analyst"),
            (7, "a-big", "bigco.com", "Nobody"),
        ]
    ]  # fmt: skip
    opps = [
        {"id": "o-won-big", "account_id": "a-big", "stage": "7-Closed Won", "stage_number": 7,
         "is_closed": True,
         "is_won": True, "close_date": date(2026, 5, 1), "type": "New Business"},
        {"id": "o-won-smb", "account_id": "a-smb", "stage": "7-Closed Won", "stage_number": 7,
         "is_closed": True,
         "is_won": True, "close_date": date(2026, 2, 1), "type": "New Business"},
        {"id": "o-open-big", "account_id": "a-big", "stage": "3-Technical Evaluation", "stage_number": 3,
         "is_closed": False, "is_won": False, "close_date": date(2026, 12, 1), "type": "Add-On"},
        {"id": "o-lost-smb", "account_id": "a-smb", "stage": "8-Closed Lost", "stage_number": 8,
         "is_closed": True,
         "is_won": False, "close_date": date(2025, 3, 1), "type": "New Business"},
    ]  # fmt: skip
    roles = [
        ("o-won-big", "c-1"), ("o-won-big", "c-2"), ("o-won-smb", "c-3"), ("o-won-smb", "c-4"),
        ("o-open-big", "c-5"), ("o-lost-smb", "c-6"), ("o-lost-smb", "c-4"),
    ]  # fmt: skip
    with store.begin() as conn:
        conn.execute(insert(accounts), accs)
        conn.execute(insert(contacts), cons)
        conn.execute(insert(opportunities), opps)
        conn.execute(
            insert(opportunity_contact_roles), [{"opportunity_id": o, "contact_id": c} for o, c in roles]
        )


def signal(sid: str, **kw: Any) -> dict[str, Any]:
    """A ``new`` job change of ``c-1`` to NewCo unless overridden."""
    base: dict[str, Any] = {
        "signal_id": sid,
        "type": "job_change",
        "contact_id": "c-1",
        "person_key": "li:linkedin.com/in/p-1",
        "full_name": "F1 L1",
        "linkedin_url": "https://www.linkedin.com/in/p-1",
        "email": "p1@newco.com",
        "past_account_id": "a-big",
        "past_company": "BigCo",
        "past_title": "Engineer",
        "new_company": "NewCo",
        "new_company_domain": "newco.com",
        "new_title": "VP Engineering",
        "matched_account_id": "a-new",
        "is_customer_company": False,
        "is_target_company": True,
        "job_started_date": "2026-09",
        "persona_match": True,
        "confidence": 0.97,
        "detected_at": DETECTED,
        "observed_at": "2026-11-10",
        "status": "new",
    }
    return {**base, **kw}


def add_signals(store: Store, rows: list[dict[str, Any]]) -> None:
    """Insert signals as given."""
    with store.begin() as conn:
        conn.execute(insert(signals), rows)


def add_lead(store: Store, **kw: Any) -> None:
    """An existing CRM lead."""
    with store.begin() as conn:
        conn.execute(insert(leads), [{"id": "l-existing", "last_name": "X", **kw}])


def many_job_changes(n: int, start: int = 100) -> list[dict[str, Any]]:
    """``n`` job changes of distinct people (contacts ``c-<start+i>`` must exist for the updates)."""
    return [
        signal(
            f"s-{start + i}",
            contact_id=f"c-{start + i}",
            person_key=f"li:linkedin.com/in/q-{start + i}",
            linkedin_url=f"linkedin.com/in/q-{start + i}",
            email=None,
            job_started_date=f"2026-{1 + i % 9:02d}",
        )
        for i in range(n)
    ]


def many_contacts(store: Store, n: int, start: int = 100) -> None:
    """Contacts ``c-<start+i>`` at BigCo."""
    with store.begin() as conn:
        conn.execute(
            insert(contacts),
            [{"id": f"c-{start + i}", "account_id": "a-big", "last_name": f"Q{i}"} for i in range(n)],
        )
