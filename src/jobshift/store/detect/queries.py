"""The SELECTs detection and evaluation read besides contacts and observations: accounts with the facts
company resolution ranks by, and the naive baseline's CRM view."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Text, and_, exists, func, literal, select

from jobshift.store.schema import accounts, contacts, opportunities


def accounts_with_counts() -> Select[Any]:
    """Every account: ``id``, ``name``, ``domain``, a NULL LinkedIn page, ``parent_id``, ``type``,
    ``is_target``, its contact count, whether it has an open opportunity, then ``industry``, ``country``,
    ``segment``, ``employees`` (the ICP columns)."""
    n = select(func.count()).where(contacts.c.account_id == accounts.c.id).scalar_subquery()
    open_opp = exists().where(
        and_(
            opportunities.c.account_id == accounts.c.id,
            func.coalesce(opportunities.c.is_closed, False).is_(False),
        )
    )
    return select(
        accounts.c.id,
        accounts.c.name,
        accounts.c.domain,
        literal(None, Text),
        accounts.c.parent_id,
        accounts.c.type,
        accounts.c.is_target,
        n,
        open_opp,
        accounts.c.industry,
        accounts.c.country,
        accounts.c.segment,
        accounts.c.employees,
    )


def contacts_at_accounts() -> Select[Any]:
    """Contacts with an existing account: ``id``, ``linkedin_norm``, ``email_norm``, ``title`` and the
    account's ``name``."""
    return select(
        contacts.c.id, contacts.c.linkedin_norm, contacts.c.email_norm, contacts.c.title, accounts.c.name
    ).join(accounts, accounts.c.id == contacts.c.account_id)


def account_names_and_targets() -> Select[Any]:
    """``id``, ``name``, ``is_target`` of every account."""
    return select(accounts.c.id, accounts.c.name, accounts.c.is_target)


def departed_contacts() -> Select[Any]:
    """Contacts the CRM marks as no longer at their account (``no_longer_at_company``):
    ``contact_id``, ``account_id``, ``title``, ``departed_on`` (``YYYY-MM-DD`` of
    ``no_longer_at_company_at``, or NULL)."""
    return select(
        contacts.c.id.label("contact_id"),
        contacts.c.account_id,
        contacts.c.title,
        func.substr(func.cast(contacts.c.no_longer_at_company_at, Text), 1, 10).label("departed_on"),
    ).where(contacts.c.no_longer_at_company.is_(True), contacts.c.account_id.is_not(None))
