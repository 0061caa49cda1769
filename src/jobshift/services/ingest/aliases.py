"""The account alias table: other names, domains and LinkedIn pages of CRM accounts.

Company resolution (``domain/matching/companies.py``) reads every alias like an account's own name,
domain and page: a brand written without its legal entity ("Contoso" for "Fabrikam Holdings Ltd"), a
former name of a renamed company, a second domain. Admins extend it with ``jobshift import aliases
FILE`` (CSV columns ``account_id`` and any of ``name``, ``domain`` / ``website``, ``linkedin_url``);
a re-import of ``accounts.csv`` or a ``crm pull`` (Salesforce, HubSpot) that renames an account records
its former name here, and so does the Salesforce ``AccountHistory`` of the ``Name`` field.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from jobshift.domain.normalize.companies import company_domain
from jobshift.domain.normalize.linkedin import normalize_linkedin_company
from jobshift.errors import InputFileError
from jobshift.services.workspace import Workspace
from jobshift.store import signals as signal_store
from jobshift.store.lookups import account_names
from jobshift.store.runs import finish_run, start_run

ALIASES_FILE = "account_aliases.csv"
"""The file name ``import all`` picks up beside the CRM files."""


@dataclass
class AliasReport:
    """What ``import aliases`` did."""

    source: str
    read: int = 0
    added: int = 0
    unchanged: int = 0
    unknown_account: int = 0
    empty: int = 0
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return self.__dict__.copy()

    def counts(self) -> dict[str, int]:
        """The counts in the shape of an import report's (rows skipped count as quarantined)."""
        return {
            "read": self.read,
            "inserted": self.added,
            "unchanged": self.unchanged,
            "quarantined": self.unknown_account + self.empty,
        }


def _key(row: Any) -> tuple[str, str | None, str | None, str | None]:
    return (row["account_id"], row["alias_name"], row["alias_domain"], row["alias_linkedin_norm"])


def import_aliases(ws: Workspace, path: str | Path) -> AliasReport:
    """Add the rows of an alias CSV; rows already present change nothing, unknown accounts are skipped."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: no such file")
    report = AliasReport(source=str(p))
    with p.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        cols = {c.strip().lower() for c in reader.fieldnames or []}
        if "account_id" not in cols:
            raise InputFileError(f"{p}: needs an account_id column (and name, domain or linkedin_url)")
        rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in r.items()} for r in reader]
    with ws.store.begin() as conn:
        run_id = start_run(conn, "import", object="aliases", source=str(p))
        known = set(account_names(conn))
        have = {_key(r) for r in signal_store.list_aliases(conn)}
        for i, r in enumerate(rows, start=2):
            report.read += 1
            aid = r.get("account_id") or ""
            name = r.get("name") or r.get("alias_name") or None
            domain = company_domain(r.get("domain") or r.get("website") or r.get("alias_domain") or None)
            li = normalize_linkedin_company(r.get("linkedin_url") or r.get("alias_linkedin_norm") or None)
            if not (name or domain or li):
                report.empty += 1
                continue
            if aid not in known:
                report.unknown_account += 1
                if len(report.examples) < 5:
                    report.examples.append(f"line {i}: unknown account {aid!r}")
                continue
            key = (aid, name, domain, li)
            if key in have:
                report.unchanged += 1
                continue
            signal_store.add_alias(conn, aid, name=name, domain=domain, linkedin_norm=li)
            have.add(key)
            report.added += 1
        finish_run(conn, run_id, counts={"read": report.read, "added": report.added})
    return report


def record_renames(conn: Connection, before: dict[str, str]) -> int:
    """Add the former name of every account whose name changed since ``before`` to the alias table."""
    now = account_names(conn)
    return record_former_names(
        conn, [(aid, old) for aid, old in before.items() if now.get(aid) and now[aid] != old]
    )


def record_former_names(conn: Connection, names: list[tuple[str, str]]) -> int:
    """Add ``(account id, former name)`` pairs to the alias table: known accounts only, a name equal to
    the account's current one or already recorded adds nothing. Returns how many were added."""
    have = {(r["account_id"], r["alias_name"]) for r in signal_store.list_aliases(conn)}
    now = account_names(conn)
    n = 0
    for aid, old in names:
        old = (old or "").strip()
        if not old or aid not in now or now[aid] == old or (aid, old) in have:
            continue
        signal_store.add_alias(conn, aid, name=old)
        have.add((aid, old))
        n += 1
    return n
