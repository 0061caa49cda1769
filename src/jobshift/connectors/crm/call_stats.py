"""What a CRM client did: API calls by kind (attempts, retries included), records read, written, failed.

Each connector's client keeps one :class:`CallStats` (a subclass adds the counters only it has, e.g.
Salesforce's re-logins and Bulk jobs, HubSpot's throttled calls); ``crm pull --json``, ``crm check
--json`` and the benchmarks print :meth:`CallStats.to_dict`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class CallStats:
    """API calls by kind and the records they moved; subclasses add their own integer counters."""

    calls: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    records_read: int = 0
    records_written: int = 0
    records_failed: int = 0

    @property
    def total_calls(self) -> int:
        """Every HTTP call made to the API."""
        return sum(self.calls.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``api_calls``, ``calls_by_kind``, then every counter."""
        out: dict[str, Any] = {
            "api_calls": self.total_calls,
            "calls_by_kind": dict(sorted(self.calls.items())),
        }
        out.update({f.name: getattr(self, f.name) for f in fields(self) if f.name != "calls"})
        return out
