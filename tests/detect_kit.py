"""Shared builders of the undated-new-hire detection tests (test_detect_successors.py,
test_detect_first_seen.py): the watched accounts and a workspace holding a CRM and a people feed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jobshift.services.ingest.importing import import_dir
from jobshift.services.ingest.ingesting import ingest_people
from jobshift.services.workspace import Workspace, init_workspace

ACCOUNTS = """id,name,website,type,is_target,parent_id,industry,country
a-1,Acme Inc.,acme.com,Customer,false,,Software,US
a-2,Siemens AG,siemens.com,Prospect,true,,Manufacturing,DE
a-3,Contoso Ltd,contoso.com,Prospect,false,,Fintech,FR
a-4,Fabrikam GmbH,fabrikam.de,Prospect,true,,Software,DE
"""


def person_url(first: str, last: str) -> str:
    """The LinkedIn URL the tests give a person: linkedin.com/in/first-last, lower case."""
    return f"linkedin.com/in/{first.lower()}-{last.lower()}"


def crm_and_feed_workspace(tmp_path: Path, contacts: str, people: list[dict[str, Any]]) -> Workspace:
    """A new workspace at tmp_path/ws with :data:`ACCOUNTS` and the ``contacts`` CSV imported (from
    tmp_path/crm) and ``people`` ingested (from tmp_path/people.jsonl); the caller closes it."""
    crm = tmp_path / "crm"
    crm.mkdir()
    (crm / "accounts.csv").write_text(ACCOUNTS)
    (crm / "contacts.csv").write_text(contacts)
    f = tmp_path / "people.jsonl"
    f.write_text("".join(json.dumps(p) + "\n" for p in people))
    ws, _ = init_workspace(tmp_path / "ws")
    try:
        import_dir(ws, crm)
        ingest_people(ws, f)
    except BaseException:
        ws.close()
        raise
    return ws
