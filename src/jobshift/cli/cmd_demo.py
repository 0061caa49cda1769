"""Commands: ``generate`` (the synthetic data set), ``demo`` (the one-command tour), and the demo
loader used by ``init --demo``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobshift.cli.output import console, print_json, print_table, progress, warn

if TYPE_CHECKING:
    from jobshift.cli.main import State
    from jobshift.services.admin.demo import DemoReport
    from jobshift.services.workspace import Workspace


def _print_manifest(manifest: dict[str, Any], out: str) -> None:
    counts = manifest["counts"]
    print_table(
        f"Generated into {out} (seed {manifest['seed']}, scale {manifest['scale']}, "
        f"as of {manifest['as_of']})",
        {k: v for k, v in counts.items()},
        ("file / count", "rows"),
    )
    print_table("Expected signals (truth.jsonl)", manifest["truth"], ("type:status", "rows"))


def _print_demo(report: DemoReport) -> None:
    _print_manifest(report.manifest, report.data_dir)
    for name, counts in report.steps.get("import", {}).items():
        console.print(
            f"imported {name}: {counts.get('inserted', 0):,} new, {counts.get('updated', 0):,} updated, "
            f"{counts.get('quarantined', 0):,} quarantined",
            highlight=False,
        )
    if "ingest" in report.steps:
        ing = report.steps["ingest"]
        console.print(
            f"ingested people: {ing.get('inserted', 0):,} new observations, "
            f"{ing.get('already_present', 0):,} already present, {ing.get('quarantined', 0):,} "
            "quarantined",
            highlight=False,
        )
    if "track" in report.steps:
        tr = report.steps["track"]
        tiers = ", ".join(f"{t['name']}: {t['contacts']:,}" for t in tr["tiers"])
        console.print(
            f"tracked {tr['tracked']:,} contacts ({tiers}); {tr['over_cap']:,} over the cap", highlight=False
        )
    if "detect" in report.steps:
        print_table("Detected signals", report.steps["detect"]["by_status"], ("status", "signals"))
    if "push" in report.steps:
        ap = report.steps["push"]["applied"]
        console.print(
            f"pushed: {ap['created']:,} leads created, {ap['updated']:,} contacts marked no longer at "
            f"company, {ap['linked']:,} linked to existing records",
            highlight=False,
        )
    if "scorecard" in report.steps:
        sc = report.steps["scorecard"]
        grades = ", ".join(f"{k} {v}" for k, v in sc["grades"].items())
        console.print(f"scorecard {sc['month']}: {grades}", highlight=False, soft_wrap=True)
    if report.steps.get("logins"):
        print_table(
            "Web logins (change these passwords)",
            [(x["username"], x["password"], x["role"]) for x in report.steps["logins"]],
            ("username", "password", "role"),
        )
    for step, why in report.skipped.items():
        warn(f"{step}: {why}")
    if report.next_commands:
        console.print("Next:", highlight=False)
        for cmd in report.next_commands:
            console.print(f"  {cmd}", highlight=False, soft_wrap=True)


def load_demo(ws: Workspace, seed: int = 7, scale: float = 1.0) -> DemoReport:
    """Generate the demo data into ``ws``, load it and print what happened (used by ``init --demo``)."""
    from jobshift.services.admin.demo import load_demo as _load_demo

    last = [0]

    def tick(done: int, total: int) -> None:
        bar.advance(done - last[0], total)
        last[0] = done

    with progress("generating demo data (contacts)") as bar:
        report = _load_demo(ws, seed=seed, scale=scale, progress=tick)
    _print_demo(report)
    return report


def register(app: typer.Typer, state: State) -> None:
    """Add the ``generate`` and ``demo`` commands to ``app``."""

    @app.command()
    def generate(
        out: Annotated[Path, typer.Option("--out", help="directory to write the data set into")],
        seed: Annotated[int, typer.Option(help="random seed: the same seed gives identical files")] = 7,
        scale: Annotated[float, typer.Option(help="1 ≈ 2,000 accounts / 20,000 contacts; 50 ≈ 1M")] = 1.0,
        people_format: Annotated[
            str, typer.Option("--people-format", help="jsonl, jsonl.gz or parquet")
        ] = "jsonl",
        json_out: Annotated[bool, typer.Option("--json", help="print the manifest as JSON")] = False,
        noise: Annotated[
            str,
            typer.Option(
                "--noise",
                help="real (default): CRM titles and company names typed the way people type them, "
                "several current jobs, missing start dates, aliases; clean: without that noise",
            ),
        ] = "real",
    ) -> None:
        """Generate a synthetic CRM + people-data set with its ground truth (truth.jsonl)."""
        from jobshift.services.admin.demo import generate_data

        last = [0]

        def tick(done: int, total: int) -> None:
            bar.advance(done - last[0], total)
            last[0] = done

        with progress("generating (contacts)") as bar:
            manifest = generate_data(
                out, seed=seed, scale=scale, people_format=people_format, progress=tick, noise=noise
            )
        if json_out:
            print_json(manifest.to_dict())
        else:
            _print_manifest(manifest.to_dict(), str(out))

    @app.command()
    def demo(
        directory: Annotated[
            Path | None,
            typer.Argument(
                help="workspace directory (default: -w / JOBSHIFT_WORKSPACE, else ./demo-workspace)"
            ),
        ] = None,
        seed: Annotated[int, typer.Option(help="demo data seed")] = 7,
        scale: Annotated[float, typer.Option(help="data size (1 ≈ 20,000 contacts)")] = 1.0,
        no_serve: Annotated[bool, typer.Option("--no-serve", help="do not start the web UI")] = False,
        host: Annotated[str, typer.Option(help="web UI host")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="web UI port")] = 8000,
        json_out: Annotated[
            bool, typer.Option("--json", help="print the report as JSON (implies --no-serve)")
        ] = False,
    ) -> None:
        """The one-command tour: init, generate, import, ingest, track, detect, push, scorecard, serve."""
        from jobshift.services.admin.demo import load_demo as _load_demo
        from jobshift.services.admin.demo import serve_workspace
        from jobshift.services.workspace import init_workspace

        ws, created = init_workspace(directory or state.workspace or Path("demo-workspace"))
        try:
            if json_out:
                print_json(_load_demo(ws, seed=seed, scale=scale).to_dict())
                return
            console.print(f"{'Created' if created else 'Using'} workspace {ws.path}", highlight=False)
            load_demo(ws, seed=seed, scale=scale)
            if no_serve:
                return
            console.print(f"Serving the web UI on http://{host}:{port} (Ctrl-C to stop)", highlight=False)
            serve_workspace(ws, host=host, port=port)
        finally:
            ws.close()
