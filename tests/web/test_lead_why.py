"""The lead page answers "why should I call?": past deals with the person's role, last activity, the
notification's why sentence, persona and ICP fit, evidence age, the feed's observations, LinkedIn link."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from jobshift.domain.notification_text import why_it_matters
from jobshift.services.workspace import Workspace
from jobshift.store.schema import leads
from web.conftest import login
from web.seed import add_relationship


def test_lead_page_says_why_to_call(client: TestClient, seeded: Workspace) -> None:
    add_relationship(seeded)
    login(client, "rep")
    page = client.get("/leads/l-1").text
    # the notification's own sentence: NewCo has one open opportunity, furthest at stage 3
    opp = {"stage": "3-Technical Evaluation", "stage_number": 3, "name": "NewCo platform"}
    sentence = why_it_matters("NewCo", [opp], customer=False, renewal=False, left=False)
    assert sentence.rstrip(".") in page
    assert "; Jane won a deal with us before (" in page and "Economic Buyer)." in page  # the past deal
    assert 'data-testid="past-deals"' in page and "Economic Buyer" in page and "$50K" in page
    assert "2026-04-01" in page and "Won" in page
    assert "QBR with Jane" in page  # the last activity with the past contact
    assert "What the people feed saw" in page and "2025-12-01" in page and "oldco.com" in page
    assert 'href="https://linkedin.com/in/jane-doe"' in page and 'target="_blank"' in page
    assert "days ago" in page or "months ago" in page or "years ago" in page  # evidence age


def test_a_lead_without_history_says_so(client: TestClient) -> None:
    login(client, "admin")
    page = client.get("/leads/l-3").text
    assert "No won or open deal with this person on it." in page
    assert "No observation of this person in the feed." in page
    assert "none recorded" in page
    assert "No open opportunity at Elsewhere" in page


def test_feed_text_is_shown_cased_and_the_crm_spelling_wins(client: TestClient, seeded: Workspace) -> None:
    with seeded.store.begin() as conn:
        conn.execute(
            update(leads)
            .where(leads.c.id == "l-1")
            .values(first_name="jane", last_name="o'neil", title="vp engineering, emea", company="newco inc")
        )
    login(client, "rep")
    page = client.get("/leads/l-1").text
    assert ">Jane O&#39;Neil</h1>" in page or ">Jane O'Neil</h1>" in page
    assert "VP Engineering, EMEA at NewCo</div>" in page  # the matched account's name, not "newco inc"


def test_the_api_gives_the_why_too(client: TestClient, seeded: Workspace, tokens: dict[str, str]) -> None:
    add_relationship(seeded)
    r = client.get("/api/leads/l-1", headers={"Authorization": f"Bearer {tokens['rep']}"})
    assert r.status_code == 200
    why = r.json()["why"]
    assert (
        why["deals"][0]["role"] == "Economic Buyer" and why["observations"][0]["observed_at"] == "2026-03-08"
    )
    assert why["why_it_matters"].startswith("NewCo has 1 open opportunity")
