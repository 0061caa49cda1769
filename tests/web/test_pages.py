"""Pages through the TestClient: lists, filters, CSV, lead and contact pages, actions, settings, roles."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from jobshift.services.workspace import Workspace
from jobshift.store.schema import audit_log, leads, outbox
from web.conftest import login


def test_lists_show_only_what_the_role_allows(client: TestClient) -> None:
    login(client, "rep")
    page = client.get("/leads").text
    assert "/leads/l-1" in page and "/leads/l-3" in page and "/leads/l-2" not in page
    assert "/leads/l-2" not in client.get("/signals").text
    assert "Carl" not in client.get("/contacts").text
    assert client.get("/runs").status_code == 403
    assert client.get("/settings").status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert client.get("/leads/l-2").status_code == 404


def test_filter_sort_and_htmx_partial(client: TestClient) -> None:
    login(client, "admin")
    page = client.get("/leads", params={"status": "Open"}).text
    assert "/leads/l-3" in page and "/leads/l-1" not in page and "1 row" in page
    partial = client.get(
        "/leads", params={"q": "jane"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert partial.text.lstrip().startswith('<div id="results"') and "/leads/l-1" in partial.text
    bad = client.get("/leads", params={"sort": "nope"})
    assert bad.status_code == 422 and "unknown sort" in bad.text
    assert client.get("/leads", params={"page": "x"}).status_code == 422
    mine = client.get("/leads?view=mine").text
    assert "Nothing matches" in mine  # the admin owns no leads


def test_csv_export_streams_the_filtered_list(client: TestClient) -> None:
    login(client, "manager")
    r = client.get("/leads.csv", params={"sort": "name"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["id"] for row in rows] == ["l-1", "l-3"]
    assert rows[0]["owner_name"] == "Bea Bdr" and rows[0]["created_at"] == "2026-03-10T00:00:00"
    accounts = list(csv.DictReader(io.StringIO(client.get("/accounts.csv", params={"target": "yes"}).text)))
    assert [a["id"] for a in accounts] == ["a-new"]
    assert client.get("/leads.csv", params={"from": "bad"}).status_code == 422


def test_lead_page_dynamic_layout(client: TestClient) -> None:
    login(client, "rep")
    page = client.get("/leads/l-1").text
    for text in (
        "Past contact",
        'href="/contacts/c-1"',
        'href="/accounts/a-old"',
        "Director IT",
        "NewCo",
        "open opp: 3-Technical Evaluation",
        "jane@newco.com",
        "2026-02",
        "93%",
        "linkedin+domain",
        "Intro meeting",
    ):
        assert text in page, text
    assert "Routing" not in page  # shown only when set
    login(client, "admin")
    assert "SMB round-robin" in client.get("/leads/l-2").text


def test_contact_page_links_to_where_they_went(client: TestClient) -> None:
    login(client, "rep")
    page = client.get("/contacts/c-1").text
    assert "No longer at company" in page and 'href="/leads/l-1"' in page
    assert "No longer at company" not in client.get("/contacts/c-2").text
    assert client.get("/contacts/c-3").status_code == 404
    assert "NewCo" in client.get("/accounts/a-new").text


def test_mark_contacted_and_dismiss_need_csrf(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "rep")
    assert client.post("/leads/l-1/contacted", data={"activity_type": "Call"}).status_code == 403
    r = client.post(
        "/leads/l-1/contacted",
        data={"activity_type": "Call", "note": "left voicemail", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/leads/l-1?done=contacted"
    page = client.get(r.headers["location"]).text
    assert "Marked as contacted." in page and "Contacted: left voicemail" in page
    htmx = client.post(
        "/leads/l-3/dismiss", data={"reason": "stale"}, headers={"HX-Request": "true", "X-CSRF-Token": csrf}
    )
    assert htmx.status_code == 200 and 'id="lead-live"' in htmx.text and "Lead dismissed." in htmx.text
    assert client.post("/leads/l-2/dismiss", data={"csrf_token": csrf}).status_code == 404
    with seeded.store.connect() as conn:
        assert conn.execute(select(leads.c.status).where(leads.c.id == "l-3")).scalar() == "Dismissed"


def test_dashboard_funnel_chart(client: TestClient) -> None:
    login(client, "admin")
    page = client.get("/").text
    assert "<svg" in page and 'data-testid="kpi-won">1<' in page and "$50K" in page


def test_runs_page_and_quarantine_csv(client: TestClient) -> None:
    login(client, "manager")
    page = client.get("/runs").text
    assert "contacts.csv" in page and "2 (CSV)" in page
    rows = list(csv.DictReader(io.StringIO(client.get("/runs/1/quarantine.csv").text)))
    assert [(r["line"], r["column"]) for r in rows] == [("7", "last_name"), ("9", "email")]
    assert client.get("/runs/99/quarantine.csv").status_code == 404
    assert 'data-testid="failed-writes"' not in page  # nothing failed yet


def test_runs_page_lists_failed_crm_writes(client: TestClient, seeded: Workspace) -> None:
    error = "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Jobshift_Company_Country__c: bad value: Atlantis"
    with seeded.store.begin() as conn:
        conn.execute(
            insert(outbox),
            [
                {"idempotency_key": "create_lead:x", "kind": "create_lead", "signal_id": "s-x", "payload": {},
                 "status": "failed", "attempts": 1, "last_error": error, "is_backfill": False,
                 "created_at": datetime(2026, 11, 24, 9)},
            ],
        )  # fmt: skip
    login(client, "manager")
    page = client.get("/runs").text
    assert 'data-testid="failed-writes"' in page and "Atlantis" in page and "--retry-failed" in page


def test_settings_validate_and_save(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "manager")  # settings are for admins only
    assert client.get("/settings").status_code == 403
    assert (
        client.post("/settings/validate", data={"text": "[program]\n", "csrf_token": csrf}).status_code == 403
    )
    assert client.post("/settings", data={"text": "[program]\n", "csrf_token": csrf}).status_code == 403
    csrf = login(client, "admin")
    page = client.get("/settings")
    assert page.status_code == 200 and "tracking_cap" in page.text and "read-only" not in page.text
    bad = client.post(
        "/settings/validate", data={"text": "[program]\ntracking_cap = -5\n", "csrf_token": csrf}
    )
    assert bad.status_code == 422 and "program.tracking_cap" in bad.text
    ok = client.post("/settings/validate", data={"text": "[program]\ntracking_cap = 5\n", "csrf_token": csrf})
    assert "Valid configuration" in ok.text
    new = "[program]\ntracking_cap = 1234\n"
    assert client.post("/settings", data={"text": "[nope]\n", "csrf_token": csrf}).status_code == 422
    saved = client.post("/settings", data={"text": new, "csrf_token": csrf})
    assert saved.status_code == 200 and "Saved." in saved.text
    assert (seeded.path / "jobshift.toml").read_text() == new
    assert Workspace.open(seeded.path).config.program.tracking_cap == 1234
    with seeded.store.connect() as conn:
        entry = conn.execute(select(audit_log).where(audit_log.c.object == "settings")).mappings().one()
    assert entry["actor"] == "web:admin" and entry["after"] == {"text": new}
    assert "1234" in client.get("/settings").text


def test_users_page_for_admins(client: TestClient) -> None:
    login(client, "admin")
    page = client.get("/admin/users").text
    assert "rep2" in page and "u-bdr2" in page
