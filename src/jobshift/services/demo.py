"""The demo: generate the synthetic data set into a workspace and run the pipeline over it.

``generate_data`` writes the files (see :mod:`jobshift.synth`); ``load_demo`` generates into
``<workspace>/demo-data`` and loads it with the import and ingest services, then runs the later
steps that exist in this build (detection today; push and notifications when they are added), and
reports what it did and which commands come next.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobshift.errors import JobshiftError, UsageError
from jobshift.services.workspace import Workspace
from jobshift.synth.generate import DEFAULT_AS_OF, PEOPLE_FORMATS, Manifest, generate

DEMO_DATA_DIR = "demo-data"
ProgressFn = Callable[[int, int], None]


def generate_data(
    out_dir: str | Path,
    seed: int = 7,
    scale: float = 1.0,
    people_format: str = "jsonl",
    progress: ProgressFn | None = None,
) -> Manifest:
    """Write the synthetic CRM + people-data set (and its truth) into ``out_dir``."""
    if scale <= 0:
        raise UsageError("--scale must be positive")
    if people_format not in PEOPLE_FORMATS:
        raise UsageError(f"--people-format must be one of: {', '.join(PEOPLE_FORMATS)}")
    return generate(
        out_dir, seed=seed, scale=scale, people_format=people_format, as_of=DEFAULT_AS_OF, progress=progress
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


def _optional(module: str) -> Any | None:
    """The service module ``jobshift.services.<module>`` if this build has it."""
    try:
        return importlib.import_module(f"jobshift.services.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"jobshift.services.{module}":
            return None
        raise


def load_demo(
    ws: Workspace, seed: int = 7, scale: float = 1.0, progress: ProgressFn | None = None
) -> DemoReport:
    """Generate the demo data into ``ws`` and import, ingest and detect it.

    Idempotent: regenerating with the same seed writes identical files, and re-importing /
    re-ingesting them changes nothing.
    """
    data_dir = ws.path / DEMO_DATA_DIR
    manifest = generate_data(data_dir, seed=seed, scale=scale, progress=progress)
    report = DemoReport(str(data_dir), manifest.to_dict())
    importing = _optional("importing")
    ingesting = _optional("ingesting")
    if importing is None or ingesting is None:
        raise JobshiftError(
            f"the demo data is in {data_dir}, but this build cannot load it "
            "(jobshift.services.importing / ingesting missing)"
        )
    imports = importing.import_dir(ws, data_dir)
    report.steps["import"] = {Path(r.source).name: r.counts() for r in imports}
    ingest = ingesting.ingest_people(ws, data_dir / manifest.people_file)
    report.steps["ingest"] = ingest.counts()
    detecting = _optional("detecting")
    if detecting is not None:
        try:
            summary = detecting.detect(ws)
        except Exception as exc:  # the data stays loaded; the demo goes on and says what failed
            report.skipped["detect"] = (
                f"failed: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}"
            )
            report.next_commands.append(f"jobshift -w {ws.path} detect")
        else:
            report.steps["detect"] = {"by_type": summary.by_type, "by_status": summary.by_status}
    else:
        report.skipped["detect"] = "not in this build"
        report.next_commands.append("jobshift detect")
    for step, module, command in (
        ("push", "pushing", "jobshift push --dry-run"),
        ("notify", "notifying", "jobshift notify"),
    ):
        if _optional(module) is None:
            report.skipped[step] = "not in this build"
        report.next_commands.append(f"jobshift -w {ws.path} {command.removeprefix('jobshift ')}")
    if _optional("evaluating") is not None:
        report.next_commands.append(
            f"jobshift -w {ws.path} export signals --format jsonl --out {data_dir / 'signals.jsonl'}"
        )
    report.next_commands.append(f"jobshift -w {ws.path} serve")
    return report


def serve_available() -> bool:
    """Whether this build has the web server."""
    return _optional("serving") is not None


def serve_workspace(ws: Workspace, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web UI of ``ws`` until interrupted."""
    serving = _optional("serving")
    if serving is None:
        raise JobshiftError("this build has no web server (jobshift.services.serving missing)")
    serving.serve(ws.path, host=host, port=port)
