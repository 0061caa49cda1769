"""The seed's weekly motion end to end, in every CRM mode (store, Salesforce, HubSpot), through the CLI and
through the scheduler.

A generated company lives either in the built-in store (imported from CSV) or in a fake Salesforce org
that enforces what a real org enforces (``tests/fakes/salesforce.py``: types, restricted picklists,
lengths, required fields, duplicate rules). The same people feed arrives; then:

- Tuesday: ``crm check`` → ``crm pull`` (Salesforce) → ``track`` → ``detect`` → ``push``;
- Wednesday: ``notify`` sends rules 1A–3B for what Tuesday pushed, with no manual step in between;
- the 1st: the scorecard.

Every mode must create the same leads and contact updates and fire the same rules. HubSpot
(``tests/fakes/hubspot.py``, loaded by ``fakes.hubspot_company``) holds the same company as HubSpot
would: companies, contacts, deals in the company's own pipeline stages, owners, labelled associations,
engagements; ``hubspot-leads`` is a Sales Hub portal with the Leads object and ``lead_mode =
"leads_object"``: every lead is also a Lead record associated with its contact.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.hubspot_company import TOML as HS_TOML
from fakes.hubspot_company import load_company as load_hubspot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_data import CLOCK
from fakes.salesforce_org import load_company, org_fields
from fakes.salesforce_setup import ENV
from fakes.slack import TOKEN, FakeSlack
from jobshift.cli.main import main
from jobshift.domain.display import display_title
from jobshift.services.workspace import Workspace
from jobshift.store.schema import activities, notifications, runs, signals
from smtp_fake import FakeSmtp

TUESDAY = datetime(2026, 11, 24, 9, 0)
LEAD_TYPES = ("job_change", "new_hire", "promotion")


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    assert main(["generate", "--out", str(out), "--seed", "3", "--scale", "0.02"]) == 0
    return out


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeSlack, FakeSmtp]]:
    for k, v in {**ENV, **HS_ENV}.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("JOBSHIFT_SLACK_TOKEN", TOKEN)
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOBSHIFT_PDL_API_KEY", raising=False)
    with FakeSlack() as slack, FakeSmtp() as smtp:
        yield slack, smtp
    CLOCK[0] = None


def _toml(
    ws: Path, slack: FakeSlack, smtp: FakeSmtp, sf: FakeSalesforce | None, hs: FakeHubSpot | None = None
) -> None:
    lead_mode = "leads_object" if hs is not None and hs.leads_object else "contact"
    text = f"""
[notifications]
slack_base_url = "{slack.base_url}"
smtp_host = "{smtp.host}"
smtp_port = {smtp.port}
backoff_base_seconds = 0

[schedule]
enrich_before_check = false
scorecard_email = false
"""
    if sf is not None:
        text += f"""
[push]
crm = "salesforce"

[salesforce]
login_url = "{sf.url}"
username = "integration@example.com"
client_id = "test-client"
ca_bundle = "{sf.cert}"
backoff_base_seconds = 0.001
backoff_max_seconds = 0.01
"""
    if hs is not None:
        text += f"""
[push]
crm = "hubspot"

