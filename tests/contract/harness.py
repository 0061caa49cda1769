"""One harness per CRM for the shared contract suite: seed records, build the connector, read back.

Each harness gives the same small API over a different CRM: ``account``, ``contact`` (seeded in the CRM
*and* returned as its CRM id), ``connector``, ``contact_state`` (departed flag and title as the CRM holds
them), ``created_keys`` (idempotency key → record ids of the leads jobshift created) and ``faults`` (share
of failing calls: 429 / 5xx / answers lost after processing, where the fake can).
"""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV as SF_ENV
from fakes.salesforce_setup import ORG_EXTERNAL_IDS, ORG_FIELDS, sf_settings
from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot import HubSpotConnector
from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.connectors.crm.salesforce import SalesforceConnector
from jobshift.connectors.crm.store import StoreCrmConnector
from jobshift.domain.actions import lead_id_for
from jobshift.services.workspace import Workspace
from jobshift.store.schema import CRM_TABLES, accounts, contacts, leads

MODES = ("store", "salesforce", "hubspot")


class Harness:
    """Base: the contract suite talks only to these methods."""

    mode = ""
    remote = True

    def account(self, name: str, domain: str) -> str:
        raise NotImplementedError

    def contact(self, account_id: str, first: str, last: str, email: str, title: str | None = None) -> str:
        raise NotImplementedError

    def connector(self, batch: int | None = None) -> CrmConnector:
        """The connector (``batch``: records per write call, to spread writes over many calls)."""
        raise NotImplementedError

    def contact_state(self, contact_id: str) -> tuple[bool, str | None]:
        raise NotImplementedError

    def created_keys(self) -> dict[str, list[str]]:
        raise NotImplementedError

    def faults(self, share: float) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Stop the fake."""

    def fault_counts(self) -> dict[str, int]:
        """Faults the fake injected so far, by kind."""
        fake = getattr(self, "fake", None)
        return dict(fake.faults) if fake is not None else {}


class StoreHarness(Harness):
    mode, remote = "store", False

    def __init__(self, ws_dir: Path) -> None:
        self.ws = Workspace.open(ws_dir)
        self.n = 0

    def account(self, name: str, domain: str) -> str:
        self.n += 1
        with self.ws.store.begin() as c:
            c.execute(insert(accounts), [{"id": f"a{self.n}", "name": name, "website": domain}])
        return f"a{self.n}"

    def contact(self, account_id: str, first: str, last: str, email: str, title: str | None = None) -> str:
        self.n += 1
        row = {"id": f"c{self.n}", "account_id": account_id, "first_name": first, "last_name": last,
               "email": email, "email_norm": email, "title": title, "no_longer_at_company": False,
               "created_at": datetime.utcnow()}  # fmt: skip
        with self.ws.store.begin() as c:
            c.execute(insert(contacts), [row])
        time.sleep(0.002)
        return f"c{self.n}"

    def connector(self, batch: int | None = None) -> CrmConnector:
        return StoreCrmConnector(self.ws.store.engine, CRM_TABLES)

    def contact_state(self, contact_id: str) -> tuple[bool, str | None]:
        with self.ws.store.connect() as c:
            r = c.execute(select(contacts).where(contacts.c.id == contact_id)).one()
        return bool(r.no_longer_at_company), r.title

    def created_keys(self) -> dict[str, list[str]]:
        with self.ws.store.connect() as c:
            ids = [r for (r,) in c.execute(select(leads.c.id))]
        return {i: [i] for i in ids}  # the store's lead id is derived from the key

    def faults(self, share: float) -> None:
        """The built-in store has no network to fail."""

    def close(self) -> None:
        self.ws.close()


class SalesforceHarness(Harness):
    mode = "salesforce"

    def __init__(self, tmp: Path) -> None:
        self.fake = FakeSalesforce(tmp, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS).__enter__()

    def account(self, name: str, domain: str) -> str:
        return self.fake.add("Account", Name=name, Website=domain)

    def contact(self, account_id: str, first: str, last: str, email: str, title: str | None = None) -> str:
        return self.fake.add("Contact", AccountId=account_id, FirstName=first, LastName=last, Email=email,
                             Title=title, UG_No_Longer_At_Company__c=False)  # fmt: skip

    def connector(self, batch: int | None = None) -> CrmConnector:
        settings = sf_settings(self.fake, max_attempts=12, rest_batch_size=batch or 200)
        return SalesforceConnector(settings, env=SF_ENV)

    def contact_state(self, contact_id: str) -> tuple[bool, str | None]:
        r = next(r for r in self.fake.records("Contact") if r["Id"] == contact_id)
        return bool(r["UG_No_Longer_At_Company__c"]), r["Title"]

    def created_keys(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for r in self.fake.records("Lead"):
            if r.get("Jobshift_Key__c"):
                out[r["Jobshift_Key__c"]].append(r["Id"])
        return dict(out)

    def faults(self, share: float) -> None:
        self.fake.fault_share, self.fake.lost_share = share / 2, share / 2

    def close(self) -> None:
        self.fake.__exit__(None, None, None)


class HubSpotHarness(Harness):
    mode = "hubspot"

    def __init__(self) -> None:
        self.fake = FakeHubSpot().__enter__()

    def account(self, name: str, domain: str) -> str:
        return self.fake.add("companies", name=name, domain=domain)

    def contact(self, account_id: str, first: str, last: str, email: str, title: str | None = None) -> str:
        cid = self.fake.add("contacts", firstname=first, lastname=last, email=email, jobtitle=title)
        self.fake.associate("contacts", cid, "companies", account_id, 1)
        return cid

    def connector(self, batch: int | None = None) -> CrmConnector:
        settings = HubSpotSection(
            base_url=self.fake.url,
            max_attempts=12,
            backoff_base_seconds=0.001,
            backoff_max_seconds=0.01,
            timeout_seconds=5,
            batch_size=batch or 100,
        )
        return HubSpotConnector(settings, env=HS_ENV)

    def contact_state(self, contact_id: str) -> tuple[bool, str | None]:
        r = next(r for r in self.fake.records("contacts") if r["id"] == contact_id)
        return r.get("jobshift_no_longer_at_company") == "true", r.get("jobtitle")

    def created_keys(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for r in self.fake.records("contacts"):
            if r.get("jobshift_key"):
                out[r["jobshift_key"]].append(r["id"])
        return dict(out)

    def faults(self, share: float) -> None:
        self.fake.fault_share = self.fake.lost_share = self.fake.drop_share = share / 3

    def close(self) -> None:
        self.fake.__exit__(None, None, None)


def make(mode: str, ws_dir: Path, tmp: Path) -> Harness:
    """The harness of ``mode``."""
    if mode == "store":
        return StoreHarness(ws_dir)
    if mode == "salesforce":
        return SalesforceHarness(tmp)
    return HubSpotHarness()


def lead_key(harness: Harness, key: str) -> str:
    """How ``created_keys`` names the lead of idempotency key ``key`` in this CRM."""
    return lead_id_for(key) if harness.mode == "store" else key


def ids_of(rows: list[dict[str, Any]]) -> set[str]:
    """The ``id`` column of canonical rows."""
    return {str(r["id"]) for r in rows}
