"""Web fixtures: a seeded workspace (SQLite and PostgreSQL), a TestClient, logins and tokens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from jobshift.services.admin import auth
from jobshift.services.workspace import Workspace
from jobshift.web.app import create_app
from web.seed import LOGINS, seed_workspace


@pytest.fixture
def seeded(backend_workspace: Path) -> Iterator[Workspace]:
    """The seeded workspace (both backends)."""
    ws = seed_workspace(backend_workspace)
    yield ws
    ws.close()


@pytest.fixture
def client(seeded: Workspace) -> Iterator[TestClient]:
    """A TestClient of the app over the seeded workspace (not signed in)."""
    app = create_app(seeded.path)
    with TestClient(app) as c:
        yield c
    app.state.ws.close()


@pytest.fixture
def tokens(seeded: Workspace) -> dict[str, str]:
    """An API token per role key of ``LOGINS``."""
    return {key: auth.create_token(seeded, name) for key, (name, _pw) in LOGINS.items()}


def login(client: TestClient, key: str) -> str:
    """Sign ``client`` in as ``LOGINS[key]``; returns the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    name, pw = LOGINS[key]
    r = client.post(
        "/login",
        data={"username": name, "password": pw, "login_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    home = client.get("/leads")
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)  # type: ignore[union-attr]


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}