[hubspot]
base_url = "{hs.url}"
lead_mode = "{lead_mode}"
backoff_base_seconds = 0.001
backoff_max_seconds = 0.01
{HS_TOML}"""
    (ws / "jobshift.toml").write_text(text, encoding="utf-8")


def _ok(*argv: str) -> None:
    assert main(list(argv)) == 0, argv


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    capsys.readouterr()
    _ok(*argv, "--json")
    return json.loads(capsys.readouterr().out)


def _fake_org(tmp: Path, company: Path) -> FakeSalesforce:
    return FakeSalesforce(
        tmp,
        custom_fields=org_fields(company),
        external_ids={"Lead": {"Jobshift_Key__c"}},
        duplicate_rules={"Lead": ("Email",)},
    )


def _outcome(ws_dir: Path) -> dict[str, Any]:
    """What the week produced, in CRM-independent terms."""
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            sigs = [dict(r) for r in conn.execute(select(signals)).mappings()]
            notes = [dict(r) for r in conn.execute(select(notifications)).mappings()]
            ledger = {r.period_key: r.status for r in conn.execute(select(runs)) if r.period_key}
    finally:
        ws.close()
    return {
        "signals": Counter((s["type"], s["status"]) for s in sigs),
        "with_lead": sum(1 for s in sigs if s["status"] == "pushed" and s["lead_id"]),
        "people": sorted((s["type"], s["full_name"], s["status"]) for s in sigs if s["status"] != "new"),
        "rules": Counter(n["rule"] for n in notes),
        "sent": Counter(n["status"] for n in notes),
        "ledger": ledger,
    }


def _check_salesforce_writes(fake: FakeSalesforce, ws_dir: Path) -> None:
    """Every pushed lead exists once in the org, with typed values and the org's vocabulary."""
    leads = [r for r in fake.records("Lead") if r.get("Jobshift_Key__c")]
    assert leads, "no lead reached Salesforce"
    keys = Counter(r["Jobshift_Key__c"] for r in leads)
    assert set(keys.values()) == {1}
    for r in leads:
        assert r["Status"] == "New" and r["LastName"] and r["Company"]
        assert r["LeadSource"] in ("jobshift Contact Tracking", "New Hires & Promotions")
        assert r["Jobshift_Priority__c"] == "High"
        start = r["Jobshift_Job_Started_Date__c"]
        assert start is None or (len(start) == 10 and date.fromisoformat(start))
        assert not any(k in r for k in ("email_norm", "linkedin_norm", "is_backfill", "routing_reason"))
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            pushed = [
                dict(r) for r in conn.execute(select(signals).where(signals.c.status == "pushed")).mappings()
            ]
    finally:
        ws.close()
    gone = {s["contact_id"] for s in pushed if s["type"] == "left_company"}
    contacts = {r["Id"]: r for r in fake.records("Contact")}
    assert gone and all(
        contacts[c]["No_Longer_at_Company__c"] is True
        and contacts[c]["Status__c"] == "Disqualified"
        and contacts[c]["Disqualified_Reason__c"] == "No Longer at Company"
        and contacts[c]["No_Longer_at_Company_Date__c"]
        for c in gone
    )
    promoted = [s for s in pushed if s["type"] == "promotion" and s["contact_id"]]
    assert promoted and all(
        contacts[s["contact_id"]]["Title"] == display_title(s["new_title"]) for s in promoted
    )
    sf_ids = {r["Id"] for r in leads}
    lead_signals = [s for s in pushed if s["type"] in LEAD_TYPES and s["lead_id"]]
    assert lead_signals and all(s["lead_id"] in sf_ids for s in lead_signals)


def _tuesday_by_cli(
    ws: Path, company: Path, capsys: pytest.CaptureFixture[str], sf: FakeSalesforce | FakeHubSpot | None
) -> dict[str, Any]:
    w = str(ws)
    if sf is None:
        _ok("-w", w, "import", "all", str(company))
    else:
        checked = _json(capsys, "-w", w, "crm", "check")
        assert checked["warnings"] == []
        pulled = _json(capsys, "-w", w, "crm", "pull")
        assert pulled["objects"]["contacts"]["inserted"] > 300
        assert (
            pulled["objects"]["activities"]["inserted"] > 300
            and pulled["objects"]["activities"]["quarantined"] == 0
        )
        if isinstance(sf, FakeHubSpot):  # notes are read as activities too
            assert _activity_types(ws)["Note"] > 0
    _ok("-w", w, "ingest", "people", str(company / "people.jsonl"))
    _ok("-w", w, "track")
    _ok("-w", w, "detect")
    dry = _json(capsys, "-w", w, "push", "--dry-run")
    assert dry["planned"]["create_lead"] > 0
    pushed = _json(capsys, "-w", w, "push")
    applied = pushed["applied"]
    assert applied["failed"] == 0 and applied["retry_later"] == 0 and applied["created"] > 0
    assert applied["paused"] is None
    again = _json(capsys, "-w", w, "push")  # nothing twice
    assert again["planned"]["signals"] == 0 and again["applied"]["created"] == 0
    return pushed


def _activity_types(ws_dir: Path) -> Counter[str]:
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            return Counter(t for (t,) in conn.execute(select(activities.c.type)))
    finally:
        ws.close()


