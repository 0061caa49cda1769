"""Settings forms: the same models as jobshift.toml validate them, errors next to the field, the file
stays the source of truth (comments kept, atomic, audited); admins only. The users form adds users."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from jobshift.config import CONFIG_FILE
from jobshift.services.workspace import Workspace
from jobshift.store.schema import audit_log
from web.conftest import login


def test_only_admins_see_the_forms(client: TestClient) -> None:
    login(client, "manager")
    assert client.get("/settings/forms").status_code == 403
    csrf = login(client, "rep")
    assert client.post("/settings/forms/persona", data={"csrf_token": csrf}).status_code == 403


def test_a_form_writes_the_toml_keeping_its_comments(client: TestClient, seeded: Workspace) -> None:
    path = seeded.path / CONFIG_FILE
    path.write_text("# our setup, do not lose this\n[icp]\n# big ones only\nmin_employees = 200\n")
    csrf = login(client, "admin")
    page = client.get("/settings/forms").text
    assert 'data-testid="form-persona"' in page and "/settings/forms?form=tiers.tier1" in page
    assert "/settings/forms?form=cohorts.0" in page and "/settings/forms?form=routing" in page
    assert 'data-testid="form-cohorts.0"' in client.get("/settings/forms?form=cohorts.0").text
    r = client.post(
        "/settings/forms/persona",
        data={
            "csrf_token": csrf,
            "title_keywords": "head of platform\nCISO",
            "title_regexes": "",
            "seniorities": "vp, director",
            "functions": "engineering",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    text = path.read_text()
    assert (
        "# our setup, do not lose this" in text
        and "# big ones only" in text
        and "min_employees = 200" in text
    )
    assert 'title_keywords = ["head of platform", "CISO"]' in text
    assert 'seniorities = ["vp", "director"]' in text
    with seeded.store.connect() as conn:
        assert conn.execute(select(audit_log.c.object).where(audit_log.c.object == "settings")).first()
    r = client.post(
        "/settings/forms/tiers.tier1", data={"csrf_token": csrf, "cadence": "weekly:wed", "size": "500"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    assert "[tiers.tier2]" in path.read_text() and 'cadence = "weekly:wed"' in path.read_text()


def test_errors_are_shown_next_to_the_field_and_nothing_is_written(
    client: TestClient, seeded: Workspace
) -> None:
    path = seeded.path / CONFIG_FILE
    before = path.read_text() if path.exists() else None
    csrf = login(client, "admin")
    r = client.post(
        "/settings/forms/icp",
        data={"csrf_token": csrf, "min_employees": "-5", "max_employees": "lots", "industries": "Software"},
    )
    assert r.status_code == 422
    assert (
        'data-testid="field-error-min_employees"' in r.text
        and 'data-testid="field-error-max_employees"' in r.text
    )
    r = client.post("/settings/forms/tiers.tier1", data={"csrf_token": csrf, "cadence": "fortnightly"})
    assert r.status_code == 422 and 'data-testid="field-error-cadence"' in r.text
    assert (path.read_text() if path.exists() else None) == before
    assert client.post("/settings/forms/nope", data={"csrf_token": csrf}).status_code == 404


def test_admin_adds_a_user_audited(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "admin")
    r = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "newrep",
            "role": "rep",
            "crm_user_id": "u-bdr2",
            "password": "a-long-pass-1",
        },
    )
    assert r.status_code == 200 and "newrep added as rep" in r.text
    dup = client.post(
        "/admin/users",
        data={"csrf_token": csrf, "username": "newrep", "role": "rep", "password": "a-long-pass-1"},
    )
    assert dup.status_code == 422 and "already exists" in dup.text
    with seeded.store.connect() as conn:
        assert (
            conn.execute(select(audit_log.c.record_id).where(audit_log.c.object == "app_user")).scalar()
            == "newrep"
        )
