"""Auth: passwords, sessions, CSRF, tokens, the session secret, demo logins, the user CLI."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from jobshift.cli.main import main
from jobshift.errors import UsageError
from jobshift.services.admin import auth
from jobshift.services.workspace import Workspace
from jobshift.store.schema import api_tokens, app_users
from web.conftest import LOGINS, login


def test_password_hashing() -> None:
    h = auth.hash_password("s3cret-pass")
    assert h.startswith("$argon2id$") and "s3cret-pass" not in h
    assert auth.verify_password(h, "s3cret-pass")
    assert not auth.verify_password(h, "wrong")
    assert not auth.verify_password("not-a-hash", "s3cret-pass")


def test_authenticate(seeded: Workspace) -> None:
    assert auth.authenticate(seeded, "rep", "rep-pass-12").crm_user_id == "u-bdr1"  # type: ignore[union-attr]
    assert auth.authenticate(seeded, "rep", "wrong-password") is None
    assert auth.authenticate(seeded, "ghost", "whatever-pw") is None


def test_add_user_validation(seeded: Workspace) -> None:
    with pytest.raises(UsageError, match="already exists"):
        auth.add_user(seeded, "rep", "rep", "long-enough-pw")
    with pytest.raises(UsageError, match="role"):
        auth.add_user(seeded, "x", "boss", "long-enough-pw")
    with pytest.raises(UsageError, match="8 characters"):
        auth.add_user(seeded, "x", "rep", "short")
    with pytest.raises(UsageError, match="CRM user"):
        auth.add_user(seeded, "x", "rep", "long-enough-pw", crm_user_id="u-nobody")


def test_tokens_are_stored_hashed(seeded: Workspace) -> None:
    token = auth.create_token(seeded, "mgr")
    with seeded.store.connect() as conn:
        stored = conn.execute(select(api_tokens.c.token_hash)).scalars().all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
    assert auth.user_for_token(seeded, token).username == "mgr"  # type: ignore[union-attr]
    assert auth.user_for_token(seeded, token + "x") is None
    with pytest.raises(UsageError):
        auth.create_token(seeded, "ghost")


def test_session_secret_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOBSHIFT_SECRET_KEY", raising=False)
    first = auth.session_secret(tmp_path)
    assert stat.S_IMODE(os.stat(tmp_path / ".jobshift-secret").st_mode) == 0o600
    assert auth.session_secret(tmp_path) == first and len(first) > 40
    monkeypatch.setenv("JOBSHIFT_SECRET_KEY", "from-env")
    assert auth.session_secret(tmp_path) == "from-env"


def test_demo_logins(seeded: Workspace) -> None:
    with seeded.store.begin() as conn:
        conn.execute(app_users.delete())
    logins = auth.ensure_demo_logins(seeded)
    assert [(u, r) for u, _p, r in logins] == [("admin", "admin"), ("manager", "manager"), ("rep", "rep")]
    by_name = {u.username: u for u in auth.list_users(seeded)}
    assert by_name["rep"].crm_user_id == "u-bdr1"  # the BDR with the most leads
    assert by_name["manager"].crm_user_id == "u-mgr1"  # that BDR's manager
    assert auth.ensure_demo_logins(seeded) == logins  # idempotent
    assert len(auth.list_users(seeded)) == 3


def test_pages_redirect_to_login(client: TestClient) -> None:
    for path in (
        "/",
        "/leads",
        "/leads/l-1",
        "/signals",
        "/contacts",
        "/accounts",
        "/runs",
        "/settings",
        "/admin/users",
        "/leads.csv",
        "/api/docs",
    ):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"].startswith("/login")
    assert client.get("/leads?view=mine", follow_redirects=False).headers["location"] == (
        "/login?next=/leads%3Fview%3Dmine"
    )
    assert client.get("/leads", headers={"HX-Request": "true"}).headers["HX-Redirect"].startswith("/login")
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/login").status_code == 200


def test_login_and_logout(client: TestClient) -> None:
    page = client.get("/login")
    assert "jobshift_login" in page.cookies
    bad = client.post("/login", data={"username": "rep", "password": "rep-pass-12", "login_token": "forged"})
    assert bad.status_code == 403
    csrf = login(client, "rep")
    cookie = client.cookies.get("jobshift_session")
    assert cookie and "rep" not in cookie
    set_cookie = client.get("/login").headers.get("set-cookie", "")
    assert "httponly" in set_cookie.lower() and "samesite=lax" in set_cookie.lower()
    assert client.get("/leads").status_code == 200
    assert client.post("/logout", follow_redirects=False).status_code == 403  # no CSRF token
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/leads", follow_redirects=False).status_code == 303


def test_wrong_password_and_tampered_cookie(client: TestClient) -> None:
    page = client.get("/login")
    import re

    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": "rep", "password": "nope-nope", "login_token": token})
    assert r.status_code == 401 and "wrong password" in r.text
    client.cookies.set("jobshift_session", "eyJ1IjoxLCJjIjoieCJ9.forged.sig")
    assert client.get("/leads", follow_redirects=False).status_code == 303


def test_login_next_is_only_local(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in page.text


def test_secure_cookie_over_https(seeded: Workspace) -> None:
    from jobshift.web.app import create_app

    with TestClient(create_app(seeded.path), base_url="https://testserver") as c:
        assert "secure" in c.get("/login").headers["set-cookie"].lower()


def test_session_token_does_not_work_as_api_token_for_writes(client: TestClient) -> None:
    login(client, "admin")
    assert client.get("/api/me").status_code == 200  # GETs with the session (API docs in the browser)
    assert client.post("/api/leads/l-1/dismiss", json={}).status_code == 401  # writes need a token


def test_user_cli(
    seeded: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(seeded.path)
    monkeypatch.setenv("JOBSHIFT_PASSWORD", "cli-password-1")
    assert main(["-w", ws, "user", "add", "carol", "--role", "manager", "--crm-user-id", "u-mgr2"]) == 0
    assert main(["-w", ws, "user", "add", "carol", "--role", "manager"]) == 2
    assert main(["-w", ws, "user", "add", "dan", "--role", "boss"]) == 2
    capsys.readouterr()
    assert main(["-w", ws, "user", "token", "carol"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("jst_") and auth.user_for_token(seeded, token).crm_user_id == "u-mgr2"  # type: ignore[union-attr]
    assert main(["-w", ws, "user", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"carol"' in out and '"manager"' in out and "cli-password-1" not in out
    assert auth.authenticate(seeded, "carol", "cli-password-1") is not None
    assert LOGINS["rep"][0] in out
