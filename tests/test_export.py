"""Exports: CSV / JSON Lines, round trip through import, bookkeeping tables, the exporter registry."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from conftest import PG_URL, drop_schema
from crm_files import write_crm_files
from jobshift.errors import UsageError
from jobshift.services.browse.exporting import export_object, register_exporter, write_records
from jobshift.services.ingest.importing import import_dir, import_file
from jobshift.services.workspace import Workspace
from jobshift.store import Store
from jobshift.store.schema import CRM_TABLES


def dump(ws: Workspace, table: str) -> list[dict]:  # type: ignore[type-arg]
    t = CRM_TABLES[table]
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]


def test_csv_round_trip_into_a_fresh_workspace(
    backend_workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = Workspace.open(backend_workspace)
    crm = write_crm_files(tmp_path / "crm")
    (crm / "contacts.csv").write_text(
        (crm / "contacts.csv")
        .read_text()
        .replace("created_at\n", "created_at,Shoe__c\n", 1)
        .replace("+0000\n", "+0000,44\n")
        .replace("2024-03-02\n", '2024-03-02,"a ""quoted"", value"\n')
    )
    import_dir(src, crm)
    out = tmp_path / "out"
    out.mkdir()
    for name in CRM_TABLES:
        assert export_object(src, name, "csv", out / f"{name}.csv") == len(dump(src, name))
    dst_dir = tmp_path / "fresh"
    dst_dir.mkdir()
    schema = None
    if src.store.dialect == "postgresql":  # a fresh schema of its own
        schema = f"t_{uuid.uuid4().hex[:12]}"
        Store.open(PG_URL, schema=schema).dispose()
        monkeypatch.setenv("JOBSHIFT_DATABASE_URL", f"{PG_URL}?options=-csearch_path%3D{schema}")
    dst_ws = Workspace.open(dst_dir)
    try:
        assert dump(dst_ws, "contacts") == []
        reports = import_dir(dst_ws, out)
        assert all(r.quarantined == 0 and r.inserted == r.read for r in reports)
        for name in CRM_TABLES:
            assert dump(dst_ws, name) == dump(src, name), name
        assert dump(dst_ws, "contacts")[1]["custom"] == {"Shoe__c": 'a "quoted", value'}
    finally:
        dst_ws.close()
        src.close()
        if schema:
            drop_schema(schema)


def test_jsonl_and_bookkeeping_exports(backend_workspace: Path, tmp_path: Path) -> None:
    ws = Workspace.open(backend_workspace)
    f = tmp_path / "contacts.csv"
    f.write_text("id,last_name,created_at\nc-1,Doe,2024-01-02T03:04:05Z\nc-2,,\n")
    import_file(ws, "contacts", f)
    n = export_object(ws, "contacts", "jsonl", tmp_path / "c.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert n == 1 and lines[0]["id"] == "c-1" and lines[0]["created_at"] == "2024-01-02T03:04:05"
    assert export_object(ws, "quarantine", "jsonl", tmp_path / "q.jsonl") == 1
    q = json.loads((tmp_path / "q.jsonl").read_text())
    assert q["line"] == 3 and q["column"] == "last_name" and q["run_id"] == 1
    assert export_object(ws, "runs", "csv", tmp_path / "runs.csv") == 1
    assert '"{""read"":2' in (tmp_path / "runs.csv").read_text()
    assert export_object(ws, "audit", "csv", tmp_path / "a.csv") == 0
    assert (tmp_path / "a.csv").read_text().startswith("id,at,actor")
    with pytest.raises(UsageError):
        export_object(ws, "widgets", "csv", tmp_path / "w.csv")
    with pytest.raises(UsageError):
        export_object(ws, "contacts", "xml", tmp_path / "w.xml")
    assert not (tmp_path / "w.csv").exists()
    ws.close()


def test_register_exporter(workspace_env: Path, tmp_path: Path) -> None:
    ws = Workspace.open(workspace_env)

    def fake(w: Workspace, fmt: str, out: Path) -> int:
        return write_records(["a", "b"], [{"a": 1, "b": True}, {"a": None, "b": [1]}], fmt, out)

    register_exporter("things", fake)
    assert export_object(ws, "things", "csv", tmp_path / "t.csv") == 2
    assert (tmp_path / "t.csv").read_text() == "a,b\n1,true\n,[1]\n"


def test_failed_export_leaves_no_file(tmp_path: Path) -> None:
    def boom():  # type: ignore[no-untyped-def]
        yield {"a": 1}
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_records(["a"], boom(), "csv", tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []
