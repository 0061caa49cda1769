"""Drafts in notifications: a lead item's payload gets its cached draft (``jobshift draft --all`` made it),
so the e-mail shows a "Draft" section and the Slack card a draft block with a "Draft" button."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from jobshift.store import outreach as ostore

_FIELDS = ("email_subject", "email_body", "linkedin_note", "source", "template_set")


def attach_drafts(conn: Connection, items: Sequence[tuple[Any, dict[str, Any], Any]]) -> int:
    """Put each lead item's newest draft (an accepted LLM draft first) into its view as ``drafts``."""
    ids = [str(v["item_id"]) for _c, v, _t in items if v.get("item_type") == "lead"]
    cached = ostore.newest_for_leads(conn, ids) if ids else {}
    n = 0
    for _c, view, _t in items:
        rows = cached.get(str(view.get("item_id"))) if view.get("item_type") == "lead" else None
        if not rows:
            continue
        best = next((r for r in rows if r["source"] == "llm"), rows[0])
        view["drafts"] = {k: best[k] for k in _FIELDS}
        n += 1
    return n
