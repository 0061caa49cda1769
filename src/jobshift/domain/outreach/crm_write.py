"""Drafts written to the CRM (``[outreach] crm_write``): one task or note per lead, exactly once (pure).

A lead's first-touch draft becomes a CRM activity on the lead (Salesforce Task on the Lead / Contact,
HubSpot note or task on the contact, a ``Task`` / ``Note`` activity in the built-in store) so the rep
finds it where they work. Its subject (the note body in HubSpot) starts with :data:`DRAFT_MARK`: that
is how the connectors find their own earlier write (an answer lost after the CRM created the record is
not written twice) and how the scorecard knows the activity is jobshift's, not a rep's touch.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal

DRAFT_MARK = "[jobshift draft]"
"""The start of every draft activity's subject (Salesforce Task, HubSpot task) or body (HubSpot note)."""
SUBJECT_MAX = 255
"""Salesforce Task.Subject and HubSpot hs_task_subject length."""
KIND = "draft_crm"
"""The outbox kind of a draft written to the CRM."""

CrmWriteMode = Literal["task", "note"]


def draft_write_key(lead_id: str) -> str:
    """The outbox idempotency key of a lead's draft activity (one per lead, ever)."""
    return f"draft:{lead_id}"


def is_draft_activity(subject: str | None) -> bool:
    """Whether an activity's subject (or note body) is a draft jobshift wrote."""
    return bool(subject) and str(subject).lstrip().startswith(DRAFT_MARK)


@dataclass(frozen=True)
class DraftWrite:
    """One draft to write: the lead's CRM record, as a task or a note, with its text."""

    idempotency_key: str
    lead_id: str
    mode: CrmWriteMode
    subject: str
    """Starts with :data:`DRAFT_MARK`; at most :data:`SUBJECT_MAX` characters."""
    body: str
    """Plain text: the e-mail (subject and body) and the LinkedIn note."""
    owner_id: str | None = None
    due: str | None = None
    """The task's due date (ISO ``YYYY-MM-DD``)."""
    record_id: str | None = None
    """The CRM record the activity goes on when it is not the lead's own (a converted lead's contact)."""

    @property
    def target(self) -> str:
        """The CRM record the activity goes on."""
        return self.record_id or self.lead_id

    def to_payload(self) -> dict[str, Any]:
        """The outbox payload."""
        return asdict(self)

    @classmethod
    def from_payload(cls, key: str, payload: Mapping[str, Any]) -> DraftWrite:
        """Back from an outbox row."""
        return cls(
            key,
            str(payload["lead_id"]),
            payload["mode"],
            str(payload["subject"]),
            str(payload["body"]),
            payload.get("owner_id"),
            payload.get("due"),
            payload.get("record_id"),
        )

    def note_html(self) -> str:
        """The body as HubSpot note HTML, starting with the subject (so the mark leads)."""
        lines = [self.subject, "", *self.body.splitlines()]
        return "<br>".join(html.escape(line) for line in lines)


def build_write(
    lead_id: str,
    mode: CrmWriteMode,
    draft: Mapping[str, Any],
    *,
    full_name: str | None,
    owner_id: str | None,
    today: date,
    record_id: str | None = None,
) -> DraftWrite:
    """The activity for ``draft`` (a :class:`~jobshift.domain.outreach.drafts.Draft` as a dict), on
    ``record_id`` when given (a converted lead's contact), else on the lead."""
    who = (full_name or "").strip() or lead_id
    subject = f"{DRAFT_MARK} First touch for {who}: {draft['email_subject']}"
    if len(subject) > SUBJECT_MAX:
        subject = subject[: SUBJECT_MAX - 1].rstrip() + "…"
    source = "AI draft checked against the evidence" if draft.get("source") == "llm" else "template"
    body = "\n".join(
        [
            f"E-mail subject: {draft['email_subject']}",
            "",
            str(draft["email_body"]).strip(),
            "",
            "LinkedIn note:",
            str(draft["linkedin_note"]).strip(),
            "",
            f"(jobshift, {source} {draft.get('template_set') or ''}; ref {draft_write_key(lead_id)})",
        ]
    )
    return DraftWrite(
        draft_write_key(lead_id),
        lead_id,
        mode,
        subject,
        body,
        owner_id or None,
        today.isoformat(),
        record_id if record_id and record_id != lead_id else None,
    )
