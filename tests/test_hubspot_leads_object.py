"""Leads as HubSpot's Leads object (``[hubspot] lead_mode = "leads_object"`` / ``"auto"``) on the fake
portal: HubSpot's documented rules, one Lead per signal, a refused Lead, ``crm setup`` / ``check`` there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.hubspot import ENV, TOKEN, FakeHubSpot
from fakes.hubspot_data import _p
from jobshift.cli.main import main
from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot import HubSpotConnector, HubSpotHttpError
from jobshift.connectors.crm.protocol import LeadCreate


def _conn(fake: FakeHubSpot, **kw: Any) -> HubSpotConnector:
    values: dict[str, Any] = {
        "base_url": fake.url,
        "backoff_base_seconds": 0.001,
        "lead_mode": "leads_object",
    }
    return HubSpotConnector(HubSpotSection(**{**values, **kw}), env=ENV)


def _intent(i: int, **fields: Any) -> LeadCreate:
    return LeadCreate(
        f"k{i}", {"first_name": "Jo", "last_name": f"Doe{i}", "email": f"jo{i}@newco.com", **fields}
    )


def _links(fake: FakeHubSpot, lead_id: str) -> set[tuple[str, str, int]]:
    return {(tt, to, tid) for ft, fid, tt, to, tid in fake.assoc if (ft, fid) == ("leads", lead_id)}


def test_a_lead_is_a_contact_and_a_lead_record_associated_with_it() -> None:
    with FakeHubSpot(leads_object=True) as fake:
        owner = fake.add_owner("Ada", "Rep", "ada@us.com", "BDR")
        co = fake.add("companies", name="NewCo")
        conn = _conn(fake, lead_label="HOT")
        intents = [_intent(i, owner_id=owner, matched_account_id=co if i else None) for i in range(3)]
        results = conn.create_leads(intents)
        assert all(r.ok for r in results) and conn.stats.calls["batch create leads"] == 1
        leads = {r["id"]: r for r in fake.records("leads")}
        for i, res in enumerate(results):
            [(type_id, lead_id)] = res.related
            lead = leads[lead_id]
            assert (
                type_id == "0-136"
                and lead["jobshift_key"] == f"k{i}"
                and lead["hs_lead_name"] == f"Jo Doe{i}"
            )
            assert (lead["hs_pipeline"], lead["hs_pipeline_stage"]) == ("lead-pipeline-id", "new-stage-id")
            assert (lead["hs_lead_type"], lead["hs_lead_label"], lead["hubspot_owner_id"]) == (
                "NEW_BUSINESS", "HOT", owner,
            )  # fmt: skip
            company = {("companies", co, 610)} if i else set()
            assert _links(fake, lead_id) == {("contacts", str(res.record_id), 578)} | company
        again = conn.create_leads(intents)  # re-sent (a crash before the outbox mark): the same records
        assert [(r.record_id, r.related) for r in again] == [(r.record_id, r.related) for r in results]
        assert len(fake.records("leads")) == 3 and len(fake.records("contacts")) == 3


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"associations": []}, "associated with a contact"),
        ({"company_only": True}, "associated with a contact"),
        ({"properties": {"hs_lead_name": ""}}, "hs_lead_name is required"),
        ({"properties": {"hs_pipeline_stage": "closedwon"}}, "closedwon"),
        ({"properties": {"hs_lead_type": "Big"}}, "allowed options"),
        ({"contact": "999999"}, "contacts 999999 does not exist"),
    ],
)
def test_the_fake_refuses_what_hubspot_refuses(change: dict[str, Any], why: str) -> None:
    with FakeHubSpot(leads_object=True) as fake:
        contact, co = fake.add("contacts", lastname="Doe"), fake.add("companies", name="NewCo")
        client = _conn(fake).client

        def create(**over: Any) -> Any:
            target = over.get("contact", contact)
            assoc = [{"to": {"id": target}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                       "associationTypeId": 578}]}]  # fmt: skip
            if over.get("company_only"):
                assoc = [{"to": {"id": co}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                       "associationTypeId": 610}]}]  # fmt: skip
            props = {"hs_lead_name": "Jo Doe", "jobshift_key": "k1", **over.get("properties", {})}
            body = {"properties": props, "associations": over.get("associations", assoc)}
            return client.call("create lead", client.objects_batch.create, "leads", {"inputs": [body]})

        with pytest.raises(HubSpotHttpError) as refused:
            create(**change)
        assert refused.value.status == 400 and why in refused.value.message
        assert create()["results"][0]["properties"]["jobshift_key"] == "k1"
        with pytest.raises(HubSpotHttpError) as conflict:
            create()
        assert conflict.value.status == 409 and fake.records("leads")[0]["jobshift_key"] == "k1"


def test_a_portal_without_the_leads_object_has_none() -> None:
    with FakeHubSpot() as fake:
        conn = _conn(fake, lead_mode="auto")
        assert conn.has_leads_object() is False and conn.uses_leads_object() is False
        with pytest.raises(HubSpotHttpError) as err:
            conn.client.search("leads", {"limit": 1})
        assert err.value.status == 404
        [res] = conn.create_leads([_intent(1)])  # auto: leads stay contacts
        assert res.ok and res.related == () and conn.stats.calls["batch create leads"] == 0
    with FakeHubSpot(leads_object=True) as fake:
        [res] = _conn(fake, lead_mode="auto").create_leads([_intent(1)])
        assert res.ok and [t for t, _ in res.related] == ["0-136"]


def test_a_refused_lead_fails_alone_and_is_completed_when_retried() -> None:
    with FakeHubSpot(leads_object=True) as fake:
        owners = [fake.add_owner("A", str(i), f"a{i}@us.com") for i in range(2)]
        fake.props["leads"]["hubspot_owner_id"] = _p("hubspot_owner_id", "enumeration", tuple(owners))
        conn = _conn(fake)
        intents = [_intent(i, owner_id=owners[i % 2]) for i in range(5)]
        intents[2] = _intent(2, owner_id="999")  # an owner without a seat: HubSpot refuses the Lead
        results = conn.create_leads(intents)
        assert [r.ok for r in results] == [True, True, False, True, True]
        bad = results[2]
        assert (
            not bad.retryable
            and "VALIDATION_ERROR" in (bad.error or "")
            and "is in place" in (bad.error or "")
        )
        assert len(fake.records("contacts")) == 5 and len(fake.records("leads")) == 4
        fake.props["leads"]["hubspot_owner_id"] = _p("hubspot_owner_id")  # the admin gives 999 a seat
        [done] = conn.create_leads([intents[2]])  # push --retry-failed: the contact is found, not made again
        contact = next(r["id"] for r in fake.records("contacts") if r["jobshift_key"] == "k2")
        assert done.ok and done.record_id == contact and len(fake.records("contacts")) == 5
        assert len(fake.records("leads")) == 5 and _links(fake, done.related[0][1]) == {
            ("contacts", contact, 578)
        }


def _ws(tmp: Path, fake: FakeHubSpot, extra: str = "") -> str:
    ws = tmp / "ws"
    assert main(["init", str(ws)]) == 0
    (ws / "jobshift.toml").write_text(
        f'[push]\ncrm = "hubspot"\n\n[hubspot]\nbase_url = "{fake.url}"\nbackoff_base_seconds = 0\n'
        f'lead_mode = "leads_object"\n{extra}',
        encoding="utf-8",
    )
    return str(ws)


def test_crm_setup_and_check_on_a_portal_with_the_leads_object(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOBSHIFT_HUBSPOT_TOKEN", TOKEN)
    with FakeHubSpot(leads_object=True, jobshift_properties=False, portal_id=777) as fake:
        ws = _ws(tmp_path, fake)
        capsys.readouterr()
        assert main(["-w", ws, "crm", "setup", "--json"]) == 0
        made = json.loads(capsys.readouterr().out)
        assert "leads.jobshift_key" in made["created"] and fake.groups["leads"]["jobshift"]
        assert fake.props["leads"]["jobshift_key"]["hasUniqueValue"] is True
        assert main(["-w", ws, "crm", "check", "--json"]) == 0
        checked = json.loads(capsys.readouterr().out)
        assert checked["leads_object"] is True and checked["writes_leads_as"] == "contacts + Leads objects"
        assert checked["account"] == {"portal_id": "777", "ui_domain": "app.hubspot.com"}
        stored = json.loads((Path(ws) / "crm-account.json").read_text(encoding="utf-8"))
        assert stored["hubspot"]["portal_id"] == "777" and TOKEN not in json.dumps(stored)
        for extra, named in (
            ('lead_pipeline_stage = "won-stage-id"\n', "'won-stage-id'"),
            ('lead_pipeline = "sales"\n', "'sales'"),
            ('lead_label = "Lukewarm"\n', "'Lukewarm'"),
        ):
            bad = _ws(tmp_path / named.strip("'"), fake, extra)
            assert main(["-w", bad, "crm", "check"]) == 1
            err = capsys.readouterr().err
            assert named in err and "[hubspot]" in err, err
        fake.props["leads"].pop("jobshift_key")  # a portal where setup did not run on leads
        assert main(["-w", ws, "crm", "check"]) == 1
        assert "leads has no property jobshift_key" in capsys.readouterr().err


def test_crm_check_chooses_by_the_portal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOBSHIFT_HUBSPOT_TOKEN", TOKEN)
    with FakeHubSpot() as plain, FakeHubSpot(leads_object=True) as sales_hub:
        forced = _ws(tmp_path / "forced", plain)
        capsys.readouterr()
        assert main(["-w", forced, "crm", "check"]) == 1  # leads_object asked for, the portal has none
        assert "has no Leads object" in capsys.readouterr().err
        chosen = {}
        for name, fake in (("plain", plain), ("sales-hub", sales_hub)):
            ws = _ws(tmp_path / name, fake)
            text = (Path(ws) / "jobshift.toml").read_text(encoding="utf-8")
            (Path(ws) / "jobshift.toml").write_text(
                text.replace('"leads_object"', '"auto"'), encoding="utf-8"
            )
            capsys.readouterr()
            assert main(["-w", ws, "crm", "check", "--json"]) == 0
            report = json.loads(capsys.readouterr().out)
            chosen[name] = (report["leads_object"], report["writes_leads_as"], report["warnings"])
        assert chosen == {
            "plain": (False, "contacts", []),
            "sales-hub": (True, "contacts + Leads objects", []),
        }
