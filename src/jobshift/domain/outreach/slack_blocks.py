"""The drafts' part of a Slack card: one section with the e-mail draft and a "Draft" button.

Slack caps a section's text at 3,000 characters; the body is shortened to fit, and the button opens the
lead page's drafts (copy buttons there), so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_MAX = 2_900


def _escape(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def draft_blocks(draft: Mapping[str, Any] | None, lead_url: str | None) -> list[dict[str, Any]]:
    """Blocks to append to a lead's card (none when there is no draft)."""
    if not draft or not draft.get("email_body"):
        return []
    label = "AI draft, checked against the evidence" if draft.get("source") == "llm" else "Draft"
    text = f"*{label}:* {_escape(draft.get('email_subject') or '')}\n>>> {_escape(draft['email_body'])}"
    if len(text) > _MAX:
        text = text[: _MAX - 1] + "…"
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    if lead_url:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Draft"},
                        "url": f"{lead_url}#drafts",
                        "action_id": "open_draft",
                    }
                ],
            }
        )
    return blocks
