"""The connectorx reader process: streamed results, errors, and recovery from a dead reader."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

pytest.importorskip("connectorx")

from jobshift.store.detect import cx_worker


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "t.db"
    con = sqlite3.connect(path)
    con.execute("create table t (id integer primary key, name text, score real)")
    con.executemany(
        "insert into t values (?, ?, ?)",
        ((i, None if i % 7 == 0 else f"n{i}é", i / 3) for i in range(150_000)),
    )
    con.commit()
    con.close()
    return f"sqlite://{path}"


def test_a_result_of_several_batches_arrives_whole_and_in_order(db: str) -> None:
    df = cx_worker.read_sqlite_frame("select id, name, score from t order by id", db)
    assert df.height == 150_000 > cx_worker._BATCH_ROWS
    assert df["id"].to_list() == list(range(150_000))
    assert df["name"][7] is None and df["name"][8] == "n8é"
    assert df["score"][3] == pytest.approx(1.0)
    assert df.n_chunks() == 1


def test_an_empty_result_has_the_columns(db: str) -> None:
    df = cx_worker.read_sqlite_frame("select id, name from t where id < 0", db)
    assert df.height == 0 and df.columns == ["id", "name"]


def test_a_bad_query_raises_and_the_reader_keeps_serving(db: str) -> None:
    with pytest.raises(RuntimeError, match="connectorx read failed"):
        cx_worker.read_sqlite_frame("select nope from t", db)
    assert cx_worker.read_sqlite_frame("select count(*) as n from t", db)["n"][0] == 150_000


def test_a_dead_reader_is_restarted(db: str) -> None:
    cx_worker.read_sqlite_frame("select 1 as x", db)
    proc = cx_worker._READER._proc
    assert proc is not None
    proc.kill()
    proc.wait()
    assert cx_worker.read_sqlite_frame("select count(*) as n from t", db)["n"][0] == 150_000
    cx_worker.shutdown()
    assert cx_worker._READER._proc is None
