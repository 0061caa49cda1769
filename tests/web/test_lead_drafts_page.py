"""The lead page's first-touch draft (``_draft.html``): subject, body and LinkedIn note with copy buttons,
filled from the lead's evidence."""

from __future__ import annotations

from fastapi.testclient import TestClient

from web.conftest import login


def test_lead_page_shows_the_draft_with_copy_buttons(client: TestClient) -> None:
    login(client, "rep")  # u-bdr1 owns l-1
    page = client.get("/leads/l-1")
    assert page.status_code == 200
    text = page.text
    assert 'data-testid="drafts"' in text and 'id="drafts"' in text  # the Slack "Draft" button's anchor
    for part in ("draft-subject", "draft-body", "draft-note"):
        assert f'data-copy="{part}"' in text, part
    assert "Jane" in text and "NewCo" in text and "/static/copy.js" in text
    assert client.get("/static/copy.js").status_code == 200
