"""The tracked set as the rest of the program sees it: a SQL SELECT of tracked contact ids.

Until cohorts and tiers exist (a later issue) every contact with an account is tracked. When a
table named ``tracked_contacts`` (column ``contact_id``) exists, it is the tracked set instead, so
the scorecard and funnel plug into the real selection without changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, column, inspect, select, table

from jobshift.store.schema import contacts

TRACKED_TABLE = "tracked_contacts"


def tracked_contacts_query(conn: Connection | None = None) -> Select[Any]:
    """SELECT ``contact_id`` of every tracked contact (distinct).

    With ``conn``, a ``tracked_contacts`` table is used if the database has one; without it (or
    without that table) the default applies: every contact with an ``account_id``.
    """
    if conn is not None and inspect(conn).has_table(TRACKED_TABLE):
        tc = table(TRACKED_TABLE, column("contact_id"))
        return select(tc.c.contact_id).distinct()
    return select(contacts.c.id.label("contact_id")).where(contacts.c.account_id.is_not(None))


def tracked_contact_columns() -> Select[Any]:
    """The contact columns detection reads, as a SELECT over ``contacts`` (callers add the set)."""
    return select(
        contacts.c.id,
        contacts.c.account_id,
        contacts.c.first_name,
        contacts.c.last_name,
        contacts.c.email_norm,
        contacts.c.linkedin_norm,
        contacts.c.title,
        contacts.c.email_opt_out,
    )