def _check_lead_objects(hs: FakeHubSpot, made: list[dict[str, Any]], pushed: list[dict[str, Any]]) -> None:
    """Leads-object mode: one Lead per pushed lead, associated with its contact (and matched company)."""
    leads = {r["id"]: r for r in hs.records("leads")}
    assert set(Counter(r["jobshift_key"] for r in leads.values()).values()) == {1}
    by_contact = {c: lid for ft, lid, tt, c, tid in hs.assoc if (ft, tt, tid) == ("leads", "contacts", 578)}
    companies = {lid: c for ft, lid, tt, c, tid in hs.assoc if (ft, tt, tid) == ("leads", "companies", 610)}
    assert set(by_contact) == {r["id"] for r in made} and len(by_contact) == len(leads)
    for r in made:
        lead = leads[by_contact[r["id"]]]
        assert lead["jobshift_key"] == r["jobshift_key"] and lead["hs_pipeline_stage"] == "new-stage-id"
        assert lead["hs_lead_name"] == f"{r.get('firstname') or ''} {r['lastname']}".strip()
        assert companies.get(lead["id"]) == r.get("associatedcompanyid")
    sigs = [s for s in pushed if s["type"] in LEAD_TYPES and s["lead_id"]]
    assert sigs and all(s["lead_id"] in by_contact for s in sigs)


def _check_hubspot_writes(hs: FakeHubSpot, ws_dir: Path) -> None:
    """Every pushed lead exists once in HubSpot as a contact with its key, lead status and stage (and, in
    Leads-object mode, as one Lead associated with the contact)."""
    made = [r for r in hs.records("contacts") if r.get("jobshift_key")]
    assert made, "no lead reached HubSpot"
    assert set(Counter(r["jobshift_key"] for r in made).values()) == {1}
    for r in made:
        assert r["hs_lead_status"] == "NEW" and r["lifecyclestage"] == "lead" and r["lastname"]
        assert r["jobshift_lead_source"] in ("jobshift Contact Tracking", "New Hires & Promotions")
        start = r.get("jobshift_job_started_date")
        assert start is None or (len(start) == 10 and date.fromisoformat(start))
    ws = Workspace.open(ws_dir)
    try:
        with ws.store.connect() as conn:
            pushed = [
                dict(r) for r in conn.execute(select(signals).where(signals.c.status == "pushed")).mappings()
            ]
    finally:
        ws.close()
    contacts = {r["id"]: r for r in hs.records("contacts")}
    gone = {s["contact_id"] for s in pushed if s["type"] == "left_company"}
    assert gone and all(
        contacts[c]["jobshift_no_longer_at_company"] == "true"
        and contacts[c]["contact_status"] == "Disqualified"
        for c in gone
    )
    promoted = [s for s in pushed if s["type"] == "promotion" and s["contact_id"]]
    assert promoted and all(
        contacts[s["contact_id"]]["jobtitle"] == display_title(s["new_title"]) for s in promoted
    )
    lead_signals = [s for s in pushed if s["type"] in LEAD_TYPES and s["lead_id"]]
    assert lead_signals and all(s["lead_id"] in {r["id"] for r in made} for s in lead_signals)
    if hs.leads_object:
        _check_lead_objects(hs, made, pushed)
    else:
        assert "leads" not in hs.objects


def _same_as_store(kind: str, mode: str, out: dict[str, Any]) -> None:
    _RESULTS.setdefault(kind, {})[mode] = {k: out[k] for k in ("signals", "people", "rules")}
    if mode != "store" and "store" in _RESULTS[kind]:
        assert _RESULTS[kind][mode] == _RESULTS[kind]["store"], mode


def _hubspot(company: Path, mode: str) -> FakeHubSpot:
    fake = FakeHubSpot(clock=lambda: (CLOCK[0] or datetime.utcnow)(), leads_object=mode == "hubspot-leads")
    load_hubspot(fake, company)
    return fake


MODES = ["store", "salesforce", "hubspot", "hubspot-leads"]


