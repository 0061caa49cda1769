"""Regenerate the web UI screenshots in docs/screenshots/ (tests never write there).

Usage: .venv/bin/python scripts/screenshots.py [--out DIR] [--only NAME ...]

Seeds a workspace like the browser tests do (tests/web/seed.py: two teams, leads with a past
relationship, an uncertain signal for the review queue, 60 bulk leads, a lower-case lead to show the
display text), serves it with ``jobshift serve`` and drives Debian's chromium at /usr/bin/chromium
through Playwright (never ``playwright install``). Pages are taken as the role that uses them, at
desktop width and, for the rep's pages, at phone width (375 px). The notification e-mails are
``scripts/render_notify_previews.py``; the lead page in HubSpot and Salesforce mode (lead-hubspot.png,
lead-salesforce.png) needs the fake CRMs of the tests and is not regenerated here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]
# the served `jobshift serve` subprocess runs this checkout's code too
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]).rstrip(
    os.pathsep
)


from jobshift.services.workspace import Workspace  # noqa: E402
from web.browser_kit import chromium, served, sign_in  # noqa: E402
from web.seed import add_bulk_leads, add_lowercase_lead, add_relationship, add_uncertain  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DESKTOP, PHONE = 1360, 375
# (file name, role, path, width, full page)
SHOTS: list[tuple[str, str, str, int, bool]] = [
    ("dashboard", "admin", "/", DESKTOP, True),
    ("leads", "admin", "/leads", DESKTOP, False),
    ("signals", "admin", "/signals", DESKTOP, False),
    ("lead", "rep", "/leads/l-1", DESKTOP, True),
    ("lead-lowercase", "rep", "/leads/l-lc", DESKTOP, False),
    ("contact", "admin", "/contacts/c-1", DESKTOP, True),
    ("worklist", "rep", "/worklist", DESKTOP, False),
    ("review", "manager", "/review", DESKTOP, False),
    ("review-signal", "manager", "/review/s-u1", DESKTOP, True),
    ("scorecard", "manager", "/scorecard?month=2026-03", DESKTOP, True),
    ("scorecard-drill", "manager", "/scorecard/drill/engagement_rate?month=2026-03", DESKTOP, True),
    ("runs", "admin", "/runs", DESKTOP, True),
    ("settings", "admin", "/settings", DESKTOP, False),
    ("settings-templates", "admin", "/settings/templates", DESKTOP, False),
    ("settings-template-edit", "admin", "/settings/templates/job_change?lead=l-1", DESKTOP, True),
    ("settings-forms", "admin", "/settings/forms?form=icp", DESKTOP, True),
    ("users", "admin", "/admin/users", DESKTOP, False),
    ("phone-leads", "rep", "/leads", PHONE, False),
    ("phone-lead", "rep", "/leads/l-1", PHONE, True),
    ("phone-scorecard", "manager", "/scorecard?month=2026-03", PHONE, False),
]


def seed_extra(ws: Workspace) -> None:
    """What the screenshots show beyond the base seed."""
    add_relationship(ws)
    add_uncertain(ws)
    add_bulk_leads(ws, 60)
    add_lowercase_lead(ws)  # as a people feed delivers it: shown cased (domain/display)


def main() -> int:
    """Take every screenshot of :data:`SHOTS` (or the ``--only`` ones) into ``--out``."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", nargs="*", default=None, help="file names (without .png) to take")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = [s for s in SHOTS if args.only is None or s[0] in args.only]
    with tempfile.TemporaryDirectory() as tmp, served(Path(tmp) / "ws", seed_extra) as base, chromium() as b:
        pages: dict[tuple[str, int], object] = {}
        for name, role, path, width, full in wanted:
            page = pages.get((role, width))
            if page is None:
                page = pages[(role, width)] = sign_in(b, base, role, width=width)
            page.goto(base + path)  # type: ignore[attr-defined]
            out = args.out / f"{name}.png"
            page.screenshot(path=str(out), full_page=full)  # type: ignore[attr-defined]
            print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
        if args.only is None or "login" in args.only:
            login = b.new_page()  # type: ignore[attr-defined]
            login.goto(base + "/login")
            login.screenshot(path=str(args.out / "login.png"))
            print("wrote login.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
