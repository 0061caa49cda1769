"""Lower-case feed text shows cased on the web list and the lead page (``domain/display`` through the
``display``/``person`` Jinja filters)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jobshift.services.workspace import Workspace
from jobshift.web.app import create_app
from web.conftest import login
from web.seed import add_lowercase_lead

RAW = {"first_name": "lauren", "last_name": "o'neil", "title": "cto", "company": "apexbridge insurance gmbh"}
SHOWN = ("Lauren O'Neil", "CTO", "Apexbridge Insurance GmbH")
RAW_TEXT = ("lauren o'neil", "apexbridge insurance gmbh")


def test_web_list_and_lead_page_show_cased_text(seeded: Workspace) -> None:
    add_lowercase_lead(seeded, **RAW, past_title="director of it")
    app = create_app(seeded.path)
    with TestClient(app) as client:
        login(client, "rep")
        listing = client.get("/leads").text.replace("&#39;", "'")
        page = client.get("/leads/l-lc").text.replace("&#39;", "'")
    app.state.ws.close()
    for html in (listing, page):
        for text in SHOWN:
            assert text in html
        assert not any(raw in html for raw in RAW_TEXT)
    assert "Director of IT" in page
