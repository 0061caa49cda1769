"""The sequence-tool registry: ``[[outreach.enrol]] tool`` names one entry, which knows how to connect.

Each tool is one entry here plus its connector package (``connectors/outreach/<name>``). Imports of a
connector happen only when its entry is used. ``tests/test_outreach_registry.py`` fails when an entry is
incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from jobshift.config import SequenceToolSection
from jobshift.connectors.outreach.protocol import SequenceConnector
from jobshift.errors import ConfigError
from jobshift.services.workspace import Workspace


@dataclass(frozen=True)
class ToolEntry:
    """One sequence tool."""

    name: str
    label: str
    connect: Callable[[Workspace], SequenceConnector]
    secret: str
    """Where its credentials come from (shown by ``enrol --check`` and the docs)."""
    doc: str = "docs/outreach.md"


def settings_of(ws: Workspace, name: str) -> SequenceToolSection:
    """The ``[outreach.<name>]`` section."""
    section: SequenceToolSection = getattr(ws.config.outreach, name)
    return section


def _outreach(ws: Workspace) -> SequenceConnector:
    from jobshift.connectors.outreach.outreach import OutreachConnector

    return OutreachConnector(settings_of(ws, "outreach"))


def _salesloft(ws: Workspace) -> SequenceConnector:
    from jobshift.connectors.outreach.salesloft import SalesloftConnector

    return SalesloftConnector(settings_of(ws, "salesloft"))


def _hubspot(ws: Workspace) -> SequenceConnector:
    from jobshift.connectors.outreach.hubspot import HubSpotSequencesConnector

    s = settings_of(ws, "hubspot")
    return HubSpotSequencesConnector(s, base_url=s.base_url or ws.config.hubspot.base_url)


def _salesforce(ws: Workspace) -> SequenceConnector:
    from jobshift.connectors.outreach.salesforce import SalesforceCadenceConnector

    return SalesforceCadenceConnector(ws.config.salesforce, settings_of(ws, "salesforce"))


REGISTRY: dict[str, ToolEntry] = {
    "outreach": ToolEntry("outreach", "Outreach", _outreach, "JOBSHIFT_OUTREACH_TOKEN"),
    "salesloft": ToolEntry("salesloft", "Salesloft", _salesloft, "JOBSHIFT_SALESLOFT_TOKEN"),
    "hubspot": ToolEntry("hubspot", "HubSpot sequences", _hubspot, "JOBSHIFT_HUBSPOT_TOKEN"),
    "salesforce": ToolEntry(
        "salesforce", "Salesforce Sales Engagement", _salesforce, "[salesforce] + JOBSHIFT_SF_*"
    ),
}


def tool_entry(name: str) -> ToolEntry:
    """The entry of tool ``name`` (``ConfigError`` when there is none)."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ConfigError(
            f"unknown sequence tool {name!r}; expected one of: {', '.join(REGISTRY)}", "outreach.enrol"
        ) from None
