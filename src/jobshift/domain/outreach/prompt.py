"""The LLM prompt (evidence only) and the parsing of its reply.

The prompt holds the lead's facts and nothing else from the database: no notes, no e-mails, no other
lead. The reply must be one JSON object with ``subject``, ``body`` and ``linkedin_note``; anything else
is a parse failure (the caller falls back to the template and says so).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from jobshift.domain.outreach.drafts import LINKEDIN_NOTE_MAX, SUBJECT_MAX
from jobshift.domain.outreach.evidence import Evidence

SYSTEM_PROMPT = (
    "You write a short, warm first-touch message from a sales rep to a person they know, who just "
    "changed jobs. Use ONLY the facts given. Do not mention any other person, company, product, title, "
    "number, date, place or event. Do not guess anything. No numbers unless they are in the facts. "
    f"Reply with one JSON object with the keys subject (at most {SUBJECT_MAX} characters), body "
    f"(at most 120 words, signed with the sender name) and linkedin_note (at most {LINKEDIN_NOTE_MAX} "
    "characters), and nothing else."
)


@dataclass(frozen=True)
class ParsedReply:
    """The three parts of an LLM draft."""

    subject: str
    body: str
    linkedin_note: str


class ReplyError(ValueError):
    """The model's reply is not the JSON object asked for."""


def messages_for(evidence: Evidence, *, example: str | None = None) -> list[dict[str, str]]:
    """The chat messages for ``evidence`` (system rules + the facts as a list)."""
    facts = "\n".join(f"- {k}: {v}" for k, v in evidence.facts().items())
    user = f"Facts:\n{facts}\n\nWrite the JSON object now."
    if example:
        user += f"\n\nThe team's own template, for tone only (its facts are not evidence):\n{example}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def parse_reply(text: str) -> ParsedReply:
    """The subject, body and note of a reply (``ReplyError`` when it is not the JSON asked for)."""
    m = re.search(r"\{.*\}", text or "", re.S)
    if not m:
        raise ReplyError("the reply holds no JSON object")
    try:
        data = json.loads(m.group(0))
    except json.JSONDecodeError as exc:
        raise ReplyError(f"the reply is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ReplyError("the reply is not a JSON object")
    parts = {}
    for key in ("subject", "body", "linkedin_note"):
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ReplyError(f"the reply has no {key}")
        parts[key] = value.strip()
    if len(parts["subject"]) > SUBJECT_MAX:
        raise ReplyError(f"the subject is longer than {SUBJECT_MAX} characters")
    if len(parts["linkedin_note"]) > LINKEDIN_NOTE_MAX:
        raise ReplyError(f"the LinkedIn note is longer than {LINKEDIN_NOTE_MAX} characters")
    return ParsedReply(parts["subject"], parts["body"], parts["linkedin_note"])
