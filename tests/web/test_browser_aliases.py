"""Browser test (Debian chromium) of the account aliases page: an admin adds an alias through the form,
sees it listed, removes it. Screenshots go to /tmp only."""

from __future__ import annotations

from pathlib import Path

from web.browser_kit import NEEDS_CHROMIUM, chromium, served_fixture, shot, sign_in

pytestmark = NEEDS_CHROMIUM


server = served_fixture("aliases")


def test_admin_adds_and_removes_an_alias(server: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, server, "admin")
        page.click("nav >> text=Aliases")  # type: ignore[attr-defined]
        page.wait_for_url(server + "/admin/aliases")  # type: ignore[attr-defined]
        assert "No aliases yet." in page.locator("[data-testid=aliases]").inner_text()  # type: ignore[attr-defined]
        form = page.locator("[data-testid=alias-add]")  # type: ignore[attr-defined]
        form.locator("input[name=account_id]").fill("a-new")
        form.locator("input[name=name]").fill("NewCo Brands")
        form.locator("input[name=domain]").fill("https://www.newco-brands.com")
        form.locator("button[type=submit]").click()
        ok = page.locator("[data-testid=aliases-ok]")  # type: ignore[attr-defined]
        assert "NewCo Brands added to account a-new" in ok.inner_text()
        table = page.locator("[data-testid=aliases]").inner_text()  # type: ignore[attr-defined]
        assert "NewCo" in table and "NewCo Brands" in table and "newco-brands.com" in table
        assert Path(shot(page, "aliases")).stat().st_size > 5_000
        # an unknown account: the error is shown and the form keeps what was typed
        form = page.locator("[data-testid=alias-add]")  # type: ignore[attr-defined]
        form.locator("input[name=account_id]").fill("a-nope")
        form.locator("input[name=name]").fill("Ghost Brand")
        form.locator("button[type=submit]").click()
        assert "no account" in page.locator("[data-testid=aliases-error]").inner_text()  # type: ignore[attr-defined]
        assert form.locator("input[name=name]").input_value() == "Ghost Brand"
        page.click("button[aria-label^='remove alias']")  # type: ignore[attr-defined]
        assert "removed" in page.locator("[data-testid=aliases-ok]").inner_text()  # type: ignore[attr-defined]
        assert "No aliases yet." in page.locator("[data-testid=aliases]").inner_text()  # type: ignore[attr-defined]
        # a rep has no Aliases link and gets 403
        rep = sign_in(browser, server, "rep")
        assert rep.locator("nav >> text=Aliases").count() == 0  # type: ignore[attr-defined]
        assert rep.goto(server + "/admin/aliases").status == 403  # type: ignore[attr-defined]
