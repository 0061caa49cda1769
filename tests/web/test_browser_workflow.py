"""Browser tests (Debian chromium) of the rep's and manager's pages: the lead page's "why call", the
review queue, the worklist and bulk actions, the settings and users forms. Screenshots go to /tmp only."""

from __future__ import annotations

from pathlib import Path

from jobshift.services.workspace import Workspace
from web.browser_kit import NEEDS_CHROMIUM, chromium_fixture, served_fixture, shot, sign_in
from web.seed import add_relationship, add_uncertain

pytestmark = NEEDS_CHROMIUM


def _extra(ws: Workspace) -> None:
    add_relationship(ws)
    add_uncertain(ws)


server = served_fixture("workflow", _extra)


browser = chromium_fixture()


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
    page.wait_for_url(server + "/review?done=confirmed&n=1&lead=created")  # type: ignore[attr-defined]
    assert page.locator("[data-testid=review-empty]").count() == 1  # type: ignore[attr-defined]
    page.goto(server + "/signals?q=Bob")  # type: ignore[attr-defined]
    shot(page, "review-after")


def test_rep_works_the_worklist_and_undoes_a_dismissal(browser: object, server: str) -> None:
    page = sign_in(browser, server, "rep")
    page.click("header nav a[href='/worklist']")  # type: ignore[attr-defined]
    rows = page.locator("[data-testid=worklist] tbody tr")  # type: ignore[attr-defined]
    assert rows.count() >= 2
    assert "overdue" in rows.first.inner_text()  # the oldest lead first, past its due date
    shot(page, "worklist")
    page.check("input[name=lead_id][value='l-3']")  # type: ignore[attr-defined]
    page.check("input[name=action][value=dismiss]")  # type: ignore[attr-defined]
    page.select_option("select[name=dismiss_reason]", "stale")  # type: ignore[attr-defined]
    page.click("[data-testid=bulk-apply]")  # type: ignore[attr-defined]
    assert "Dismissed: 1 lead" in page.locator("[data-testid=bulk-done]").inner_text()  # type: ignore[attr-defined]
    assert page.locator("a[href='/leads/l-3']").count() == 0  # type: ignore[attr-defined]
    page.goto(server + "/leads/l-3")  # type: ignore[attr-defined]
    page.click("[data-testid=undismiss]")  # type: ignore[attr-defined]
    assert page.locator("[data-testid=lead-status]").inner_text() == "Open"  # type: ignore[attr-defined]
    page.goto(server + "/leads?q=ZED")  # type: ignore[attr-defined]
    assert page.locator("a[href='/leads/l-3']").count() == 1  # type: ignore[attr-defined]


def test_admin_edits_settings_with_forms_and_adds_a_user(browser: object, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.goto(server + "/settings")  # type: ignore[attr-defined]
    page.click("[data-testid=to-forms]")  # type: ignore[attr-defined]
    page.click("[data-testid=forms-toc] a[href='/settings/forms?form=icp']")  # type: ignore[attr-defined]
    form = page.locator("[data-testid='form-icp']")  # type: ignore[attr-defined]
    form.locator("input[name=min_employees]").fill("-1")
    form.locator("button[type=submit]").click()
    assert page.locator("[data-testid=field-error-min_employees]").count() == 1  # type: ignore[attr-defined]
    shot(page, "settings-forms-error")
    form = page.locator("[data-testid='form-icp']")  # type: ignore[attr-defined]
    form.locator("input[name=min_employees]").fill("250")
    form.locator("textarea[name=industries]").fill("Software\nInsurance")
    form.locator("button[type=submit]").click()
    assert "Saved icp" in page.locator("[data-testid=saved]").inner_text()  # type: ignore[attr-defined]
    assert page.locator("[data-testid='form-icp'] input[name=min_employees]").input_value() == "250"  # type: ignore[attr-defined]
    page.goto(server + "/admin/users")  # type: ignore[attr-defined]
    add = page.locator("[data-testid=add-user]")  # type: ignore[attr-defined]
    add.locator("input[name=username]").fill("carla")
    add.locator("select[name=role]").select_option("manager")
    add.locator("input[name=password]").fill("carla-pass-123")
    add.locator("button[type=submit]").click()
    assert "carla added as manager" in page.locator("[data-testid=users-ok]").inner_text()  # type: ignore[attr-defined]
    assert page.locator("tr[data-user=carla]").count() == 1  # type: ignore[attr-defined]
    shot(page, "users-add")


def test_admin_adds_and_removes_a_cohort_and_a_tier(browser: object, server: str) -> None:
    page = sign_in(browser, server, "admin")
    page.goto(server + "/settings/forms")  # type: ignore[attr-defined]
    page.click("[data-testid=forms-toc] a[href='/settings/forms?form=cohorts.new']")  # type: ignore[attr-defined]
    form = page.locator("[data-testid='form-cohorts.new']")  # type: ignore[attr-defined]
    form.locator("input[name=name]").fill("partners")
    form.locator("textarea[name=account_types]").fill("Partner")
    form.locator("button[type=submit]").click()
    assert "Saved cohorts." in page.locator("[data-testid=saved]").inner_text()  # type: ignore[attr-defined]
    key = page.url.split("form=")[1].split("&")[0]  # type: ignore[attr-defined]
    page.goto(server + "/settings/forms?form=tiers.new")  # type: ignore[attr-defined]
    form = page.locator("[data-testid='form-tiers.new']")  # type: ignore[attr-defined]
    form.locator("input[name=name]").fill("partner tier")  # not a TOML key: refused next to the field
    form.locator("input[name=cadence]").fill("weekly:fri")
    form.locator("textarea[name=cohorts]").fill("partners")
    form.locator("button[type=submit]").click()
    assert page.locator("[data-testid=field-error-name]").count() == 1  # type: ignore[attr-defined]
    form = page.locator("[data-testid='form-tiers.new']")  # type: ignore[attr-defined]
    form.locator("input[name=name]").fill("partner_tier")
    form.locator("button[type=submit]").click()
    assert "Saved tiers.partner_tier" in page.locator("[data-testid=saved]").inner_text()  # type: ignore[attr-defined]
    page.goto(server + f"/settings/forms?form={key}")  # type: ignore[attr-defined]
    page.locator(f"[data-testid='remove-{key}'] button").click()  # type: ignore[attr-defined]
    err = page.locator("[data-testid=form-error]").inner_text()  # type: ignore[attr-defined]
    assert "used by tier partner_tier" in err, err
    shot(page, "settings-forms-remove-refused")
    page.goto(server + "/settings/forms?form=tiers.partner_tier")  # type: ignore[attr-defined]
    page.locator("[data-testid='remove-tiers.partner_tier'] button").click()  # type: ignore[attr-defined]
    assert "Removed Tier partner_tier" in page.locator("[data-testid=removed]").inner_text()  # type: ignore[attr-defined]
    assert page.locator("a[href='/settings/forms?form=tiers.partner_tier']").count() == 0  # type: ignore[attr-defined]
