"""The scorecard page's drafts section (``_scorecard_drafts.html``) and the API's ``drafts`` key."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from jobshift.services.workspace import Workspace
from jobshift.store.schema import leads, outreach_drafts
from web.conftest import bearer, login

MONTH = "2026-03"


def test_scorecard_page_and_api_show_drafted_vs_not(
    client: TestClient, seeded: Workspace, tokens: dict[str, str]
) -> None:
    with seeded.store.begin() as conn:
        month_leads = conn.execute(
            select(leads.c.id, leads.c.created_at)
            .where(
                leads.c.signal_id.is_not(None),
                leads.c.created_at >= datetime(2026, 3, 1),
                leads.c.created_at < datetime(2026, 4, 1),
            )
            .order_by(leads.c.id)
        ).all()
        assert month_leads
        conn.execute(
            insert(outreach_drafts),
            [
                {
                    "cache_key": f"k-{lid}",
                    "lead_id": lid,
                    "template_set": "job_change",
                    "template_version": "v",
                    "evidence_digest": "d",
                    "source": "template",
                    "email_subject": "s",
                    "email_body": "b",
                    "linkedin_note": "n",
                    "created_at": at,
                }
                for lid, at in month_leads[:1]
            ],
        )
    api = client.get("/api/scorecard", params={"month": MONTH}, headers=bearer(tokens["admin"])).json()
    d = api["drafts"]
    pushed = next(s["value"] for s in api["funnel"] if s["key"] == "leads_pushed")
    assert d["drafted"]["leads"] == 1 and d["not_drafted"]["leads"] == pushed - 1
    login(client, "manager")
    text = client.get("/scorecard", params={"month": MONTH}).text
    assert 'data-testid="scorecard-drafts"' in text and "First-touch drafts" in text
    assert "Too few leads to compare" in text  # 1 drafted lead: below the minimum sample
