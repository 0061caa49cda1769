"""Browser tests (Debian chromium) of the rep's and manager's pages: the lead page's "why call", the
review queue, the worklist and bulk actions, the settings and users forms. Screenshots go to /tmp only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jobshift.services.workspace import Workspace
from web.browser_kit import CHROMIUM, chromium, served, shot, sign_in
from web.seed import add_relationship, add_uncertain

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian chromium: apt-get install -y chromium"
)


def _extra(ws: Workspace) -> None:
    add_relationship(ws)
    add_uncertain(ws)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("workflow") / "ws", _extra) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as b:
        yield b


def test_rep_sees_why_to_call_on_the_lead_page(browser: object, server: str) -> None:
    page = sign_in(browser, server, "rep")
    page.goto(server + "/leads/l-1")  # type: ignore[attr-defined]
    why = page.locator("[data-testid=why-it-matters]")  # type: ignore[attr-defined]
    assert "open opportunit" in why.inner_text()
    assert "Economic Buyer" in page.locator("[data-testid=past-deals]").inner_text()  # type: ignore[attr-defined]
    link = page.locator("[data-testid=linkedin-link]")  # type: ignore[attr-defined]
    assert link.get_attribute("href") == "https://linkedin.com/in/jane-doe"
    assert link.get_attribute("target") == "_blank"
    assert "2025-12-01" in page.locator("[data-testid=observations]").inner_text()  # type: ignore[attr-defined]
    assert Path(shot(page, "lead-why")).stat().st_size > 10_000


def test_manager_reviews_an_uncertain_match(browser: object, server: str) -> None:
    rep = sign_in(browser, server, "rep")
    assert rep.goto(server + "/review").status == 403  # type: ignore[attr-defined]
    page = sign_in(browser, server, "manager")
    page.goto(server + "/")  # type: ignore[attr-defined]
    page.click("[data-testid=review-count] a")  # type: ignore[attr-defined]
    page.click("a.button[href='/review/s-u1']")  # type: ignore[attr-defined]
    assert "Elsewhere Ltd" in page.locator("[data-testid=profile-side]").inner_text()  # type: ignore[attr-defined]
    assert "OldCo" in page.locator("[data-testid=crm-side]").inner_text()  # type: ignore[attr-defined]
    shot(page, "review-signal")
    page.fill("input[name=reason]", "same LinkedIn photo")  # type: ignore[attr-defined]
    page.click("[data-testid=confirm]")  # type: ignore[attr-defined]
    page.wait_for_url(server + "/review?done=confirmed&n=1")  # type: ignore[attr-defined]
    assert page.locator("[data-testid=review-empty]").count() == 1  # type: ignore[attr-defined]
    page.goto(server + "/signals?q=Bob")  # type: ignore[attr-defined]
    shot(page, "review-after")
