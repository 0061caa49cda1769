"""The CRM registry: ``[push] crm`` names one entry, which knows how to connect, check, pull and set up.

Every CRM is one entry here plus its own connector package (``connectors/salesforce``,
``connectors/hubspot``) and service module; push, the scheduler and the ``crm`` commands look the entry up
instead of branching on the name. The registry lives in ``services`` (not ``connectors``) because pull
and check write to and read from the store. Imports of a connector's third-party client happen only
when that entry is used. ``tests/test_crm_registry.py`` fails when an entry is incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobshift.config import Config
from jobshift.connectors.crm.draft_writes import DraftWriter
from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.errors import ConfigError
from jobshift.services.workspace import Workspace

Clock = Callable[[], datetime]
RecordUrl = Callable[[Config, Mapping[str, Any], str, str | None, Mapping[str, str] | None], str | None]
"""(config, the account ``crm check`` stored, canonical object, record id, related records) → URL."""


@dataclass(frozen=True)
class CrmEntry:
    """One CRM: its connector factory and, for a remote CRM, its check / pull / setup use cases."""

    name: str
    label: str
    remote: bool
    connect: Callable[[Workspace, Clock], CrmConnector]
    check: Callable[[Workspace], Any] | None = None
    pull: Callable[..., Any] | None = None
    """``pull(ws, since=…, objects=…)`` → a report with ``objects``, ``stats``, ``seconds``."""
    setup: Callable[..., Any] | None = None
    doc: str = ""
    record_url: RecordUrl | None = None
    """The link to a record in the CRM (web UI, notifications); ``None``: the CRM has no record pages."""
    draft_writer: Callable[[Workspace], DraftWriter] | None = None
    """Writes lead drafts as tasks / notes (``[outreach] crm_write``)."""


def _store(ws: Workspace, clock: Clock) -> CrmConnector:
    from jobshift.connectors.crm.store import StoreCrmConnector
    from jobshift.store.schema import CRM_TABLES

    return StoreCrmConnector(ws.store.engine, CRM_TABLES, clock=clock)


def _salesforce(ws: Workspace, clock: Clock) -> CrmConnector:
    from jobshift.connectors.crm.salesforce import SalesforceConnector

    return SalesforceConnector(ws.config.salesforce)


def _salesforce_check(ws: Workspace) -> Any:
    from jobshift.services.crm.crm_links import save_account
    from jobshift.services.crm.salesforce_sync import check_salesforce, connect

    conn = connect(ws)
    report = check_salesforce(ws, connector=conn)
    save_account(ws, "salesforce", {"instance_url": f"https://{conn.client.sf.sf_instance}"})
    return report


def _salesforce_pull(ws: Workspace, **kwargs: Any) -> Any:
    from jobshift.services.crm.salesforce_sync import pull_salesforce

    return pull_salesforce(ws, **kwargs)


def _salesforce_url(cfg: Config, account: Mapping[str, Any], *args: Any) -> str | None:
    from jobshift.connectors.crm.salesforce.links import record_url

    return record_url(cfg.salesforce, account, *args)


def _salesforce_setup(ws: Workspace, **kwargs: Any) -> Any:
    from jobshift.services.crm.salesforce_setup import setup_salesforce

    kwargs.pop("dry_run", None)
    return setup_salesforce(ws.config, **kwargs)


def _hubspot(ws: Workspace, clock: Clock) -> CrmConnector:
    from jobshift.connectors.crm.hubspot import HubSpotConnector

    return HubSpotConnector(ws.config.hubspot)


def _hubspot_check(ws: Workspace) -> Any:
    from jobshift.services.crm.crm_links import save_account
    from jobshift.services.crm.hubspot_sync import check_hubspot

    report = check_hubspot(ws)
    save_account(ws, "hubspot", report.account)
    return report


def _hubspot_url(cfg: Config, account: Mapping[str, Any], *args: Any) -> str | None:
    from jobshift.connectors.crm.hubspot.links import record_url

    return record_url(cfg.hubspot, account, *args)


def _hubspot_pull(ws: Workspace, **kwargs: Any) -> Any:
    from jobshift.services.crm.hubspot_sync import pull_hubspot

    return pull_hubspot(ws, **kwargs)


def _hubspot_setup(ws: Workspace, **kwargs: Any) -> Any:
    from jobshift.services.crm.hubspot_sync import setup_hubspot

    return setup_hubspot(ws, dry_run=bool(kwargs.get("dry_run")))


def _store_drafts(ws: Workspace) -> DraftWriter:
    from jobshift.services.outreach.draft_crm import StoreDraftWriter

    return StoreDraftWriter(ws)


def _salesforce_drafts(ws: Workspace) -> DraftWriter:
    from jobshift.connectors.crm.salesforce.draft_tasks import SalesforceDraftTasks

    return SalesforceDraftTasks(ws.config.salesforce)


def _hubspot_drafts(ws: Workspace) -> DraftWriter:
    from jobshift.connectors.crm.hubspot.draft_engagements import HubSpotDraftEngagements

    return HubSpotDraftEngagements(ws.config.hubspot)


REGISTRY: dict[str, CrmEntry] = {
    "store": CrmEntry("store", "the built-in store", False, _store, draft_writer=_store_drafts),
    "salesforce": CrmEntry(
        "salesforce", "Salesforce", True, _salesforce, _salesforce_check, _salesforce_pull,
        _salesforce_setup, "docs/salesforce.md", _salesforce_url, _salesforce_drafts,
    ),
    "hubspot": CrmEntry(
        "hubspot", "HubSpot", True, _hubspot, _hubspot_check, _hubspot_pull, _hubspot_setup,
        "docs/hubspot.md", _hubspot_url, _hubspot_drafts,
    ),
}  # fmt: skip


def crm_entry(name: str) -> CrmEntry:
    """The entry of CRM ``name`` (``ConfigError`` naming ``push.crm`` when there is none)."""
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(REGISTRY)
        raise ConfigError(f"unknown CRM {name!r}; expected one of: {known}", "push.crm") from None


def workspace_crm(ws: Workspace) -> CrmEntry:
    """The entry ``[push] crm`` of the workspace names."""
    return crm_entry(ws.config.push.crm)


def remote_crm(ws: Workspace, name: str | None = None) -> CrmEntry:
    """The remote CRM the ``crm`` commands act on: ``name`` (``--crm``), else ``[push] crm``; with the
    built-in store configured, Salesforce (the ``crm`` commands predate the registry and kept that)."""
    entry = crm_entry(name) if name else workspace_crm(ws)
    if not entry.remote:
        if name:
            remote = ", ".join(n for n, e in REGISTRY.items() if e.remote)
            raise ConfigError(f"{name!r} is not a remote CRM; expected one of: {remote}", "--crm")
        return REGISTRY["salesforce"]
    return entry
