"""Reading and validating a configuration: TOML + ``JOBSHIFT_*`` → :class:`Config`, errors with key paths."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jobshift.config.base import CONFIG_FILE, DEFAULT_DB_FILE
from jobshift.config.model import Config
from jobshift.config.service import SCHEDULE_JOB_NAMES
from jobshift.errors import ConfigError


def _format_validation_error(exc: ValidationError) -> ConfigError:
    err = exc.errors()[0]
    path = ""
    for p in err["loc"]:  # list items as [i]: cohorts[2].opportunity_status
        path += (
            f"[{p}]"
            if isinstance(p, int)
            else ("." if path else "") + ("import" if p == "import_" else str(p))
        )
    msg = err["msg"]
    if "input" in err and err["type"] not in ("missing", "extra_forbidden"):
        msg = f"{msg} (got {err['input']!r})"
    if err["type"] == "extra_forbidden":
        msg = "unknown key"
    more = len(exc.errors()) - 1
    if more:
        msg += f" (and {more} more error{'s' if more > 1 else ''})"
    return ConfigError(msg, key_path=path or "<root>")


def parse_config(data: dict[str, Any]) -> Config:
    """Validate a configuration mapping (the parsed TOML) plus ``JOBSHIFT_*`` overrides."""
    try:
        cfg = Config(**data)
    except ValidationError as exc:
        raise _format_validation_error(exc) from None
    _check_program(cfg)
    return cfg


def _check_program(cfg: Config) -> None:
    """Checks across sections: unique cohort names, tiers naming known cohorts, a last tier for the rest."""
    if not cfg.cohorts:
        raise ConfigError("at least one cohort is needed (see docs/program.md)", key_path="cohorts")
    seen: set[str] = set()
    for i, c in enumerate(cfg.cohorts):
        if c.name in seen:
            raise ConfigError(f"duplicate cohort name {c.name!r}", key_path=f"cohorts[{i}].name")
        seen.add(c.name)
    if not cfg.tiers:
        raise ConfigError("at least one tier is needed", key_path="tiers")
    for name, t in cfg.tiers.items():
        unknown = [c for c in t.cohorts if c not in seen]
        if unknown:
            raise ConfigError(
                f"unknown cohort {unknown[0]!r} (cohorts: {', '.join(sorted(seen))})",
                key_path=f"tiers.{name}.cohorts",
            )
    last_name, last = list(cfg.tiers.items())[-1]
    if last.size is not None or last.cohorts or last.top_cohort:
        raise ConfigError(
            "the last tier must take the rest (no size, cohorts or top_cohort)", key_path=f"tiers.{last_name}"
        )
    _check_schedule(cfg)


def _check_schedule(cfg: Config) -> None:
    """The time zone exists, every tier cadence fires, ``[schedule] jobs`` names known jobs."""
    from datetime import datetime
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from jobshift.domain.cadence import next_due

    try:
        ZoneInfo(cfg.workspace.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown time zone {cfg.workspace.timezone!r} (an IANA name such as Europe/Berlin)",
            key_path="workspace.timezone",
        ) from None
    for name, t in cfg.tiers.items():
        if name in SCHEDULE_JOB_NAMES:
            raise ConfigError(
                f"{name!r} is reserved for a scheduler job; rename the tier", key_path=f"tiers.{name}"
            )
        try:
            next_due(t.cadence, datetime(2000, 1, 1))
        except ValueError as exc:
            raise ConfigError(str(exc), key_path=f"tiers.{name}.cadence") from None
    known = (*SCHEDULE_JOB_NAMES, *cfg.tiers)
    for i, job in enumerate(cfg.schedule.jobs):
        if job not in known:
            raise ConfigError(
                f"unknown job {job!r} (one of {', '.join(known)})", key_path=f"schedule.jobs[{i}]"
            )


def load_config(workspace: Path) -> Config:
    """Read ``workspace/jobshift.toml`` (if present) and the environment into a :class:`Config`."""
    path = workspace / CONFIG_FILE
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(data)


def database_url(workspace: Path, config: Config | None = None) -> str:
    """The database URL: ``JOBSHIFT_DATABASE_URL`` / config, else the SQLite file in the workspace."""
    url = os.environ.get("JOBSHIFT_DATABASE_URL") or (config.database_url if config else None)
    if url:
        return url
    return f"sqlite:///{(workspace / DEFAULT_DB_FILE).resolve()}"
