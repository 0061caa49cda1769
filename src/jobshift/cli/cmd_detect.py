"""Commands: ``detect`` (run detection, counts per signal type) and ``eval`` (score against a truth file).

``export signals`` is served by the generic ``export`` command (``jobshift.services.browse.exporting``
imports ``jobshift.services.detect.detecting``, which registers the exporter, on first use).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobshift.cli.output import console, print_json, print_table, warn

if TYPE_CHECKING:
    from jobshift.cli.main import State


def register(app: typer.Typer, state: State) -> None:
    """Add these commands to ``app`` (``export signals`` is known to services.exporting lazily)."""

    @app.command()
    def detect(
        tier: Annotated[
            int | None,
            typer.Option("--tier", help="only this tier (needs cohorts/tiers from `jobshift track`)"),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable summary")] = False,
        feed: Annotated[
            str | None,
            typer.Option(
                "--feed",
                help="read the people feed from these files (path, directory, glob or comma list; "
                "JSONL/Parquet) instead of the store's observations",
            ),
        ] = None,
        executor: Annotated[
            str, typer.Option("--executor", help="local | dask | dask-local (dask executors need --feed)")
        ] = "local",
        scheduler: Annotated[
            str | None, typer.Option("--scheduler", help="Dask scheduler address tcp://HOST:PORT")
        ] = None,
        workers: Annotated[
            int | None, typer.Option("--workers", min=1, help="worker processes of --executor dask-local")
        ] = None,
        incremental: Annotated[
            bool,
            typer.Option(
                "--incremental",
                help="with --feed: detect only people new or changed since the last release this "
                "workspace detected (and people linked to changed contacts); same signals as a full run",
            ),
        ] = False,
        results_dir: Annotated[
            str | None,
            typer.Option(
                "--results-dir",
                help="with --feed: partition results go to Parquet files below this directory (shared "
                "with the workers on a cluster) and are merged from there, instead of held in memory",
            ),
        ] = None,
        tracked_partitions: Annotated[
            int | None,
            typer.Option(
                "--tracked-partitions",
                min=1,
                help="with --feed: split the tracked set into K hash slices by blocking key that the "
                "workers read from files (default: from [detection] worker_memory_mb; unset: whole)",
            ),
        ] = None,
        shards: Annotated[
            int | None,
            typer.Option(
                "--shards",
                min=1,
                help="with --feed --results-dir: finalize in S shards (default: one per 2.5M feed "
                "profiles, estimated from the feed files)",
            ),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option(
                "--as-of",
                help="run date YYYY-MM-DD that too_old and the evidence's age count to (default: today)",
            ),
        ] = None,
    ) -> None:
        """Run detection over the newest observations; print counts per signal type."""
        from jobshift.errors import UsageError
        from jobshift.services.detect import detecting  # heavy (polars, engine): imported on use
        from jobshift.services.workspace import Workspace

        run_date = None
        if as_of is not None:
            from datetime import date

            try:
                run_date = date.fromisoformat(as_of)
            except ValueError:
                raise UsageError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
            if feed is not None:
                raise UsageError("--as-of works with the store mode (without --feed)")
        if incremental and feed is None:
            raise UsageError("--incremental needs --feed (it compares feed releases)")
        if tracked_partitions is not None and (feed is None or incremental):
            raise UsageError("--tracked-partitions needs --feed (and a full run, not --incremental)")
        if shards is not None and (feed is None or results_dir is None or incremental):
            raise UsageError("--shards needs --feed and --results-dir (and a full run, not --incremental)")
        if feed is None and executor != "local":
            raise UsageError(f"--executor {executor} needs --feed (the store mode runs locally)")
        ws = Workspace.open(state.workspace)
        try:
            if feed is not None:
                from jobshift.services.detect.detecting_feed import detect_feed

                summary = detect_feed(
                    ws,
                    feed,
                    executor=executor,
                    scheduler=scheduler,
                    workers=workers,
                    tier=tier,
                    incremental=incremental,
                    results_dir=results_dir,
                    tracked_partitions=tracked_partitions,
                    shards=shards,
                )
            else:
                summary = detecting.detect(ws, tier=tier, run_date=run_date)
        finally:
            ws.close()
        if as_json:
            print_json(summary.to_dict())
            return
        print_table("signals detected", summary.by_type, ("type", "count"))
        print_table("by status", summary.by_status, ("status", "count"))
        console.print(
            f"{summary.observations:,} profiles, {summary.tracked_contacts:,} tracked contacts; "
            f"{summary.write['inserted']:,} new, {summary.write['updated']:,} updated, "
            f"{summary.write['unchanged']:,} unchanged (run {summary.run_id})"
        )
        if summary.release is not None:
            r = summary.release
            console.print(
                f"release: {r['mode']}; {r['rows']:,} rows, {r['converted']:,} converted, "
                f"{r['people_detected']:,} people detected"
            )
        if summary.ambiguous:
            warn(f"{summary.ambiguous:,} contacts with ambiguous same-name profiles were not acted on")

    @app.command("eval")
    def eval_(
        truth: Annotated[Path, typer.Option("--truth", help="truth.jsonl of the generator")],
        signals: Annotated[
            Path | None, typer.Option("--signals", help="score this exported JSONL instead of the store")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="machine-readable report")] = False,
    ) -> None:
        """Score the signals against a truth file: precision, recall, F1 per type, beside a naive baseline."""
        from jobshift.services.detect import evaluating
        from jobshift.services.workspace import Workspace

        ws = Workspace.open(state.workspace)
        try:
            report = evaluating.evaluate(ws, truth, signals)
        finally:
            ws.close()
        if as_json:
            print_json(report)
            return
        rows = [
            (t, s["tp"], s["fp"], s["fn"], f"{s['precision']:.4f}", f"{s['recall']:.4f}", f"{s['f1']:.4f}")
            for t, s in report["per_type"].items()
        ]
        print_table("detection vs truth", rows, ("type", "tp", "fp", "fn", "precision", "recall", "f1"))
        base = report["baseline"]
        print_table(
            f"naive baseline ({base['rule']})",
            [
                (
                    t,
                    b["tp"],
                    b["fp"],
                    b["fn"],
                    f"{b['precision']:.4f}",
                    f"{b['recall']:.4f}",
                    f"{b['f1']:.4f}",
                )
                for t, b in base["per_type"].items()
            ],
            ("type", "tp", "fp", "fn", "precision", "recall", "f1"),
        )
        console.print(
            f"matched-account accuracy {report['matched_account_accuracy']:.4f} "
            f"({report['matched_account_checked']:,} checked); "
            f"filter accuracy {report['filter_accuracy']:.4f} ({report['filter_checked']:,} checked); "
            f"baseline matched-account accuracy {base['matched_account_accuracy']:.4f}"
        )
