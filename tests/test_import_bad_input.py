"""Bad input never loses rows in silence: unterminated quotes, NULs, encodings, blank lines, e-mails.

Each test imports through the CLI or the service on SQLite and PostgreSQL and checks that every data
line is either imported or quarantined with its line(s), reason and whole raw text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from jobshift.cli.main import main
from jobshift.services.ingest.importing import import_file
from jobshift.services.workspace import Workspace
from jobshift.store.quarantine import list_quarantined
from jobshift.store.schema import CRM_TABLES


@pytest.fixture
def ws(backend_workspace: Path) -> Iterator[Workspace]:
    w = Workspace.open(backend_workspace)
    yield w
    w.close()


def ids(ws: Workspace, table: str = "contacts") -> list[str]:
    t = CRM_TABLES[table]
    with ws.store.connect() as conn:
        return [r[0] for r in conn.execute(select(t.c.id).order_by(t.c.id))]


def quarantined(ws: Workspace, run_id: int | None) -> list[dict]:  # type: ignore[type-arg]
    with ws.store.connect() as conn:
        return list_quarantined(conn, run_id=run_id)


@pytest.mark.parametrize("parallel", [False, True])
def test_an_unterminated_quote_loses_only_its_own_line(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], parallel: bool
) -> None:
    (backend_workspace / "jobshift.toml").write_text(f"[import]\nparallel = {str(parallel).lower()}\n")
    f = tmp_path / "contacts.csv"
    good = "".join(f"c-{i:04d},Name{i},VP\n" for i in range(1, 3001))
    f.write_text('id,last_name,title\nc-0000,"Doe,CTO\n' + good)
    assert main(["-w", str(backend_workspace), "import", "contacts", str(f), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert (report["read"], report["inserted"], report["quarantined"]) == (3001, 3000, 1)
    w = Workspace.open(backend_workspace)
    try:
        assert len(ids(w)) == 3000
        (q,) = quarantined(w, report["run_id"])
    finally:
        w.close()
    assert q["line"] == 2 and q["raw"] == 'c-0000,"Doe,CTO'
    assert q["reason"] == "unterminated quote: line 2 skipped, reading resumed at line 3"


def test_a_runaway_quote_spanning_lines_is_quarantined_with_its_range(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text(
        "id,last_name,title\n"
        'c-1,"Doe,CTO\n'  # line 2: the quote opens here and runs to line 5
        "c-2,Roe\n"  # line 3: does not parse as a record (2 fields): part of the quarantined range
        "c-3,Poe,VP\n"
        'c-4,"multi\nline",ok\n'
    )
    r = import_file(ws, "contacts", f)
    assert ids(ws) == ["c-3", "c-4"]
    (q,) = quarantined(ws, r.run_id)
    assert (q["line"], r.read, r.quarantined) == (2, 3, 1)
    assert q["reason"] == "unterminated quote: lines 2-3 skipped, reading resumed at line 4"
    assert q["raw"] == 'c-1,"Doe,CTO\nc-2,Roe'


EXCEL_TEXT = "id\tlast_name\ttitle\r\nc-1\tMüller\tGeschäftsführer\r\nc-2\tO’Neil\tVP €\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (EXCEL_TEXT.encode("utf-16"), "utf-16 (byte-order mark)"),  # Excel "Unicode Text": LE with BOM
        (b"\xfe\xff" + EXCEL_TEXT.encode("utf-16-be"), "utf-16 (byte-order mark)"),
        (EXCEL_TEXT.encode("utf-16-le"), "utf-16-le"),
        (b"\xef\xbb\xbf" + EXCEL_TEXT.encode(), "utf-8 (byte-order mark)"),
        (EXCEL_TEXT.encode("cp1252"), "cp1252"),
    ],
)
@pytest.mark.parametrize("parallel", [False, True])
def test_encodings_are_detected_and_named(
    ws: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    data: bytes,
    encoding: str,
    parallel: bool,
) -> None:
    from jobshift.services.ingest import importing

    monkeypatch.setattr(importing, "PARALLEL_BYTES", 1 if parallel else 10**15)
    f = tmp_path / "contacts.csv"
    f.write_bytes(data)
    r = import_file(ws, "contacts", f)
    assert (r.read, r.inserted, r.quarantined, r.encoding) == (2, 2, 0, encoding)
    t = CRM_TABLES["contacts"]
    with ws.store.connect() as conn:
        got = [tuple(x) for x in conn.execute(select(t.c.last_name, t.c.title).order_by(t.c.id))]
    assert got == [("Müller", "Geschäftsführer"), ("O’Neil", "VP €")]
    guessed = [w for w in r.warnings if "Windows-1252" in w or "no byte-order mark" in w]
    assert bool(guessed) == (encoding in ("cp1252", "utf-16-le"))


def test_encoding_option_and_config(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes("id,last_name\nc-1,Ærø\n".encode("latin-1"))
    w = ["-w", str(backend_workspace)]
    assert main([*w, "import", "contacts", str(f), "--encoding", "latin-1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)[0]
    assert report["encoding"] == "iso8859-1" and report["warnings"] == []
    assert main([*w, "import", "contacts", str(f), "--encoding", "klingon"]) == 2
    assert "klingon" in capsys.readouterr().err
    (backend_workspace / "jobshift.toml").write_text('[import]\nencoding = "utf-8"\n')
    assert main([*w, "import", "contacts", str(f)]) == 1
    assert "not UTF-8 text at line 2" in capsys.readouterr().err


def test_a_nul_byte_quarantines_its_row_only(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"id,last_name\nc-1,Doe\nc-2,Ro\x00e\nc-3,Poe\n")
    r = import_file(ws, "contacts", f)
    assert ids(ws) == ["c-1", "c-3"]
    (q,) = quarantined(ws, r.run_id)
    assert (q["line"], q["reason"], q["raw"]) == (3, "contains a NUL character", "c-2,Ro\\x00e")


def test_blank_lines_before_the_header_are_skipped(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text("\n\r\n ,, \nid,last_name\nc-1,Doe\nc-2,\n")
    r = import_file(ws, "contacts", f)
    assert ids(ws) == ["c-1"]
    (q,) = quarantined(ws, r.run_id)
    assert q["line"] == 6 and q["column"] == "last_name"


def test_quarantined_raw_text_is_kept_whole_and_exported(
    backend_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_title = "word, " * 5000  # 30,000 characters, with the delimiter inside
    f = tmp_path / "contacts.csv"
    f.write_text(f'id,last_name,title\nc-1,,"{long_title}"\nc-2,Ro\x00e,x\nc-3,Doe,"said ""hi"""\n')
    w = ["-w", str(backend_workspace)]
    assert main([*w, "import", "contacts", str(f)]) == 0
    capsys.readouterr()
    out = tmp_path / "q.jsonl"
    assert main([*w, "export", "quarantine", "--format", "jsonl", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["raw"] for r in rows] == [f'c-1,,"{long_title}"', "c-2,Ro\x00e,x"]
    assert "raw_zip" not in rows[0] and rows[0]["end_line"] is None
    csv_out = tmp_path / "q.csv"
    assert main([*w, "export", "quarantine", "--format", "csv", "--out", str(csv_out)]) == 0
    import csv

    with open(csv_out, newline="", encoding="utf-8") as fh:
        exported = list(csv.DictReader(fh))
    recovered = next(csv.reader([exported[0]["raw"]]))
    assert recovered == ["c-1", "", long_title]  # the row can be read back and fixed
    ws = Workspace.open(backend_workspace)
    try:
        shown = quarantined(ws, None)
    finally:
        ws.close()
    assert len(shown[0]["raw"]) == 4000 and shown[1]["raw"] == "c-2,Ro\\x00e,x"


def test_salesforce_ids_of_15_and_18_characters_are_one_key(ws: Workspace, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account ID,Account Name\n001A0000006Vm9r,Acme\n")  # a report: 15 characters
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(
        "Id,AccountId,LastName\n"  # the API / data loader: 18 characters
        "003A0000001AbCdIAK,001A0000006Vm9rIAC,Doe\n"
        "003A0000001AbCd,001A0000006Vm9r,Doe again\n"  # the same contact, 15 characters
        "c-123,001a0000006vm9r,Other\n"  # not Salesforce, and another (case-sensitive) account
    )
    a = import_file(ws, "accounts", accounts)
    c = import_file(ws, "contacts", contacts)
    assert ids(ws, "accounts") == ["001A0000006Vm9rIAC"]
    assert ids(ws) == ["003A0000001AbCdIAK", "c-123"]
    assert (a.inserted, c.inserted, c.duplicates) == (1, 2, 1)
    assert c.dangling["account_id"]["examples"] == [{"id": "c-123", "account_id": "001a0000006vm9rAAA"}]


EMAILS_FILE = (
    "id,last_name,email\n"
    "c-1,Doe,jane@acme.com\n"
    "c-2,Roe,jane.acme.com\n"  # no @
    "c-3,Poe,Jane <jane@acme.io>\n"  # a display name: fine
    "c-4,Moe,j doe@acme.com\n"  # a space
    "c-5,Zoe,a@@b.com\n"  # two @
    "c-6,Noe,x@acme\n"  # bad domain
)


@pytest.mark.parametrize("mode", ["keep", "blank", "quarantine", None])
@pytest.mark.parametrize("fast", [True, False])
def test_invalid_emails_follow_the_configuration(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str | None, fast: bool
) -> None:
    from jobshift.services.ingest import importing

    monkeypatch.setattr(importing, "FAST_READER", fast)
    if mode is not None:
        ws.config.import_.invalid_email = mode  # type: ignore[assignment]
    f = tmp_path / "contacts.csv"
    f.write_text(EMAILS_FILE)
    r = import_file(ws, "contacts", f)
    t = CRM_TABLES["contacts"]
    with ws.store.connect() as conn:
        stored = {row.id: row.email for row in conn.execute(select(t.c.id, t.c.email))}
    q = quarantined(ws, r.run_id)
    if mode == "quarantine":
        assert sorted(stored) == ["c-1", "c-3"] and r.invalid_emails == 0
        assert [(x["line"], x["column"], x["reason"]) for x in q] == [
            (3, "email", "invalid e-mail address (no @): 'jane.acme.com'"),
            (5, "email", "invalid e-mail address (contains a space): 'j doe@acme.com'"),
            (6, "email", "invalid e-mail address (more than one @): 'a@@b.com'"),
            (7, "email", "invalid e-mail address (bad domain 'acme'): 'x@acme'"),
        ]
        return
    assert len(stored) == 6 and q == [] and r.invalid_emails == 4
    (warning,) = [w for w in r.warnings if "invalid e-mail" in w]
    assert warning.startswith("4 rows have an invalid e-mail address") and "'jane.acme.com'" in warning
    if mode == "blank":
        assert stored["c-2"] is None and stored["c-6"] is None and stored["c-3"] == "Jane <jane@acme.io>"
    else:
        assert stored["c-2"] == "jane.acme.com" and "kept as they are" in warning
