"""Seed data for routing and notification tests: users, accounts, opportunities, leads, contacts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert

from jobshift.store import Store
from jobshift.store.schema import accounts, contacts, leads, opportunities, opportunity_contact_roles, users

SRC = "jobshift Contact Tracking"
SEND = date(2024, 9, 25)  # a Wednesday
YESTERDAY = datetime(2024, 9, 24, 10, 30)


def user(
    uid: str,
    role: str,
    *,
    name: str | None = None,
    active: bool = True,
    region: str | None = "AMER",
    slack: str | None = "auto",
    email: str | None = "auto",
    segment: str | None = None,
) -> dict[str, Any]:
    """A users row."""
    return {
        "id": uid,
        "name": name or f"Rep {uid}",
        "role": role,
        "active": active,
        "region": region,
        "segment": segment,
        "slack_user_id": f"U{uid.upper().replace('-', '')}" if slack == "auto" else slack,
        "email": f"{uid}@ourco.example" if email == "auto" else email,
    }


def account(
    aid: str,
    *,
    name: str | None = None,
    segment: str = "Large",
    bdr: str | None = "bdr1",
    ae: str | None = "ae1",
    rm: str | None = "rm1",
    type_: str = "Prospect",
    country: str = "United States",
) -> dict[str, Any]:
    """An accounts row."""
    return {
        "id": aid,
        "name": name or f"Company {aid}",
        "segment": segment,
        "bdr_id": bdr,
        "owner_id": ae,
        "renewal_manager_id": rm,
        "type": type_,
        "country": country,
    }


def opp(
    oid: str, aid: str, stage: int, *, type_: str = "New Business", closed: bool = False
) -> dict[str, Any]:
    """An opportunities row (numbered stage names, as a Salesforce org has them)."""
    names = [
        "0-Pending Acceptance",
        "1-Discovery",
        "2-Scoping",
        "3-Technical Evaluation",
        "4-Proposal",
        "5-Negotiating",
        "6-Awaiting Signature",
        "7-Closed Won",
        "8-Closed Lost",
    ]
    return {
        "id": oid,
        "account_id": aid,
        "name": f"{aid} - {type_}",
        "stage": names[stage],
        "stage_number": stage,
        "type": type_,
        "is_closed": closed,
        "is_won": stage == 7,
    }


def lead(
    lid: str,
    *,
    account_id: str | None = None,
    owner: str | None = "bdr1",
    started: str | None = "2024-08-01",
    created: datetime = YESTERDAY,
    source: str = SRC,
    backfill: bool = False,
    customer: bool = False,
    past_account: str | None = "past",
    past_contact: str | None = "c-old",
) -> dict[str, Any]:
    """A job-change lead row as the push creates it."""
    return {
        "id": lid,
        "first_name": "Ann",
        "last_name": f"Lee {lid}",
        "email": f"ann.{lid}@globex.example",
        "company": "Globex",
        "title": "VP Engineering",
        "status": "New",
        "lead_source": source,
        "owner_id": owner,
        "created_at": created,
        "matched_account_id": account_id,
        "job_started_date": started,
        "is_backfill": backfill,
        "is_customer_company": customer,
        "past_account_id": past_account,
        "past_contact_id": past_contact,
        "past_title": "Director of IT",
        "signal_id": f"s-{lid}",
    }


def left_contact(
    cid: str, account_id: str, *, at: datetime = YESTERDAY, status: str = "Disqualified"
) -> dict[str, Any]:
    """A contact marked No Longer At Company."""
    return {
        "id": cid,
        "account_id": account_id,
        "first_name": "Bo",
        "last_name": f"Ray {cid}",
        "title": "CTO",
        "email": f"bo.{cid}@acme.example",
        "no_longer_at_company": True,
        "no_longer_at_company_at": at,
        "status": status,
        "disqualified_reason": "No Longer at Company",
    }


def seed(store: Store, **tables: list[dict[str, Any]]) -> None:
    """Insert rows: ``seed(store, users=[...], accounts=[...], ...)``."""
    t = {
        "users": users,
        "accounts": accounts,
        "opportunities": opportunities,
        "leads": leads,
        "contacts": contacts,
        "opportunity_contact_roles": opportunity_contact_roles,
    }
    with store.begin() as conn:
        for name, rows in tables.items():
            if rows:
                conn.execute(insert(t[name]), rows)


TEAM = [
    user("bdr1", "BDR"),
    user("ae1", "AE"),
    user("rm1", "Renewal Manager"),
    user("sdr1", "SDR"),
    user("sdr2", "SDR"),
    user("sdr3", "SDR"),
]
