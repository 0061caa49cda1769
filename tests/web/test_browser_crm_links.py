"""Browser test: the lead page links to the lead's record in the CRM, in HubSpot and in Salesforce mode.

Each mode: a seeded workspace configured for the CRM, ``jobshift crm check`` run against the fake CRM
(it stores the portal id / instance URL in the workspace), a lead as the push writes it (HubSpot: a
contact id with its Lead object; Salesforce: a Lead id), ``jobshift serve`` in a subprocess and Debian's
chromium through Playwright. Screenshots lead-hubspot.png and lead-salesforce.png go to the temporary
SHOT_DIR (web.browser_kit), never docs/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV as SF_ENV
from fakes.salesforce_setup import ORG_EXTERNAL_IDS, ORG_FIELDS
from jobshift.cli.main import main
from jobshift.domain.normalize.sfid import to_18
from jobshift.store.schema import leads
from web.browser_kit import NEEDS_CHROMIUM, chromium, serve, shot, sign_in
from web.seed import seed_workspace

pytestmark = NEEDS_CHROMIUM
SF_LEAD = str(to_18("00Q5e00000AbCdE"))


@contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _workspace(ws_dir: Path, crm: str, section: str, lead_id: str, custom: Any) -> None:
    """A seeded workspace for ``crm`` holding one lead as a push to that CRM writes it."""
    os.environ.pop("JOBSHIFT_DATABASE_URL", None)
    ws = seed_workspace(ws_dir)
    with ws.store.begin() as conn:
        row = dict(conn.execute(select(leads).where(leads.c.id == "l-1")).mappings().one())
        conn.execute(insert(leads), [{**row, "id": lead_id, "custom": custom}])
    ws.close()
    (ws_dir / "jobshift.toml").write_text(f'[push]\ncrm = "{crm}"\n{section}', encoding="utf-8")
    assert main(["-w", str(ws_dir), "crm", "check"]) == 0  # stores the account (portal id / instance URL)


def _lead_page_link(base: str, lead_id: str, name: str) -> tuple[str | None, str, str | None]:
    """Sign in, open the lead page; (the CRM link's href, its text, the past contact's CRM link)."""
    with chromium() as browser:
        page: Any = sign_in(browser, base, "admin")
        page.goto(f"{base}/leads/{lead_id}")
        link = page.locator("[data-testid=crm-link]")
        href, text = link.get_attribute("href"), link.inner_text()
        past = page.locator("[data-testid=crm-link-past]")
        past_href = past.get_attribute("href") if past.count() else None
        assert link.get_attribute("target") == "_blank"
        shot(page, name)
    return href, text, past_href


def test_the_lead_page_links_to_the_lead_in_hubspot(tmp_path: Path) -> None:
    with _env(HS_ENV), FakeHubSpot(portal_id=20_260_001) as hs:
        section = f'\n[hubspot]\nbase_url = "{hs.url}"\nbackoff_base_seconds = 0\n'
        _workspace(tmp_path / "ws", "hubspot", section, "1001", {"crm_records": {"0-136": "77"}})
        with serve(tmp_path / "ws") as base:
            href, text, past = _lead_page_link(base, "1001", "lead-hubspot")
    assert href == "https://app.hubspot.com/contacts/20260001/record/0-136/77"  # the Lead object
    assert text.startswith("Open in HubSpot")
    assert past == "https://app.hubspot.com/contacts/20260001/record/0-1/c-1"  # the past contact


def test_the_lead_page_links_to_the_lead_in_salesforce(tmp_path: Path) -> None:
    with (
        _env(SF_ENV),
        FakeSalesforce(tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS) as sf,
    ):
        section = (
            f'\n[salesforce]\nlogin_url = "{sf.url}"\nusername = "integration@example.com"\n'
            f'client_id = "test-client"\nca_bundle = "{sf.cert}"\nbackoff_base_seconds = 0.001\n'
            '\n[salesforce.fields.contacts]\nno_longer_at_company = "UG_No_Longer_At_Company__c"\n'
        )
        _workspace(tmp_path / "ws", "salesforce", section, SF_LEAD, None)
        with serve(tmp_path / "ws") as base:
            href, text, past = _lead_page_link(base, SF_LEAD, "lead-salesforce")
        instance = sf.url.rstrip("/")
    assert href == f"{instance}/lightning/r/Lead/{SF_LEAD}/view" and text.startswith("Open in Salesforce")
    assert past is None  # the seed's past contact c-1 is not a Salesforce id: no broken link