@pytest.mark.parametrize("mode", MODES)
def test_weekly_motion_through_the_cli(
    mode: str,
    company: Path,
    tmp_path: Path,
    services: tuple[FakeSlack, FakeSmtp],
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack, smtp = services
    ws = tmp_path / "ws"
    _ok("init", str(ws))
    if mode == "salesforce":
        with _fake_org(tmp_path, company) as sf:
            load_company(sf, company)
            _toml(ws, slack, smtp, sf)
            pushed = _tuesday_by_cli(ws, company, capsys, sf)
            _check_salesforce_writes(sf, ws)
    elif mode.startswith("hubspot"):
        with _hubspot(company, mode) as hs:
            _toml(ws, slack, smtp, None, hs)
            pushed = _tuesday_by_cli(ws, company, capsys, hs)
            _check_hubspot_writes(hs, ws)
    else:
        _toml(ws, slack, smtp, None)
        pushed = _tuesday_by_cli(ws, company, capsys, None)
    # Wednesday: the notifications fire from what was pushed "yesterday", with no pull in between
    tomorrow = (datetime.utcnow() + timedelta(days=1)).date().isoformat()
    sent = _json(capsys, "-w", str(ws), "notify", "--date", tomorrow, "--any-day")
    out = _outcome(ws)
    assert sent["planned"]["leads"] > 0 and sent["planned"]["contacts"] > 0, sent
    assert out["rules"], "no rule fired"
    assert set(out["sent"]) == {"sent"} and len(slack.posted()) == sum(out["rules"].values())
    assert pushed["applied"]["created"] == out["with_lead"] > 0
    # a promotion of a tracked contact updates its title: pushed, no lead
    assert out["signals"][("promotion", "pushed")] > 0
    _same_as_store("cli", mode, out)


_RESULTS: dict[str, dict[str, Any]] = {}


@pytest.mark.parametrize("mode", MODES)
def test_weekly_motion_on_schedule(
    mode: str,
    company: Path,
    tmp_path: Path,
    services: tuple[FakeSlack, FakeSmtp],
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack, smtp = services
    ws = tmp_path / "ws"
    w = str(ws)
    _ok("init", w)

    def tick(at: datetime) -> list[dict[str, Any]]:
        CLOCK[0] = lambda: at  # the org's clock follows the simulated day (CreatedDate of new leads)
        capsys.readouterr()
        code = main(["-w", w, "schedule", "run", "--once", "--now", at.isoformat(), "--json"])
        text, docs, dec = capsys.readouterr().out, [], json.JSONDecoder()
        i = 0
        while i < len(text):
            if text[i] == "{":
                doc, i = dec.raw_decode(text, i)
                docs.append(doc)
            else:
                i += 1
        assert code == 0, docs
        return docs

    def week() -> dict[str, Any]:
        _ok("-w", w, "ingest", "people", str(company / "people.jsonl"))
        tuesday = tick(TUESDAY)  # tier checks: [pull] → track → detect → push
        ran = [r for t in tuesday for r in t["ran"]]
        assert any(r["job"] == "tier1" and r["status"] == "ok" for r in ran), ran
        wednesday = tick(TUESDAY + timedelta(days=1))
        ran = [r for t in wednesday for r in t["ran"]]
        assert [(r["job"], r["status"]) for r in ran] == [("notify", "ok")], ran
        first = tick(datetime(2026, 12, 1, 6, 0))
        ran = [r for t in first for r in t["ran"]]
        assert ("scorecard", "ok") in [(r["job"], r["status"]) for r in ran], ran
        return _outcome(ws)

    if mode == "salesforce":
        with _fake_org(tmp_path, company) as sf:
            load_company(sf, company)
            _toml(ws, slack, smtp, sf)
            out = week()
            _check_salesforce_writes(sf, ws)
    elif mode.startswith("hubspot"):
        with _hubspot(company, mode) as hs:
            _toml(ws, slack, smtp, None, hs)
            out = week()
            _check_hubspot_writes(hs, ws)
    else:
        _toml(ws, slack, smtp, None)
        _ok("-w", w, "import", "all", str(company))
        out = week()
    assert out["rules"], "the Wednesday notify fired no rule"
    assert set(out["sent"]) == {"sent"} and len(slack.posted()) == sum(out["rules"].values())
    assert out["ledger"]["schedule:notify:2026-11-25"] == "ok"
    _same_as_store("schedule", mode, out)
