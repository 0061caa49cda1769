"""The pyarrow reading path gives what the ``csv`` module path gives: batches, rows, bad rows, encodings.

Every comparison runs the reader both ways (``batches(fast=True)`` and ``batches(fast=False)``) over
the same file, so a difference in records, line numbers, checks, conversions or encodings fails here.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import select

from jobshift.connectors.csv_import import blocks as crm_blocks
from jobshift.connectors.csv_import.arrow import ArrowBatch
from jobshift.connectors.csv_import.arrow_values import convert_array, derive_array, trimmed
from jobshift.connectors.csv_import.blocks import (
    ArrowRecords,
    CsvRecords,
    _parse_block,
    _physical_lines,
    header_end,
    record_batches,
)
from jobshift.connectors.csv_import.columns import OBJECTS, ObjectSpec, resolve_object
from jobshift.connectors.csv_import.reader import CrmCsvReader
from jobshift.connectors.csv_import.records import BrokenRecord, Records
from jobshift.connectors.csv_import.values import CONVERTERS, derive_column
from jobshift.services.ingest import importing
from jobshift.services.ingest.importing import import_file
from jobshift.services.workspace import Workspace
from jobshift.store.crm.encode import PackedRows, encode_columns
from jobshift.store.crm.encode_arrow import encode_arrays
from jobshift.store.crm.mirror import row_encoding
from jobshift.store.quarantine import list_quarantined
from jobshift.store.schema import CRM_TABLES

CELLS: dict[str, list[str]] = {
    "str": ["x", " padded ", "\u2003wide\u3000", "", " ", 'q"uote', "multi\nline", "cr\r\nlf", "tab\tbs\\",
            "sep\x1fx", "é", "a,b", "x" * 70],
    "bool": ["true", "FALSE", "Yes", "no", "1", "0", "tRuE", "maybe", "", " true "],
    "int": ["12", "-3", "007", "12.0", "12.5", "x", "", "99999999999", "+4", "1_000", "-0"],
    "float": ["1.5", "-0.25", "1e3", "nan", "x", "", "12", "0.1", "123456789.123456789"],
    "date": ["2024-03-01", "2024-02-30", "2024-03-01T23:30:00-02:00", "03/01/2024", "", "0000-01-01",
             "2024-02-29", "2023-02-29"],
    "datetime": ["2024-03-01T10:00:00.000+0000", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00-05:00",
                 "2024-03-01", "2024-02-30T10:00:00.000+0000", "2024-13-01", "20240301", "2024-03-01 10:00",
                 "", "2024-03-01T10:00:00.123456", "0000-01-01T00:00:00", "2024-03-01T24:00:00",
                 " 2024-03-01T10:00:00.000+0000 ", "2024-03-01 10:00:00", "2024-03-01T10:00:00.5+0000"],
}  # fmt: skip
EMAILS = ["Jane.Doe@Acme.COM", "jane@acme", "\u212a@acme.com", "ünï@acme.de", "Jane <j@a.io>", "", "a b@c.io",
          "x@y.io", ".jane.@acme.com."]  # fmt: skip
URLS = ["https://www.linkedin.com/in/Jane-Doe/", "linkedin.com/in/-jane.", "nope", "",
        "https://uk.linkedin.com/in/jane?trk=x", "https://www.linkedin.com/in/\u212aim",
        "https://www.linkedin.com/in/---/", "http://linkedin.com/in/a_b",
        "https://www.linkedin.com/in/jane/details/", "linkedin.com/in/j.-_/"]  # fmt: skip


def _cell(rnd: random.Random, name: str, type_: str) -> str:
    if name == "email":
        return rnd.choice(EMAILS)
    if name == "linkedin_url":
        return rnd.choice(URLS)
    if name == "website":
        return rnd.choice(["https://www.Acme.com/x", "", "acme", "www.b.co.uk"])
    if name == "stage":
        return rnd.choice(["3-Tech", "Closed Won", "", " 7 x", "99999999999-x"])
    if name == "id" or name.endswith("_id"):
        return rnd.choice([f"k-{rnd.randrange(40)}", f"k-{rnd.randrange(40)}", "", "x" * 65, " k-1 "])
    if type_ == "str" and rnd.random() < 0.6:
        return f"v{rnd.randrange(100)}"
    return rnd.choice(CELLS[type_])


def generated_file(rnd: random.Random, path: Path, spec: ObjectSpec) -> None:
    """A file of ``spec`` with random columns, dialect, odd cells, bad rows and, sometimes, odd lines."""
    cols = [c for c in spec.columns if c.required or rnd.random() < 0.7]
    extra = [e for e, p in (("Shoe__c", 0.4), ("custom", 0.2)) if rnd.random() < p]
    out = io.StringIO()
    w = csv.writer(
        out,
        delimiter=rnd.choice([",", ",", ";", "\t", "|"]),
        lineterminator=rnd.choice(["\n", "\r\n"]),
        quoting=rnd.choice([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    )
    w.writerow([c.name for c in cols] + extra)
    clean = rnd.random() < 0.5  # mostly plain rows: long stretches go through pyarrow
    for r in range(rnd.choice([5, 30, 200, 700, 2000])):
        row = [
            (
                f"k-{r}"
                if c.name == "id"
                else f"v{r}"
                if c.type == "str" and c.required
                else _cell(rnd, c.name, c.type)
            )
            if clean and rnd.random() < 0.9
            else _cell(rnd, c.name, c.type)
            for c in cols
        ]
        row += [
            rnd.choice(['{"a": 1}', "", "[1]", "{bad", "44"] if e == "custom" else ["", "44", " x "])
            for e in extra
        ]
        if rnd.random() < 0.01:
            row = row[:-1]
        elif rnd.random() < 0.005:
            row.append("extra")
        w.writerow(row)
        if rnd.random() < 0.003:
            out.write("\n")
        if rnd.random() < 0.003:
            out.write('x,5"10,y\n')
    text = out.getvalue()
    odd = random.Random(len(text))  # apart from rnd, which the files above depend on
    if odd.random() < 0.25:  # unterminated quotes: quarantined, reading resumes after them
        for _ in range(odd.randrange(1, 4)):
            at = text.find("\n", odd.randrange(text.find("\n"), len(text))) + 1 or len(text)
            text = (
                text[:at] + odd.choice(['k-q,"open,y\n', 'k-q,x,"open\n', '"k-q\n', 'k-q,"a""b']) + text[at:]
            )
    if len(text) > 70_000 and rnd.random() < 0.5:  # NUL after the first 64 KB (else: a binary file)
        k = text.rfind("v", 66_000)
        text = text[:k] + "\x00" + text[k:]
    path.write_bytes((b"\xef\xbb\xbf" if rnd.random() < 0.1 else b"") + text.encode())


def both_ways(reader: CrmCsvReader) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Each batch (rows, bad rows, counts, SQLite and PostgreSQL encodings), read fast and with ``csv``;
    also how many batches pyarrow parsed."""
    enc = [row_encoding(d, reader.spec.table, reader.columns) for d in ("sqlite", "postgresql")]

    def summary(b: Any) -> tuple[Any, ...]:
        if isinstance(b, ArrowBatch):
            payloads = [encode_arrays(e, b.arrays, b.custom) for e in enc]
        else:
            payloads = [encode_columns(e, b.columns) for e in enc]
        return (b.rows, b.bad, b.read, b.duplicates, b.new_keys, b.invalid_emails, *payloads)

    fast = list(reader.batches())
    slow = list(reader.batches(fast=False))
    return (
        [summary(b) for b in fast],
        [summary(b) for b in slow],
        sum(isinstance(b, ArrowBatch) for b in fast),
    )


