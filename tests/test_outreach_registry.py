"""The sequence-tool registry: every ``[[outreach.enrol]] tool`` value has a complete entry that connects
with the workspace's settings, and an unknown tool is refused by name."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from jobshift.config import EnrolRule
from jobshift.connectors.outreach.protocol import SequenceConnector
from jobshift.errors import ConfigError
from jobshift.services.outreach.tools import REGISTRY, tool_entry
from jobshift.services.workspace import Workspace


def test_every_configurable_tool_has_a_complete_entry() -> None:
    allowed = set(typing.get_args(EnrolRule.model_fields["tool"].annotation))
    assert allowed == set(REGISTRY)
    for name, entry in REGISTRY.items():
        assert entry.name == name and entry.label and entry.secret and callable(entry.connect)
        assert (Path(__file__).parents[1] / entry.doc).is_file(), entry.doc


def test_entries_connect_and_unknown_tools_are_refused(
    workspace_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("JOBSHIFT_OUTREACH_TOKEN", "JOBSHIFT_SALESLOFT_TOKEN", "JOBSHIFT_HUBSPOT_TOKEN"):
        monkeypatch.setenv(var, "t")
    ws = Workspace.open(workspace_env)
    try:
        for name in ("outreach", "salesloft", "hubspot"):  # salesforce logs in lazily, on first use
            c = tool_entry(name).connect(ws)
            assert isinstance(c, SequenceConnector) and c.name == name
            c.close()
    finally:
        ws.close()
    with pytest.raises(ConfigError, match="unknown sequence tool 'apollo'"):
        tool_entry("apollo")
