"""Browser test (Debian chromium) of the outreach templates settings page: an admin edits a template,
sees the live preview (and a field error beside the field), saves, and the lead page shows the new
draft. Screenshots go to /tmp only."""

from __future__ import annotations

from web.browser_kit import NEEDS_CHROMIUM, chromium, served_fixture, shot, sign_in

pytestmark = NEEDS_CHROMIUM


server = served_fixture("templates")


def test_admin_edits_previews_saves_and_the_lead_page_shows_the_new_draft(server: str) -> None:
    with chromium() as browser:
        page = sign_in(browser, server, "admin")
        page.goto(server + "/settings")  # type: ignore[attr-defined]
        page.click("[data-testid=templates-tab]")  # type: ignore[attr-defined]
        page.wait_for_url(server + "/settings/templates")  # type: ignore[attr-defined]
        shot(page, "templates-list")
        page.click("tr[data-set=job_change] a")  # type: ignore[attr-defined]
        page.wait_for_url(server + "/settings/templates/job_change")  # type: ignore[attr-defined]
        preview = page.locator("[data-testid=preview-body]")  # type: ignore[attr-defined]
        assert "Carl" in preview.inner_text()  # rendered for the workspace's newest lead (l-3)
        page.select_option("[data-testid=preview-lead]", "l-1")  # type: ignore[attr-defined]
        page.locator("[data-testid=preview-body]", has_text="Hi Jane,").wait_for(timeout=10_000)  # type: ignore[attr-defined]

        body = page.locator("[data-testid=field-email_body]")  # type: ignore[attr-defined]
        body.fill("Hi {{ first_name }},\n{{ not_a_fact }}")
        errors = page.locator("[data-testid=errors-email_body]")  # type: ignore[attr-defined]
        errors.get_by_text("line 2: unknown variable 'not_a_fact'").wait_for(timeout=10_000)
        shot(page, "templates-error")

        body.fill(
            "Hi {{ first_name }},\n\nwelcome aboard {{ new_company }} (browser edit).\n\n{{ rep_name }}"
        )
        page.get_by_text("welcome aboard NewCo (browser edit).").wait_for(timeout=10_000)  # type: ignore[attr-defined]
        assert errors.inner_text().strip() == ""
        assert "/ 300 characters" in page.locator("[data-testid=preview-note-chars]").inner_text()  # type: ignore[attr-defined]
        shot(page, "templates-preview")

        page.click("[data-testid=template-save]")  # type: ignore[attr-defined]
        assert "Saved job_change" in page.locator("[data-testid=template-ok]").inner_text()  # type: ignore[attr-defined]
        page.goto(server + "/settings/templates")  # type: ignore[attr-defined]
        row = page.locator("tr[data-set=job_change]").inner_text()  # type: ignore[attr-defined]
        assert "workspace override" in row
        page.goto(server + "/leads/l-1")  # type: ignore[attr-defined]
        draft = page.locator("[data-testid=draft-body]").inner_text()  # type: ignore[attr-defined]
        assert "welcome aboard NewCo (browser edit)." in draft
        shot(page, "templates-lead-draft")

        rep = sign_in(browser, server, "rep")
        assert rep.goto(server + "/settings/templates").status == 403  # type: ignore[attr-defined]
