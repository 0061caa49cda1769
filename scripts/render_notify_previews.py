"""Render a preview of every notification template to docs/previews/ and screenshot the e-mails.

Usage: .venv/bin/python scripts/render_notify_previews.py
Uses the Debian Chromium at /usr/bin/chromium through Playwright (never ``playwright install``).
"""

from __future__ import annotations

import json
from pathlib import Path

from jobshift.config.notifications import _default_rules
from jobshift.notify.previews import sample_items
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

# the same payloads as the rule previews of docs/notifications.md (notify/previews.py: real wording,
# display text, the past deal)
_SAMPLES = sample_items()
_RULES = _default_rules()
LEAD = {
    **_SAMPLES["1C"],
    "rule": "1C",
    "rule_title": _RULES["1C"].title,
    "role": "account_ae",
    "rule_why": "",
}
LEFT = {
    **_SAMPLES["3B"],
    "rule": "3B",
    "rule_title": _RULES["3B"].title,
    "role": "account_bdr",
    "rule_why": "",
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
