"""Account name history from Salesforce field history tracking (``AccountHistory`` rows with
``Field = 'Name'``).

An org that tracks the Account ``Name`` field keeps one ``AccountHistory`` row per rename (``OldValue`` →
``NewValue``). Company resolution treats every former name as an alias of the account, so a profile that
still shows the old name resolves to the renamed account. An org without field history on Account
(``INVALID_TYPE`` / ``INVALID_FIELD`` on the query) has none: the pull then relies on the name changes it
sees between two pulls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobshift.connectors.crm.salesforce.fields import soql_datetime
from jobshift.connectors.csv_import.values import to_datetime
from jobshift.domain.normalize.sfid import to_18
from jobshift.errors import FatalError

_NO_HISTORY = ("INVALID_TYPE", "INVALID_FIELD")


@dataclass(frozen=True)
class NameChange:
    """One rename of an account: its former and its new name, and when."""

    account_id: str
    old_name: str
    new_name: str | None
    changed_at: datetime | None


def account_name_history(client: Any, since: datetime | None = None) -> list[NameChange]:
    """Renames of accounts recorded after ``since`` (all when ``None``); ``[]`` when the org keeps no
    Account field history. ``OldValue`` is ``anyType`` and cannot be filtered in SOQL: empty ones (a
    name set for the first time) are dropped here."""
    soql = "SELECT AccountId, OldValue, NewValue, CreatedDate FROM AccountHistory WHERE Field = 'Name'"
    if since is not None:
        soql += f" AND CreatedDate >= {soql_datetime(since)}"
    soql += " ORDER BY CreatedDate"
    out: list[NameChange] = []
    try:
        for rec in client.query(soql):
            old = str(rec.get("OldValue") or "").strip()
            aid = rec.get("AccountId")
            if not old or not aid:
                continue
            new = str(rec.get("NewValue") or "").strip() or None
            created = rec.get("CreatedDate")
            out.append(
                NameChange(
                    to_18(str(aid)) or str(aid), old, new, to_datetime(str(created)) if created else None
                )
            )
    except FatalError as exc:
        if any(code in str(exc) for code in _NO_HISTORY):
            return []
        raise
    return out
