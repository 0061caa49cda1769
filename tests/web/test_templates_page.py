"""The outreach templates settings pages (``routes_outreach_templates.py``): admins only, CSRF, live
preview against a real lead, field errors with line numbers, audited save into the workspace's files,
reset to default; the lead page then shows the new draft."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from jobshift.services.outreach import template_sets
from jobshift.services.workspace import Workspace
from jobshift.store.audit import list_audit
from web.conftest import login

BODY = "Hello {{ first_name }} at {{ new_company }}!\nCheers, {{ rep_first_name }}"
FORM = {
    "email_subject": "New role, {{ first_name }}",
    "email_body": BODY,
    "linkedin_note": "Hi {{ first_name }}",
}


@pytest.mark.parametrize("role", ["manager", "rep"])
def test_managers_and_reps_get_403(client: TestClient, role: str) -> None:
    csrf = login(client, role)
    assert client.get("/settings/templates").status_code == 403
    assert client.get("/settings/templates/job_change").status_code == 403
    for path in (
        "/settings/templates/job_change",
        "/settings/templates/job_change/preview",
        "/settings/templates/job_change/reset",
    ):
        assert client.post(path, data={**FORM, "csrf_token": csrf}).status_code == 403, path


def test_the_list_shows_sets_per_rule_and_persona_and_the_settings_tab(client: TestClient) -> None:
    login(client, "admin")
    assert 'href="/settings/templates"' in client.get("/settings").text
    page = client.get("/settings/templates")
    assert page.status_code == 200
    for name in ("default", "job_change", "job_change.persona", "promotion.other", "new_hire"):
        assert f'data-set="{name}"' in page.text, name
    assert "workspace override" not in page.text
    assert client.get("/settings/templates/nope").status_code == 404
    assert client.get("/settings/templates/job_change.boss").status_code == 404


def test_edit_page_previews_the_newest_lead_and_the_sample(client: TestClient) -> None:
    login(client, "admin")
    page = client.get("/settings/templates/job_change")
    assert page.status_code == 200 and 'data-testid="preview-body"' in page.text
    assert "Congrats on joining" in page.text  # the built-in texts are in the form
    sample = client.get("/settings/templates/job_change?lead=sample")
    assert "Northwind Analytics" in sample.text
    unknown = client.get("/settings/templates/job_change?lead=zzz")
    assert "no lead zzz" in unknown.text


def test_save_needs_the_csrf_token(client: TestClient, seeded: Workspace) -> None:
    login(client, "admin")
    r = client.post("/settings/templates/job_change", data=FORM)
    assert r.status_code == 403
    assert not (template_sets.workspace_dir(seeded) / "job_change").exists()


def test_preview_fragment_renders_against_the_lead_and_flags_errors(client: TestClient) -> None:
    csrf = login(client, "admin")
    hx = {"HX-Request": "true"}
    ok = client.post(
        "/settings/templates/job_change/preview", data={**FORM, "lead": "l-1", "csrf_token": csrf}, headers=hx
    )
    assert ok.status_code == 200
    assert "Hello Jane at NewCo!" in ok.text and "<html" not in ok.text
    assert 'id="err-email_body" class="field-errors" hx-swap-oob="true"' in ok.text
    bad = {**FORM, "email_body": "Hi\n{{ first_name }\n", "email_subject": "{{ bogus }}", "lead": "l-1"}
    r = client.post("/settings/templates/job_change/preview", data={**bad, "csrf_token": csrf}, headers=hx)
    assert "line 2: syntax error" in r.text
    assert "line 1: unknown variable &#39;bogus&#39; (not in the evidence)" in r.text
    long_note = {**FORM, "linkedin_note": "{{ full_name }} " * 40, "lead": "sample"}
    r = client.post(
        "/settings/templates/job_change/preview", data={**long_note, "csrf_token": csrf}, headers=hx
    )
    assert "LinkedIn allows 300" in r.text


def test_save_writes_the_files_audits_and_the_lead_page_shows_the_new_draft(
    client: TestClient, seeded: Workspace
) -> None:
    csrf = login(client, "admin")
    before = client.get("/leads/l-1").text
    assert "Hello Jane" not in before
    r = client.post("/settings/templates/job_change", data={**FORM, "lead": "l-1", "csrf_token": csrf})
    assert r.status_code == 200 and 'data-testid="template-ok"' in r.text
    folder = template_sets.workspace_dir(seeded) / "job_change"
    assert (folder / "email_body.j2").read_text() == BODY
    assert "workspace override" in client.get("/settings/templates").text
    lead = client.get("/leads/l-1").text
    assert "Hello Jane at NewCo!" in lead and "New role, Jane" in lead
    with seeded.store.connect() as conn:
        entry = list_audit(conn, object="outreach_template")[0]
    assert entry["actor"] == "web:admin" and entry["record_id"] == "job_change"
    assert entry["before"]["version"] != entry["after"]["version"]

    bad = client.post(
        "/settings/templates/job_change",
        data={**FORM, "email_body": "{{ nope }}", "lead": "l-1", "csrf_token": csrf},
    )
    assert bad.status_code == 422 and "Not saved" in bad.text
    assert (folder / "email_body.j2").read_text() == BODY  # nothing written

    reset = client.post("/settings/templates/job_change/reset", data={"csrf_token": csrf})
    assert reset.status_code == 200 and "reset to the built-in default" in reset.text
    assert not folder.exists()
    assert "Hello Jane" not in client.get("/leads/l-1").text


def test_a_stale_form_gets_409_and_keeps_the_edit(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "admin")
    page = client.get("/settings/templates/new_hire").text
    opened = re.search(r'name="base_version" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    first = client.post(
        "/settings/templates/new_hire", data={**FORM, "base_version": opened, "csrf_token": csrf}
    )
    assert first.status_code == 200
    mine = {**FORM, "email_subject": "Mine {{ first_name }}", "base_version": opened, "csrf_token": csrf}
    stale = client.post("/settings/templates/new_hire", data=mine)
    assert stale.status_code == 409 and "changed since you opened it" in stale.text
    assert "Mine {{ first_name }}" in stale.text  # the edit is still in the form
    folder = template_sets.workspace_dir(seeded) / "new_hire"
    assert (folder / "email_subject.j2").read_text() == FORM["email_subject"]


def test_preview_without_javascript_reloads_the_whole_page(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "admin")
    r = client.post(
        "/settings/templates/promotion.persona/preview", data={**FORM, "lead": "l-1", "csrf_token": csrf}
    )
    assert r.status_code == 200 and "<html" in r.text and "Hello Jane at NewCo!" in r.text
    assert not (template_sets.workspace_dir(seeded) / "promotion.persona").exists()  # nothing saved
