"""The program configuration: ``jobshift.toml`` read into pydantic models, ``JOBSHIFT_*`` overrides.

Environment variables win over the file; nested keys use ``__``:
``JOBSHIFT_DETECTION__NEW_HIRE_WINDOW_DAYS=60``.
An invalid configuration raises :class:`~jobshift.errors.ConfigError` naming the key path.

The models are the one source of defaults: every field has a default and a description, from which
the commented template ``jobshift init`` writes (:func:`default_config_toml`,
:mod:`jobshift.config.template`) and ``docs/configuration.md`` (:mod:`jobshift.config.reference`,
``scripts/gen_config_docs.py``) are generated. One module per group of sections:

- :mod:`~jobshift.config.core`: ``[workspace]``, ``[store]``, ``[program]``, ``[import]``
- :mod:`~jobshift.config.detection`: ``[detection]``, ``[persona]``, ``[icp]``, ``[filters]``
- :mod:`~jobshift.config.scorecard`: ``[scorecard]`` and its tables
- :mod:`~jobshift.config.program`: ``[[cohorts]]``, ``[tiers.*]``, ``[push]``, ``[backfill]``
- :mod:`~jobshift.config.salesforce`, :mod:`~jobshift.config.hubspot`, :mod:`~jobshift.config.pdl`
- :mod:`~jobshift.config.routing`, :mod:`~jobshift.config.notifications`
- :mod:`~jobshift.config.service`: ``[schedule]``, ``[web]``
- :mod:`~jobshift.config.model`: :class:`Config`; :mod:`~jobshift.config.loading`: reading and checks
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from jobshift.config.base import CONFIG_FILE, DEFAULT_DB_FILE, Section
from jobshift.config.core import ImportSection, LeadSignalType, ProgramSection, StoreSection, WorkspaceSection
from jobshift.config.detection import DetectionSection, FiltersSection, IcpSection, PersonaSection
from jobshift.config.hubspot import HubSpotSection
from jobshift.config.loading import database_url, load_config, parse_config
from jobshift.config.model import Config
from jobshift.config.notifications import (
    WEEKDAYS,
    NotificationRule,
    NotificationsSection,
    Recipient,
    Weekday,
)
from jobshift.config.pdl import PdlSection
from jobshift.config.program import BackfillSection, CohortSection, PushSection, TierSection
from jobshift.config.retry import RETRY_RENAMED, RetrySettings
from jobshift.config.routing import RoutingPool, RoutingSection
from jobshift.config.salesforce import SalesforceSection
from jobshift.config.scorecard import (
    CohortWeights,
    ScorecardBenchmarks,
    ScorecardMinSamples,
    ScorecardSection,
)
from jobshift.config.service import SCHEDULE_JOB_NAMES, ScheduleSection, WebSection


@functools.cache
def default_config_toml() -> str:
    """The commented ``jobshift.toml`` that ``jobshift init`` writes: every default, generated from the
    models (rendered on first use, not at import: most commands never need it)."""
    from jobshift.config.template import render_template

    return render_template()


if TYPE_CHECKING:
    DEFAULT_CONFIG_TOML: str
    """:func:`default_config_toml`, as a module attribute."""
else:

    def __getattr__(name: str) -> str:
        if name == "DEFAULT_CONFIG_TOML":
            return default_config_toml()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CONFIG_FILE",
    "DEFAULT_CONFIG_TOML",
    "DEFAULT_DB_FILE",
    "RETRY_RENAMED",
    "SCHEDULE_JOB_NAMES",
    "WEEKDAYS",
    "BackfillSection",
    "CohortSection",
    "CohortWeights",
    "Config",
    "DetectionSection",
    "FiltersSection",
    "HubSpotSection",
    "IcpSection",
    "ImportSection",
    "LeadSignalType",
    "NotificationRule",
    "NotificationsSection",
    "PdlSection",
    "PersonaSection",
    "ProgramSection",
    "PushSection",
    "Recipient",
    "RetrySettings",
    "RoutingPool",
    "RoutingSection",
    "SalesforceSection",
    "ScheduleSection",
    "ScorecardBenchmarks",
    "ScorecardMinSamples",
    "ScorecardSection",
    "Section",
    "StoreSection",
    "TierSection",
    "WebSection",
    "Weekday",
    "WorkspaceSection",
    "database_url",
    "default_config_toml",
    "load_config",
    "parse_config",
]
