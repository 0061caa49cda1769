"""The streaming people-file readers (no database): line numbers, chunks, errors."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jobshift.connectors.people.files import read_people_chunks, read_people_file
from jobshift.errors import InputError, InputFileError
from jobshift.services.ingest import ingest_convert
from jobshift.services.ingest.ingest_convert import convert_chunk, convert_chunks

LINES = b'\xef\xbb\xbf{"a": 1}\n\n[1]\n{"b": 2}\r\nnot json\n{"c": 3}'


def test_jsonl_records_keep_line_numbers_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(LINES)
    recs = list(read_people_file(path))
    assert [n for n, _ in recs] == [1, 3, 4, 5, 6]
    assert recs[0][1] == {"a": 1} and recs[2][1] == {"b": 2} and recs[4][1] == {"c": 3}
    assert isinstance(recs[1][1], InputError) and "not a JSON object" in recs[1][1].reason
    assert isinstance(recs[3][1], InputError) and recs[3][1].raw == "not json"
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


def _slow_pool_chunk(spool: str, source: str, first_line: int, items: list[bytes]) -> str:
    """The worker side of ``convert_chunks``, slowed down: the writer must not wait for it."""
    time.sleep(0.2)
    return _convert_to_file(spool, source, first_line, items)


_convert_to_file = ingest_convert._convert_to_file


def test_writer_converts_chunks_itself_while_workers_lag(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Slow workers: this process converts chunks itself (later ones, then queued ones), in file order."""
    lines = [
        b'{"id": "p-%d", "linkedin_url": "linkedin.com/in/p%d", "observed_at": "2025"}\n' % (i, i)
        for i in range(60)
    ]
    lines[33] = b"[]\n"
    chunks = [(1 + k, lines[k : k + 5]) for k in range(0, 60, 5)]
    local_calls: list[int] = []
    real = ingest_convert.convert_chunk

    def counting(source: str, first_line: int, items: list[bytes]) -> ingest_convert.ChunkResult:
        local_calls.append(first_line)  # only this process's calls land here (workers have a copy)
        return real(source, first_line, items)

    monkeypatch.setattr(ingest_convert, "_convert_to_file", _slow_pool_chunk)
    monkeypatch.setattr(ingest_convert, "convert_chunk", counting)
    monkeypatch.setattr(ingest_convert, "POOL_DEPTH", 3)
    monkeypatch.setattr(ingest_convert, "_spool_dir", lambda: str(tmp_path))
    pooled = list(convert_chunks("src", chunks, workers=1, ahead=2))
    local_calls_pooled = list(local_calls)
    monkeypatch.setattr(ingest_convert, "convert_chunk", real)
    expected = [real("src", first, items) for first, items in chunks]
    assert [(r.lines, r.rows, r.bad) for r in pooled] == [(r.lines, r.rows, r.bad) for r in expected]
    assert pooled[6].bad[0].line == 34
    # the first `ahead` chunks here, then some (not all) of the rest here while the worker sleeps
    assert local_calls_pooled[:2] == [1, 6] and 2 < len(local_calls_pooled) < len(chunks)
    # with the window full, chunks still queued for the (sleeping) worker were taken back
    assert local_calls_pooled != sorted(local_calls_pooled)
    assert list(tmp_path.iterdir()) == []  # the workers' result files are gone


def test_worker_failure_surfaces_in_the_writer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chunks = [(1 + k, [b'{"observed_at": "2025", "id": "x"}\n'] * 5) for k in range(0, 40, 5)]
    monkeypatch.setattr(ingest_convert, "_convert_to_file", _failing_pool_chunk)
    monkeypatch.setattr(ingest_convert, "_spool_dir", lambda: str(tmp_path))
    with pytest.raises(RuntimeError, match="worker broke"):
        list(convert_chunks("src", chunks, workers=1, ahead=1))
    assert list(tmp_path.iterdir()) == []


def test_spool_is_dev_shm_only_with_room_to_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fs:
        f_frsize = 4096
        f_bavail = 0

    def statvfs(path: str) -> Fs:
        assert path == "/dev/shm"
        return fs

    fs = Fs()
    monkeypatch.setattr(os, "statvfs", statvfs)
    monkeypatch.setattr(os, "access", lambda path, mode: True)
    fs.f_bavail = 64 * 2**20 // 4096  # a container's default /dev/shm
    assert ingest_convert._spool_dir() is None
    fs.f_bavail = 4 * 2**30 // 4096
    assert ingest_convert._spool_dir() == "/dev/shm"

    def missing(path: str) -> Fs:
        raise FileNotFoundError(path)

    monkeypatch.setattr(os, "statvfs", missing)
    assert ingest_convert._spool_dir() is None


def _failing_pool_chunk(spool: str, source: str, first_line: int, items: list[bytes]) -> str:
    raise RuntimeError("worker broke")


@pytest.mark.parametrize(
    ("size", "cpus", "expected"),
    [
        (1_000, 8, 0),
        (ingest_convert.MIN_POOL_BYTES, 1, 0),
        (ingest_convert.MIN_POOL_BYTES, 2, 1),
        (2**30, 16, 4),
    ],
)
def test_default_workers_one_per_spare_cpu(
    monkeypatch: pytest.MonkeyPatch, size: int, cpus: int, expected: int
) -> None:
    """One worker per CPU besides the writer, whatever the load; none for small files or one CPU."""
    monkeypatch.setattr(ingest_convert, "available_cpus", lambda: cpus)
    monkeypatch.setattr(os, "getloadavg", lambda: (50.0, 50.0, 50.0), raising=False)
    assert ingest_convert.default_workers(size) == expected
