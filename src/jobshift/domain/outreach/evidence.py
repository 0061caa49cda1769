"""A lead's evidence: the only facts a first-touch draft may state.

:class:`Evidence` is built from the lead, its signal, the account the person left and the rep who owns
the lead. Templates get :meth:`Evidence.context`; the LLM prompt holds :meth:`Evidence.facts` and
nothing else; the guard (:mod:`jobshift.domain.outreach.guard`) accepts a name, company, title, number or
date in a draft only when it occurs in these values (or in the admin's ``allowed_terms``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def human_date(partial: str | None) -> str | None:
    """``2026-03-14`` → ``March 2026``; ``2026-03`` → ``March 2026``; ``2026`` → ``2026``; else ``None``."""
    if not partial:
        return None
    parts = str(partial).strip().split("-")
    if not parts[0].isdigit() or len(parts[0]) != 4:
        return None
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


@dataclass(frozen=True)
class Evidence:
    """What jobshift knows about one lead and the rep writing to them (every field may be ``None``)."""

    lead_id: str
    signal_type: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    new_company: str | None = None
    new_title: str | None = None
    job_started: str | None = None
    """Partial date as detected: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    past_company: str | None = None
    past_title: str | None = None
    past_was_customer: bool = False
    """The account the person left is a customer (its type, or a won opportunity)."""
    persona_match: bool | None = None
    rep_name: str | None = None
    our_company: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name (what is known of them)."""
        return " ".join(x for x in (self.first_name, self.last_name) if x)

    @property
    def started(self) -> str | None:
        """The job start as people write it (``March 2026``)."""
        return human_date(self.job_started)

    @property
    def rep_first_name(self) -> str | None:
        """The rep's first name (for the signature)."""
        return self.rep_name.split()[0] if self.rep_name else None

    def context(self) -> dict[str, Any]:
        """The variables of a draft template (docs/outreach.md lists them)."""
        return {
            "first_name": self.first_name or "",
            "last_name": self.last_name or "",
            "full_name": self.full_name,
            "new_company": self.new_company or "",
            "new_title": self.new_title or "",
            "started": self.started or "",
            "job_started": self.job_started or "",
            "past_company": self.past_company or "",
            "past_title": self.past_title or "",
            "was_customer": self.past_was_customer,
            "signal_type": self.signal_type or "",
            "persona_match": bool(self.persona_match),
            "rep_name": self.rep_name or "",
            "rep_first_name": self.rep_first_name or "",
            "our_company": self.our_company or "",
        }

    def facts(self) -> dict[str, str]:
        """The facts an LLM may use, as labelled strings (empty ones left out): the whole prompt data."""
        out = {
            "person first name": self.first_name,
            "person last name": self.last_name,
            "new company": self.new_company,
            "new title": self.new_title,
            "started the new job": self.started,
            "previous company": self.past_company,
            "previous title": self.past_title,
            "previous company was our customer": "yes" if self.past_was_customer else None,
            "sender name": self.rep_name,
            "sender company": self.our_company,
        }
        return {k: str(v) for k, v in out.items() if v}

    def values(self) -> list[str]:
        """Every evidence value as text (what the guard accepts words, numbers and dates from)."""
        vals = [v for v in self.facts().values()]
        if self.job_started:
            vals.append(self.job_started)
        return vals

    def digest(self) -> str:
        """A short hash of the evidence: a draft cached under another digest is stale."""
        raw = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def evidence_from_records(
    lead: Mapping[str, Any],
    signal: Mapping[str, Any] | None,
    past_account: Mapping[str, Any] | None,
    rep: Mapping[str, Any] | None,
    *,
    our_company: str | None,
    past_was_customer: bool = False,
) -> Evidence:
    """The evidence of ``lead`` from its store rows (the signal wins for the person's new job)."""
    sig = signal or {}
    first, last = lead.get("first_name"), lead.get("last_name")
    if not last and sig.get("full_name"):
        parts = str(sig["full_name"]).split()
        first, last = " ".join(parts[:-1]) or None, parts[-1]
    customer = past_was_customer or str((past_account or {}).get("type") or "").casefold() == "customer"
    return Evidence(
        lead_id=str(lead["id"]),
        signal_type=sig.get("type"),
        first_name=first,
        last_name=last,
        new_company=lead.get("company") or sig.get("new_company"),
        new_title=lead.get("title") or sig.get("new_title"),
        job_started=lead.get("job_started_date") or sig.get("job_started_date"),
        past_company=(past_account or {}).get("name") or sig.get("past_company"),
        past_title=lead.get("past_title") or sig.get("past_title"),
        past_was_customer=customer,
        persona_match=sig.get("persona_match"),
        rep_name=(rep or {}).get("name"),
        our_company=our_company,
    )