def test_generated_files_read_the_same_both_ways(tmp_path: Path) -> None:
    fast_batches = files = 0
    for seed in range(120):
        rnd = random.Random(seed)
        spec = rnd.choice(list(OBJECTS.values()))
        f = tmp_path / f"{seed}.csv"
        generated_file(rnd, f, spec)
        mode = random.Random(seed).choice(["keep", "blank", "quarantine"])  # [import] invalid_email
        reader = CrmCsvReader(f, spec, batch_size=rnd.choice([7, 50, 100, 1000]), invalid_email=mode)
        fast, slow, arrow = both_ways(reader)
        assert fast == slow, (seed, spec.name, mode)
        fast_batches += arrow
        files += arrow > 0
    assert files > 30 and fast_batches > 250  # the fast path was taken often, and not always


def _random_csv(rnd: random.Random, delim: str, width: int) -> str:
    """Random CSV text: records of quoted and unquoted fields, with odd tokens thrown in, or pure noise."""
    tokens = ["a", "é", delim, '"', "\n", "\r", " ", '""', "\r\n", delim, "\x00", "b"]
    if rnd.random() < 0.3:
        return "".join(rnd.choice(tokens) for _ in range(rnd.randrange(1, 40)))
    records = []
    for _ in range(rnd.randrange(1, 6)):
        fields = []
        for _ in range(width if rnd.random() < 0.9 else rnd.choice([1, width + 1])):
            inner = "".join(rnd.choice(tokens) for _ in range(rnd.randrange(0, 6)))
            if rnd.random() < 0.5:
                fields.append('"' + inner.replace('"', '""') + '"' + rnd.choice(["", "", "x", '"']))
            else:
                fields.append(
                    "".join(c for c in inner if c not in '"\r\n' + delim) + rnd.choice(["", "", '"'])
                )
        records.append(delim.join(fields))
    return "".join(r + rnd.choice(["\n", "\r\n", "\r", "\n\n"]) for r in records)[
        : None if rnd.random() < 0.8 else -1
    ]


