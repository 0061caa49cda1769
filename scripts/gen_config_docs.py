"""Write docs/configuration.md from the config models (``jobshift.config.reference``).

Usage:
  .venv/bin/python scripts/gen_config_docs.py           # (re)write docs/configuration.md
  .venv/bin/python scripts/gen_config_docs.py --check   # exit 1 when the committed page is stale

Run it after changing a field, default or description in ``src/jobshift/config/``;
``tests/test_config_docs.py`` fails until the page is regenerated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from jobshift.config.reference import render_reference  # noqa: E402

DOC = ROOT / "docs" / "configuration.md"


def main() -> int:
    """Write (or with ``--check`` compare) the reference page; 1 when ``--check`` finds it stale."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args()
    text = render_reference()
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if args.check:
        if current != text:
            print(f"{DOC.relative_to(ROOT)} is stale: run scripts/gen_config_docs.py")
            return 1
        print(f"{DOC.relative_to(ROOT)} is up to date")
        return 0
    if current != text:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)} ({len(text.splitlines())} lines)")
    else:
        print(f"{DOC.relative_to(ROOT)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
