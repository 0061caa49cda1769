"""The fast import paths: reader child process, empty-table bulk load, encodings (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from jobshift.connectors.csv_import.columns import resolve_object
from jobshift.connectors.csv_import.reader import CrmCsvReader
from jobshift.errors import InputFileError
from jobshift.services.ingest import importing
from jobshift.services.ingest.import_pipeline import ChildReader, read_job
from jobshift.services.ingest.importing import import_file
from jobshift.services.workspace import Workspace
from jobshift.store.crm.encode import PackedRows
from jobshift.store.crm.mirror import BulkWriter, encode_rows, row_encoding, upsert_rows
from jobshift.store.quarantine import list_quarantined
from jobshift.store.runs import list_runs
from jobshift.store.schema import CRM_TABLES

HEADER = "id,account_id,last_name,email,title,linkedin_url,email_opt_out,created_at,Shoe__c\n"


def rows(ws: Workspace, table: str) -> list[dict[str, Any]]:
    t = CRM_TABLES[table]
    with ws.store.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]


@pytest.fixture
def ws(backend_workspace: Path) -> Iterator[Workspace]:
    w = Workspace.open(backend_workspace)
    yield w
    w.close()


@pytest.fixture(params=["in-process", "child"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the import in-process or with the reader child process, with tiny batches and bulk loading."""
    monkeypatch.setattr(importing, "PARALLEL_BYTES", 1 if request.param == "child" else 10**15)
    monkeypatch.setattr(importing, "BULK_LOAD_BYTES", 1)
    return str(request.param)


def tricky_file(path: Path) -> Path:
    """Quoted multi-line fields (LF and CRLF), escapes PostgreSQL COPY must survive, bad rows, repeats.

    A NUL character in the first 64 KB makes the whole file binary, so the NUL row comes after padding.
    """
    pad = "".join(f"p-{i:04d},,Pad,,,,,,\n" for i in range(PAD))  # lines 12 .. 11 + PAD
    path.write_bytes(
        (
            HEADER
            + 'c-1,a-1,Doe,Jane.Doe@Acme.com,"CTO\r\nand\nfounder",https://www.linkedin.com/in/Jane-Doe/,'
            "true,2024-03-01T10:00:00.000+0000,44\n"  # lines 2-4
            + "c-2,a-1,Back\\slash,x@y.io,\tVP\t,,no,2024-03-01T10:00:00-02:00,\n"  # line 5
            + "c-3,,Roe,,,,perhaps,,\n"  # line 6: bad bool
            + "c-5,,Sep\x1fa\x1erator,,,,,,\n"  # line 7: separator characters in a value
            + "c-1,a-2,Doe,jane.doe@acme.com,CTO,,TRUE,2024-03-01,45\n"  # line 8: repeats c-1
            + "c-6,,,,,,,,\n"  # line 9: missing last_name
            + "c-7,,Poe,,,,,2024-13-01,\n"  # line 10: bad date
            + "c-8,,Lee\n"  # line 11: too few fields
            + pad
            + "c-4,,Nul\x00,,,,,,\n"  # line 12 + PAD: NUL
        ).encode()
    )
    return path


PAD = 4000
BAD = [
    (6, "email_opt_out", "not a boolean (true/false/1/0/yes/no): 'perhaps'"),
    (9, "last_name", "required value missing"),
    (10, "created_at", "not an ISO 8601 date/time: '2024-13-01'"),
    (11, None, "3 fields, header has 9"),
    (12 + PAD, None, "contains a NUL character"),
]


def test_tricky_file_imports_the_same_in_every_mode(ws: Workspace, tmp_path: Path, mode: str) -> None:
    ws.config.import_.batch_size = 100
    f = tricky_file(tmp_path / "contacts.csv")
    r = import_file(ws, "contacts", f)
    assert (r.read, r.inserted, r.updated, r.quarantined, r.duplicates) == (9 + PAD, 3 + PAD, 0, 5, 1)
    got = {c["id"]: c for c in rows(ws, "contacts")}
    assert [k for k in got if not k.startswith("p-")] == ["c-1", "c-2", "c-5"]
    assert got["c-1"]["account_id"] == "a-2" and got["c-1"]["created_at"] == datetime(2024, 3, 1)
    assert got["c-1"]["custom"] == {"Shoe__c": "45"} and got["c-1"]["email_opt_out"] is True
    assert got["c-2"]["last_name"] == "Back\\slash" and got["c-2"]["title"] == "VP"
    assert got["c-2"]["created_at"] == datetime(2024, 3, 1, 12) and got["c-2"]["email_opt_out"] is False
    assert got["c-2"]["email_norm"] == "x@y.io" and got["c-2"]["custom"] is None
    assert got["c-5"]["last_name"] == "Sep\x1fa\x1erator" and got["p-0000"]["email_opt_out"] is None
    with ws.store.connect() as conn:
        q = [(x["line"], x["column"], x["reason"]) for x in list_quarantined(conn, run_id=r.run_id)]
    assert q == BAD
    again = import_file(ws, "contacts", f)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3 + PAD)


