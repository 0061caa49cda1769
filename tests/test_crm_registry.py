"""The CRM registry: every ``[push] crm`` value has a complete entry, and lookups fail clearly."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from jobshift.config import PushSection
from jobshift.connectors.crm.protocol import CrmConnector
from jobshift.errors import ConfigError
from jobshift.services.program.crm_registry import REGISTRY, crm_entry, remote_crm
from jobshift.services.workspace import Workspace


def test_every_configurable_crm_has_a_complete_entry() -> None:
    allowed = set(typing.get_args(PushSection.model_fields["crm"].annotation))
    assert allowed == set(REGISTRY)
    for name, entry in REGISTRY.items():
        assert entry.name == name and entry.label and callable(entry.connect)
        assert callable(entry.draft_writer), name  # [outreach] crm_write works in every CRM mode
        if entry.remote:  # a remote CRM must be checkable, pullable, settable up, linkable and documented
            assert entry.check and entry.pull and entry.setup and entry.record_url, name
            assert (Path(__file__).parents[1] / entry.doc).is_file(), entry.doc


def test_unknown_or_local_crm_is_refused_by_name(workspace_env: Path) -> None:
    with pytest.raises(ConfigError, match=r"push\.crm"):
        crm_entry("pipedrive")
    ws = Workspace.open(workspace_env)
    try:
        assert remote_crm(ws).name == "salesforce"  # the store: crm commands act on Salesforce
        with pytest.raises(ConfigError, match="not a remote CRM"):
            remote_crm(ws, "store")
        store = REGISTRY["store"].connect(ws, lambda: None)  # type: ignore[arg-type,return-value]
        assert isinstance(store, CrmConnector) and store.name == "store"
    finally:
        ws.close()