def test_pyarrow_blocks_match_the_csv_module_or_are_refused() -> None:
    accepted = refused = 0
    rnd = random.Random(3)
    for _ in range(20_000):
        delim, width = rnd.choice([",", ";", "\t", "|"]), rnd.choice([2, 3])
        text = _random_csv(rnd, delim, width)
        data = text.encode()
        block = _parse_block(data, _physical_lines(data), [f"f{i}" for i in range(width)], delim, 5)
        if block is None:
            refused += 1
            continue
        accepted += 1
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        recs, lines, line = [], [], 4
        for rec in reader:
            recs.append(rec)
            lines.append(line + 1)
            line = 4 + reader.line_num
        assert (block.records(), block.lines()) == (recs, lines), repr(text)
        if text.endswith(("\n", "\r")):  # (a block at the end of a file without one is refused earlier)
            got = Records(io.StringIO(text, newline="").readlines(), delim, width, 4).take(100)
            assert got == recs, repr(text)  # an accepted block holds no runaway quote
    assert accepted > 1500 and refused > 1500


def test_records_are_the_csv_modules_unless_a_quote_ran_away() -> None:
    rnd = random.Random(8)
    broken = 0
    for _ in range(5000):
        delim, width = rnd.choice([",", ";", "\t", "|"]), rnd.choice([2, 3])
        text = _random_csv(rnd, delim, width)
        lines = io.StringIO(text, newline="").readlines()
        reader = Records(lines, delim, width, 1)
        got: list[list[str]] = []
        while batch := reader.take(rnd.choice([1, 2, 50])):
            got += batch
        assert reader.line == 1 + len(lines), repr(text)  # every line belongs to a record
        if any(isinstance(r, BrokenRecord) for r in got):
            broken += 1
            spans = [r.last - r.first + 1 for r in got if isinstance(r, BrokenRecord)]
            assert all(s >= 1 for s in spans)
        else:
            assert got == list(csv.reader(io.StringIO(text, newline=""), delimiter=delim)), repr(text)
    assert 100 < broken < 4000


FALLBACKS = {
    "blank line": "id,last_name\nc-1,A\n\nc-2,B\nc-3,C\n",
    "trailing blank lines": "id,last_name\nc-1,A\nc-2,B\n\n\n",
    "field count": "id,last_name\nc-1,A\nc-2\nc-3,C,extra\nc-4,D\n",
    "stray quote": 'id,last_name,title\nc-1,A,5"10\nc-2,"B\nb",x"y\nc-3,C,"z""z"\n',
    "open quote at the end": 'id,last_name\nc-1,A\nc-2,"B\n',
    "quoted line break ending a row": 'id,last_name\nc-1,"A\n"\nc-2,B\n',
    "CR only": "id,last_name\rc-1,A\rc-2,B\r",
    "CRLF and multi-line": 'id,last_name,title\r\nc-1,A,"x\r\ny"\r\nc-2,B,\r\n',
    "no final line break": "id,last_name\nc-1,A\nc-2,B",
    "header only": "id,last_name\n",
    "whitespace line": "id,last_name\nc-1,A\n   \nc-2,B\n",
    "unterminated quote": 'id,last_name\nc-1,A\nc-2,"B\nc-3,C\nc-4,D\n',
    "unterminated quote, no final line break": 'id,last_name\nc-1,A\nc-2,"B',
    "unterminated quote closed later": 'id,last_name,title\nc-1,"A,x\nc-2,B,y\nc-3,"C",z\nc-4,D,w\n',
    "unterminated quote before a multi-line record": 'id,last_name,title\nc-1,"A,x\nc-2,B,"y\nz"\nc-3,C,w\n',
    "runaway quote with the right field count": 'id,last_name,title\nc-1,"A,x\nc-2,B,y",z\nc-3,C,"w"\n',
    "blank lines before the header": "\n  \n,,\nid,last_name\nc-1,A\n",
}


