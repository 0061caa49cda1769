"""Screenshot the scorecard e-mail (and the weekly e-mails) of a workspace in headless Chromium.

    .venv/bin/jobshift demo /tmp/demo-ws --no-serve
    .venv/bin/python scripts/screenshot_scorecard.py /tmp/demo-ws --month 2026-11

Writes docs/previews/scorecard_email.html and docs/screenshots/scorecard_email.png (plus
weekly_pipeline / weekly_rep when ``--weekly``). Uses the system Chromium (/usr/bin/chromium).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from jobshift.notify.weekly_render import render_pipeline_summary, render_rep_weekly
from jobshift.services.scorecard.scorecard import get_scorecard
from jobshift.services.scorecard.scorecard_email import scorecard_html
from jobshift.services.scorecard.scorecard_weekly import pipeline_summary, rep_summaries
from jobshift.services.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    """Render and screenshot."""
    ap = argparse.ArgumentParser()
    ap.add_argument("workspace")
    ap.add_argument("--month")
    ap.add_argument("--weekly", action="store_true")
    args = ap.parse_args()
    ws = Workspace.open(args.workspace)
    try:
        pages = {"scorecard_email": scorecard_html(get_scorecard(ws.store, ws.config, args.month), ws.config)}
        if args.weekly:
            base = ws.config.notifications.web_base_url
            summary = pipeline_summary(ws.store, ws.config)
            pages["weekly_pipeline"] = render_pipeline_summary(summary, base).html
            reps = sorted(rep_summaries(ws.store, ws.config), key=lambda r: -r["uncontacted_count"])
            if reps:
                pages["weekly_rep"] = render_rep_weekly(reps[0], base).html
    finally:
        ws.close()
    (ROOT / "docs" / "previews").mkdir(parents=True, exist_ok=True)
    (ROOT / "docs" / "screenshots").mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 760, "height": 900})
        for name, html in pages.items():
            (ROOT / "docs" / "previews" / f"{name}.html").write_text(html, encoding="utf-8")
            page.set_content(html)
            page.screenshot(path=str(ROOT / "docs" / "screenshots" / f"{name}.png"), full_page=True)
            print(f"docs/screenshots/{name}.png")
        browser.close()


if __name__ == "__main__":
    main()
