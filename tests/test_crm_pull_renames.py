"""A renamed CRM account keeps its former name as an alias: ``crm pull`` against the fake Salesforce
(name changed between pulls; ``AccountHistory`` rows with ``Field = 'Name'``) and the fake HubSpot
(company ``name`` changed between pulls), end to end through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fakes.hubspot import ENV as HS_ENV
from fakes.hubspot import FakeHubSpot
from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS
from jobshift.cli.main import main
from jobshift.services.detect.detecting import AllContactsWithAccount, build_context
from jobshift.services.workspace import Workspace
from jobshift.store.signals import list_aliases
from test_salesforce_cli import _toml


def _pull(capsys: pytest.CaptureFixture[str], ws: str) -> dict[str, Any]:
    assert main(["-w", ws, "crm", "pull", "--object", "accounts", "--json"]) == 0
    out: dict[str, Any] = json.loads(capsys.readouterr().out)["objects"]["accounts"]
    return out


def _aliases(ws: Path) -> list[tuple[str, str]]:
    w = Workspace.open(ws)
    try:
        with w.store.connect() as conn:
            return sorted((r["account_id"], r["alias_name"]) for r in list_aliases(conn))
    finally:
        w.close()


@pytest.mark.parametrize("history", [False, True], ids=["no-field-history", "account-history"])
def test_salesforce_pull_records_former_account_names(
    history: bool,
    backend_workspace: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSalesforce(
        tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, account_history=history
    ) as fake:
        u = fake.add("User", Name="Bo", IsActive=True, **{"UserRole.Name": "BDR"})
        acme = fake.add("Account", Name="Acme Corp", Website="acme.com", OwnerId=u)
        globex = fake.add("Account", Name="Globex", Website="globex.com", OwnerId=u)
        if history:  # renamed twice before jobshift ever pulled: only the history knows the first name
            fake.rename("Account", globex, "Globex Holdings")
            fake.rename("Account", globex, "Globex Group")
        _toml(backend_workspace, fake)
        ws = str(backend_workspace)
        first = _pull(capsys, ws)
        assert first["inserted"] == 2
        assert first["former_names"] == (2 if history else 0)
        fake.rename("Account", acme, "Acme Industries")
        second = _pull(capsys, ws)
        assert second["updated"] == 1 and second["former_names"] == 1
        want = [(acme, "Acme Corp")] + ([(globex, "Globex"), (globex, "Globex Holdings")] if history else [])
        assert _aliases(backend_workspace) == sorted(want)
        # idempotent: re-reading everything adds nothing
        assert main(["-w", ws, "crm", "pull", "--object", "accounts", "--since", "2000-01-01", "--json"]) == 0
        again = json.loads(capsys.readouterr().out)["objects"]["accounts"]
        assert again["former_names"] == 0 and again["unchanged"] == 2
        assert _aliases(backend_workspace) == sorted(want)
        # detection's company index reads the aliases: the former name (no website) finds the account
        w = Workspace.open(backend_workspace)
        try:
            with w.store.connect() as conn:
                ctx = build_context(conn, w.config, AllContactsWithAccount(), None)
        finally:
            w.close()
        match = ctx.index.resolve("Acme Corp", None, None)
        assert match is not None and match.account_id == acme
        if history:
            m = ctx.index.resolve("Globex Holdings", None, None)
            assert m is not None and m.account_id == globex


def test_salesforce_history_query_is_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake refuses what the real org refuses: filtering on the anyType ``OldValue``."""
    import requests

    with FakeSalesforce(tmp_path, account_history=True) as fake:
        token = requests.post(
            f"{fake.url}/services/oauth2/token",
            data={
                "grant_type": "password",
                "client_id": fake.client_id,
                "client_secret": fake.client_secret,
                "username": fake.username,
                "password": fake.password + fake.security_token,
            },
            verify=fake.cert,
            timeout=10,
        ).json()["access_token"]
        r = requests.get(
            f"{fake.url}/services/data/v59.0/query",
            params={"q": "SELECT AccountId FROM AccountHistory WHERE OldValue = 'x'"},
            headers={"Authorization": f"Bearer {token}"},
            verify=fake.cert,
            timeout=10,
        )
        assert r.status_code == 400 and r.json()[0]["errorCode"] == "INVALID_FIELD"


def test_hubspot_pull_records_former_company_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in HS_ENV.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    ws_dir = tmp_path / "ws"
    ws = str(ws_dir)
    assert main(["init", ws]) == 0
    capsys.readouterr()
    with FakeHubSpot() as hs:
        cid = hs.add("companies", name="Initech", domain="initech.com")
        (ws_dir / "jobshift.toml").write_text(
            f'[push]\ncrm = "hubspot"\n\n[hubspot]\nbase_url = "{hs.url}"\nbackoff_base_seconds = 0\n',
            encoding="utf-8",
        )
        assert _pull(capsys, ws)["inserted"] == 1
        hs.update("companies", cid, name="Initrode")
        second = _pull(capsys, ws)
        assert second["updated"] == 1 and second["former_names"] == 1
        assert [name for _, name in _aliases(ws_dir)] == ["Initech"]
        assert _pull(capsys, ws)["former_names"] == 0
        hs.update("companies", cid, name="Initrode Global")  # the text summary says so too
        assert main(["-w", ws, "crm", "pull", "--object", "accounts"]) == 0
        assert "1 former account name(s) kept as aliases" in capsys.readouterr().out
        assert sorted(name for _, name in _aliases(ws_dir)) == ["Initech", "Initrode"]