@pytest.mark.parametrize("name", sorted(FALLBACKS))
@pytest.mark.parametrize("batch_size", [1, 2, 100])
def test_odd_files_read_the_same_both_ways(tmp_path: Path, name: str, batch_size: int) -> None:
    f = tmp_path / "c.csv"
    f.write_bytes(FALLBACKS[name].encode())
    reader = CrmCsvReader(f, resolve_object("contacts"), batch_size=batch_size)
    fast, slow, _arrow = both_ways(reader)
    assert fast == slow


SF_IDS = ["001A0000006Vm9r", " 001A0000006Vm9rIAC", "001A0000006Vm9riac", "001A0000006VM9R",
          "c-123456789012", "001234567890123", "003A0000001AbCd", "003A0000001AbCdIAK", "003A0000001AbCdXXX",
          "k-1", ""]  # fmt: skip


@pytest.mark.parametrize("batch_size", [7, 1000])
def test_salesforce_ids_read_the_same_both_ways(tmp_path: Path, batch_size: int) -> None:
    rnd = random.Random(5)
    f = tmp_path / "c.csv"
    rows = [f"{rnd.choice(SF_IDS[:-1])},{rnd.choice(SF_IDS)},N{i}\n" for i in range(3000)]
    f.write_text("id,account_id,last_name\n" + "".join(rows))
    fast, slow, arrow = both_ways(CrmCsvReader(f, resolve_object("contacts"), batch_size=batch_size))
    assert fast == slow and arrow
    keys = {r[0] for batch in fast for r in batch[0]}
    assert keys == {"001A0000006Vm9rIAC", "001A0000006VM9RIAW", "c-123456789012", "001234567890123",
                    "003A0000001AbCdIAK", "003A0000001AbCdXXX", "k-1"}  # fmt: skip


def test_clean_stretches_resume_after_a_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crm_blocks, "BLOCK_MIN", 64)
    f = tmp_path / "c.csv"
    rows = [f'c-{i},N{i},"t\n{i}{"x" * 240}"\n' for i in range(300)]
    rows[40] = "c-40,N40\n"  # too few fields: this stretch goes through the csv module
    rows[200] = "\n"  # a blank line: so does this one
    f.write_text("id,last_name,title\n" + "".join(rows))
    start, line = header_end(f, ",")
    parts = list(record_batches(f, ",", 3, 25, start, line))
    kinds = [type(p).__name__ for p in parts]
    assert "ArrowRecords" in kinds and "CsvRecords" in kinds and kinds[-1] == "ArrowRecords"
    assert sum(len(p.recs) if isinstance(p, CsvRecords) else p.table.num_rows for p in parts) == 300
    assert all(len(p.recs) == 25 for p in parts if isinstance(p, CsvRecords))
    first = next(p for p in parts if isinstance(p, ArrowRecords))
    assert first.lines()[:2] == [2, 4]  # each record spans two lines
    reader = CrmCsvReader(f, resolve_object("contacts"), batch_size=25)
    fast, slow, arrow = both_ways(reader)
    assert fast == slow and arrow > 5


def test_a_record_larger_than_a_block_is_read_by_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crm_blocks, "BLOCK_MIN", 64)
    monkeypatch.setattr(crm_blocks, "BLOCK_MAX", 256)
    f = tmp_path / "c.csv"
    f.write_text("id,last_name,title\nc-1,A,x\n" + f'c-2,B,"{"long " * 200}"\n' + "c-3,C,y\n")
    start, line = header_end(f, ",")
    parts = list(record_batches(f, ",", 3, 1, start, line))
    assert [type(p).__name__ for p in parts] == ["ArrowRecords", "CsvRecords", "ArrowRecords"]
    fast, slow, _arrow = both_ways(CrmCsvReader(f, resolve_object("contacts"), batch_size=1))
    assert fast == slow


def test_a_block_ending_exactly_at_the_end_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "c.csv"
    body = "".join(f"c-{i},N{i}\n" for i in range(50))
    f.write_text("id,last_name\n" + body)
    monkeypatch.setattr(crm_blocks, "BLOCK_MIN", len(body))  # the first read gets exactly the rest
    start, line = header_end(f, ",")
    parts = list(record_batches(f, ",", 2, 20, start, line))
    assert [type(p).__name__ for p in parts] == ["ArrowRecords"] * 3
    assert [p.lines()[0] for p in parts if isinstance(p, ArrowRecords)] == [2, 22, 42]


@pytest.mark.parametrize("fast", [True, False])
def test_bad_utf8_in_a_later_block_is_the_same_error(tmp_path: Path, fast: bool) -> None:
    from jobshift.errors import InputFileError

    f = tmp_path / "c.csv"
    f.write_bytes(b"id,last_name\n" + b"c-1,Doe\n" * 50_000 + b"c-2,M\xe9\n" + b"c-3,Doe\n" * 10)
    reader = CrmCsvReader(f, resolve_object("contacts"), batch_size=1000, encoding="utf-8")  # not auto
    with pytest.raises(InputFileError, match="not UTF-8 text at line 50002"):
        list(reader.batches(fast=fast))


@pytest.mark.parametrize("type_", sorted(CELLS))
def test_column_conversions_match_the_python_converters(type_: str) -> None:
    if type_ == "str":
        return
    cells = [c.strip() or None for c in CELLS[type_]]
    values, unconverted = convert_array(type_, pa.array(cells, pa.string()))
    flagged = unconverted.to_pylist()
    for cell, value, flag in zip(cells, values.to_pylist(), flagged, strict=True):
        if cell is None:
            assert value is None and not flag
            continue
        try:
            expected = CONVERTERS[type_](cell)
        except ValueError:
            assert flag, cell
            continue
        assert flag or (value == expected and type(value) is type(expected)), cell


def test_trimming_and_derived_columns_match_python() -> None:
    spaces = [chr(c) for c in range(0x3100) if chr(c).isspace()]
    raw = [f"{s}a{s}" for s in spaces] + ["", " ", "\x1c", "b\x1fb"]
    assert trimmed(pa.array(raw)).to_pylist() == [v.strip() or None for v in raw]
    for name, cells in (("email_norm", EMAILS), ("linkedin_norm", URLS)):
        values = [c or None for c in cells] * 2
        got = derive_array(name, pa.array(values, pa.string())).to_pylist()
        assert got == derive_column(name, values), name
    stages = pa.array(["3-Tech", None, "Closed", " 12 x"], pa.string())
    assert derive_array("stage_number", stages).to_pylist() == [3, None, None, 12]


ENCODED = {
    "id": ("text", pa.string(), ["k-1", "k-2", "k-3", "k-4"]),
    "last_name": ("text", pa.string(), ["A", "b\\s", "t\tn\nr\r", "x"]),
    "email_opt_out": ("bool", pa.bool_(), [True, False, None, True]),
    "created_at": ("datetime", pa.timestamp("us"),
                   [datetime(2024, 3, 1, 10), None, datetime(1, 1, 1), datetime(2024, 3, 1, 0, 0, 0, 1)]),
}  # fmt: skip


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_arrow_encodings_equal_the_python_encodings(dialect: str) -> None:
    cases: list[tuple[str, list[str], list[pa.Array], list[Any] | None]] = [
        ("contacts", list(ENCODED), [pa.array(v, t) for _k, t, v in ENCODED.values()], None),
        ("contacts", ["id", "last_name"], [pa.array(["a", "b"]), pa.array(["s\x1fp", "q"])], None),
        ("contacts", ["id", "custom"], [pa.array(["a", "b", "c"])], [{"k": "v\\"}, None, {"n": [1, "é"]}]),
        ("opportunities", ["id", "amount", "close_date", "probability"],
         [pa.array(["o-1", "o-2"]), pa.array([0.1 + 0.2, None]),
          pa.array([date(2024, 1, 2), None], pa.date32()), pa.array([1e-7, 1e20])], None),
        ("accounts", ["id", "employees"], [pa.array(["a-1", "a-2"]), pa.array([12, None], pa.int32())], None),
    ]  # fmt: skip
    for table, columns, arrays, custom in cases:
        enc = row_encoding(dialect, table, columns)
        cols: list[list[Any]] = [a.to_pylist() for a in arrays] + ([custom] if custom is not None else [])
        assert encode_arrays(enc, arrays, custom) == encode_columns(enc, cols), (table, columns)
    packed = encode_arrays(
        row_encoding(dialect, "contacts", ["id"]), [pa.array([f"c-{i}" for i in range(5000)])]
    )
    if dialect == "sqlite":
        assert isinstance(packed, PackedRows) and packed.group == 2000
        full, rest = packed.groups()
        assert [len(g) for g in full] == [2000, 2000] and len(rest) == 1000
        exact = encode_arrays(row_encoding(dialect, "contacts", ["id"]), [pa.array(["x"] * 4000)])
        assert [len(g) for g in exact.groups()[0]] == [2000, 2000] and exact.groups()[1] == []
        assert [r[0] for r in packed.rows()] == [f"c-{i}" for i in range(5000)]


@pytest.mark.parametrize("max_variables", [10, 32_766])
def test_sqlite_writer_groups_rows_within_the_variable_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_variables: int
) -> None:
    from jobshift.store import Store
    from jobshift.store.crm.bulk import BulkWriter

    monkeypatch.setattr(BulkWriter, "_max_variables", lambda self: max_variables)
    store = Store.open(f"sqlite:///{tmp_path / 'w.db'}")
    cols = ["id", "last_name", "email_opt_out"]
    rows = [(f"c-{i}", f"N{i}", None if i % 3 else i % 2 == 0) for i in range(2500)]
    try:
        with store.begin() as conn:
            w = BulkWriter(conn, "contacts", cols)
            enc = w.encoding
            first = w.write(encode_arrays(enc, [pa.array(c) for c in zip(*rows, strict=True)]), 2500, 2500)
            changed = rows[:10] + [(f"c-{i}", "new", True) for i in range(10, 20)] + [("c-x", "X", False)]
            again = w.write(encode_arrays(enc, [pa.array(c) for c in zip(*changed, strict=True)]), 21)
            t = CRM_TABLES["contacts"]
            got = conn.execute(select(t.c.id, t.c.last_name, t.c.email_opt_out)).all()
    finally:
        store.dispose()
    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (2500, 1, 10, 10)
    assert {r[0]: tuple(r[1:]) for r in got} == {r[0]: r[1:] for r in rows + changed}


@pytest.fixture
def ws(backend_workspace: Path) -> Iterator[Workspace]:
    w = Workspace.open(backend_workspace)
    yield w
    w.close()


@pytest.mark.parametrize("parallel", [False, True])
def test_both_paths_store_the_same(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    monkeypatch.setattr(importing, "PARALLEL_BYTES", 1 if parallel else 10**15)
    monkeypatch.setattr(importing, "BULK_LOAD_BYTES", 1)
    ws.config.import_.batch_size = 100
    f = tmp_path / "contacts.csv"
    rnd = random.Random(11)
    generated_file(rnd, f, resolve_object("contacts"))
    fast = import_file(ws, "contacts", f)
    t = CRM_TABLES["contacts"]
    with ws.store.connect() as conn:
        stored = [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()]
        quarantined = list_quarantined(conn, run_id=fast.run_id)
    assert fast.inserted and fast.quarantined
    monkeypatch.setattr(importing, "FAST_READER", False)
    slow = import_file(ws, "contacts", f)
    assert (slow.inserted, slow.updated, slow.unchanged) == (0, 0, fast.inserted)
    assert (slow.read, slow.quarantined, slow.duplicates) == (fast.read, fast.quarantined, fast.duplicates)
    with ws.store.connect() as conn:
        assert [dict(r) for r in conn.execute(select(t).order_by(t.c.id)).mappings()] == stored
        again = list_quarantined(conn, run_id=slow.run_id)
    keep = ("line", "column", "reason", "raw")
    assert [[q[k] for k in keep] for q in again] == [[q[k] for k in keep] for q in quarantined]
