"""Browser tests (Debian chromium) of issue 19 part A, each as the role that uses it: the rep reads
names, titles and companies cased on the lead list and page; the manager reads the scorecard's charts
and pages through a drill-down; at 375 px wide nothing is cut off. Screenshots go to /tmp only."""

from __future__ import annotations

import pytest

from jobshift.services.workspace import Workspace
from web.browser_kit import NEEDS_CHROMIUM, chromium_fixture, served_fixture, shot, sign_in
from web.seed import add_bulk_leads, add_lowercase_lead, add_untracked_won_contacts

pytestmark = NEEDS_CHROMIUM
MONTH = "2026-03"


def _extra(ws: Workspace) -> None:
    add_bulk_leads(ws, 40)
    add_lowercase_lead(ws)
    add_untracked_won_contacts(ws, 30)


server = served_fixture("disp", _extra)


browser = chromium_fixture()


def test_rep_reads_cased_names_titles_and_companies(browser: object, server: str) -> None:
    page = sign_in(browser, server, "rep")
    row = page.locator("tr", has_text="Lauren O'Neil")  # type: ignore[attr-defined]
    assert row.count() == 1
    assert "SVP of R&D, EMEA" in row.inner_text() and "Apexbridge Insurance GmbH" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url(server + "/leads/l-lc")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "Lauren O'Neil"  # type: ignore[attr-defined]
    headline = page.locator("[data-testid=lead-headline]").inner_text()  # type: ignore[attr-defined]
    assert headline == "SVP of R&D, EMEA at Apexbridge Insurance GmbH"
    assert "lauren" not in page.content()  # type: ignore[attr-defined]
    shot(page, "disp-lead-lowercase")


def test_manager_reads_charts_and_pages_a_drilldown(browser: object, server: str) -> None:
    page = sign_in(browser, server, "manager")
    page.goto(f"{server}/scorecard?month={MONTH}")  # type: ignore[attr-defined]
    assert page.locator("[data-testid=grade-history] figure").count() == 11  # type: ignore[attr-defined]
    assert page.locator("[data-testid=funnel-months] figure").count() >= 7  # type: ignore[attr-defined]
    height = page.evaluate("document.documentElement.scrollHeight")  # type: ignore[attr-defined]
    assert height < 7000, f"the scorecard page is {height} px tall"
    shot(page, "disp-scorecard")
    page.click("[data-testid=drill-all-closed_won_contacts_tracked-records]")  # type: ignore[attr-defined]
    page.wait_for_url("**/scorecard/drill/closed_won_contacts_tracked**")  # type: ignore[attr-defined]
    assert page.locator("[data-testid=drill-rows] tbody tr").count() == 25  # type: ignore[attr-defined]
    page.click("[data-testid=drill-next]")  # type: ignore[attr-defined]
    assert "Page 2 of 2" in page.locator(".pager").inner_text()  # type: ignore[attr-defined]
    assert page.locator("[data-testid=drill-rows] tbody tr").count() == 5  # type: ignore[attr-defined]
    shot(page, "disp-scorecard-drill")


def _fits(page: object, width: int) -> None:
    """Nothing wider than the screen, and every navigation link on it."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # type: ignore[attr-defined]
    links = page.locator("header.top nav a")  # type: ignore[attr-defined]
    assert links.count() >= 6
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, links.nth(
            i
        ).inner_text()


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("rep", "/leads"),
        ("rep", "/leads/l-1"),
        ("rep", "/worklist"),
        ("rep", "/contacts/c-1"),
        ("manager", f"/scorecard?month={MONTH}"),
        ("manager", "/"),
    ],
)
def test_nothing_is_cut_off_at_375_px(browser: object, server: str, role: str, path: str) -> None:
    page = sign_in(browser, server, role, width=375)
    page.goto(server + path)  # type: ignore[attr-defined]
    _fits(page, 375)
    if path == "/leads/l-1":  # the lead's details: the then/now facts stack and stay on screen
        for testid in ("why", "lead-headline"):
            box = page.locator(f"[data-testid={testid}]").bounding_box()  # type: ignore[attr-defined]
            assert box is not None and box["x"] + box["width"] <= 375
        for el in page.locator(".glance dd").all():  # type: ignore[attr-defined]
            box = el.bounding_box()
            assert box is not None and box["x"] + box["width"] <= 375
    shot(page, f"disp-phone-{role}-{path.strip('/').replace('/', '-').split('?')[0] or 'home'}")
    page.context.close()  # type: ignore[attr-defined]
