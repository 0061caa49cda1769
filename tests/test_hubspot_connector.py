"""HubSpot specifics on the fake account: the search window, poison records, the usage guard, 429s,
the token, property types and the crm setup / check commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.hubspot import ENV, TOKEN, FakeHubSpot
from jobshift.cli.main import main
from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot import HubSpotConnector, HubSpotHttpError
from jobshift.connectors.crm.protocol import LeadCreate
from jobshift.errors import PausedError, RetryableError


def _conn(fake: FakeHubSpot, sleeps: list[float] | None = None, **kw: Any) -> HubSpotConnector:
    values: dict[str, Any] = {
        "base_url": fake.url,
        "backoff_base_seconds": 0.001,
        "backoff_max_seconds": 0.01,
    }
    return HubSpotConnector(
        HubSpotSection(**{**values, **kw}),
        env=ENV,
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
    )


def test_reads_past_the_10000_result_window_of_search() -> None:
    with FakeHubSpot() as fake:
        co = fake.add("companies", name="Big")
        for i in range(10_250):
            fake.add("contacts", lastname=f"L{i}", email=f"p{i}@big.com", associatedcompanyid=co)
        conn = _conn(fake, search_page_size=200)
        with pytest.raises(HubSpotHttpError, match="10000"):  # the fake enforces HubSpot's window
            conn.client.search("contacts", {"limit": 200, "after": "9900"})
        rows = list(conn.read("contacts"))
        assert len(rows) == len({r["id"] for r in rows}) == 10_250
        assert conn.stats.calls["search contacts"] >= 52  # 50 pages of the first window, then a re-query


def test_a_poison_record_in_a_batch_create_fails_alone() -> None:
    with FakeHubSpot() as fake:
        prop = dict(fake.props["contacts"]["hs_lead_status"], name="jobshift_priority")  # made a dropdown
        prop["options"] = [{"label": v, "value": v} for v in ("High", "Medium", "Low")]
        fake.props["contacts"]["jobshift_priority"] = prop
        conn = _conn(fake)
        intents = [LeadCreate(f"k{i}", {"last_name": f"N{i}", "priority": "High"}) for i in range(7)]
        intents[3] = LeadCreate("k3", {"last_name": "Bad", "priority": "Very High"})  # not an option
        results = conn.create_leads(intents)
        assert [r.ok for r in results] == [True] * 3 + [False] + [True] * 3
        assert "VALIDATION_ERROR" in (results[3].error or "") and not results[3].retryable
        assert sorted(r["jobshift_key"] for r in fake.records("contacts")) == [
            f"k{i}" for i in range(7) if i != 3
        ]


def test_writes_pause_near_the_daily_limit() -> None:
    with FakeHubSpot(daily_limit=100) as fake:
        fake.api_used = 89
        conn = _conn(fake, api_usage_pause_share=0.9)
        with pytest.raises(PausedError, match="90/100"):
            conn.create_leads([LeadCreate("k", {"last_name": "X"})])
        assert fake.records("contacts") == []
        usage = conn.api_usage()
        assert (usage.used, usage.limit, usage.extra["source"]) == (
            90,
            100,
            "headers",
        )  # from the headers of the last answer


def test_429_waits_for_retry_after_and_gives_up_retryable() -> None:
    with FakeHubSpot(fault_share=1.0, retry_after="7", seed=1) as fake:
        sleeps: list[float] = []
        conn = _conn(fake, sleeps, max_attempts=3, backoff_max_seconds=1)
        with pytest.raises(RetryableError) as err:
            conn.client.property_list("contacts")
        assert conn.stats.calls["properties contacts"] == 3 and len(sleeps) == 2
        if fake.faults["429"]:
            assert max(sleeps) == 7.0  # Retry-After honoured (capped at 10x the backoff cap)
        assert TOKEN not in str(err.value)


def test_bad_token_is_fatal_and_never_shown() -> None:
    with FakeHubSpot() as fake:
        conn = HubSpotConnector(
            HubSpotSection(base_url=fake.url), env={"JOBSHIFT_HUBSPOT_TOKEN": "pat-wrong-1"}
        )
        with pytest.raises(HubSpotHttpError) as err:
            list(conn.read("accounts"))
        assert err.value.status == 401 and "pat-wrong-1" not in str(err.value)


def _ws(tmp: Path, fake: FakeHubSpot, extra: str = "") -> str:
    ws = tmp / "ws"
    assert main(["init", str(ws)]) == 0
    (ws / "jobshift.toml").write_text(
        f'[push]\ncrm = "hubspot"\n\n[hubspot]\nbase_url = "{fake.url}"\nbackoff_base_seconds = 0\n{extra}',
        encoding="utf-8",
    )
    return str(ws)


def test_crm_setup_creates_the_properties_then_check_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOBSHIFT_HUBSPOT_TOKEN", TOKEN)
    with FakeHubSpot(jobshift_properties=False) as fake:
        ws = _ws(tmp_path, fake)
        assert main(["-w", ws, "crm", "check"]) == 1
        assert "jobshift_key" in capsys.readouterr().err
        assert main(["-w", ws, "crm", "setup", "--dry-run", "--json"]) == 0
        dry = json.loads(capsys.readouterr().out)
        assert (
            dry["dry_run"]
            and "jobshift_key" in dry["created"]
            and "jobshift_key" not in fake.props["contacts"]
        )
        assert main(["-w", ws, "crm", "setup", "--json"]) == 0
        made = json.loads(capsys.readouterr().out)
        assert set(made["created"]) == set(dry["created"]) and fake.groups["contacts"]["jobshift"]
        assert fake.props["contacts"]["jobshift_key"]["hasUniqueValue"] is True
        assert fake.props["contacts"]["jobshift_no_longer_at_company"]["type"] == "enumeration"
        assert main(["-w", ws, "crm", "setup", "--json"]) == 0  # again: nothing left to create
        assert json.loads(capsys.readouterr().out)["created"] == []
        assert main(["-w", ws, "crm", "check", "--json"]) == 0
        checked = json.loads(capsys.readouterr().out)
        assert (
            checked["leads_object"] is False and checked["objects"]["contacts"]["object_type"] == "contacts"
        )
        assert TOKEN not in json.dumps(checked)


def test_crm_check_names_a_configured_value_hubspot_does_not_allow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOBSHIFT_HUBSPOT_TOKEN", TOKEN)
    with FakeHubSpot(leads_object=True) as fake:
        ws = _ws(tmp_path, fake, 'lead_status = "Hot"\n')
        assert main(["-w", ws, "crm", "check"]) == 1
        err = capsys.readouterr().err
        assert "hs_lead_status" in err and "'Hot'" in err and "'NEW'" in err
        ws2 = _ws(tmp_path / "b", fake)
        capsys.readouterr()
        assert main(["-w", ws2, "crm", "check", "--json"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["leads_object"] is True and "Leads object" in report["warnings"][0]


def test_push_without_a_token_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("JOBSHIFT_HUBSPOT_TOKEN", raising=False)
    with FakeHubSpot() as fake:
        ws = _ws(tmp_path, fake)
        capsys.readouterr()
        assert main(["-w", ws, "push"]) == 2
        err = capsys.readouterr().err
        assert "JOBSHIFT_HUBSPOT_TOKEN" in err and fake.calls["total"] == 0


def test_engagements_are_read_as_activities() -> None:
    with FakeHubSpot() as fake:
        c = fake.add("contacts", lastname="X", associatedcompanyid="1")
        d = fake.add("deals", dealname="D", dealstage="closedwon")
        call = fake.add(
            "calls", hs_timestamp="2026-01-02T10:00:00Z", hs_call_title="Check-in", hubspot_owner_id="7"
        )
        fake.associate("calls", call, "contacts", c)
        fake.associate("calls", call, "deals", d)
        task = fake.add("tasks", hs_timestamp="2026-01-03T10:00:00Z", hs_task_type="LINKED_IN")
        fake.associate("tasks", task, "contacts", c)
        fake.add("emails", hs_timestamp="2026-01-03T10:00:00Z")  # with no contact: not an activity
        rows = {r["id"]: r for r in _conn(fake).read("activities")}
        assert set(rows) == {call, task}
        assert (rows[call]["type"], rows[call]["who_id"], rows[call]["opportunity_id"]) == ("Call", c, d)
        assert (rows[call]["subject"], rows[call]["owner_id"], str(rows[call]["occurred_at"])) == (
            "Check-in", "7", "2026-01-02 10:00:00",
        )  # fmt: skip
        assert rows[task]["type"] == "LinkedIn" and rows[task]["opportunity_id"] is None
