"""The PostgreSQL reader of detection (COPY TO STDOUT in CSV → polars) returns the frames the SQLite
reader returns, on the same small data with forced edge cases (NULL vs empty text, quotes, commas,
newlines, backslashes, a literal ``\\N``, unicode, NULL / true / false booleans, several observations
per person), and the frames the PostgreSQL cursor path returns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import insert

from conftest import drop_schema, open_test_store
from jobshift.engine.batches import ACCOUNT_ICP_SCHEMA, ACCOUNT_SCHEMA, CONTACT_SCHEMA, OBSERVATION_SCHEMA
from jobshift.store import Store
from jobshift.store.detect import cx_worker
from jobshift.store.detect.pg_copy import copy_frame, iter_copy_frames, parse_csv_block
from jobshift.store.detect.queries import accounts_with_counts
from jobshift.store.detect.reading import cursor_frame, iter_newest, read_frame
from jobshift.store.schema import accounts, contacts, people_observations
from jobshift.store.tracking import contacts_with_account_columns, shared_email_contact_columns

TEXTS = ["", None, 'say "hi", ok', "two\nlines", "back\\slash", "\\N", "t", "Zoë Ünïcødé", " pad ", "a\r\nb"]


def _accounts() -> list[dict[str, Any]]:
    return [
        {
            "id": f"a-{i}",
            "name": f"Acme {i}, Inc." if i else 'The "Quoted" Co',
            "domain": None if i % 3 == 0 else f"acme{i}.com",
            "type": ["Customer", None, ""][i % 3],
            "is_target": [True, False, None][i % 3],
            "parent_id": "a-0" if i == 4 else None,
            "employees": None if i % 2 else i * 1000,
            "industry": TEXTS[i % len(TEXTS)],
        }
        for i in range(6)
    ]


def _contacts() -> list[dict[str, Any]]:
    out = []
    for i in range(25):
        out.append(
            {
                "id": f"c-{i:02d}",
                "account_id": None if i == 7 else f"a-{i % 6}",
                "first_name": TEXTS[i % len(TEXTS)],
                "last_name": f"last{i}",
                "email_norm": f"shared{i % 4}@acme.com" if i % 5 else None,
                "linkedin_norm": TEXTS[(i + 3) % len(TEXTS)],
                "title": TEXTS[(i + 5) % len(TEXTS)],
                "email_opt_out": [True, False, None][i % 3],
            }
        )
    return out


def _observations() -> list[dict[str, Any]]:
    out = []
    for p in range(12):
        for k, day in enumerate(["2026-01-01", "2026-06-30", "2026-03-15"][: 1 + p % 3]):
            exp = [{"company_name": TEXTS[(p + k) % len(TEXTS)], "title": 'VP "Eng", ops', "n": p}]
            out.append(
                {
                    "obs_id": f"{p:02d}{k}",
                    "person_key": f"pdl:p{p:02d}",
                    "person_id": f"p{p:02d}",
                    "observed_at": day,
                    "full_name": TEXTS[(p + k) % len(TEXTS)],
                    "first_name": TEXTS[(p + 2) % len(TEXTS)],
                    "last_name": f"l{p}",
                    "linkedin_norm": TEXTS[(p + 4) % len(TEXTS)],
                    "work_email_norm": None if p % 4 == 0 else f"p{p}@x.com",
                    "emails_norm": orjson.loads(orjson.dumps([f"p{p}@x.com"] if p % 2 else [])),
                    "job_title": TEXTS[(p + 6) % len(TEXTS)],
                    "job_company_name": f"Co {k}",
                    "job_start_date": None if k else "2024-05",
                    "experience": exp if p != 5 else None,
                }
            )
    return out


def _fill(store: Store) -> None:
    with store.begin() as conn:
        conn.execute(insert(accounts), _accounts())
        conn.execute(insert(contacts), _contacts())
        conn.execute(insert(people_observations), _observations())


@pytest.fixture
def both(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """The same data in a SQLite file store and in a PostgreSQL schema."""
    lite, _, _ = open_test_store("sqlite", tmp_path)
    pg, _, schema = open_test_store("postgresql", tmp_path)
    try:
        _fill(lite)
        _fill(pg)
        yield lite, pg
    finally:
        lite.dispose()
        pg.dispose()
        cx_worker.shutdown()
        if schema:
            drop_schema(schema)


def _newest(store: Store, batch_rows: int) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    with store.connect() as conn:
        batches = list(iter_newest(conn, OBSERVATION_SCHEMA, batch_rows))
    return pl.concat(batches).sort("person_key"), batches


@pytest.mark.postgres
def test_contacts_frames_are_the_same_on_both_backends(both: tuple[Store, Store]) -> None:
    lite, pg = both
    frames = []
    for stmt in (contacts_with_account_columns(), shared_email_contact_columns()):
        with lite.connect() as conn:
            a = read_frame(conn, stmt, CONTACT_SCHEMA).sort("contact_id")
        with pg.connect() as conn:
            b = read_frame(conn, stmt, CONTACT_SCHEMA).sort("contact_id")
            c = cursor_frame(conn, stmt, CONTACT_SCHEMA).sort("contact_id")
        assert a.height > 0
        assert_frame_equal(a, b)
        assert_frame_equal(b, c)
        frames.append(b)
    b = frames[0]
    assert b.height == 24 and 0 < frames[1].height < 24
    # the edge cases really are there, distinct
    assert set(b["first_name"].to_list()) >= {"", None, "two\nlines", "\\N", 'say "hi", ok', "a\r\nb"}
    assert set(b["email_opt_out"].to_list()) == {True, False, None}


@pytest.mark.postgres
def test_accounts_with_counts_read_by_copy_equal_the_cursor(both: tuple[Store, Store]) -> None:
    _, pg = both
    schema = {**ACCOUNT_SCHEMA, **ACCOUNT_ICP_SCHEMA}
    with pg.connect() as conn:
        a = copy_frame(conn, accounts_with_counts(), schema).sort("account_id")
        b = cursor_frame(conn, accounts_with_counts(), schema).sort("account_id")
    assert_frame_equal(a, b)
    assert a["n_contacts"].to_list() == [5, 3, 4, 4, 4, 4]  # c-07 (of a-1's share) has no account
    assert a["employees"].null_count() == 3 and a["is_target"].null_count() == 2


@pytest.mark.postgres
def test_newest_observations_are_the_same_on_both_backends_in_batches(both: tuple[Store, Store]) -> None:
    lite, pg = both
    a, lite_batches = _newest(lite, 4)
    b, batches = _newest(pg, 4)
    assert a.height == b.height == 12  # one (the newest) observation per person
    # JSON columns: the same values (PostgreSQL's json keeps the text as written, SQLite too)
    for col in ("experience", "emails_norm"):
        assert [None if v is None else orjson.loads(v) for v in a[col]] == [
            None if v is None else orjson.loads(v) for v in b[col]
        ]
    assert_frame_equal(a.drop("experience", "emails_norm"), b.drop("experience", "emails_norm"))
    assert b["observed_at"].to_list() == [
        ["2026-01-01", "2026-06-30", "2026-06-30"][p % 3] for p in range(12)
    ]
    # the same person-key ranges of ~4 observations (24 rows: 1, 2 or 3 per person) on both backends
    assert [sorted(x["person_key"]) for x in batches] == [sorted(x["person_key"]) for x in lite_batches]
    assert [x.height for x in batches] == [2, 2, 2, 2, 2, 2]
    assert len({k for x in batches for k in x["person_key"]}) == 12
    with pg.connect() as conn:
        c = cursor_frame(conn, _newest_stmt(conn), OBSERVATION_SCHEMA).sort("person_key")
    assert_frame_equal(b, c)


def _newest_stmt(conn: Any) -> Any:
    from jobshift.store.detect.reading import newest_observations_query

    return newest_observations_query(conn, list(OBSERVATION_SCHEMA))


@pytest.mark.postgres
def test_empty_results_have_the_columns(tmp_path: Path) -> None:
    pg, _, schema = open_test_store("postgresql", tmp_path)
    try:
        with pg.connect() as conn:
            df = read_frame(conn, contacts_with_account_columns(), CONTACT_SCHEMA)
            assert df.height == 0 and df.schema == pl.Schema(CONTACT_SCHEMA)
            assert list(iter_newest(conn, OBSERVATION_SCHEMA, 10)) == []
            assert list(iter_copy_frames(conn, contacts_with_account_columns(), CONTACT_SCHEMA)) == []
    finally:
        pg.dispose()
        if schema:
            drop_schema(schema)


def test_csv_block_parsing_keeps_null_apart_from_empty_text() -> None:
    data = b'x,,"",t,7\n"a ""q"", b","l1\nl2","\\N",f,\ny,\\N,z,,-3\n'
    df = parse_csv_block(
        data, {"a": pl.String, "b": pl.String, "c": pl.String, "d": pl.Boolean, "e": pl.Int64}
    )
    assert df.rows() == [
        ("x", None, "", True, 7),
        ('a "q", b', "l1\nl2", "\\N", False, None),
        ("y", "\\N", "z", None, -3),
    ]
    assert parse_csv_block(b"", {"a": pl.String}).schema == pl.Schema({"a": pl.String})


@pytest.mark.postgres
def test_a_connection_not_in_utf8_reads_through_the_cursor(both: tuple[Store, Store]) -> None:
    from conftest import PG_URL

    _, pg = both
    latin = Store.open(f"{PG_URL}?client_encoding=latin1", schema=pg.schema, migrate=False)
    try:
        with pg.connect() as conn:
            want = read_frame(conn, contacts_with_account_columns(), CONTACT_SCHEMA).sort("contact_id")
        with latin.connect() as conn:
            got = read_frame(conn, contacts_with_account_columns(), CONTACT_SCHEMA).sort("contact_id")
    finally:
        latin.dispose()
    assert "Zoë Ünïcødé" in got["first_name"].to_list()
    assert_frame_equal(want, got)
