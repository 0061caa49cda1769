"""Write the rendered rule previews into docs/notifications.md (``jobshift.notify.previews``).

Usage:
  .venv/bin/python scripts/gen_notify_docs.py           # (re)write the previews section
  .venv/bin/python scripts/gen_notify_docs.py --check   # exit 1 when the committed page is stale

Run it after changing a template, a rule default or the wording; ``tests/test_notify_docs.py`` fails
until the page is regenerated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from jobshift.notify.previews import with_previews  # noqa: E402

DOC = ROOT / "docs" / "notifications.md"


def main() -> int:
    """Write (or with ``--check`` compare) the previews; 1 when ``--check`` finds them stale."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    page = DOC.read_text(encoding="utf-8")
    new = with_previews(page)
    if args.check:
        if new != page:
            print("docs/notifications.md is stale: run scripts/gen_notify_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
