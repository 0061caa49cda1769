"""Importing CRM files into the store (SQLite and PostgreSQL): upserts, quarantine, runs, references."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_files import FILES, write_crm_files
from jobshift.errors import InputFileError
from jobshift.services.ingest.importing import import_dir, import_file
from jobshift.services.workspace import Workspace
from jobshift.store.quarantine import list_quarantined
from jobshift.store.runs import list_runs
from jobshift.store.schema import CRM_TABLES


def rows(ws: Workspace, table: str) -> list[dict]:  # type: ignore[type-arg]
    t = CRM_TABLES[table]
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]


@pytest.fixture
def ws(backend_workspace: Path) -> Workspace:
    w = Workspace.open(backend_workspace)
    yield w  # type: ignore[misc]
    w.close()


def test_every_object_imports_in_dependency_order(ws: Workspace, tmp_path: Path) -> None:
    reports = import_dir(ws, write_crm_files(tmp_path / "crm"))
    assert [r.object for r in reports] == [
        "users", "accounts", "contacts", "opportunities", "opportunity_contact_roles", "leads", "activities",
    ]  # fmt: skip
    assert all(r.inserted == r.read and r.quarantined == 0 and not r.dangling for r in reports)
    acct = rows(ws, "accounts")
    assert acct[0]["domain"] == "acme.com" and acct[0]["employees"] == 1200 and acct[1]["is_target"] is True
    c = rows(ws, "contacts")[0]
    assert c["email_norm"] == "jane.doe@acme.com" and c["linkedin_norm"] == "linkedin.com/in/jane-doe"
    assert c["created_at"] == datetime(2024, 3, 1, 10) and c["email_opt_out"] is False
    opp = rows(ws, "opportunities")
    assert [o["stage_number"] for o in opp] == [3, None]
    assert opp[0]["amount"] == 50000.5 and opp[0]["close_date"] == date(2024, 6, 30)
    assert rows(ws, "opportunity_contact_roles")[0]["is_primary"] is True
    assert rows(ws, "leads")[0]["email_norm"] == "lea@gamma.io"
    assert rows(ws, "activities")[1]["occurred_at"] == datetime(2024, 5, 2)
    with ws.store.connect() as conn:
        runs = list_runs(conn, kind="import")
    assert len(runs) == 7 and all(r["status"] == "ok" for r in runs)
    assert runs[0]["object"] == "activities" and runs[0]["counts"]["inserted"] == 2


def test_reimport_changes_nothing_and_changes_are_updates(ws: Workspace, tmp_path: Path) -> None:
    d = write_crm_files(tmp_path / "crm")
    import_dir(ws, d)
    before = rows(ws, "contacts")
    again = import_dir(ws, d)
    assert all(r.inserted == 0 and r.updated == 0 and r.unchanged == r.read for r in again)
    assert rows(ws, "contacts") == before
    f = d / "contacts.csv"
    f.write_text(f.read_text().replace("VP IT", "CIO") + "c-3,a-1,New,Person,,,,,,\n")
    r = import_file(ws, "contacts", f)
    assert (r.inserted, r.updated, r.unchanged) == (1, 1, 1)
    assert rows(ws, "contacts")[1]["title"] == "CIO"


def test_bad_rows_quarantined_good_rows_land(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text('id,last_name,title,email_opt_out\nc-1,Doe,"multi\nline",yes\nc-2,Roe,VP,perhaps\nc-3,,,\n')
    r = import_file(ws, "contacts", f)
    assert (r.read, r.inserted, r.quarantined) == (3, 1, 2)
    with ws.store.connect() as conn:
        q = list_quarantined(conn, run_id=r.run_id)
    assert [(x["line"], x["column"], x["object"], x["source"]) for x in q] == [
        (4, "email_opt_out", "contacts", str(f)),
        (5, "last_name", "contacts", str(f)),
    ]
    assert "perhaps" in q[0]["reason"] and q[0]["raw"] == "c-2,Roe,VP,perhaps"
    assert [c["id"] for c in rows(ws, "contacts")] == ["c-1"]


def test_dangling_references_reported_rows_still_land(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text("id,account_id,last_name,owner_id\nc-1,a-404,Doe,u-9\nc-2,,Roe,\n")
    r = import_file(ws, "contacts", f)
    assert r.inserted == 2
    assert r.dangling["account_id"]["count"] == 1
    assert r.dangling["account_id"]["examples"] == [{"id": "c-1", "account_id": "a-404"}]
    assert r.dangling["owner_id"]["count"] == 1 and r.dangling_total == 2
    acts = tmp_path / "activities.csv"
    acts.write_text("id,who_id,type,occurred_at\nact-1,c-1,Call,2024-01-01\nact-2,l-404,Call,2024-01-01\n")
    r = import_file(ws, "activities", acts)
    assert r.dangling["who_id"]["count"] == 1 and r.dangling["who_id"]["examples"][0]["who_id"] == "l-404"


def test_unreadable_file_imports_nothing_and_records_a_failed_run(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"id,last_name\n" + b"c-1,Doe\n" * 30000 + "c-2,Mé\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8"):
        import_file(ws, "contacts", f, encoding="utf-8")  # auto would read it as Windows-1252
    assert rows(ws, "contacts") == []
    with ws.store.connect() as conn:
        run = list_runs(conn)[0]
        assert list_quarantined(conn) == []
    assert run["status"] == "failed" and "not UTF-8" in run["error"]


def test_max_quarantine_share_fails_the_file(backend_workspace: Path, tmp_path: Path) -> None:
    (backend_workspace / "jobshift.toml").write_text("[import]\nmax_quarantine_share = 0.4\n")
    w = Workspace.open(backend_workspace)
    f = tmp_path / "contacts.csv"
    f.write_text("id,last_name\nc-1,Doe\nc-2,\nc-3,\n")
    with pytest.raises(InputFileError, match="max_quarantine_share"):
        import_file(w, "contacts", f)
    assert rows(w, "contacts") == []
    w.close()


def test_mapping_config_and_salesforce_headers(backend_workspace: Path, tmp_path: Path) -> None:
    (backend_workspace / "jobshift.toml").write_text(
        '[mapping.contacts]\n"Contact Number" = "id"\n"Surname" = "last_name"\n'
    )
    w = Workspace.open(backend_workspace)
    f = tmp_path / "contacts.csv"
    f.write_text("Contact Number,Surname,AccountId,HasOptedOutOfEmail,Shoe_Size__c\nK-1,Doe,001,1,44\n")
    r = import_file(w, "contacts", f)
    assert r.inserted == 1 and r.custom_columns == ["Shoe_Size__c"]
    got = rows(w, "contacts")[0]
    assert (got["id"], got["last_name"], got["account_id"], got["email_opt_out"]) == (
        "K-1",
        "Doe",
        "001",
        True,
    )
    assert got["custom"] == {"Shoe_Size__c": "44"}
    w.close()


def test_duplicate_ids_in_a_file_last_wins(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "users.csv"
    f.write_text("id,name,role\nu-1,Old,AE\nu-1,New,BDR\n")
    r = import_file(ws, "users", f)
    assert r.duplicates == 1 and r.inserted == 1 and any("last one wins" in w for w in r.warnings)
    assert rows(ws, "users")[0]["name"] == "New"


def test_large_file_into_empty_table_uses_deferred_indexes(ws: Workspace, tmp_path: Path) -> None:
    from jobshift.services.ingest import importing

    f = tmp_path / "contacts.csv"
    f.write_text("id,last_name,email\n" + "".join(f"c-{i},N{i},p{i}@x.com\n" for i in range(500)))
    old = importing.BULK_LOAD_BYTES
    importing.BULK_LOAD_BYTES = 1
    try:
        r = import_file(ws, "contacts", f)
    finally:
        importing.BULK_LOAD_BYTES = old
    assert r.inserted == 500
    from sqlalchemy import inspect

    with ws.store.connect() as conn:
        names = {ix["name"] for ix in inspect(conn).get_indexes("contacts")}
    assert {"ix_contacts_email_norm", "ix_contacts_account_id", "ix_contacts_linkedin_norm"} <= names


def test_files_fixture_is_complete() -> None:
    from jobshift.connectors.csv_import.columns import OBJECTS

    assert set(FILES) == {s.file_name for s in OBJECTS.values()}
