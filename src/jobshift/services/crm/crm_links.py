"""Links from jobshift to the records in the CRM it wrote or matched (web UI, Slack and e-mail notes).

What a link needs from the CRM account — Salesforce's instance URL, HubSpot's portal id and UI domain —
is found by ``jobshift crm check`` and stored in the workspace (``crm-account.json``, one entry per CRM);
the CRM's entry in the registry builds the URL (one function per CRM, in its connector package). The
built-in store has no record pages: no links. ``[notifications] crm_record_url`` (a template with
``{object}`` = Lead / Contact / Account / Opportunity and ``{id}``), when set, is used instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jobshift.services.workspace import Workspace
from jobshift.utils.files import atomic_write_text

ACCOUNT_FILE = "crm-account.json"
OBJECT_LABELS = {
    "leads": "Lead",
    "contacts": "Contact",
    "accounts": "Account",
    "opportunities": "Opportunity",
}

RecordUrl = Callable[[str, str, Mapping[str, str] | None], str | None]
"""(canonical object, record id, related records by CRM object type) → URL or ``None``."""


def load_accounts(workspace: Path) -> dict[str, dict[str, Any]]:
    """What ``crm check`` stored per CRM (``{}`` when it never ran or the file is unreadable)."""
    try:
        data = json.loads((workspace / ACCOUNT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: dict(v) for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def save_account(ws: Workspace, crm: str, info: Mapping[str, Any]) -> None:
    """Store ``info`` (e.g. the portal id) as CRM ``crm``'s account in the workspace (atomic write)."""
    data = load_accounts(ws.path)
    data[crm] = {**{k: v for k, v in info.items() if v not in (None, "")},
                 "checked_at": datetime.now(UTC).replace(microsecond=0).isoformat()}  # fmt: skip
    atomic_write_text(ws.path / ACCOUNT_FILE, json.dumps(data, indent=2, sort_keys=True) + "\n")


@dataclass(frozen=True)
class CrmLinks:
    """The workspace's CRM (``label``) and how to link to its records."""

    crm: str
    label: str
    build: RecordUrl | None = None
    template: str = ""

    def url(self, obj: str, record_id: Any, custom: Any = None) -> str | None:
        """The CRM URL of ``record_id`` of canonical object ``obj`` (``custom``: the local row's custom
        column, where a push keeps the other records it made, e.g. HubSpot's Lead object)."""
        if not record_id:
            return None
        if self.template:
            try:
                return self.template.format(object=OBJECT_LABELS.get(obj, obj), id=record_id)
            except (KeyError, IndexError, ValueError):
                return None
        if self.build is None:
            return None
        related = custom.get("crm_records") if isinstance(custom, Mapping) else None
        return self.build(obj, str(record_id), related if isinstance(related, Mapping) else None)


def crm_links(ws: Workspace) -> CrmLinks:
    """The links of the workspace's CRM (``[push] crm``), with the account ``crm check`` stored."""
    from jobshift.services.program.crm_registry import workspace_crm

    entry = workspace_crm(ws)
    template = ws.config.notifications.crm_record_url
    builder = entry.record_url
    if builder is None:
        return CrmLinks(entry.name, entry.label, None, template)
    cfg, account = ws.config, load_accounts(ws.path).get(entry.name, {})

    def build(obj: str, record_id: str, related: Mapping[str, str] | None) -> str | None:
        assert builder is not None
        return builder(cfg, account, obj, record_id, related)

    return CrmLinks(entry.name, entry.label, build, template)
