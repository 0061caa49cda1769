"""The one protocol of the sequence tools: find or create the person, then enrol them exactly once.

An :class:`Enrolment` carries the outbox idempotency key. A connector first looks for the person's
membership in the sequence and treats one it finds (or the tool's "already enrolled" answer) as success,
so re-sending an enrolment whose answer was lost never enrols twice. Failures are classified like CRM
writes: :class:`~jobshift.errors.RetryableError` for the whole call (429, 5xx, timeouts: the rows stay
pending), a per-enrolment :class:`~jobshift.connectors.crm.protocol.WriteResult` with ``ok=False`` for a
record the tool refuses (no such sequence, an invalid e-mail), :class:`~jobshift.errors.FatalError` for
bad credentials.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from jobshift.connectors.crm.protocol import WriteResult


@dataclass(frozen=True)
class Person:
    """Who to enrol: e-mail and name (to find or create them), and the CRM record when it is theirs."""

    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    crm: str | None = None
    """The CRM the lead lives in (``store``, ``salesforce``, ``hubspot``)."""
    crm_record_id: str | None = None


@dataclass(frozen=True)
class Sender:
    """The tool's user / mailbox that runs the sequence."""

    id: str
    email: str | None = None


@dataclass(frozen=True)
class Enrolment:
    """One lead into one sequence."""

    idempotency_key: str
    sequence: str
    person: Person
    sender: Sender | None = None

    @classmethod
    def from_payload(cls, key: str, payload: Mapping[str, Any]) -> Enrolment:
        """From an ``enrol_sequence`` outbox row's payload."""
        sender = payload.get("sender")
        return cls(
            key,
            str(payload["sequence"]),
            Person(**payload["person"]),
            Sender(**sender) if sender else None,
        )


@runtime_checkable
class SequenceConnector(Protocol):
    """Enrol people in a sequence tool."""

    name: str

    def check(self, sequences: Sequence[str]) -> list[str]:
        """Problems with the connection and the named sequences (empty: ready to enrol)."""
        ...

    def enrol(self, intents: Sequence[Enrolment]) -> list[WriteResult]:
        """Enrol each intent (or find its enrolment); one result per intent, same order."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
