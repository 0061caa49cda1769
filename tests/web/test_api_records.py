"""REST API: leads, signals, contacts, accounts — scopes, filters, 401/404/422, actions (both backends)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jobshift.services.workspace import Workspace
from jobshift.store.schema import activities, audit_log, leads, signals
from web.conftest import bearer

API_GETS = [
    "/api/me",
    "/api/leads",
    "/api/leads/l-1",
    "/api/signals",
    "/api/signals/s-1",
    "/api/contacts",
    "/api/contacts/c-1",
    "/api/accounts",
    "/api/accounts/a-old",
    "/api/runs",
    "/api/runs/1",
    "/api/funnel",
    "/api/openapi.json",
]


def _ids(client: TestClient, token: str, path: str, key: str = "id", **params: object) -> list[str]:
    r = client.get(path, headers=bearer(token), params=params)
    assert r.status_code == 200, r.text
    return sorted(item[key] for item in r.json()["items"])


@pytest.mark.parametrize("path", API_GETS)
def test_every_api_route_needs_a_token(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert client.get(path, headers=bearer("jst_not-a-token")).status_code == 401
    assert client.get(path, headers={"Authorization": "Basic abc"}).status_code == 401


def test_api_posts_need_a_token(client: TestClient) -> None:
    assert client.post("/api/leads/l-1/contacted", json={}).status_code == 401
    assert client.post("/api/leads/l-1/dismiss", json={}).status_code == 401
    assert client.post("/api/settings/validate", content="x").status_code == 401


@pytest.mark.parametrize("path", [p for p in API_GETS if p != "/api/runs/1"])
def test_admin_reads_every_route(client: TestClient, tokens: dict[str, str], path: str) -> None:
    assert client.get(path, headers=bearer(tokens["admin"])).status_code == 200


def test_me(client: TestClient, tokens: dict[str, str]) -> None:
    me = client.get("/api/me", headers=bearer(tokens["rep"])).json()
    assert me == {"username": "rep", "role": "rep", "crm_user_id": "u-bdr1"}


def test_lead_scopes_by_role(client: TestClient, tokens: dict[str, str]) -> None:
    assert _ids(client, tokens["admin"], "/api/leads") == ["l-1", "l-2", "l-3"]
    assert _ids(client, tokens["manager"], "/api/leads") == ["l-1", "l-3"]  # team of u-mgr1: u-bdr1
    assert _ids(client, tokens["rep"], "/api/leads") == ["l-1", "l-3"]
    assert _ids(client, tokens["rep2"], "/api/leads") == ["l-2"]
    assert _ids(client, tokens["admin"], "/api/leads", mine="true") == []  # admin owns no CRM records
    assert _ids(client, tokens["manager"], "/api/leads", mine="true") == []


def test_a_rep_cannot_read_another_reps_lead(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/leads/l-2", headers=bearer(tokens["rep"])).status_code == 404
    assert client.get("/api/leads/l-2", headers=bearer(tokens["rep2"])).status_code == 200
    assert client.get("/api/leads/nope", headers=bearer(tokens["admin"])).status_code == 404


def test_lead_filters_sort_and_pagination(client: TestClient, tokens: dict[str, str]) -> None:
    admin = tokens["admin"]
    assert _ids(client, admin, "/api/leads", type="job_change") == ["l-1", "l-2"]
    assert _ids(client, admin, "/api/leads", status="Open") == ["l-3"]
    assert _ids(client, admin, "/api/leads", owner="u-bdr2") == ["l-2"]
    assert _ids(client, admin, "/api/leads", q="new") == ["l-1"]  # company prefix, any case form
    assert _ids(client, admin, "/api/leads", q="NEW") == ["l-1"]
    assert _ids(client, admin, "/api/leads", q="jane@new") == ["l-1"]  # e-mail prefix
    assert _ids(client, admin, "/api/leads", q=" jane  d ") == ["l-1"]  # first + last name
    assert _ids(client, admin, "/api/leads", q="zed") == ["l-3"]
    assert _ids(client, admin, "/api/leads", q="ane") == []  # prefix search, not substring
    assert _ids(client, admin, "/api/leads", q="50%_\\") == []
    assert _ids(client, admin, "/api/leads", **{"from": "2026-03-11", "to": "2026-03-31"}) == ["l-2"]
    r = client.get("/api/leads", headers=bearer(admin), params={"sort": "name", "per_page": 2, "page": 1})
    body = r.json()
    assert [i["last_name"] for i in body["items"]] == ["Doe", "Other"]
    assert (body["total"], body["pages"], body["per_page"]) == (3, 2, 2)
    page2 = client.get("/api/leads", headers=bearer(admin), params={"sort": "name", "per_page": 2, "page": 2})
    assert [i["last_name"] for i in page2.json()["items"]] == ["Plain"]
    newest = client.get("/api/leads", headers=bearer(admin)).json()["items"][0]
    assert (
        newest["id"] == "l-2" and newest["owner_name"] == "Ben Bdr" and newest["signal_type"] == "job_change"
    )


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "bogus"},
        {"per_page": 0},
        {"per_page": 1000},
        {"page": 0},
        {"from": "2026-13-01"},
        {"page": "x"},
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, tokens: dict[str, str], params: dict[str, object]
) -> None:
    r = client.get("/api/leads", headers=bearer(tokens["admin"]), params=params)
    assert r.status_code == 422, r.text


def test_lead_detail_has_the_dynamic_layout(client: TestClient, tokens: dict[str, str]) -> None:
    lead = client.get("/api/leads/l-1", headers=bearer(tokens["rep"])).json()
    assert lead["past_contact"]["id"] == "c-1"
    assert lead["past_account"]["name"] == "OldCo" and lead["past_account"]["kind"] == "customer"
    assert lead["current_account"]["name"] == "NewCo"
    assert lead["current_account"]["kind"] == "open opp: 3-Technical Evaluation"
    assert lead["signal"]["confidence"] == pytest.approx(0.93)
    assert [a["id"] for a in lead["timeline"]] == ["act-1"]
    assert lead["routing_reason"] is None
    other = client.get("/api/leads/l-2", headers=bearer(tokens["admin"])).json()
    assert other["routing_reason"] == "SMB round-robin"


def test_signals_scopes_and_filters(client: TestClient, tokens: dict[str, str]) -> None:
    sid = "signal_id"
    assert _ids(client, tokens["admin"], "/api/signals", sid) == ["s-1", "s-2", "s-3"]
    assert _ids(client, tokens["rep"], "/api/signals", sid) == [
        "s-1",
        "s-3",
    ]  # own lead; own account's contact
    assert _ids(client, tokens["rep2"], "/api/signals", sid) == ["s-2"]
    assert _ids(client, tokens["admin"], "/api/signals", sid, type="left_company") == ["s-3"]
    assert _ids(client, tokens["admin"], "/api/signals", sid, rule="email") == ["s-2"]
    assert _ids(client, tokens["admin"], "/api/signals", sid, min_confidence=0.9) == ["s-1"]
    assert _ids(client, tokens["admin"], "/api/signals", sid, status="pushed") == ["s-1", "s-2"]
    assert (
        client.get("/api/signals", headers=bearer(tokens["admin"]), params={"min_confidence": 2}).status_code
        == 422
    )
    assert client.get("/api/signals/s-2", headers=bearer(tokens["rep"])).status_code == 404
    assert client.get("/api/signals/s-1", headers=bearer(tokens["rep"])).json()["evidence"] == {
        "linkedin": "jane-doe"
    }


def test_contacts_are_tracked_contacts_in_scope(client: TestClient, tokens: dict[str, str]) -> None:
    assert _ids(client, tokens["admin"], "/api/contacts") == ["c-1", "c-2", "c-3"]  # c-4 has no account
    assert _ids(client, tokens["rep"], "/api/contacts") == ["c-1", "c-2"]
    assert _ids(client, tokens["rep2"], "/api/contacts") == ["c-3"]
    assert _ids(client, tokens["admin"], "/api/contacts", left="true") == ["c-1", "c-3"]
    assert _ids(client, tokens["admin"], "/api/contacts", left="false") == ["c-2"]
    assert _ids(client, tokens["admin"], "/api/contacts", account="a-other") == ["c-3"]
    contact = client.get("/api/contacts/c-1", headers=bearer(tokens["rep"])).json()
    assert contact["no_longer_at_company"] is True
    assert [m["id"] for m in contact["moved_to"]] == ["l-1"]
    assert client.get("/api/contacts/c-3", headers=bearer(tokens["rep"])).status_code == 404


def test_accounts(client: TestClient, tokens: dict[str, str]) -> None:
    assert _ids(client, tokens["admin"], "/api/accounts") == ["a-new", "a-old", "a-other"]
    assert _ids(client, tokens["rep"], "/api/accounts") == ["a-new", "a-old"]
    assert _ids(client, tokens["admin"], "/api/accounts", target="true") == ["a-new"]
    assert _ids(client, tokens["admin"], "/api/accounts", type="Customer") == ["a-old", "a-other"]
    acct = client.get("/api/accounts/a-new", headers=bearer(tokens["manager"])).json()
    assert acct["open_opportunity"]["id"] == "o-1" and [lead["id"] for lead in acct["leads_joined"]] == [
        "l-1"
    ]
    assert client.get("/api/accounts/a-other", headers=bearer(tokens["rep"])).status_code == 404


def test_runs_are_for_admins_and_managers(client: TestClient, tokens: dict[str, str]) -> None:
    runs = client.get("/api/runs", headers=bearer(tokens["manager"])).json()
    assert runs[0]["kind"] == "import" and runs[0]["quarantined"] == 2
    assert (
        client.get(f"/api/runs/{runs[0]['id']}", headers=bearer(tokens["admin"])).json()["quarantined"] == 2
    )
    assert client.get("/api/runs", headers=bearer(tokens["rep"])).status_code == 403
    assert client.get("/api/runs/1", headers=bearer(tokens["rep"])).status_code == 403
    assert client.get("/api/runs/999", headers=bearer(tokens["admin"])).status_code == 404


def test_funnel_counts_and_money(client: TestClient, tokens: dict[str, str]) -> None:
    stages = {s["stage"]: s for s in client.get("/api/funnel", headers=bearer(tokens["admin"])).json()}
    assert [
        stages[s]["count"]
        for s in ("tracked", "detected", "pushed", "contacted", "meeting", "pipeline", "won")
    ] == [
        3,
        3,
        2,
        1,
        1,
        1,
        1,
    ]
    assert stages["won"]["amount"] == 50000.0 and stages["pipeline"]["amount"] == 50000.0
    rep2 = {s["stage"]: s["count"] for s in client.get("/api/funnel", headers=bearer(tokens["rep2"])).json()}
    assert rep2 == {
        "tracked": 1,
        "detected": 1,
        "pushed": 1,
        "contacted": 0,
        "meeting": 0,
        "pipeline": 0,
        "won": 0,
    }


def test_mark_contacted_creates_an_audited_activity(
    client: TestClient, tokens: dict[str, str], seeded: Workspace
) -> None:
    r = client.post(
        "/api/leads/l-3/contacted", headers=bearer(tokens["rep"]), json={"type": "Email", "note": "hi"}
    )
    assert r.status_code == 201, r.text
    act_id = r.json()["id"]
    with seeded.store.connect() as conn:
        act = conn.execute(select(activities).where(activities.c.id == act_id)).mappings().one()
        status = conn.execute(select(leads.c.status).where(leads.c.id == "l-3")).scalar()
        audited = conn.execute(select(audit_log.c.object, audit_log.c.actor)).all()
    assert (act["who_id"], act["type"], act["owner_id"], act["subject"]) == (
        "l-3",
        "Email",
        "u-bdr1",
        "Contacted: hi",
    )
    assert status == "Contacted"
    assert ("activities", "web:rep") in audited and ("leads", "web:rep") in audited
    assert client.post("/api/leads/l-2/contacted", headers=bearer(tokens["rep"]), json={}).status_code == 404
    bad = client.post("/api/leads/l-3/contacted", headers=bearer(tokens["rep"]), json={"type": "Fax"})
    assert bad.status_code == 422


def test_dismiss_marks_lead_and_signal(client: TestClient, tokens: dict[str, str], seeded: Workspace) -> None:
    r = client.post(
        "/api/leads/l-1/dismiss", headers=bearer(tokens["manager"]), json={"reason": "wrong_company"}
    )
    assert r.json() == {"lead_id": "l-1", "dismissed": True, "reason": "wrong_company"}
    again = client.post("/api/leads/l-1/dismiss", headers=bearer(tokens["manager"]), json={})
    assert again.json()["dismissed"] is False
    with seeded.store.connect() as conn:
        assert conn.execute(select(leads.c.status).where(leads.c.id == "l-1")).scalar() == "Dismissed"
        assert conn.execute(select(signals.c.status).where(signals.c.signal_id == "s-1")).scalar() == (
            "dismissed:wrong_company"
        )
        actions = conn.execute(select(audit_log.c.action, audit_log.c.object)).all()
    assert ("dismiss", "leads") in actions and ("dismiss", "signals") in actions
    assert (
        client.post("/api/leads/l-1/dismiss", headers=bearer(tokens["rep"]), json={"reason": "x"}).status_code
        == 422
    )
    assert client.post("/api/leads/l-2/dismiss", headers=bearer(tokens["rep"]), json={}).status_code == 404


def test_settings_validation_api(client: TestClient, tokens: dict[str, str]) -> None:
    ok = client.post(
        "/api/settings/validate",
        headers={**bearer(tokens["admin"]), "Content-Type": "text/plain"},
        content="[program]\ntracking_cap = 10\n",
    )
    assert ok.json() == {"valid": True}
    bad = client.post(
        "/api/settings/validate",
        headers={**bearer(tokens["admin"]), "Content-Type": "text/plain"},
        content="[program]\ntracking_cap = -1\n",
    )
    assert bad.json()["valid"] is False and bad.json()["key_path"] == "program.tracking_cap"
    for role in ("manager", "rep"):  # settings are for admins only
        denied = client.post(
            "/api/settings/validate",
            headers={**bearer(tokens[role]), "Content-Type": "text/plain"},
            content="",
        )
        assert denied.status_code == 403


def test_openapi_documents_the_api(client: TestClient, tokens: dict[str, str]) -> None:
    paths = client.get("/api/openapi.json", headers=bearer(tokens["rep"])).json()["paths"]
    for p in (
        "/api/leads",
        "/api/leads/{lead_id}",
        "/api/signals",
        "/api/contacts",
        "/api/accounts",
        "/api/runs",
    ):
        assert p in paths
    assert "/leads" not in paths  # pages are not part of the API schema
