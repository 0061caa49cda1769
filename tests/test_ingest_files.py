"""The streaming people-file readers (no database): line numbers, chunks, errors."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jobshift.connectors.people_files import LineError, read_people_chunks, read_people_file
from jobshift.errors import InputFileError
from jobshift.services.ingest_convert import convert_chunk, convert_chunks

LINES = b'\xef\xbb\xbf{"a": 1}\n\n[1]\n{"b": 2}\r\nnot json\n{"c": 3}'


def test_jsonl_records_keep_line_numbers_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(LINES)
    recs = list(read_people_file(path))
    assert [n for n, _ in recs] == [1, 3, 4, 5, 6]
    assert recs[0][1] == {"a": 1} and recs[2][1] == {"b": 2} and recs[4][1] == {"c": 3}
    assert isinstance(recs[1][1], LineError) and "not a JSON object" in recs[1][1].reason
    assert isinstance(recs[3][1], LineError) and recs[3][1].raw == "not json"
    chunks = list(read_people_chunks(path, chunk_lines=4))
    assert [(first, len(items)) for first, items in chunks] == [(1, 4), (5, 2)]


def test_gzip_and_parquet_readers(tmp_path: Path) -> None:
    gz = tmp_path / "x.jsonl.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(LINES)
    assert [n for n, _ in read_people_file(gz)] == [1, 3, 4, 5, 6]
    pqf = tmp_path / "x.parquet"
    pq.write_table(pa.Table.from_pylist([{"a": i, "l": None} for i in range(5)]), pqf, row_group_size=2)
    assert list(read_people_file(pqf)) == [(i + 1, {"a": i, "l": None}) for i in range(5)]
    assert [first for first, _ in read_people_chunks(pqf, chunk_lines=2)] == [1, 3, 5]


@pytest.mark.parametrize("name", ["x.csv", "x.json", "missing.jsonl", "missing.parquet"])
def test_unsupported_or_missing_files(tmp_path: Path, name: str) -> None:
    if name.endswith((".csv", ".json")):
        (tmp_path / name).write_text("{}\n")
    with pytest.raises(InputFileError):
        read_people_chunks(tmp_path / name)


def test_convert_in_workers_equals_in_process(tmp_path: Path) -> None:
    lines = [
        b'{"id": "p-%d", "linkedin_url": "linkedin.com/in/p%d", "observed_at": "2025-0%d"}\n'
        % (i, i, 1 + i % 9)
        for i in range(50)
    ]
    lines[7] = b"{bad\n"
    chunks = [(1 + k, lines[k : k + 10]) for k in range(0, 50, 10)]
    local = list(convert_chunks("src", chunks, workers=0))
    pooled = list(convert_chunks("src", chunks, workers=2))
    assert [(r.lines, r.rows, r.bad) for r in local] == [(r.lines, r.rows, r.bad) for r in pooled]
    assert local[0].bad[0].line == 8 and sum(len(r.rows) for r in local) == 49
    assert convert_chunk("src", 1, [b"\n"]).lines == 0
