"""Drafts: what one lead gets (an e-mail and a LinkedIn note), which template set writes it, cache keys.

Template sets are chosen per rule (the lead's signal type) and persona: the first set that exists of
``<type>.persona`` / ``<type>.other`` (whether the new title matches ``[persona]``), ``<type>``, then
``default``. A draft is cached per lead, template version (a hash of the set's files), evidence digest
and generator (``template``, or ``llm:<model>``): any change makes a new draft, an unchanged lead
reuses the cached one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any

from jobshift.domain.outreach.evidence import Evidence

TEMPLATE_FILES = ("email_subject", "email_body", "linkedin_note")
"""The parts of a template set (files ``<part>.j2`` in the set's folder)."""
LINKEDIN_NOTE_MAX = 300
"""LinkedIn's limit on a connection-request note, in characters."""
SUBJECT_MAX = 150
DEFAULT_SET = "default"
PROMPT_VERSION = "1"
"""Bumped when the prompt changes: LLM drafts cached under an older prompt are made again."""


@dataclass
class Draft:
    """One lead's first touch: e-mail subject and body, LinkedIn note, and how it was written."""

    lead_id: str
    email_subject: str
    email_body: str
    linkedin_note: str
    source: str = "template"
    """``template`` or ``llm``."""
    template_set: str = DEFAULT_SET
    template_version: str = ""
    model: str | None = None
    fallback_reason: str | None = None
    """Why an LLM draft was not used (the guard's findings, a budget, an error)."""
    violations: list[str] = field(default_factory=list)
    cached: bool = False
    created_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def template_set_candidates(evidence: Evidence) -> list[str]:
    """Template set names for ``evidence``, most specific first."""
    kind = evidence.signal_type or "lead"
    persona = "persona" if evidence.persona_match else "other"
    return [f"{kind}.{persona}", kind, DEFAULT_SET]


def choose_template_set(evidence: Evidence, available: Collection[str]) -> str:
    """The first candidate set that exists (``default`` always does)."""
    return next((s for s in template_set_candidates(evidence) if s in available), DEFAULT_SET)


def template_version(texts: dict[str, str]) -> str:
    """A short hash of a template set's texts."""
    h = hashlib.sha256()
    for name in sorted(texts):
        h.update(name.encode() + b"\0" + texts[name].encode("utf-8") + b"\0")
    return h.hexdigest()[:12]


def cache_key(lead_id: str, version: str, evidence_digest: str, generator: str) -> str:
    """The cache key of a lead's draft (64 hex digits)."""
    raw = "\x1f".join((lead_id, version, evidence_digest, generator, PROMPT_VERSION))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def clip_note(text: str, limit: int = LINKEDIN_NOTE_MAX) -> str:
    """A LinkedIn note cut at a word boundary to ``limit`` characters (with an ellipsis)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"
