"""Links to the CRM's records: one URL builder per CRM (registered in the CRM registry), the account
``crm check`` stores in the workspace, the notifications' links, and the web pages' links."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from jobshift.config import HubSpotSection, SalesforceSection
from jobshift.connectors.crm.hubspot.links import record_url as hubspot_url
from jobshift.connectors.crm.salesforce.links import record_url as salesforce_url
from jobshift.domain.normalize.sfid import to_18
from jobshift.services.crm.crm_links import crm_links, load_accounts, save_account
from jobshift.services.notify.notify_plan import plan
from jobshift.services.workspace import Workspace, init_workspace
from jobshift.store.schema import leads
from jobshift.web.app import create_app
from notify_data import SEND, TEAM, account, lead, left_contact, opp, seed
from web.conftest import login
from web.seed import seed_workspace

HS = {"portal_id": "4242", "ui_domain": "app.hubspot.com"}
LEAD_ID, CONTACT_ID = to_18("00Q000000000042"), to_18("003000000000007")


def test_hubspot_urls_by_object_with_the_lead_object_when_there_is_one() -> None:
    s = HubSpotSection()
    base = "https://app.hubspot.com/contacts/4242/record"
    assert hubspot_url(s, HS, "leads", "1001") == f"{base}/0-1/1001"  # a jobshift lead is a contact
    assert hubspot_url(s, HS, "leads", "1001", {"0-136": "77"}) == f"{base}/0-136/77"
    assert hubspot_url(s, HS, "contacts", "1002") == f"{base}/0-1/1002"
    assert hubspot_url(s, HS, "accounts", "9") == f"{base}/0-2/9"
    assert hubspot_url(s, HS, "opportunities", "8") == f"{base}/0-3/8"
    eu = {"portal_id": "4242", "ui_domain": "app-eu1.hubspot.com"}
    assert hubspot_url(s, eu, "contacts", "5") == "https://app-eu1.hubspot.com/contacts/4242/record/0-1/5"
    assert hubspot_url(s, {}, "contacts", "5") is None  # no portal id: no link
    assert hubspot_url(HubSpotSection(portal_id="99"), {}, "contacts", "5") == (
        "https://app.hubspot.com/contacts/99/record/0-1/5"
    )
    assert hubspot_url(s, HS, "users", "5") is None and hubspot_url(s, HS, "contacts", None) is None
    odd = HubSpotSection(record_url_template="https://x/{portal}/{id}")
    assert hubspot_url(odd, HS, "contacts", "5") is None  # an unknown placeholder: no broken link


def test_salesforce_urls_follow_the_id_prefix() -> None:
    s = SalesforceSection()
    acct = {"instance_url": "https://acme.my.salesforce.com/"}
    assert salesforce_url(s, acct, "leads", LEAD_ID) == (
        f"https://acme.my.salesforce.com/lightning/r/Lead/{LEAD_ID}/view"
    )
    # a signal linked to an existing Contact: the id's prefix opens the Contact
    assert salesforce_url(s, acct, "leads", CONTACT_ID) == (
        f"https://acme.my.salesforce.com/lightning/r/Contact/{CONTACT_ID}/view"
    )
    assert salesforce_url(s, acct, "contacts", "003000000000007") == (
        f"https://acme.my.salesforce.com/lightning/r/Contact/{CONTACT_ID}/view"
    )  # a 15-character id becomes 18
    assert salesforce_url(s, acct, "leads", "l-js-5f2a9c") is None  # not a Salesforce id
    assert salesforce_url(s, {}, "leads", LEAD_ID) is None
    override = SalesforceSection(instance_url="https://other.my.salesforce.com")
    assert salesforce_url(override, acct, "leads", LEAD_ID).startswith("https://other.my.salesforce.com/")  # type: ignore[union-attr]


def _ws(path: Path, crm: str, extra: str = "") -> Workspace:
    ws, _ = init_workspace(path)
    ws.close()
    (path / "jobshift.toml").write_text(f'[push]\ncrm = "{crm}"\n{extra}', encoding="utf-8")
    return Workspace.open(path)


def test_the_workspace_links_to_its_crm(workspace_env: Path) -> None:
    store_ws = _ws(workspace_env / "s", "store")
    assert crm_links(store_ws).url("leads", "l-1") is None  # the built-in store has no record pages
    store_ws.close()
    tpl = _ws(
        workspace_env / "t",
        "store",
        '[notifications]\ncrm_record_url = "https://crm.example/{object}/{id}"\n',
    )
    assert crm_links(tpl).url("leads", "l-1") == "https://crm.example/Lead/l-1"  # the admin's template wins
    tpl.close()
    ws = _ws(workspace_env / "h", "hubspot")
    assert crm_links(ws).url("leads", "1001") is None  # crm check has not run: no portal id yet
    save_account(ws, "hubspot", HS)
    save_account(ws, "salesforce", {"instance_url": "https://acme.my.salesforce.com"})
    links = crm_links(ws)
    assert links.label == "HubSpot" and set(load_accounts(ws.path)) == {"hubspot", "salesforce"}
    assert links.url("leads", "1001", {"crm_records": {"0-136": "77"}}) == (
        "https://app.hubspot.com/contacts/4242/record/0-136/77"
    )
    assert links.url("contacts", "") is None
    (ws.path / "crm-account.json").write_text("{broken", encoding="utf-8")
    assert crm_links(ws).url("contacts", "5") is None  # an unreadable file: no links, no crash
    ws.close()


def test_notifications_link_to_the_records_in_hubspot(workspace_env: Path) -> None:
    ws = _ws(workspace_env / "n", "hubspot")
    save_account(ws, "hubspot", HS)
    seed(
        ws.store,
        users=TEAM,
        accounts=[account("none", name="Hooli"), account("past", name="Acme")],
        opportunities=[opp("o2", "past", 1)],  # the departed contact's account has an open deal: rule 3B
        leads=[lead("1001", account_id="none", past_contact="2002")],
        contacts=[left_contact("2003", "past")],
    )
    with ws.store.begin() as conn:
        conn.execute(update(leads).values(custom={"crm_records": {"0-136": "77"}}))
        report = plan(conn, ws.config, SEND, now=SEND, write=False, record_url=crm_links(ws).url)  # type: ignore[arg-type]
    links = {r["item_id"]: {x["label"]: x["url"] for x in r["payload"]["links"]} for r in report.rows}
    base = "https://app.hubspot.com/contacts/4242/record"
    assert links["1001"]["Lead in CRM"] == f"{base}/0-136/77"
    assert links["1001"]["Past contact in CRM"] == f"{base}/0-1/2002"
    assert links["2003"]["Contact in CRM"] == f"{base}/0-1/2003"
    ws.close()


@pytest.mark.parametrize("crm", ["store", "hubspot", "salesforce"])
def test_pages_link_to_the_crm_record(workspace_env: Path, crm: str) -> None:
    ws = seed_workspace(workspace_env)
    toml = (ws.path / "jobshift.toml").read_text(encoding="utf-8")
    (ws.path / "jobshift.toml").write_text(
        toml.replace('\ncrm = "store"', f'\ncrm = "{crm}"'), encoding="utf-8"
    )
    ws.close()
    ws = Workspace.open(workspace_env)
    save_account(ws, "hubspot", HS)
    save_account(ws, "salesforce", {"instance_url": "https://acme.my.salesforce.com"})
    ws.close()
    app = create_app(workspace_env)
    with TestClient(app) as client:
        login(client, "admin")
        pages: dict[str, Any] = {p: client.get(p).text for p in ("/leads/l-1", "/contacts/c-1", "/contacts")}
        pages["/signals"] = client.get("/signals").text
    app.state.ws.close()
    hubspot = "https://app.hubspot.com/contacts/4242/record/0-1/"
    if crm == "store":
        assert not any("crm-link" in text for text in pages.values())
    elif crm == "hubspot":
        assert f'href="{hubspot}l-1"' in pages["/leads/l-1"] and "Open in HubSpot" in pages["/leads/l-1"]
        assert (
            f'href="{hubspot}c-1"' in pages["/contacts/c-1"] and f'href="{hubspot}c-1"' in pages["/contacts"]
        )
        assert 'class="crm-link"' in pages["/signals"]
    else:  # the seed's ids are not Salesforce ids: no link rather than a broken one
        assert "crm-link" not in pages["/leads/l-1"]
