"""Use case ``jobshift eval``: score stored (or exported) signals against a truth file, beside a baseline.

The naive baseline is computed in the same run from the same store, with lower-cased strings and no
filters:
a contact is the profile with its exact LinkedIn key or one of its e-mails (newest observation wins);
no current company → ``left_company``; company name != the CRM account name → ``job_change`` (matched
account: the account with exactly that name); same name, other title → ``promotion``; a profile not
matched to a contact whose company name is exactly a target account's and who started within 90 days
→ ``new_hire``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import polars as pl

from jobshift.domain.evaluation import score
from jobshift.domain.signal_types import SIGNAL_TYPES, SignalType
from jobshift.errors import InputFileError
from jobshift.services.detect.detecting import iter_observation_batches
from jobshift.services.workspace import Workspace
from jobshift.store import signals as signal_store
from jobshift.store.detect.queries import account_names_and_targets, contacts_at_accounts
from jobshift.store.detect.reading import read_frame

BASELINE_RULE = (
    "exact LinkedIn/e-mail identity; company name and title compared as lower-cased strings; no filters"
)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every JSON object of a JSON Lines file (blank lines skipped)."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return [orjson.loads(line) for line in fh if line.strip()]
    except (OSError, orjson.JSONDecodeError) as exc:
        raise InputFileError(f"{p}: cannot read JSON Lines: {exc}") from None


def naive_baseline(ws: Workspace) -> list[dict[str, Any]]:
    """Signals per the naive rules (see the module docstring), as signal-like rows."""
    with ws.store.connect() as conn:
        crm = read_frame(
            conn,
            contacts_at_accounts(),
            {
                "contact_id": pl.String,
                "li": pl.String,
                "em": pl.String,
                "title": pl.String,
                "acc_name": pl.String,
            },
        )
        accs = read_frame(
            conn,
            account_names_and_targets(),
            {"account_id": pl.String, "name": pl.String, "is_target": pl.Boolean},
        )
        obs = pl.concat(
            [b.select(BASELINE_COLUMNS) for b in iter_observation_batches(conn)], how="vertical_relaxed"
        )
    if obs.is_empty():
        return []
    obs = obs.with_columns(
        pl.col("emails_norm").str.json_decode(pl.List(pl.String)),
        _fold("job_company_name"),
        _fold("job_title"),
    )
    crm = crm.with_columns(_fold("acc_name"), _fold("title"))
    accs = accs.with_columns(_fold("name"))
    by_li = obs.join(crm.drop_nulls("li"), left_on="linkedin_norm", right_on="li")
    emails = obs.select("person_id", "observed_at", pl.col("emails_norm").alias("e")).explode("e")
    by_em = emails.join(crm.drop_nulls("em"), left_on="e", right_on="em").select("contact_id", "person_id")
    pairs = pl.concat([by_li.select("contact_id", "person_id"), by_em]).unique()
    df = pairs.join(obs, on="person_id").join(crm, on="contact_id")
    df = df.sort("observed_at", descending=True).unique("contact_id", keep="first")
    by_name = accs.unique("name", keep="first").select(
        pl.col("name").alias("job_company_name"), pl.col("account_id").alias("matched_account_id")
    )
    df = df.join(by_name, on="job_company_name", how="left")
    typ = (
        pl.when(pl.col("job_company_name").is_null())
        .then(pl.lit(SignalType.LEFT_COMPANY.value))
        .when(pl.col("job_company_name") != pl.col("acc_name"))
        .then(pl.lit(SignalType.JOB_CHANGE.value))
        .when(pl.col("job_title") != pl.col("title"))
        .then(pl.lit(SignalType.PROMOTION.value))
    )
    contact_rows = df.with_columns(typ.alias("type")).drop_nulls("type")
    targets = accs.filter(pl.col("is_target")).select(
        pl.col("name").alias("job_company_name"), pl.col("account_id").alias("matched_account_id")
    )
    started = pl.col("job_start_date").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    seen = pl.col("observed_at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    hires = (
        obs.join(pairs.select("person_id").unique(), on="person_id", how="anti")
        .join(targets, on="job_company_name")
        .filter((seen - started).dt.total_days().is_between(0, 90))
        .with_columns(
            pl.lit(SignalType.NEW_HIRE.value).alias("type"), pl.lit(None, dtype=pl.String).alias("contact_id")
        )
    )
    cols = ["type", "contact_id", "person_id", "matched_account_id", "observed_at"]
    out = pl.concat([contact_rows.select(cols), hires.select(cols)]).with_columns(
        pl.lit("new").alias("status")
    )
    return out.to_dicts()


def _fold(col: str) -> pl.Expr:
    """Lower case, trimmed: the only normalization the naive baseline does."""
    return pl.col(col).str.strip_chars().str.to_lowercase()


BASELINE_TYPES = tuple(t for t in SIGNAL_TYPES if t != SignalType.TITLE_CHANGE)
"""The naive baseline has no title model: it cannot tell a promotion from another title change."""
BASELINE_COLUMNS = (
    "person_id",
    "observed_at",
    "linkedin_norm",
    "emails_norm",
    "job_title",
    "job_company_name",
    "job_start_date",
)


def evaluate(ws: Workspace, truth_path: str | Path, signals_path: str | Path | None = None) -> dict[str, Any]:
    """Precision/recall/F1 per type, matched-account and filter accuracy, and the naive baseline."""
    truth = read_jsonl(truth_path)
    if signals_path is not None:
        predicted = read_jsonl(signals_path)
        source = str(signals_path)
    else:
        with ws.store.connect() as conn:
            predicted = signal_store.newest_per_subject(signal_store.iter_signals(conn))
        source = "store"
    report = score(predicted, truth).as_dict()
    baseline = score(naive_baseline(ws), truth, types=BASELINE_TYPES).as_dict(examples=0)
    return {
        "source": source,
        "truth": str(truth_path),
        "truth_rows": len(truth),
        "predicted_rows": len(predicted),
        **report,
        "baseline": {
            "rule": BASELINE_RULE,
            "per_type": baseline["per_type"],
            "matched_account_accuracy": baseline["matched_account_accuracy"],
        },
    }
