"""The demo: generate the synthetic data set into a workspace and run the pipeline over it.

``generate_data`` writes the files (see :mod:`jobshift.synth`); ``load_demo`` generates into
``<workspace>/demo-data``, loads it and runs the program over it (track, detect, push, scorecard),
and reports what it did, the demo logins and which commands come next.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jobshift.errors import UsageError
from jobshift.services.ingest.aliases import ALIASES_FILE, import_aliases
from jobshift.services.workspace import Workspace
from jobshift.synth.generate import DEFAULT_AS_OF, NOISE_MODES, PEOPLE_FORMATS, Manifest, generate
from jobshift.utils.files import atomic_write_text
from jobshift.utils.timeutil import utcnow

DEMO_DATA_DIR = "demo-data"
LOADED_MARKER = ".demo-loaded.json"
ProgressFn = Callable[[int, int], None]


def generate_data(
    out_dir: str | Path,
    seed: int = 7,
    scale: float = 1.0,
    people_format: str = "jsonl",
    progress: ProgressFn | None = None,
    noise: str = "real",
) -> Manifest:
    """Write the synthetic CRM + people-data set and its truth into ``out_dir`` (noise: real | clean)."""
    if scale <= 0:
        raise UsageError("--scale must be positive")
    if people_format not in PEOPLE_FORMATS:
        raise UsageError(f"--people-format must be one of: {', '.join(PEOPLE_FORMATS)}")
    if noise not in NOISE_MODES:
        raise UsageError(f"--noise must be one of: {', '.join(NOISE_MODES)}")
    return generate(
        out_dir,
        seed=seed,
        scale=scale,
        people_format=people_format,
        as_of=DEFAULT_AS_OF,
        progress=progress,
        noise=noise,
    )


@dataclass
class DemoReport:
    """What ``load_demo`` did, step by step."""

    data_dir: str
    manifest: dict[str, Any]
    steps: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    next_commands: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return self.__dict__.copy()


def load_demo(
    ws: Workspace, seed: int = 7, scale: float = 1.0, progress: ProgressFn | None = None
) -> DemoReport:
    """Generate the demo data into ``ws`` and run the program over it.

    import → ingest → track (cohorts and tiers) → detect → push (into the built-in store: leads,
    contact updates, routing) → demo mix (a narrow ICP, simulated low rep engagement:
    ``demo_scorecard``) → the scorecard of the month of the push → demo logins. Idempotent:
    regenerating with the same seed writes identical files, and every later step changes nothing
    the second time.
    """
    from jobshift.services.admin import auth, demo_scorecard
    from jobshift.services.detect import detecting, tracking
    from jobshift.services.ingest import importing, ingesting
    from jobshift.services.program import pushing
    from jobshift.services.scorecard import scorecard

    data_dir = ws.path / DEMO_DATA_DIR
    loaded = _loaded_manifest(ws, data_dir)
    manifest = generate_data(data_dir, seed=seed, scale=scale, progress=progress)
    report = DemoReport(str(data_dir), manifest.to_dict())
    if loaded == manifest.to_dict():
        # Already loaded: importing the files again would undo what push changed in the CRM mirror
        # (contacts marked no longer at company) while the outbox, rightly, would not redo it.
        report.skipped["import"] = "the same demo data is already loaded"
    else:
        imports = importing.import_dir(ws, data_dir)
        report.steps["import"] = {Path(r.source).name: r.counts() for r in imports}
        if (data_dir / ALIASES_FILE).is_file():
            report.steps["import"][ALIASES_FILE] = import_aliases(ws, data_dir / ALIASES_FILE).counts()
        report.steps["ingest"] = ingesting.ingest_people(ws, data_dir / manifest.people_file).counts()
        atomic_write_text(ws.path / LOADED_MARKER, json.dumps(manifest.to_dict(), sort_keys=True))
    tracked = tracking.track(ws, as_of=date.fromisoformat(str(manifest.as_of)))
    report.steps["track"] = {"tracked": tracked.tracked, "over_cap": tracked.over_cap, "tiers": tracked.tiers}
    detected = detecting.detect(ws)
    report.steps["detect"] = {"by_type": detected.by_type, "by_status": detected.by_status}
    pushed = pushing.push(ws)
    report.steps["push"] = {"planned": asdict(pushed.planned), "applied": asdict(pushed.applied)}
    # a realistic mix, not all A: a narrow ICP and simulated (low) rep engagement (demo_scorecard)
    report.steps["demo_mix"] = {
        "narrowed_icp": demo_scorecard.narrow_demo_icp(ws),
        "simulated_activities": demo_scorecard.simulate_rep_activity(ws),
    }
    month = scorecard.month_of(utcnow())  # the pushed leads and signals are of this month
    card = scorecard.get_scorecard(ws.store, ws.config, month)
    report.steps["scorecard"] = {
        "month": card.get("month"),
        "grades": {c["name"]: c.get("grade") for c in card.get("categories", [])},
    }
    report.steps["logins"] = [
        {"username": u, "password": pw, "role": role} for u, pw, role in auth.ensure_demo_logins(ws)
    ]
    # notifications go out the day after the push for the leads of "yesterday": the demo pushed today
    send_day = datetime.now(ZoneInfo(ws.config.workspace.timezone)).date() + timedelta(days=1)
    report.next_commands += [
        f"jobshift -w {ws.path} eval --truth {data_dir / 'truth.jsonl'}",
        f"jobshift -w {ws.path} notify --dry-run --date {send_day.isoformat()}",
        f"jobshift -w {ws.path} scorecard --month {month}",
        f"jobshift -w {ws.path} serve",
    ]
    return report


def _loaded_manifest(ws: Workspace, data_dir: Path) -> dict[str, Any] | None:
    """The manifest of the demo data last loaded into ``ws`` (``None`` if none or unreadable)."""
    try:
        loaded = json.loads((ws.path / LOADED_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) and (data_dir / "manifest.json").exists() else None


def serve_workspace(ws: Workspace, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web UI of ``ws`` until interrupted."""
    from jobshift.services.admin import serving

    serving.serve(ws.path, host=host, port=port)
