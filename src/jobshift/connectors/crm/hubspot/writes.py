"""Batch writes to HubSpot contacts (and Leads): 100 per call, a refused batch split until the bad record is
alone.

HubSpot refuses a whole batch create when one input is invalid (400 ``VALIDATION_ERROR``) or conflicts
with an existing record (409 ``CONFLICT`` "Contact already exists. Existing ID: N", only the first one
named). :func:`write_batches` then splits the batch in halves until the refused record is alone, so one
poison record never blocks the rest. A lone create refused with 409 is resolved by the caller
(:class:`Outcome` ``conflict_id``): its own earlier create (same ``jobshift_key``) is success, another
contact with the same e-mail is a duplicate to link; a 409 that names no record (the Leads object) is
looked up by its key. Batch updates answer 207 with per-id errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jobshift.connectors.crm.hubspot.client import HubSpotClient, HubSpotHttpError
from jobshift.connectors.crm.hubspot.fields import KEY_PROPERTY
from jobshift.errors import PausedError, RetryableError

_EXISTING = re.compile(r"Existing ID:\s*(\d+)")


@dataclass(frozen=True)
class Outcome:
    """What happened to one input: the record id, or an error (retryable or not), or a 409's record."""

    ok: bool
    record_id: str | None = None
    error: str | None = None
    retryable: bool = False
    conflict_id: str | None = None


def existing_id(message: str) -> str | None:
    """The record id a 409 ``CONFLICT`` message names."""
    m = _EXISTING.search(message or "")
    return m.group(1) if m else None


def write_batches(
    client: HubSpotClient,
    mode: str,
    inputs: Sequence[dict[str, Any]],
    *,
    batch_size: int,
    before_batch: Callable[[], str | None] | None = None,
    object_type: str = "contacts",
) -> list[Outcome]:
    """Create (``mode="create"``, matched back by ``jobshift_key``) or update (by ``id``) records of
    ``object_type`` (contacts; leads)."""
    out: list[Outcome] = []
    for i in range(0, len(inputs), batch_size):
        part = list(inputs[i : i + batch_size])
        reason = before_batch() if before_batch else None
        if reason:
            out += [Outcome(False, error=reason, retryable=True) for _ in part]
            continue
        out += _send(client, mode, part, object_type)
    return out


def records_by_key(
    client: HubSpotClient, keys: Sequence[str], object_type: str = "contacts"
) -> dict[str, str]:
    """Record id per ``jobshift_key`` for the keys that already exist (one search per 100 keys)."""
    out: dict[str, str] = {}
    for i in range(0, len(keys), 100):
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": KEY_PROPERTY, "operator": "IN", "values": list(keys[i : i + 100])}
                    ]
                }
            ],
            "properties": [KEY_PROPERTY],
            "limit": 100,
        }
        for rec in client.search_all(object_type, body):
            out[str((rec.get("properties") or {}).get(KEY_PROPERTY))] = str(rec.get("id"))
    return out


def _send(client: HubSpotClient, mode: str, part: list[dict[str, Any]], object_type: str) -> list[Outcome]:
    api = client.objects_batch
    fn = api.create if mode == "create" else api.update
    try:
        body = client.call(f"batch {mode} {object_type}", fn, object_type, {"inputs": part})
    except PausedError:
        raise
    except RetryableError as exc:
        return [Outcome(False, error=str(exc), retryable=True) for _ in part]
    except HubSpotHttpError as exc:
        named = existing_id(exc.message)
        if mode == "create" and exc.status == 409 and (len(part) > 1 or named is None):
            done = records_by_key(client, [str(p["properties"][KEY_PROPERTY]) for p in part], object_type)
            if done:  # a re-sent batch: some (or all) were created by the call whose answer was lost
                rest = [p for p in part if str(p["properties"][KEY_PROPERTY]) not in done]
                sent = iter(_send(client, mode, rest, object_type) if rest else [])
                return [
                    Outcome(True, record_id=done[k])
                    if (k := str(p["properties"][KEY_PROPERTY])) in done
                    else next(sent)
                    for p in part
                ]
        if len(part) > 1:
            mid = len(part) // 2
            return _send(client, mode, part[:mid], object_type) + _send(client, mode, part[mid:], object_type)
        client.stats.records_failed += 1
        if exc.status == 409:
            return [Outcome(False, error=str(exc), conflict_id=named)]
        return [Outcome(False, error=str(exc))]
    results = body.get("results") or []
    client.stats.records_written += len(results)
    if mode == "create":
        by_key = {str((r.get("properties") or {}).get(KEY_PROPERTY)): str(r.get("id")) for r in results}
        keys = [str(p["properties"][KEY_PROPERTY]) for p in part]
        return [
            Outcome(True, record_id=by_key[k]) if k in by_key else Outcome(False, error="not in the answer")
            for k in keys
        ]
    ok = {str(r.get("id")) for r in results}
    errors: dict[str, str] = {}
    for e in body.get("errors") or []:
        for rid in (e.get("context") or {}).get("ids") or []:
            errors[str(rid)] = f"HubSpot batch update: {e.get('category')} {e.get('message')}".strip()
    outs = []
    for p in part:
        rid = str(p["id"])
        if rid in ok:
            outs.append(Outcome(True, record_id=rid))
        else:
            client.stats.records_failed += 1
            outs.append(Outcome(False, error=errors.get(rid, "HubSpot batch update: no result")))
    return outs
