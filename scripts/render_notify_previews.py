"""Render a preview of every notification template to docs/previews/ and screenshot the e-mails.

Usage: .venv/bin/python scripts/render_notify_previews.py
Uses the Debian Chromium at /usr/bin/chromium through Playwright (never ``playwright install``).
"""

from __future__ import annotations

import json
from pathlib import Path

from jobshift.notify.render import render_digest, render_item

ROOT = Path(__file__).resolve().parents[1]
PREVIEWS = ROOT / "docs" / "previews"
SHOTS = ROOT / "docs" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

LEAD = {
    "rule": "1C",
    "rule_title": "Tracked contact joined a business with an open opp at stage 3 or beyond",
    "item_type": "lead",
    "item_id": "l-js-5f2a9c",
    "person": "Priya Raman",
    "headline_verb": "joined Initech",
    "now_title": "VP of Platform Engineering",
    "now_company": "Initech",
    "since": "2024-08",
    "past_title": "Director of DevOps",
    "past_account": "Acme Robotics",
    "email": "priya.raman@initech.example",
    "linkedin_url": "https://www.linkedin.com/in/priya-raman",
    "role": "account_ae",
    "why_it_matters": "Initech has 1 open opportunity, furthest at 4-Proposal (Initech - New Business); "
    "Initech is a customer with an open renewal.",
    "links": [
        {"label": "Open lead in jobshift", "url": "https://jobshift.example/leads/l-js-5f2a9c"},
        {"label": "Past contact", "url": "https://jobshift.example/contacts/003A1"},
        {"label": "Lead in CRM", "url": "https://acme.lightning.force.com/lightning/r/Lead/l-js-5f2a9c/view"},
    ],
}
LEFT = {
    **LEAD,
    "rule": "3B",
    "rule_title": "Contact left a company with an open opp at stage 0, 1 or 2",
    "item_type": "contact",
    "item_id": "003B7",
    "person": "Marcus Webb",
    "headline_verb": "left Hooli",
    "now_title": "CTO",
    "now_company": "Pied Piper",
    "since": "2024-09-02",
    "past_title": "Head of IT",
    "past_account": "Hooli",
    "role": "account_bdr",
    "email": None,
    "linkedin_url": "https://www.linkedin.com/in/marcus-webb",
    "why_it_matters": "Hooli has 1 open opportunity, furthest at 1-Discovery (Hooli - New Business); "
    "the deal just lost a contact: re-map the buying group.",
    "links": [{"label": "Open contact in jobshift", "url": "https://jobshift.example/contacts/003B7"}],
}
USER = {"id": "005AE1", "name": "Dana Whitfield"}


def main() -> None:
    PREVIEWS.mkdir(parents=True, exist_ok=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = {}
    for name, m in (("lead_1c", LEAD), ("contact_3b", LEFT)):
        r = render_item(m, USER, m["role"])
        pages[f"email_{name}"] = r.html
        (PREVIEWS / f"email_{name}.txt").write_text(r.text)
        (PREVIEWS / f"slack_{name}.json").write_text(json.dumps(r.slack_blocks, indent=2))
    d = render_digest([LEAD, LEFT], USER, "2024-W39")
    pages["email_digest"] = d.html
    (PREVIEWS / "email_digest.txt").write_text(d.text)
    (PREVIEWS / "slack_digest.json").write_text(json.dumps(d.slack_blocks, indent=2))
    for name, html in pages.items():
        (PREVIEWS / f"{name}.html").write_text(html)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 720, "height": 900})
        for name in pages:
            page.goto((PREVIEWS / f"{name}.html").as_uri())
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        browser.close()
    print(
        "\n".join(sorted(str(x.relative_to(ROOT)) for x in [*PREVIEWS.iterdir(), *SHOTS.glob("email_*.png")]))
    )


if __name__ == "__main__":
    main()
