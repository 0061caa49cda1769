"""``jobshift crm check`` / ``crm pull`` / ``enrich`` end to end against the fake servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes.pdl import FakePdl
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS
from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.crm.mirror import count_rows
from jobshift.store.quarantine import list_quarantined


def _toml(ws: Path, fake: FakeSalesforce, contact_field: str = "UG_No_Longer_At_Company__c") -> None:
    (ws / "jobshift.toml").write_text(
        f"""
[salesforce]
login_url = "{fake.url}"
username = "integration@example.com"
client_id = "test-client"
ca_bundle = "{fake.cert}"
backoff_base_seconds = 0.001
backoff_max_seconds = 0.01

[salesforce.fields.contacts]
no_longer_at_company = "{contact_field}"
""",
        encoding="utf-8",
    )


def _seed(fake: FakeSalesforce) -> None:
    u = fake.add("User", Name="Bo", IsActive=True, **{"UserRole.Name": "BDR"})
    fake.add("User", Name="No Role", IsActive=True)  # quarantined: role is required
    acc = fake.add("Account", Name="Acme", Website="acme.com", OwnerId=u)
    for i in range(5):
        fake.add(
            "Contact",
            AccountId=acc,
            LastName=f"L{i}",
            Email=f"l{i}@acme.com",
            UG_No_Longer_At_Company__c=False,
        )
    fake.add("Opportunity", AccountId=acc, StageName="1-Discovery", Name="Deal")


def test_crm_check_and_pull(
    backend_workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSalesforce(
        tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, page_size=2
    ) as fake:
        _seed(fake)
        _toml(backend_workspace, fake)
        ws = str(backend_workspace)
        assert main(["-w", ws, "crm", "check", "--json"]) == 0
        checked = json.loads(capsys.readouterr().out)
        assert (
            checked["objects"]["contacts"]["sobject"] == "Contact"
            and checked["api_limit"] == fake.daily_limit
        )
        assert main(["-w", ws, "crm", "pull", "--json"]) == 0
        pulled = json.loads(capsys.readouterr().out)["objects"]
        assert pulled["contacts"]["inserted"] == 5 and pulled["users"]["quarantined"] == 1
        assert pulled["opportunities"]["inserted"] == 1
        w = Workspace.open(backend_workspace)
        try:
            with w.store.connect() as conn:
                assert count_rows(conn, "contacts") == 5 and count_rows(conn, "users") == 1
                assert any("role" in (q.get("column") or "") for q in list_quarantined(conn))
        finally:
            w.close()
        # incremental: the next pull reads nothing new
        assert main(["-w", ws, "crm", "pull", "--json"]) == 0
        again = json.loads(capsys.readouterr().out)["objects"]
        assert again["contacts"]["read"] == 0
        # an explicit --since re-reads and changes nothing
        assert main(["-w", ws, "crm", "pull", "--since", "2000-01-01", "--object", "contacts", "--json"]) == 0
        redo = json.loads(capsys.readouterr().out)["objects"]
        assert list(redo) == ["contacts"] and redo["contacts"]["unchanged"] == 5
        # a mapped field the org lacks: exit 1 with the field named
        _toml(backend_workspace, fake, contact_field="UG_Missing__c")
        assert main(["-w", ws, "crm", "check"]) == 1
        assert "UG_Missing__c" in capsys.readouterr().err


def test_enrich_cli(
    workspace_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("JOBSHIFT_PDL_API_KEY", "pdl-test-key")
    profile = {"id": "p-1", "full_name": "ann lee", "linkedin_url": "linkedin.com/in/ann-lee"}
    with FakePdl([profile]) as fake:
        (workspace_env / "jobshift.toml").write_text(
            f'[pdl]\nbase_url = "{fake.url}"\nrate_per_minute = 60000\n'
        )
        ws = str(workspace_env)
        w = Workspace.open(workspace_env)
        try:
            from jobshift.store.crm.mirror import upsert_rows

            with w.store.begin() as conn:
                upsert_rows(conn, "accounts", ["id", "name"], [("a1", "Acme")])
                upsert_rows(
                    conn,
                    "contacts",
                    ["id", "account_id", "last_name", "linkedin_url", "linkedin_norm"],
                    [("c1", "a1", "Lee", "linkedin.com/in/ann-lee", "linkedin.com/in/ann-lee")],
                )
        finally:
            w.close()
        assert main(["-w", ws, "enrich", "--dry-run", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["due"] == 1 and fake.calls["total"] == 0
        assert main(["-w", ws, "enrich", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["matched"] == 1 and out["observations_inserted"] == 1
        assert main(["-w", ws, "enrich", "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["cached"] == 1 and fake.calls["total"] == 1
        monkeypatch.delenv("JOBSHIFT_PDL_API_KEY")
        assert main(["-w", ws, "enrich"]) == 2  # a config error: the key is missing


def test_crm_check_names_a_configured_value_the_org_does_not_allow(
    workspace_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from fakes.salesforce_data import FieldSpec

    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    lead = {
        **ORG_FIELDS["Lead"],
        "Status": FieldSpec("picklist", picklist=("Open", "Working"), restricted=True),
        "LeadSource": FieldSpec("picklist", picklist=("Web",), restricted=False),
    }
    with FakeSalesforce(
        tmp_path, custom_fields={**ORG_FIELDS, "Lead": lead}, external_ids=ORG_EXTERNAL_IDS
    ) as fake:
        _toml(workspace_env, fake)
        ws = str(workspace_env)
        assert main(["-w", ws, "crm", "check"]) == 1
        err = capsys.readouterr().err
        assert "Lead.Status does not allow 'New'" in err and "[program] lead_status" in err
        assert "'Open', 'Working'" in err
        with (workspace_env / "jobshift.toml").open("a", encoding="utf-8") as f:
            f.write('\n[program]\nlead_status = "Open"\n')
        assert main(["-w", ws, "crm", "check", "--json"]) == 0
        warnings = json.loads(capsys.readouterr().out)["warnings"]
        # an unrestricted picklist accepts other values: a warning, not a stop
        assert any("LeadSource" in w and "jobshift Contact Tracking" in w for w in warnings)
