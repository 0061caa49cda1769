"""Drafts written to the CRM as tasks or notes: the protocol and the one exactly-once loop.

Creating an activity is not idempotent in Salesforce or HubSpot (no external id on a Task or note), so
every writer works the same way: look for the records jobshift already wrote for these leads (their
subject / body starts with :data:`~jobshift.domain.outreach.crm_write.DRAFT_MARK`), create the missing
ones in one call tried *once*, and when that call fails retryably (a 5xx may come after the CRM created
them) wait and look again before re-sending. A lost answer therefore never makes a second task.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, runtime_checkable

from jobshift.connectors.crm.protocol import WriteResult
from jobshift.domain.outreach.crm_write import DraftWrite
from jobshift.errors import RetryableError
from jobshift.utils.retry import RetryPolicy

ALREADY = "already written"
"""The note a write result carries when the CRM had the activity already (an earlier lost answer)."""

Find = Callable[[Sequence[DraftWrite]], Mapping[str, str]]
"""Lead id → record id of the draft activities that exist for these writes."""
Create = Callable[[Sequence[DraftWrite]], list[WriteResult]]
"""Create the activities (one call, tried once); one result per write, same order."""


@runtime_checkable
class DraftWriter(Protocol):
    """Writes lead drafts to one CRM as tasks or notes."""

    name: str

    def write_drafts(self, writes: Sequence[DraftWrite]) -> list[WriteResult]:
        """One result per write, same order; ``RetryableError`` when the CRM cannot be reached now."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def write_exactly_once(
    writes: Sequence[DraftWrite],
    find: Find,
    create: Create,
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None],
    rng: random.Random | None = None,
) -> list[WriteResult]:
    """Find, then create the missing, then (after a retryable failure) find again: see the module doc."""
    rng = rng or random.Random()
    done: dict[str, WriteResult] = {}
    attempt = 0
    while True:
        attempt += 1
        todo = [w for w in writes if w.idempotency_key not in done]
        if not todo:
            break
        found = find(todo)
        for w in todo:
            if w.lead_id in found:
                done[w.idempotency_key] = WriteResult(
                    w.idempotency_key, True, record_id=found[w.lead_id], notes=(ALREADY,)
                )
        todo = [w for w in todo if w.idempotency_key not in done]
        if not todo:
            break
        try:
            results = create(todo)
        except RetryableError:
            if attempt >= policy.max_attempts:
                raise
            sleep(policy.backoff(attempt, rng.random))
            continue
        retry = False
        for w, res in zip(todo, results, strict=True):
            if res.ok or not res.retryable or attempt >= policy.max_attempts:
                done[w.idempotency_key] = res
            else:
                retry = True
        if not retry:
            break
        sleep(policy.backoff(attempt, rng.random))
    return [done[w.idempotency_key] for w in writes]
