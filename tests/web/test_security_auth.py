"""Security of sign-in and access: throttling with lockout, bounded password hashing, server-side
sessions, API token expiry and revocation, user administration (CLI and Users page), secure cookies."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jobshift.cli.main import main
from jobshift.errors import UsageError
from jobshift.services.admin import auth, login_guard, user_admin
from jobshift.services.workspace import Workspace
from jobshift.store.schema import api_tokens, audit_log, login_attempts
from jobshift.utils.timeutil import utcnow
from jobshift.web.app import create_app
from web.conftest import LOGINS, bearer, login


def _login_token(client: TestClient) -> str:
    page = client.get("/login")
    return re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def _post_login(client: TestClient, username: str, password: str) -> httpx.Response:
    """One sign-in through the form (each answer sets a fresh login cookie, so a fresh token first)."""
    return client.post(
        "/login",
        data={"username": username, "password": password, "login_token": _login_token(client), "next": "/"},
        follow_redirects=False,
    )


def _attempts(ws: Workspace) -> list[tuple[str, str, str]]:
    with ws.store.connect() as conn:
        rows = conn.execute(
            select(login_attempts.c.username, login_attempts.c.ip, login_attempts.c.outcome).order_by(
                login_attempts.c.id
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


# --- 1. throttling and the failed-login record ---------------------------------------------------


def test_five_failures_lock_the_user_name_out(client: TestClient, seeded: Workspace) -> None:
    for _ in range(5):
        assert _post_login(client, "rep", "wrong-password").status_code == 401
    locked = _post_login(client, "rep", LOGINS["rep"][1])  # the right password, but locked
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert locked.headers["X-Frame-Options"] == "DENY"
    assert "jobshift_session" not in locked.cookies
    outcomes = [o for u, _ip, o in _attempts(seeded) if u == "rep"]
    assert outcomes == ["failed"] * 5 + ["locked"]
    # another user from the same IP is not locked (5 < 20 failures per IP)
    assert _post_login(client, "rep2", LOGINS["rep2"][1]).status_code == 303
    # the lockout ends after 15 minutes: move the failures back in time
    with seeded.store.begin() as conn:
        conn.execute(update(login_attempts).values(at=login_attempts.c.at - timedelta(minutes=16)))
    assert _post_login(client, "rep", LOGINS["rep"][1]).status_code == 303
    # a success clears the name's count: 4 new failures do not lock it
    for _ in range(4):
        assert _post_login(client, "rep", "wrong-password").status_code == 401
    assert _post_login(client, "rep", LOGINS["rep"][1]).status_code == 303


def test_failures_per_ip_lock_every_name_from_that_ip(seeded: Workspace) -> None:
    for i in range(20):
        assert login_guard.sign_in(seeded, f"ghost{i}", "nope-nope", "10.0.0.9").user is None
    blocked = login_guard.sign_in(seeded, "admin", LOGINS["admin"][1], "10.0.0.9")
    assert blocked.user is None and blocked.locked_until is not None
    assert login_guard.sign_in(seeded, "admin", LOGINS["admin"][1], "10.0.0.10").user is not None


def test_lockout_thresholds_come_from_the_config(seeded: Workspace) -> None:
    (seeded.path / "jobshift.toml").write_text("[web]\nlogin_max_failures = 2\nlogin_lockout_minutes = 1\n")
    ws = Workspace.open(seeded.path)
    try:
        for _ in range(2):
            login_guard.sign_in(ws, "mgr", "bad-bad-bad", "1.2.3.4")
        until = login_guard.locked_until(ws, "mgr", "1.2.3.4")
        assert until is not None and until - utcnow() <= timedelta(minutes=1)
    finally:
        ws.close()


# --- 2. bounded password hashing ------------------------------------------------------------------


class _SlowHasher:
    """Stands in for argon2: records how many hashes run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.calls = 0

    def _work(self) -> None:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.peak = max(self.peak, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1

    def verify(self, _hash: str, _password: str) -> bool:
        self._work()
        return False

    def hash(self, password: str) -> str:
        self._work()
        return "$fake$" + password

    def check_needs_rehash(self, _hash: str) -> bool:
        return False


def test_parallel_sign_ins_run_at_most_two_hashes_at_once(
    seeded: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = _SlowHasher()
    app = create_app(seeded.path)  # configures 2 hash slots ([web] max_concurrent_hashes)
    with TestClient(app) as c:
        token = _login_token(c)
        cookies = dict(c.cookies)
    monkeypatch.setattr(auth, "_hasher", fake)
    auth._dummy_hash.cache_clear()

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as ac:
            ac.cookies.update(cookies)
            rs = await asyncio.gather(
                *(
                    ac.post(
                        "/login",
                        data={"username": f"user{i % 4}", "password": "x" * 12, "login_token": token},
                    )
                    for i in range(20)
                )
            )
        return [r.status_code for r in rs]

    try:
        statuses = asyncio.run(burst())
    finally:
        auth._dummy_hash.cache_clear()
        app.state.ws.close()
    assert statuses.count(401) + statuses.count(429) == 20
    assert fake.calls >= 10  # the sign-ins really ran in parallel threads…
    assert fake.peak == 2  # …but never more than two hashes at once


def test_hash_slots_are_reentrant_and_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _SlowHasher()
    monkeypatch.setattr(auth, "_hasher", fake)
    auth.configure_hash_slots(1)
    try:
        with auth.hash_slot():
            assert auth.verify_password("h", "pw") is False  # same thread: no deadlock
        threads = [threading.Thread(target=auth.hash_password, args=("pw",)) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert fake.peak == 1 and fake.calls == 7
        with pytest.raises(UsageError):
            auth.configure_hash_slots(0)
    finally:
        auth.configure_hash_slots(auth.DEFAULT_HASH_SLOTS)


# --- 3. server-side sessions ----------------------------------------------------------------------


def test_a_saved_cookie_stops_working_after_logout(client: TestClient) -> None:
    csrf = login(client, "rep")
    saved = client.cookies.get("jobshift_session")
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    client.cookies.set("jobshift_session", saved)  # the attacker replays the copied cookie
    assert client.get("/leads", follow_redirects=False).status_code == 303
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_password_change_deactivation_and_role_change_end_sessions(
    client: TestClient, seeded: Workspace, change: str
) -> None:
    login(client, "rep")
    assert client.get("/leads").status_code == 200
    if change == "password":
        user_admin.set_password(seeded, "rep", "brand-new-pass-1")
    elif change == "deactivate":
        user_admin.set_active(seeded, "rep", False)
    else:
        user_admin.set_role(seeded, "rep", "manager")
    assert client.get("/leads", follow_redirects=False).status_code == 303


def test_a_cookie_without_a_server_session_is_refused(client: TestClient, seeded: Workspace) -> None:
    login(client, "admin")
    codec = client.app.state.codec  # type: ignore[attr-defined]
    forged, _ = codec.new_session(1, "made-up-session-id")  # signed with the real secret
    client.cookies.set("jobshift_session", forged)
    assert client.get("/leads", follow_redirects=False).status_code == 303


# --- 4. API tokens: expiry, listing, revocation ---------------------------------------------------


def test_tokens_expire_and_can_be_revoked(seeded: Workspace) -> None:
    short = auth.create_token(seeded, "mgr", expires_days=1)
    forever = auth.create_token(seeded, "mgr", expires_days=0)
    default = auth.create_token(seeded, "mgr")
    later = utcnow() + timedelta(days=2)
    assert auth.user_for_token(seeded, short) is not None
    assert auth.user_for_token(seeded, short, now=later) is None
    assert auth.user_for_token(seeded, forever, now=utcnow() + timedelta(days=5000)) is not None
    assert auth.user_for_token(seeded, default, now=utcnow() + timedelta(days=89)) is not None
    assert auth.user_for_token(seeded, default, now=utcnow() + timedelta(days=91)) is None
    listed = user_admin.list_tokens(seeded, "mgr")
    assert [t.status() for t in listed] == ["active"] * 3
    assert [t.status(later) for t in listed] == ["active", "active", "expired"]
    user_admin.revoke_token(seeded, listed[1].id)
    assert auth.user_for_token(seeded, forever) is None
    assert user_admin.list_tokens(seeded, "mgr")[1].status() == "revoked"
    with pytest.raises(UsageError):
        user_admin.revoke_token(seeded, 9999)
    with pytest.raises(UsageError):
        auth.create_token(seeded, "mgr", expires_days=-1)
    with seeded.store.connect() as conn:
        actions = conn.execute(
            select(audit_log.c.action).where(audit_log.c.object == "api_token").order_by(audit_log.c.id)
        ).scalars()
        assert list(actions) == ["create", "create", "create", "revoke"]


def test_token_cli(seeded: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(seeded.path)
    assert main(["-w", ws, "user", "token", "rep", "--expires-days", "7"]) == 0
    token = capsys.readouterr().out.strip()
    with seeded.store.connect() as conn:
        row = conn.execute(select(api_tokens)).mappings().one()
    assert row["expires_at"] - row["created_at"] == timedelta(days=7)
    assert main(["-w", ws, "user", "tokens", "rep", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"status": "active"' in out and token not in out and f'"id": {row["id"]}' in out
    assert main(["-w", ws, "user", "revoke", str(row["id"])]) == 0
    assert auth.user_for_token(seeded, token) is None
    assert main(["-w", ws, "user", "tokens"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["-w", ws, "user", "revoke", "4242"]) == 2


def test_revoked_token_answers_401(client: TestClient, seeded: Workspace) -> None:
    token = auth.create_token(seeded, "rep")
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    user_admin.revoke_token(seeded, user_admin.list_tokens(seeded, "rep")[0].id)
    assert client.get("/api/me", headers=bearer(token)).status_code == 401


# --- 5. user management: CLI and the Users page, audited ------------------------------------------


def test_user_admin_cli(seeded: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = str(seeded.path)
    assert main(["-w", ws, "user", "deactivate", "rep2"]) == 0
    assert auth.authenticate(seeded, "rep2", LOGINS["rep2"][1]) is None
    assert main(["-w", ws, "user", "activate", "rep2"]) == 0
    assert auth.authenticate(seeded, "rep2", LOGINS["rep2"][1]) is not None
    assert main(["-w", ws, "user", "role", "rep2", "manager"]) == 0
    assert main(["-w", ws, "user", "role", "rep2", "boss"]) == 2
    assert main(["-w", ws, "user", "password", "rep2", "--password", "short"]) == 2
    monkeypatch.setenv("JOBSHIFT_PASSWORD", "another-pass-9")
    assert main(["-w", ws, "user", "password", "rep2"]) == 0
    assert auth.authenticate(seeded, "rep2", "another-pass-9").role == "manager"  # type: ignore[union-attr]
    assert main(["-w", ws, "user", "deactivate", "nobody"]) == 2
    # the last active admin stays
    assert main(["-w", ws, "user", "deactivate", "admin"]) == 2
    assert main(["-w", ws, "user", "role", "admin", "rep"]) == 2
    with seeded.store.connect() as conn:
        entries = conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.after)
            .where(audit_log.c.object == "app_user")
            .order_by(audit_log.c.id)
        ).all()
    assert [(a, act) for a, act, _ in entries] == [
        ("cli", "deactivate"),
        ("cli", "activate"),
        ("cli", "role"),
        ("cli", "password"),
    ]
    assert "another-pass-9" not in str(entries)


def test_users_page_manages_users_and_tokens(client: TestClient, seeded: Workspace) -> None:
    token = auth.create_token(seeded, "rep")
    token_id = user_admin.list_tokens(seeded, "rep")[0].id
    csrf = login(client, "admin")
    page = client.get("/admin/users").text
    assert 'action="/admin/users/rep2/active"' in page and f'action="/admin/tokens/{token_id}/revoke"' in page
    assert token not in page
    assert client.post("/admin/users/rep2/active", data={"active": "no"}).status_code == 403  # no CSRF
    r = client.post("/admin/users/rep2/active", data={"active": "no", "csrf_token": csrf})
    assert r.status_code == 200 and "rep2 deactivated" in r.text
    assert not next(u for u in auth.list_users(seeded) if u.username == "rep2").active
    r = client.post("/admin/users/rep2/role", data={"role": "manager", "csrf_token": csrf})
    assert "rep2 is now manager" in r.text
    r = client.post("/admin/users/rep2/password", data={"password": "web-reset-pw-1", "csrf_token": csrf})
    assert "Password of rep2 changed" in r.text and "web-reset-pw-1" not in r.text
    bad = client.post("/admin/users/rep2/password", data={"password": "short", "csrf_token": csrf})
    assert bad.status_code == 422 and "8 characters" in bad.text
    bad = client.post("/admin/users/admin/active", data={"active": "no", "csrf_token": csrf})
    assert bad.status_code == 422 and "last active admin" in bad.text
    r = client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert f"Token {token_id} of rep revoked" in r.text
    assert auth.user_for_token(seeded, token) is None
    with seeded.store.connect() as conn:
        actors = set(
            conn.execute(select(audit_log.c.actor).where(audit_log.c.object == "app_user")).scalars()
        )
    assert actors == {"web:admin"}
    # managers may not
    csrf = login(client, "manager")
    assert (
        client.post("/admin/users/rep/active", data={"active": "no", "csrf_token": csrf}).status_code == 403
    )
    assert client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 403


# --- 9. --secure-cookies and HSTS -----------------------------------------------------------------


def test_secure_cookies_and_hsts(seeded: Workspace) -> None:
    app = create_app(seeded.path, secure_cookies=True)
    with TestClient(app) as c:  # plain http behind a TLS proxy that did not forward the scheme
        r = c.get("/login")
        assert "secure" in r.headers["set-cookie"].lower()
        assert r.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert c.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")
    app.state.ws.close()
    app = create_app(seeded.path)
    with TestClient(app) as c:
        r = c.get("/login")
        assert "secure" not in r.headers["set-cookie"].lower()
        assert "Strict-Transport-Security" not in r.headers
    app.state.ws.close()
    (seeded.path / "jobshift.toml").write_text("[web]\nsecure_cookies = true\nhsts_max_age = 600\n")
    app = create_app(seeded.path)
    with TestClient(app) as c:
        assert c.get("/login").headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains"
    app.state.ws.close()


def test_serve_has_the_secure_cookies_option(capsys: pytest.CaptureFixture[str]) -> None:
    main(["serve", "--help"])
    assert "--secure-cookies" in capsys.readouterr().out
