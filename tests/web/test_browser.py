"""Browser tests: Python Playwright driving Debian's chromium against a real ``jobshift serve``.

Skipped (with the reason) when /usr/bin/chromium is missing; CI installs it. Screenshots go to
``web.browser_kit.SHOT_DIR`` (a temporary folder), never docs/screenshots/ — ``scripts/screenshots.py``
regenerates those.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from web.browser_kit import SHOT_DIR
from web.seed import LOGINS, add_bulk_leads, seed_workspace

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = SHOT_DIR  # never docs/screenshots (scripts/screenshots.py writes those)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian chromium: apt-get install -y chromium"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A seeded SQLite workspace served by ``jobshift serve`` in a subprocess."""
    ws_dir = tmp_path_factory.mktemp("browser") / "ws"
    env = {k: v for k, v in os.environ.items() if k not in ("JOBSHIFT_DATABASE_URL", "JOBSHIFT_WORKSPACE")}
    os.environ.pop("JOBSHIFT_DATABASE_URL", None)
    ws = seed_workspace(ws_dir)
    add_bulk_leads(ws, 60)
    ws.close()
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobshift.cli.main", "-w", str(ws_dir), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"server did not start: {proc.stderr.read().decode() if proc.stderr else ''}"
                )
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page_for(browser: object, server: str) -> Iterator[object]:
    contexts = []

    def open_as(role: str) -> object:
        ctx = browser.new_context(viewport={"width": 1360, "height": 900})  # type: ignore[attr-defined]
        contexts.append(ctx)
        page = ctx.new_page()
        page.goto(server + "/leads")
        assert "/login" in page.url
        name, pw = LOGINS[role]
        page.fill("input[name=username]", name)
        page.fill("input[name=password]", pw)
        page.click("button[type=submit]")
        page.wait_for_url(server + "/leads")
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()


def test_each_role_sees_only_what_it_may(page_for, server: str) -> None:  # type: ignore[no-untyped-def]
    rep = page_for("rep")
    assert rep.locator("[data-testid=whoami]").inner_text() == "rep · rep"
    rep.goto(server + "/leads?q=Doe")
    assert rep.locator("a[href='/leads/l-1']").count() == 1
    rep.goto(server + "/leads?q=Carl")
    assert rep.locator("a[href='/leads/l-2']").count() == 0
    assert rep.locator("header nav a[href='/settings']").count() == 0
    rep.goto(server + "/admin/users")
    assert "Not allowed" in rep.locator("h1").inner_text()
    rep.goto(server + "/leads/l-2")
    assert "Not found" in rep.locator("h1").inner_text()

    admin = page_for("admin")
    admin.goto(server + "/leads?q=Carl")
    assert admin.locator("a[href='/leads/l-2']").count() == 1
    assert admin.locator("header nav a[href='/admin/users']").count() == 1

    manager = page_for("manager")
    manager.goto(server + "/settings")
    assert "Not allowed" in manager.locator("h1").inner_text()  # settings are for admins only
    assert manager.locator("header nav a[href='/settings']").count() == 0
    assert manager.locator("header nav a[href='/admin/users']").count() == 0


def test_filter_a_list_with_htmx(page_for, server: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = page_for("admin")
    page.goto(server + "/leads")
    total_before = page.locator("[data-testid=total]").inner_text()
    page.select_option("select[name=status]", "Open")
    page.wait_for_url("**status=Open**")
    expect(page.locator("[data-testid=total]")).not_to_have_text(total_before)
    statuses = page.locator("table.list tbody td:nth-child(6)").all_inner_texts()
    assert statuses and set(s.strip() for s in statuses) == {"Open"}
    page.fill("input[name=q]", "Zed")
    expect(page.locator("table.list tbody tr")).to_have_count(1)
    assert "Plain" in page.locator("table.list tbody").inner_text()


def test_open_a_lead_and_mark_contacted(page_for, server: str) -> None:  # type: ignore[no-untyped-def]
    page = page_for("rep")
    page.goto(server + "/leads?q=Doe")
    page.click("a[href='/leads/l-1']")
    page.wait_for_url(server + "/leads/l-1")
    glance = page.locator("[data-testid=glance]").inner_text()
    assert "OldCo" in glance and "NewCo" in glance and "Director IT" in glance
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "lead.png"), full_page=True)
    page.select_option("select[name=activity_type]", "Email")
    page.fill("input[name=note]", "sent congrats")
    page.click("text=Mark contacted")
    page.wait_for_selector("text=Marked as contacted.")
    assert "Contacted: sent congrats" in page.locator("[data-testid=timeline]").inner_text()
    assert page.locator("[data-testid=lead-status]").inner_text() == "Contacted"


def test_scorecard_page(page_for, server: str) -> None:  # type: ignore[no-untyped-def]
    rep = page_for("rep")
    assert rep.locator("header nav a[href='/scorecard']").count() == 0
    rep.goto(server + "/scorecard")
    assert "Not allowed" in rep.locator("h1").inner_text()

    page = page_for("manager")
    page.click("header nav a[href='/scorecard']")
    page.wait_for_url(server + "/scorecard")
    page.goto(server + "/scorecard?month=2026-03")
    assert page.locator("[data-testid=sc-month]").inner_text() == "2026-03"
    assert page.locator("table.scorecard tbody tr[data-testid^=cat-]").count() == 11
    grade = page.locator("[data-testid=grade-engagement_rate]").inner_text()
    assert grade in ("A+", "A", "A-", "B+", "B", "C+", "C", "C-", "D", "F", "n/a")
    drill = page.locator("[data-testid=drill-engagement_rate]")
    was_open = drill.get_attribute("open") is not None  # drill-downs below benchmark start open
    drill.locator("summary").click()
    assert (drill.get_attribute("open") is not None) is not was_open
    if was_open:
        drill.locator("summary").click()
    assert drill.locator(".drill-item").count() >= 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "scorecard.png"), full_page=True)
    page.click("[data-testid=prev-month]")
    page.wait_for_url("**month=2026-02")
    assert page.locator("[data-testid=sc-month]").inner_text() == "2026-02"


def test_screenshots(page_for, server: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = page_for("admin")
    for name, path in (
        ("dashboard", "/"),
        ("leads", "/leads"),
        ("signals", "/signals"),
        ("contact", "/contacts/c-1"),
        ("runs", "/runs"),
        ("settings", "/settings"),
        ("users", "/admin/users"),
    ):
        page.goto(server + path)
        page.screenshot(
            path=str(SHOTS / f"{name}.png"), full_page=name not in ("leads", "signals", "settings", "users")
        )
    login = page.context.browser.new_page()
    login.goto(server + "/login")
    login.screenshot(path=str(SHOTS / "login.png"))
    login.close()
    assert (SHOTS / "dashboard.png").stat().st_size > 5000
