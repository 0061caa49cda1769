"""Rendering notifications from their stored payload: e-mail (HTML + text), Slack Block Kit, digests.

The payload is built once when a notification is planned (``services.notifying``) and stored on its
row, so a retry days later renders the same message. Templates live in ``notify/templates`` (Jinja2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from jobshift.domain.display.fields import field_text, person_of
from jobshift.domain.outreach.slack_blocks import draft_blocks

ROLE_LABELS = {
    "lead_owner": "owner of the lead",
    "account_bdr": "BDR of the account",
    "account_ae": "account executive",
    "account_renewal_manager": "renewal manager of the account",
}


def slack_escape(value: Any) -> str:
    """Escape ``&``, ``<`` and ``>`` for Slack mrkdwn (user text must not become links or mentions)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_url(value: Any) -> str:
    """A URL inside a Slack ``<url|label>`` link: the characters that would end the link are encoded."""
    return str(value).replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")


def _autoescape(name: str | None) -> bool:
    return bool(name) and (str(name).endswith(".html.j2") or name == "_macros.j2")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the notification templates (HTML templates autoescaped)."""
    env = Environment(
        loader=PackageLoader("jobshift.notify", "templates"),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["slack"] = slack_escape
    env.filters["slack_url"] = slack_url
    env.filters["display"] = field_text  # names, titles, companies as people read them (domain/display)
    env.filters["person"] = person_of
    return env


@dataclass(frozen=True)
class Rendered:
    """One message in every form a channel needs."""

    subject: str
    text: str
    html: str
    slack_text: str
    slack_blocks: list[dict[str, Any]]


def recipient_view(user: Mapping[str, Any], role: str | None) -> dict[str, Any]:
    """What templates show about the recipient."""
    return {
        "id": user.get("id"),
        "name": (user.get("name") or "there").split()[0] if user.get("name") else "there",
        "role_label": ROLE_LABELS.get(role or "", "recipient"),
    }


def subject_of(m: Mapping[str, Any]) -> str:
    """The e-mail subject (and Slack fallback text) of one item."""
    return f"[jobshift {m['rule']}] {m['person']} {m['headline_verb']}"


def render_item(m: Mapping[str, Any], user: Mapping[str, Any], role: str | None) -> Rendered:
    """Render one notification payload for ``user`` (told as ``role``)."""
    env = environment()
    subject = subject_of(m)
    ctx = {"m": m, "recipient": recipient_view(user, role), "subject": subject}
    blocks = json.loads(env.get_template("slack_blocks.json.j2").render(**ctx))
    lead_url = next((link["url"] for link in m.get("links") or [] if "/leads/" in link["url"]), None)
    blocks += draft_blocks(m.get("drafts"), lead_url)  # first-touch draft (domain/outreach)
    return Rendered(
        subject=subject,
        text=env.get_template("email.txt.j2").render(**ctx),
        html=env.get_template("email.html.j2").render(**ctx),
        slack_text=subject,
        slack_blocks=blocks,
    )


def render_digest(items: Sequence[Mapping[str, Any]], user: Mapping[str, Any], week: str) -> Rendered:
    """Render the weekly digest of ``items`` (payloads) for ``user``."""
    env = environment()
    n = len(items)
    subject = f"[jobshift] Weekly digest {week}: {n} job change{'s' if n != 1 else ''}"
    ctx = {"items": list(items), "recipient": recipient_view(user, None), "subject": subject, "week": week}
    return Rendered(
        subject=subject,
        text=env.get_template("digest.txt.j2").render(**ctx),
        html=env.get_template("digest.html.j2").render(**ctx),
        slack_text=subject,
        slack_blocks=json.loads(env.get_template("slack_digest.json.j2").render(**ctx)),
    )
