"""Confirming an uncertain signal plans it through the outbox at once, exactly as ``jobshift push`` would:
in store mode the lead exists right away (routed, audited, notified like any other); in HubSpot and
Salesforce mode the outbox row is queued and the next push applies it once ("confirm and push" applies it
now). Re-confirming changes nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import tomlkit
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_org import deployed_fields
from fakes.salesforce_setup import ENV as SF_ENV
from fakes.salesforce_setup import ORG_EXTERNAL_IDS
from jobshift.cli.main import main
from jobshift.services.notify.notify_plan import plan as plan_notifications
from jobshift.services.workspace import Workspace
from jobshift.store.schema import audit_log, leads, outbox, signals
from jobshift.utils.timeutil import utcnow
from web.conftest import login
from web.seed import add_uncertain


def _signal(ws: Workspace, sid: str = "s-u1") -> dict[str, object]:
    with ws.store.connect() as conn:
        return dict(conn.execute(select(signals).where(signals.c.signal_id == sid)).mappings().one())


def _outbox(ws: Workspace, sid: str = "s-u1") -> list[dict[str, object]]:
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(select(outbox).where(outbox.c.signal_id == sid)).mappings()]


def _created(ws: Workspace) -> list[object]:
    """The statuses of the signal's create_lead rows (the contact update of c-2, a contact the fake
    HubSpot does not hold, fails there and is not what these tests are about)."""
    return [o["status"] for o in _outbox(ws) if o["kind"] == "create_lead"]


def _notified_leads(ws: Workspace) -> int:
    with ws.store.connect() as conn:
        now = utcnow()
        return plan_notifications(
            conn, ws.config, (now + timedelta(days=1)).date(), now=now, write=False
        ).leads


def test_confirm_creates_the_routed_lead_at_once_in_store_mode(client: TestClient, seeded: Workspace) -> None:
    add_uncertain(seeded)
    notified_before = _notified_leads(seeded)
    csrf = login(client, "manager")
    assert 'data-testid="confirm-push"' not in client.get("/review/s-u1").text  # store mode: no need
    r = client.post("/review/s-u1", data={"decision": "confirm", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and "lead=created" in r.headers["location"]
    assert "the lead is created and routed" in client.get(r.headers["location"]).text
    sig = _signal(seeded)
    assert sig["status"] == "pushed" and sig["lead_id"]
    rows = _outbox(seeded)
    assert sorted((o["kind"], o["status"]) for o in rows) == [
        ("create_lead", "applied"),
        ("update_contact", "applied"),  # Bob left OldCo, as push plans a job change
    ]
    with seeded.store.connect() as conn:
        lead = conn.execute(select(leads).where(leads.c.id == sig["lead_id"])).mappings().one()
        created = conn.execute(
            select(func.count()).where(
                audit_log.c.action == "create", audit_log.c.record_id == str(sig["lead_id"])
            )
        ).scalar_one()
    assert lead["company"] == "Farway" and lead["owner_id"]  # routed like any pushed lead
    assert not lead["is_backfill"] and created == 1
    assert _notified_leads(seeded) == notified_before + 1  # the rep hears about it like any other
    # re-confirming (a double click) is idempotent: no second outbox row, no second lead
    again = client.post(
        "/review/s-u1", data={"decision": "confirm", "csrf_token": csrf}, follow_redirects=False
    )
    assert again.status_code == 303 and "n=0" in again.headers["location"]
    assert len(_outbox(seeded)) == 2
    with seeded.store.connect() as conn:
        assert conn.execute(select(func.count()).where(leads.c.company == "Farway")).scalar_one() == 1
    # but a rejection after the lead exists is a conflict
    assert client.post("/review/s-u1", data={"decision": "reject", "csrf_token": csrf}).status_code == 409


def test_cli_confirm_creates_the_lead_and_is_idempotent(
    seeded: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    add_uncertain(seeded)
    ws = ["-w", str(seeded.path)]
    assert main([*ws, "review", "confirm", "s-u1", "--reason", "same LinkedIn photo"]) == 0
    out = capsys.readouterr().out
    assert "1 signal(s) confirmed" in out and "1 lead(s) created" in out, out
    assert _signal(seeded)["status"] == "pushed"
    assert main([*ws, "review", "confirm", "s-u1"]) == 0
    assert "nothing new to push" in capsys.readouterr().out
    assert len(_outbox(seeded)) == 2
    assert main([*ws, "push"]) == 0  # push has nothing left of it
    assert len(_outbox(seeded)) == 2


def _hubspot_mode(ws: Workspace, hs: FakeHubSpot) -> None:
    toml = Path(ws.path) / "jobshift.toml"
    doc = tomlkit.parse(toml.read_text(encoding="utf-8"))
    doc.setdefault("push", tomlkit.table())["crm"] = "hubspot"  # type: ignore[index]
    doc.setdefault("hubspot", tomlkit.table()).update({"base_url": hs.url, "backoff_base_seconds": 0})  # type: ignore[union-attr]
    toml.write_text(tomlkit.dumps(doc), encoding="utf-8")


def test_hubspot_mode_queues_the_row_and_push_applies_it_once(
    seeded: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in HS_ENV.items():
        monkeypatch.setenv(k, v)
    add_uncertain(seeded)
    ws = ["-w", str(seeded.path)]
    with FakeHubSpot() as hs:
        _hubspot_mode(seeded, hs)
        assert main([*ws, "review", "confirm", "s-u1"]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert "1 lead(s) queued in the outbox for the next push to hubspot" in out, out
        rows = _outbox(seeded)
        assert sorted((o["kind"], o["status"]) for o in rows) == [
            ("create_lead", "pending"),
            ("update_contact", "pending"),
        ]
        assert _signal(seeded)["status"] == "new" and not hs.objects["contacts"]
        assert main([*ws, "push"]) == 0
        capsys.readouterr()
        assert _created(seeded) == ["applied"]
        made = [c for c in hs.objects["contacts"].values() if c["properties"].get("company") == "Farway"]
        assert len(made) == 1
        sig = _signal(seeded)
        assert sig["status"] == "pushed" and sig["lead_id"] == made[0]["id"]
        assert main([*ws, "push"]) == 0  # applied once
        assert main([*ws, "review", "confirm", "s-u1"]) == 0
        assert len(_outbox(seeded)) == 2
        assert (
            len([c for c in hs.objects["contacts"].values() if c["properties"].get("company") == "Farway"])
            == 1
        )


def test_hubspot_confirm_and_push_applies_now(
    client: TestClient, seeded: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in HS_ENV.items():
        monkeypatch.setenv(k, v)
    add_uncertain(seeded)
    with FakeHubSpot() as hs:
        _hubspot_mode(seeded, hs)
        app_ws = client.app.state.ws  # type: ignore[attr-defined]
        app_ws.config = Workspace.open(seeded.path).config  # the app reads the new [push] crm
        csrf = login(client, "admin")
        assert 'data-testid="confirm-push"' in client.get("/review/s-u1").text
        r = client.post(
            "/review/s-u1", data={"decision": "confirm_push", "csrf_token": csrf}, follow_redirects=False
        )
        assert r.status_code == 303 and "lead=created" in r.headers["location"]
        assert _created(seeded) == ["applied"]
        made = [c for c in hs.objects["contacts"].values() if c["properties"].get("company") == "Farway"]
        assert len(made) == 1 and _signal(seeded)["lead_id"] == made[0]["id"]


def test_a_crm_not_set_up_leaves_the_confirmation_for_the_next_push(
    seeded: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k in HS_ENV:
        monkeypatch.delenv(k, raising=False)  # no HubSpot token: the connector cannot be built
    add_uncertain(seeded)
    with FakeHubSpot() as hs:
        _hubspot_mode(seeded, hs)
        assert main(["-w", str(seeded.path), "review", "confirm", "s-u1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "not planned now" in out and "the next push plans it" in out, out
    assert _signal(seeded)["status"] == "new" and _outbox(seeded) == []  # the decision stands


def _salesforce_mode(ws: Workspace, sf: FakeSalesforce) -> None:
    toml = Path(ws.path) / "jobshift.toml"
    doc = tomlkit.parse(toml.read_text(encoding="utf-8"))
    doc.setdefault("push", tomlkit.table())["crm"] = "salesforce"  # type: ignore[index]
    doc.setdefault("salesforce", tomlkit.table()).update(  # type: ignore[union-attr]
        {
            "login_url": sf.url,
            "username": "integration@example.com",
            "client_id": "test-client",
            "ca_bundle": str(sf.cert),
            "backoff_base_seconds": 0.001,
            "backoff_max_seconds": 0.01,
        }
    )
    toml.write_text(tomlkit.dumps(doc), encoding="utf-8")


def _sf_leads(sf: FakeSalesforce) -> list[dict[str, object]]:
    return [r for r in sf.records("Lead") if r.get("Company") == "Farway"]


def test_salesforce_mode_queues_the_row_and_push_writes_one_lead(
    seeded: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in SF_ENV.items():
        monkeypatch.setenv(k, v)
    add_uncertain(seeded)
    ws = ["-w", str(seeded.path)]
    # the org as `jobshift crm setup` leaves it: jobshift's shipped DX fields and its external id deployed
    fields = {o: deployed_fields(o) for o in ("Lead", "Contact")}
    with FakeSalesforce(tmp_path, custom_fields=fields, external_ids=ORG_EXTERNAL_IDS) as sf:
        _salesforce_mode(seeded, sf)
        assert main([*ws, "review", "confirm", "s-u1"]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert "1 lead(s) queued in the outbox for the next push to salesforce" in out, out
        assert ("create_lead", "pending") in [(o["kind"], o["status"]) for o in _outbox(seeded)]
        assert _signal(seeded)["status"] == "new" and not _sf_leads(sf)
        main([*ws, "push"])  # the contact update of c-2 (not in this org) may fail; the lead must not
        pushed = capsys.readouterr()
        assert _created(seeded) == ["applied"], (pushed.out, pushed.err, _outbox(seeded))
        made = _sf_leads(sf)
        assert len(made) == 1 and made[0]["LastName"] == "Stay"
        sig = _signal(seeded)
        assert sig["status"] == "pushed" and sig["lead_id"] == made[0]["Id"]
        main([*ws, "push"])  # applied once
        assert main([*ws, "review", "confirm", "s-u1"]) == 0  # a second confirmation changes nothing
        main([*ws, "push"])
        assert len(_sf_leads(sf)) == 1 and _created(seeded) == ["applied"]
