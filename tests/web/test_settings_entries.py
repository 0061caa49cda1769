"""Settings forms add and remove tiers and cohorts: validated by the same models (errors next to the
field), a removal refused while something needs the entry, written with tomlkit (comments kept),
atomically and audited."""

from __future__ import annotations

import tomllib

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from jobshift.config import CONFIG_FILE
from jobshift.services.workspace import Workspace
from jobshift.store.schema import audit_log
from web.conftest import login

TOML = """# our program, keep this comment
[[cohorts]]
name = "won"  # the customers
opportunity_status = ["won"]

[[cohorts]]
name = "lost"
opportunity_status = ["lost"]

[tiers.vip]
# the weekly ones
cadence = "weekly:mon"
cohorts = ["won"]

[tiers.rest]
cadence = "monthly:1"
"""


def _audits(ws: Workspace) -> int:
    with ws.store.connect() as conn:
        return int(conn.execute(select(func.count()).where(audit_log.c.object == "settings")).scalar_one())


def test_add_a_tier_and_a_cohort(client: TestClient, seeded: Workspace) -> None:
    path = seeded.path / CONFIG_FILE
    path.write_text(TOML)
    seeded.config = Workspace.open(seeded.path).config
    client.app.state.ws.config = seeded.config  # type: ignore[attr-defined]
    csrf = login(client, "admin")
    page = client.get("/settings/forms").text
    assert "/settings/forms?form=tiers.new" in page and "/settings/forms?form=cohorts.new" in page
    assert 'data-testid="form-tiers.new"' in client.get("/settings/forms?form=tiers.new").text
    # errors next to the field, nothing written
    bad = client.post(
        "/settings/forms/tiers.new",
        data={"csrf_token": csrf, "name": "vip", "cadence": "fortnightly", "size": "0"},
    )
    assert bad.status_code == 422
    for name in ("name", "cadence", "size"):
        assert f'data-testid="field-error-{name}"' in bad.text, name
    assert "exists already" in bad.text
    assert path.read_text() == TOML
    new = client.post(
        "/settings/forms/tiers.new", data={"csrf_token": csrf, "name": "new", "cadence": "daily"}
    )
    assert new.status_code == 422 and "the add form" in new.text
    dup = client.post("/settings/forms/cohorts.new", data={"csrf_token": csrf, "name": "lost"})
    assert dup.status_code == 422 and 'data-testid="field-error-name"' in dup.text
    audits = _audits(seeded)
    # a cohort, then a tier using it (goes before the last tier, which takes the rest)
    r = client.post(
        "/settings/forms/cohorts.new",
        data={
            "csrf_token": csrf,
            "name": "open_big",
            "opportunity_status": "open",
            "segments": "Large\nPubSec",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "form=cohorts.2" in r.headers["location"], r.text
    r = client.post(
        "/settings/forms/tiers.new",
        data={
            "csrf_token": csrf,
            "name": "pipeline",
            "cadence": "weekly:wed",
            "size": "200",
            "cohorts": "open_big",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and "form=tiers.pipeline" in r.headers["location"], r.text
    text = path.read_text()
    assert (
        "# our program, keep this comment" in text
        and "# the customers" in text
        and "# the weekly ones" in text
    )
    data = tomllib.loads(text)
    assert [c["name"] for c in data["cohorts"]] == ["won", "lost", "open_big"]
    assert data["cohorts"][2] == {
        "name": "open_big",
        "opportunity_status": ["open"],
        "segments": ["Large", "PubSec"],
    }
    assert list(data["tiers"]) == ["vip", "pipeline", "rest"]
    assert data["tiers"]["pipeline"] == {"cadence": "weekly:wed", "size": 200, "cohorts": ["open_big"]}
    assert _audits(seeded) == audits + 2
    assert list(client.app.state.ws.config.tiers) == ["vip", "pipeline", "rest"]  # type: ignore[attr-defined]


def test_remove_refused_while_needed_then_done(client: TestClient, seeded: Workspace) -> None:
    path = seeded.path / CONFIG_FILE
    path.write_text(TOML)
    client.app.state.ws.config = Workspace.open(seeded.path).config  # type: ignore[attr-defined]
    csrf = login(client, "admin")
    assert 'data-testid="remove-cohorts.0"' in client.get("/settings/forms?form=cohorts.0").text
    r = client.post("/settings/forms/cohorts.0/remove", data={"csrf_token": csrf})
    assert r.status_code == 409 and "cohort &#39;won&#39; is used by tier vip" in r.text
    r = client.post("/settings/forms/tiers.rest/remove", data={"csrf_token": csrf})
    assert r.status_code == 409 and "takes the rest" in r.text
    assert path.read_text() == TOML
    assert client.post("/settings/forms/tiers.nope/remove", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/settings/forms/cohorts.1/remove", data={}).status_code == 403  # no CSRF
    audits = _audits(seeded)
    r = client.post("/settings/forms/tiers.vip/remove", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "removed=" in r.headers["location"]
    r = client.post("/settings/forms/cohorts.0/remove", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303  # no tier names "won" now
    text = path.read_text()
    assert "# our program, keep this comment" in text
    data = tomllib.loads(text)
    assert list(data["tiers"]) == ["rest"] and [c["name"] for c in data["cohorts"]] == ["lost"]
    assert _audits(seeded) == audits + 2
    r = client.post("/settings/forms/cohorts.0/remove", data={"csrf_token": csrf})
    assert r.status_code == 409 and "the only cohort" in r.text


def test_reps_and_managers_may_not_add_or_remove(client: TestClient, seeded: Workspace) -> None:
    csrf = login(client, "manager")
    assert client.get("/settings/forms?form=tiers.new").status_code == 403
    assert client.post("/settings/forms/tiers.tier1/remove", data={"csrf_token": csrf}).status_code == 403
    assert (
        client.post("/settings/forms/cohorts.new", data={"csrf_token": csrf, "name": "x"}).status_code == 403
    )
