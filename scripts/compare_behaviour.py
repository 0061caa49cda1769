"""Capture what jobshift produces on fixed inputs, and compare two captures (a refactor changes none of it).

Usage:
  .venv/bin/python scripts/compare_behaviour.py capture OUT_DIR [--scale 0.5] [--bench-ws DIR]
  .venv/bin/python scripts/compare_behaviour.py compare BEFORE_DIR AFTER_DIR

``capture`` builds a demo workspace through the CLI (init, generate, import, ingest, track, detect)
and stores: the exported signals, ``push --dry-run --json`` and the scorecard JSON of the current
month. With ``--bench-ws`` (a workspace built by benchmarks/bench_detect_data.py, e.g. 1M x 1M) it
also runs ``detect`` there and stores its signals. Volatile values (run timestamps, generated ids) are
removed so that two runs of the same code compare equal. ``compare`` prints one line per output,
``same`` or ``DIFFERENT`` with the first differing line, and exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
JOBSHIFT = [sys.executable, "-m", "jobshift.cli.main"]
# columns / keys whose values differ from run to run of the same code
VOLATILE_SIGNAL_COLUMNS = {"signal_id", "detected_at", "lead_id"}
VOLATILE_KEYS = {"computed_at", "generated_at", "run_id", "started_at", "finished_at", "elapsed_s", "seconds"}


def _run(args: list[str], ws: Path | None = None) -> str:
    cmd = [*JOBSHIFT, *(["-w", str(ws)] if ws else []), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({res.returncode}): {res.stderr.strip()[-2000:]}")
    return res.stdout


def _signals(ws: Path, out: Path) -> None:
    raw = ws / "signals-export.csv"
    _run(["export", "signals", "-o", str(raw)], ws)
    with raw.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    keep = [c for c in (rows[0].keys() if rows else []) if c not in VOLATILE_SIGNAL_COLUMNS]
    lines = sorted(json.dumps({c: r[c] for c in keep}, sort_keys=True) for r in rows)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw.unlink()


def _scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in sorted(value.items()) if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _json_out(text: str, out: Path) -> None:
    payload = json.loads(text[text.index("{") :])
    out.write_text(json.dumps(_scrub(payload), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def capture(out_dir: Path, scale: float, bench_ws: Path | None) -> None:
    """Build the demo workspace through the CLI and store the scrubbed outputs in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "work"
    shutil.rmtree(work, ignore_errors=True)
    ws, data = work / "ws", work / "data"
    _run(["init", str(ws)])
    _run(["generate", "--out", str(data), "--seed", "7", "--scale", str(scale)])
    _run(["import", "all", str(data)], ws)
    _run(["ingest", "people", str(data / "people.jsonl")], ws)
    _run(["track"], ws)
    _run(["detect"], ws)
    _signals(ws, out_dir / "demo-signals.jsonl")
    _json_out(_run(["push", "--dry-run", "--json"], ws), out_dir / "demo-push-dry-run.json")
    month = json.loads((data / "manifest.json").read_text())["as_of"][:7]
    _json_out(
        _run(["scorecard", "--month", month, "--format", "json", "--recompute"], ws),
        out_dir / "demo-scorecard.json",
    )
    if bench_ws is not None:
        _run(["detect"], bench_ws)
        _signals(bench_ws, out_dir / "bench-signals.jsonl")
    shutil.rmtree(work, ignore_errors=True)
    for f in sorted(out_dir.glob("*.json*")):
        print(f"{f.name}: {hashlib.sha256(f.read_bytes()).hexdigest()[:16]} ({f.stat().st_size:,} bytes)")


def compare(before: Path, after: Path) -> int:
    """Print one verdict per captured output; 1 when any differs or is missing."""
    failed = 0
    for f in sorted(before.glob("*.json*")):
        other = after / f.name
        if not other.exists():
            print(f"{f.name}: MISSING after")
            failed = 1
            continue
        a, b = f.read_text().splitlines(), other.read_text().splitlines()
        if a == b:
            print(
                f"{f.name}: same ({len(a):,} lines, sha256 {hashlib.sha256(f.read_bytes()).hexdigest()[:16]})"
            )
            continue
        failed = 1
        first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        print(f"{f.name}: DIFFERENT at line {first + 1} ({len(a):,} vs {len(b):,} lines)")
        print(f"  before: {a[first][:300] if first < len(a) else '<end>'}")
        print(f"  after:  {b[first][:300] if first < len(b) else '<end>'}")
    return failed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    cap = sub.add_parser("capture")
    cap.add_argument("out_dir", type=Path)
    cap.add_argument("--scale", type=float, default=0.5)
    cap.add_argument("--bench-ws", type=Path, default=None)
    cmp_ = sub.add_parser("compare")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.cmd == "capture":
        capture(args.out_dir, args.scale, args.bench_ws)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
