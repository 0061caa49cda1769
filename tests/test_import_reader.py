"""The CSV reader alone: header recognition, delimiters, encodings, line numbers, value coercion."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from jobshift.connectors.csv_import.columns import OBJECTS, resolve_object
from jobshift.connectors.csv_import.reader import CrmCsvReader, plan_header
from jobshift.connectors.csv_import.values import linkedin_person_key, stage_number, to_date, to_datetime
from jobshift.domain.normalize import normalize_linkedin_person
from jobshift.errors import ConfigError, InputFileError, UsageError
from jobshift.store.schema import CRM_TABLES

CONTACTS = resolve_object("contacts")


def read_all(path: Path, obj: str = "contacts", **kw: object) -> tuple[list[dict], list]:  # type: ignore[type-arg]
    reader = CrmCsvReader(path, resolve_object(obj), **kw)  # type: ignore[arg-type]
    rows, bad = [], []
    for b in reader.batches():
        rows += [dict(zip(reader.columns, r, strict=True)) for r in b.rows]
        bad += b.bad
    return rows, bad


def test_salesforce_api_names_are_recognized(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        "Id,AccountId,FirstName,LastName,Email,Title,Phone,MailingCountry,MailingState,OwnerId,"
        "HasOptedOutOfEmail,CreatedDate,Favorite_Color__c\n"
        "003A,001A,Jane,Doe,JANE@ACME.COM,CTO,+1 555,US,CA,005A,true,2024-03-01T10:00:00.000+0200,blue\n"
    )
    rows, bad = read_all(f)
    assert bad == []
    r = rows[0]
    assert (
        r["id"] == "003A" and r["account_id"] == "001A" and r["country"] == "US" and r["owner_id"] == "005A"
    )
    assert r["email_opt_out"] is True and r["email_norm"] == "jane@acme.com"
    assert r["created_at"] == datetime(2024, 3, 1, 8, 0, 0)
    assert r["custom"] == {"Favorite_Color__c": "blue"}


def test_report_labels_and_case_variants() -> None:
    plan = plan_header(["Contact ID", "Account ID", "First Name", "LAST_NAME", "Mailing Country"], CONTACTS)
    assert plan.columns[:5] == ["id", "account_id", "first_name", "last_name", "country"]
    opp = plan_header(
        ["Opportunity ID", "Account ID", "Stage", "Close Date", "Won"],
        resolve_object("opps"[:0] or "opportunities"),
    )
    assert {"id", "account_id", "stage", "close_date", "is_won"} <= set(opp.columns)


def test_mapping_config_and_bad_mapping() -> None:
    plan = plan_header(
        ["Key", "Surname", "E-Mail Address", "Junk"],
        CONTACTS,
        {"Key": "id", "Surname": "last_name", "e-mail address": "email", "Junk": "-"},
    )
    assert plan.columns == ["id", "last_name", "email", "email_norm"]
    assert plan.ignored == ["Junk"]
    with pytest.raises(ConfigError) as exc:
        plan_header(["id", "x"], CONTACTS, {"x": "no_such_column"})
    assert "mapping.contacts.x" in str(exc.value)


def test_required_column_missing_from_header(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("id,first_name\nc-1,Jane\n")
    with pytest.raises(InputFileError, match="last_name"):
        CrmCsvReader(f, CONTACTS)


def test_bom_and_semicolon_detected(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes("\ufeffid;last_name;title\nc-1;Müller;Geschäftsführer, CEO\n".encode())
    reader = CrmCsvReader(f, CONTACTS)
    assert reader.delimiter == ";" and reader.bom
    rows, bad = read_all(f)
    assert rows == [{"id": "c-1", "last_name": "Müller", "title": "Geschäftsführer, CEO"}] and bad == []


@pytest.mark.parametrize("delim", ["\t", "|"])
def test_tab_and_pipe(tmp_path: Path, delim: str) -> None:
    f = tmp_path / "c.csv"
    f.write_text(delim.join(["id", "last_name"]) + "\n" + delim.join(["c-1", "Doe"]) + "\n")
    assert read_all(f)[0] == [{"id": "c-1", "last_name": "Doe"}]


def test_bad_rows_with_exact_lines_across_multiline_fields(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text(
        "id,last_name,title,email_opt_out,created_at\n"  # line 1
        'c-1,Doe,"CTO\nand\nfounder",true,2024-01-01\n'  # lines 2-4
        "c-2,Roe,VP,maybe,\n"  # line 5: bad bool
        "\n"  # line 6: blank, skipped
        "c-3,,VP,,\n"  # line 7: missing last_name
        "c-4,Poe,VP,,03/01/2024\n"  # line 8: not ISO
        "c-5,Zoe,VP\n"  # line 9: too few fields
        f"{'x' * 65},Long,,,\n"  # line 10: id too long
        "c-6,Moe,,,\n"  # line 11: good
    )
    rows, bad = read_all(f)
    assert [r["id"] for r in rows] == ["c-1", "c-6"]
    assert rows[0]["title"] == "CTO\nand\nfounder"
    got = [(b.line, b.column, b.reason) for b in bad]
    assert got == [
        (5, "email_opt_out", "not a boolean (true/false/1/0/yes/no): 'maybe'"),
        (7, "last_name", "required value missing"),
        (8, "created_at", "not an ISO 8601 date/time: '03/01/2024'"),
        (9, None, "3 fields, header has 5"),
        (10, "id", "longer than 64 characters"),
    ]
    assert all(b.source == str(f) for b in bad)


def test_duplicate_ids_last_wins(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_text("id,last_name\nc-1,Old\nc-2,Two\nc-1,New\n")
    reader = CrmCsvReader(f, CONTACTS)
    batches = list(reader.batches())
    assert sum(b.duplicates for b in batches) == 1
    assert sorted(r for b in batches for r in b.rows) == [("c-1", "New"), ("c-2", "Two")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
        (b"id,last_name\nc-1,M\x81\n", "not UTF-8 text \\(line 2\\) nor Windows-1252"),
        (b"PK\x03\x04\x14\x00\x06\x00", "xlsx"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        read_all(f)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        CrmCsvReader(tmp_path / "nope.csv", CONTACTS)


def test_late_encoding_error_is_a_file_error(tmp_path: Path) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes(b"id,last_name\n" + b"c-1,Doe\n" * 20000 + "c-2,Mé\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="not UTF-8 text at line 20002"):
        read_all(f, encoding="utf-8")


def test_value_coercion() -> None:
    assert to_datetime("2024-03-01T10:00:00.000+0000") == datetime(2024, 3, 1, 10)
    assert to_datetime("2024-03-01T10:00:00Z") == datetime(2024, 3, 1, 10)
    assert to_datetime("2024-03-01T10:00:00-05:00") == datetime(2024, 3, 1, 15)
    assert to_datetime("2024-03-01") == datetime(2024, 3, 1)
    assert to_date("2024-03-01") == date(2024, 3, 1)
    assert to_date("2024-03-01T23:30:00-02:00") == date(2024, 3, 2)
    assert stage_number("3-Technical Evaluation") == 3 and stage_number("Closed Won") is None
    with pytest.raises(ValueError):
        to_date("2024-13-01")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/Jane-Doe-12ab/",
        "linkedin.com/in/-jane.",
        "http://linkedin.com/in/a_b",
        "https://www.linkedin.com/in/---/",
        "https://uk.linkedin.com/in/jane?trk=x",
        "https://www.linkedin.com/in/j%C3%A9r%C3%B4me",
        "https://www.linkedin.com/pub/jane-doe/1/23/456",
        "not a url",
    ],
)
def test_linkedin_fast_path_matches_the_normalizer(url: str) -> None:
    assert linkedin_person_key(url) == normalize_linkedin_person(url)


def test_specs_match_the_store_schema() -> None:
    kinds = {"str": ("VARCHAR", "TEXT"), "bool": ("BOOLEAN",), "int": ("INTEGER",), "float": ("FLOAT",),
             "date": ("DATE",), "datetime": ("DATETIME",)}  # fmt: skip
    for name, spec in OBJECTS.items():
        table = CRM_TABLES[name]
        for col in spec.columns:
            sa_col = table.c[col.name]
            assert str(sa_col.type).split("(")[0] in kinds[col.type], (name, col.name)
            if not sa_col.nullable:
                assert col.required, (name, col.name)
            length = getattr(sa_col.type, "length", None)
            if length:
                assert col.max_len is not None and col.max_len <= length, (name, col.name)
        for d in spec.derived:
            assert d in table.c
        for alias, target in spec.aliases.items():
            assert target in spec.column_names, (name, alias)


def test_object_names() -> None:
    assert resolve_object("roles").name == "opportunity_contact_roles"
    with pytest.raises(UsageError):
        resolve_object("widgets")
