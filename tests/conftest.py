"""Shared fixtures: a store on SQLite and on the real PostgreSQL, each test in its own schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import create_engine, text

from jobshift.store import Store

if TYPE_CHECKING:
    from fakes.slack import FakeSlack
    from smtp_fake import FakeSmtp

PG_URL = os.environ.get("JOBSHIFT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_URL)
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        return False


PG_AVAILABLE = _pg_available()
REQUIRE_PG = os.environ.get("CI") == "true" or os.environ.get("JOBSHIFT_REQUIRE_PG") == "1"


def open_test_store(backend: str, tmp_path: Path) -> tuple[Store, str, str | None]:
    """Open an isolated store: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        return Store.open(url), url, None
    if not PG_AVAILABLE:
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL required but not reachable at {PG_URL}")
        pytest.skip("PostgreSQL not reachable")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    return Store.open(PG_URL, schema=schema), PG_URL, schema


def drop_schema(schema: str) -> None:
    """Remove a test schema and everything in it."""
    eng = create_engine(PG_URL)
    with eng.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store; runs every test once on SQLite and once on PostgreSQL."""
    st, _url, schema = open_test_store(request.param, tmp_path)
    try:
        yield st
    finally:
        st.dispose()
        if schema:
            drop_schema(schema)


@pytest.fixture
def workspace_env(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace directory whose database is SQLite (default) in ``tmp_path``."""
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOBSHIFT_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    ws.mkdir()
    return ws


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_workspace(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """A workspace on SQLite or on PostgreSQL (through ``JOBSHIFT_DATABASE_URL`` + a fresh schema)."""
    monkeypatch.delenv("JOBSHIFT_WORKSPACE", raising=False)
    ws = tmp_path / "ws"
    ws.mkdir()
    schema = None
    if request.param == "sqlite":
        monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    else:
        if not PG_AVAILABLE:
            if REQUIRE_PG:
                pytest.fail(f"PostgreSQL required but not reachable at {PG_URL}")
            pytest.skip("PostgreSQL not reachable")
        schema = f"t_{uuid.uuid4().hex[:12]}"
        eng = create_engine(PG_URL)
        with eng.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        eng.dispose()
        monkeypatch.setenv("JOBSHIFT_DATABASE_URL", f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        yield ws
    finally:
        if schema:
            drop_schema(schema)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API (slack-sdk talks to it over HTTP); see tests/notify_kit.py."""
    from fakes.slack import FakeSlack

    with FakeSlack() as s:
        yield s


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    """A fake SMTP server (aiosmtpd) that keeps every message; see tests/notify_kit.py."""
    from smtp_fake import FakeSmtp

    with FakeSmtp() as s:
        yield s