def test_multiline_lines_and_nul_rows(tmp_path: Path) -> None:
    f = tricky_file(tmp_path / "contacts.csv")
    reader = CrmCsvReader(f, resolve_object("contacts"))
    batches = list(reader.batches())
    assert [(b.line, b.column, b.reason) for batch in batches for b in batch.bad] == BAD
    title = {r[0]: r[4] for batch in batches for r in batch.rows}["c-1"]
    assert title == "CTO"  # the repeat (last wins); the first c-1 spanned three lines


def test_reimport_and_changes_in_every_mode(ws: Workspace, tmp_path: Path, mode: str) -> None:
    f = tmp_path / "contacts.csv"
    lines = [f"c-{i},a-{i % 7},N{i},p{i}@x.com,T,,{'true' if i % 2 else ''},2024-01-0{1 + i % 9},{i}\n"
             for i in range(250)]  # fmt: skip
    f.write_text(HEADER + "".join(lines) + lines[3].replace(",T,", ",T2,"))  # c-3 again, changed
    ws.config.import_.batch_size = 100
    r = import_file(ws, "contacts", f)
    assert (r.read, r.inserted, r.updated, r.unchanged, r.duplicates) == (251, 250, 1, 0, 1)
    assert {c["id"]: c["title"] for c in rows(ws, "contacts")}["c-3"] == "T2"
    again = import_file(ws, "contacts", f)
    assert (again.inserted, again.updated, again.unchanged) == (0, 2, 249)  # c-3: T, then T2 again
    f.write_text(HEADER + "".join(lines))
    once = import_file(ws, "contacts", f)
    assert (once.inserted, once.updated, once.unchanged) == (0, 1, 249)
    assert (import_file(ws, "contacts", f).updated, len(rows(ws, "contacts"))) == (0, 250)


def test_child_error_imports_nothing(ws: Workspace, tmp_path: Path, mode: str) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"id,last_name\n" + b"c-1,Doe\n" * 30000 + "c-2,Mé\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8 text at line 30002"):
        import_file(ws, "contacts", f, encoding="utf-8")  # auto would read it as Windows-1252
    assert rows(ws, "contacts") == []
    with ws.store.connect() as conn:
        assert list_runs(conn)[0]["status"] == "failed"


def test_child_reader_sends_what_the_reader_reads(tmp_path: Path) -> None:
    f = tricky_file(tmp_path / "contacts.csv")
    spec = resolve_object("contacts")
    reader = CrmCsvReader(f, spec)
    job = read_job(f, "contacts", {}, (), 100, row_encoding("sqlite", "contacts", reader.columns))
    child = ChildReader(job)
    try:
        remote = list(child)
    finally:
        child.close()
    local = list(job.batches())
    assert [(b.payload, b.rows, b.new_keys, b.bad, b.read, b.duplicates) for b in remote] == [
        (b.payload, b.rows, b.new_keys, b.bad, b.read, b.duplicates) for b in local
    ]
    assert isinstance(remote[0].payload, list)  # a value with a separator character: rows, not packed
    assert all(isinstance(b.payload, PackedRows) for b in remote[1:]) and len(remote) == 41


def test_sqlite_packing_and_fallbacks() -> None:
    enc = row_encoding("sqlite", "contacts", ["id", "last_name", "email_opt_out", "created_at"])
    packed = encode_rows(enc, [("c-1", "Doe", True, datetime(2024, 1, 2, 3)), ("c-2", "Roe", None, None)])
    assert isinstance(packed, PackedRows)
    assert list(packed.rows()) == [["c-1", "Doe", "1", "2024-01-02 03:00:00.000000"], ["c-2", "Roe", "", ""]]
    assert encode_rows(enc, [("c-1", "", None, None)]) == [("c-1", "", None, None)]
    opp = row_encoding("sqlite", "opportunities", ["id", "amount"])
    assert encode_rows(opp, [("o-1", 0.1 + 0.2)]) == [("o-1", 0.1 + 0.2)]


