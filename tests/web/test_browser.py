"""Browser tests: Python Playwright driving Debian's chromium against a real ``jobshift serve``.

Skipped (with the reason) when /usr/bin/chromium is missing; CI installs it. Screenshots go to
``web.browser_kit.SHOT_DIR`` (a temporary folder), never docs/screenshots/ — ``scripts/screenshots.py``
regenerates those.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from web.browser_kit import NEEDS_CHROMIUM, SHOT_DIR, chromium_fixture, served_fixture, sign_in
from web.seed import add_bulk_leads

SHOTS = SHOT_DIR  # never docs/screenshots (scripts/screenshots.py writes those)

pytestmark = NEEDS_CHROMIUM


server = served_fixture("browser", lambda ws: add_bulk_leads(ws, 60))  # plus 60 bulk leads


browser = chromium_fixture()


@pytest.fixture
def page_for(browser: object, server: str) -> Iterator[object]:
    contexts = []

    def open_as(role: str) -> object:
        page = sign_in(browser, server, role)
        contexts.append(page.context)  # type: ignore[attr-defined]
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
