"""People-data observations: bulk append (idempotent by ``obs_id``) and simple reads.

Observations are append-only: a row is never updated; inserting an observation whose ``obs_id``
(person key + observed_at) is already stored does nothing. Bulk paths, both inside the caller's
transaction: SQLite through one prepared raw-DBAPI ``executemany`` (JSON columns arrive as text, no
SQLAlchemy bind processing); PostgreSQL through a binary ``COPY`` straight into the table (rows whose
``obs_id`` repeats inside the batch dropped first), in a savepoint: when an ``obs_id`` is already stored
(a re-ingest) the savepoint is rolled back and the batch goes through ``COPY`` into a temporary table
and one ``INSERT … SELECT … ON CONFLICT DO NOTHING``. The primary key is (person_key, observed_at),
whose hash ``obs_id`` is: the two identify the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import datetime
from operator import attrgetter
from typing import Any

import orjson
import psycopg
from sqlalchemy import Connection, func, select

from jobshift.domain.profiles import JSON_FIELDS as ROW_JSON_FIELDS
from jobshift.domain.profiles import Observation
from jobshift.errors import StoreError
from jobshift.store.schema import people_observations

OBS_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Observation))
COLUMNS: tuple[str, ...] = (*OBS_FIELDS, "ingested_at")
JSON_FIELDS = frozenset(c.name for c in people_observations.c if c.type.__class__.__name__ == "JSON")
_JSON_IDX = tuple(i for i, name in enumerate(OBS_FIELDS) if name in JSON_FIELDS)
_GET = attrgetter(*OBS_FIELDS)
_TABLE = people_observations.name
_COLS = ", ".join(f'"{c}"' for c in COLUMNS)
_OBS_COLS = ", ".join(f'"{c}"' for c in OBS_FIELDS)
_dumps = orjson.dumps
# the primary key; obs_id is its hash, so "obs_id stored" and "(person_key, observed_at) stored" agree
_SKIP_STORED = "ON CONFLICT (person_key, observed_at) DO NOTHING"
_IN_CHUNK = 900  # keys per "IN (...)" (under SQLite's bound-parameter limit)

assert set(COLUMNS) == {c.name for c in people_observations.c}, "Observation and table columns differ"
assert JSON_FIELDS == ROW_JSON_FIELDS, "profile_to_row serializes other columns than the JSON ones"


def observation_row(obs: Observation) -> tuple[Any, ...]:
    """The insert row of an observation (``OBS_FIELDS`` order, JSON columns serialized; no DB needed).

    Pure, so worker processes can build rows and the writer only inserts them.
    """
    row = list(_GET(obs))
    for i in _JSON_IDX:
        row[i] = _dumps(row[i]).decode()
    return tuple(row)


def insert_observations(conn: Connection, observations: Sequence[Observation], ingested_at: datetime) -> int:
    """Append observations not yet stored (by ``obs_id``); returns how many rows were inserted."""
    return insert_observation_rows(conn, [observation_row(o) for o in observations], ingested_at)


def insert_observation_rows(conn: Connection, rows: Sequence[tuple[Any, ...]], ingested_at: datetime) -> int:
    """Append rows built by :func:`observation_row` whose ``obs_id`` is not stored yet; returns the count."""
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        return _insert_postgresql(conn, rows, ingested_at)
    if conn.dialect.name == "sqlite":
        return _insert_sqlite(conn, rows, ingested_at)
    raise StoreError(f"unsupported database dialect {conn.dialect.name!r}")


def _insert_sqlite(conn: Connection, rows: Sequence[tuple[Any, ...]], ingested_at: datetime) -> int:
    bind = people_observations.c.ingested_at.type.bind_processor(conn.dialect)
    stamp = str(bind(ingested_at) if bind else ingested_at)
    marks = ", ".join("?" for _ in OBS_FIELDS)
    # the run's timestamp is one literal (our own formatted datetime), not a parameter of every row
    sql = f"INSERT INTO {_TABLE} ({_COLS}) VALUES ({marks}, '{stamp}') {_SKIP_STORED}"
    cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cur.executemany(sql, rows)
        return int(cur.rowcount)
    finally:
        cur.close()


# binary COPY types in COLUMNS order (JSON columns as text: the binary form of json is its text)
_PG_TYPES = [
    {"Integer": "int4", "DateTime": "timestamp"}.get(type(people_observations.c[c].type).__name__, "text")
    for c in COLUMNS
]


def _first_per_id(rows: Sequence[tuple[Any, ...]]) -> Sequence[tuple[Any, ...]]:
    """The rows without those whose ``obs_id`` came earlier in the batch (the first one stored wins)."""
    if len({row[0] for row in rows}) == len(rows):
        return rows
    seen: set[str] = set()
    out = []
    for row in rows:
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out


def _insert_postgresql(conn: Connection, rows: Sequence[tuple[Any, ...]], ingested_at: datetime) -> int:
    raw = conn.connection.dbapi_connection
    unique = _first_per_id(rows)
    tail = (ingested_at,)
    with raw.cursor() as cur:  # type: ignore[union-attr]
        try:
            with (
                raw.transaction(),  # type: ignore[union-attr]  # a savepoint
                cur.copy(f"COPY {_TABLE} ({_COLS}) FROM STDIN (FORMAT BINARY)") as copy,
            ):
                copy.set_types(_PG_TYPES)
                for row in unique:
                    copy.write_row(row + tail)
            return len(unique)
        except psycopg.errors.UniqueViolation:
            pass  # some are stored already: insert what is missing through a staging table
        cur.execute(f"CREATE TEMP TABLE _obs_in (LIKE {_TABLE} INCLUDING DEFAULTS) ON COMMIT DROP")
        with cur.copy(f"COPY _obs_in ({_OBS_COLS}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(_PG_TYPES[: len(OBS_FIELDS)])
            for row in unique:
                copy.write_row(row)
        cur.execute(
            f"INSERT INTO {_TABLE} ({_COLS}) SELECT {_OBS_COLS}, %s FROM _obs_in {_SKIP_STORED}",
            (ingested_at,),
        )
        inserted = int(cur.rowcount)
        cur.execute("DROP TABLE _obs_in")
    return inserted


def count_observations(conn: Connection, person_key: str | None = None) -> int:
    """How many observations are stored (of one person, if ``person_key`` is given)."""
    q = select(func.count()).select_from(people_observations)
    if person_key is not None:
        q = q.where(people_observations.c.person_key == person_key)
    return int(conn.execute(q).scalar_one())


def observations_of(conn: Connection, person_key: str) -> list[dict[str, Any]]:
    """Every observation of one person, oldest first (JSON columns decoded)."""
    q = (
        select(people_observations)
        .where(people_observations.c.person_key == person_key)
        .order_by(people_observations.c.observed_at, people_observations.c.obs_id)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def person_keys(conn: Connection, limit: int | None = None) -> list[str]:
    """Distinct person keys, sorted (for tests and small tools)."""
    q = select(people_observations.c.person_key).distinct().order_by(people_observations.c.person_key)
    if limit:
        q = q.limit(limit)
    return list(conn.execute(q).scalars())


LOCATION_COLUMNS = ("location_country", "location_region", "job_company_country", "job_company_region")


def locations(conn: Connection, person_keys: Sequence[str]) -> dict[tuple[str, str], tuple[Any, ...]]:
    """``{(person_key, observed_at): (location_country, location_region, job_company_country,
    job_company_region, emails_norm)}`` of every observation of ``person_keys``."""
    o = people_observations
    keys = sorted(set(person_keys))
    out: dict[tuple[str, str], tuple[Any, ...]] = {}
    for i in range(0, len(keys), _IN_CHUNK):
        q = select(
            o.c.person_key, o.c.observed_at, *(o.c[c] for c in LOCATION_COLUMNS), o.c.emails_norm
        ).where(o.c.person_key.in_(keys[i : i + _IN_CHUNK]))
        for pk, at, *rest in conn.execute(q):
            out[(pk, at)] = tuple(rest)
    return out


def previous_jobs(conn: Connection, newest: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """For each person key of ``newest`` (key → the observation date detection used), the observation
    just before it: ``(person_key, observed_at, job_company_name, job_company_domain,
    job_company_linkedin_norm)``. Keys without an earlier observation are absent."""
    o = people_observations
    keys = sorted(newest)
    best: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(keys), _IN_CHUNK):
        q = select(
            o.c.person_key,
            o.c.observed_at,
            o.c.job_company_name,
            o.c.job_company_domain,
            o.c.job_company_linkedin_norm,
        ).where(o.c.person_key.in_(keys[i : i + _IN_CHUNK]))
        for row in conn.execute(q):
            pk, at = row[0], row[1]
            if at < newest[pk] and (pk not in best or at > best[pk][1]):
                best[pk] = tuple(row)
    return list(best.values())