def test_postgresql_copy_text() -> None:
    enc = row_encoding("postgresql", "contacts", ["id", "last_name", "email_opt_out", "created_at", "custom"])
    data = encode_rows(enc, [("c-1", "a\\b\tc\nd\re", False, datetime(2024, 1, 2, 3), {"k": "v\\"})])
    assert data == b'c-1\ta\\\\b\\tc\\nd\\re\tf\t2024-01-02T03:00:00\t{"k":"v\\\\\\\\"}\n'


def test_upsert_rows_and_writer_counts(store: object, tmp_path: Path) -> None:
    from jobshift.store.engine import Store

    assert isinstance(store, Store)
    cols = ["id", "last_name", "email_opt_out", "custom"]
    with store.begin() as conn:
        w = BulkWriter(conn, "contacts", cols)
        assert w.empty
        first = w.write(
            encode_rows(w.encoding, [("c-1", "A", True, {"x": 1}), ("c-2", "B", None, None)]), 2, 2
        )
        again = w.write(encode_rows(w.encoding, [("c-1", "A2", True, {"x": 1})]), 1, 0)
        w.finish()
        assert (first.inserted, again.inserted, again.updated) == (2, 0, 1)
        same = upsert_rows(conn, "contacts", cols, [("c-1", "A2", True, {"x": 1}), ("c-3", "C", False, None)])
        assert (same.inserted, same.updated, same.unchanged) == (1, 0, 1)


CELLS = {
    "bool": ["true", "TRUE", "True", "tRuE", "1", "0", "yes", "No", "maybe", None, "2"],
    "int": ["12", "12.0", "12.5", "-3", "x", None, str(2**31)],
    "float": ["1.5", "1e3", "nan", "inf", "x", None],
    "date": ["2024-03-01", "2024-03-01T23:30:00-02:00", "2024-13-01", "03/01/2024", None],
    "datetime": [
        "2024-03-01T10:00:00.000+0000", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00-05:00", "2024-03-01",
        "2024-03-01T10:00:00+01:00+0000", "20240301", "2024-03-01 10:00", "x+0000", "2024-02-30", None,
    ],
}  # fmt: skip


@pytest.mark.parametrize("type_", sorted(CELLS))
def test_column_conversion_matches_the_per_value_converters(type_: str) -> None:
    from jobshift.connectors.csv_import.values import CONVERTERS, convert_column

    values, failed = convert_column(type_, CELLS[type_])
    for i, cell in enumerate(CELLS[type_]):
        if cell is None:
            assert values[i] is None
            continue
        try:
            expected = CONVERTERS[type_](cell)
        except ValueError:
            assert i in failed, cell
        else:
            assert i not in failed and values[i] == expected and type(values[i]) is type(expected), cell


def test_email_and_linkedin_columns_match_the_normalizers() -> None:
    from jobshift.connectors.csv_import.values import email_column, linkedin_column
    from jobshift.domain.normalize import normalize_email, normalize_linkedin_person

    emails = [
        "Jane.Doe@Acme.COM", "jane@acme", ".jane.@acme.com.", "Jane <j@a.io>", "mailto:j@a.io", "a b@c.io",
        "x@-bad-.com", "\u212a@acme.com", "j+tag@sub.acme.co.uk", "ünï@acme.de", None,
    ]  # fmt: skip
    assert email_column(emails) == [normalize_email(e) for e in emails]
    urls = [
        "https://www.linkedin.com/in/Jane-Doe/", "linkedin.com/in/-jane.", "https://www.linkedin.com/in/---/",
        "http://linkedin.com/in/a_b", "https://uk.linkedin.com/in/jane?trk=x", "linkedin.com/in/j%C3%A9",
        "https://www.linkedin.com/in/jane/details/", "https://www.linkedin.com/in/\u212aim", "nope", None,
    ]  # fmt: skip
    assert linkedin_column(urls) == [normalize_linkedin_person(u) for u in urls]
