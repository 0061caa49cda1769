"""Writing records: REST sObject Collections (≤ 200 per call) and Bulk API 2.0 ingest jobs.

Both paths take Salesforce-shaped records and return one :class:`Outcome` per record, in order. Creates
are upserts by an external-id field holding jobshift's idempotency key, so a retried call, a lost
response or a re-run batch never makes a second record. A call that still fails after the client's
bounded retries marks its records ``retryable`` instead of raising, so the records written before it
keep their results; fatal call errors (``INVALID_FIELD``…) raise.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from jobshift.connectors.crm.salesforce.client import SalesforceClient
from jobshift.connectors.crm.salesforce.errors import RETRYABLE_CODES
from jobshift.errors import FatalError, RetryableError

NULL = "#N/A"


DUPLICATES = "DUPLICATES_DETECTED"


@dataclass(frozen=True)
class Outcome:
    """Result of writing one record. ``duplicates``: ids of the existing records a duplicate rule named
    (``DUPLICATES_DETECTED``; empty when the org did not say which)."""

    ok: bool
    record_id: str | None = None
    error: str | None = None
    retryable: bool = False
    duplicates: tuple[str, ...] = ()

    @property
    def is_duplicate(self) -> bool:
        """Whether the org refused the record as a duplicate of an existing one."""
        return not self.ok and DUPLICATES in (self.error or "")


def _record_error(errors: Sequence[dict[str, Any]]) -> tuple[str, bool]:
    codes = [str(e.get("statusCode") or e.get("errorCode") or "") for e in errors]
    text = "; ".join(f"{c}: {e.get('message', '')}".strip() for c, e in zip(codes, errors, strict=True))
    return text or "unknown error", any(c in RETRYABLE_CODES for c in codes)


def _duplicate_ids(errors: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    """Record ids named by a ``DUPLICATES_DETECTED`` error's ``duplicateResult``, best match first."""
    found: list[tuple[float, str]] = []
    for e in errors:
        result = e.get("duplicateResult") or {}
        for match in result.get("matchResults") or []:
            for rec in match.get("matchRecords") or []:
                rid = (rec.get("record") or {}).get("Id")
                if rid:
                    found.append((-float(rec.get("matchConfidence") or 0), str(rid)))
    return tuple(rid for _, rid in sorted(found))


def rest_write(
    client: SalesforceClient,
    sobject: str,
    records: Sequence[dict[str, Any]],
    *,
    external_id: str | None,
    batch_size: int = 200,
    before_batch: Callable[[], str | None] | None = None,
) -> list[Outcome]:
    """Upsert (``external_id``) or update (records carry ``Id``) through sObject Collections.

    ``before_batch`` may return a reason to stop (e.g. API usage near the daily limit): the records not
    yet sent get retryable outcomes with that reason.
    """
    out: list[Outcome] = []
    for start in range(0, len(records), batch_size):
        chunk = records[start : start + batch_size]
        reason = before_batch() if before_batch else None
        if reason:
            out.extend(Outcome(False, error=reason, retryable=True) for _ in records[start:])
            return out
        body = [{"attributes": {"type": sobject}, **r} for r in chunk]
        if external_id:
            path, method = f"composite/sobjects/{sobject}/{external_id}", "PATCH"
        else:
            body = [
                {"attributes": {"type": sobject}, "id": r["Id"], **{k: v for k, v in r.items() if k != "Id"}}
                for r in chunk
            ]
            path, method = "composite/sobjects", "PATCH"
        try:
            results = client.composite(method, path, body)
        except RetryableError as exc:
            out.extend(Outcome(False, error=str(exc), retryable=True) for _ in chunk)
            continue
        if len(results) != len(chunk):
            raise FatalError(f"Salesforce composite: {len(results)} results for {len(chunk)} records")
        for res in results:
            if res.get("success"):
                out.append(Outcome(True, record_id=res.get("id")))
            else:
                errs = res.get("errors") or []
                err, retry = _record_error(errs)
                out.append(
                    Outcome(
                        False,
                        record_id=res.get("id"),
                        error=err,
                        retryable=retry,
                        duplicates=_duplicate_ids(errs),
                    )
                )
    ok = sum(o.ok for o in out)
    client.stats.records_written += ok
    client.stats.records_failed += len(out) - ok
    return out


def _csv(records: Sequence[dict[str, Any]]) -> tuple[str, list[str]]:
    columns: list[str] = []
    seen: set[str] = set()
    for r in records:
        for k in r:
            if k not in seen:
                seen.add(k)
                columns.append(k)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in records:
        w.writerow([_cell(r[c]) if c in r else "" for c in columns])
    return buf.getvalue(), columns


def _cell(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def bulk_write(
    client: SalesforceClient,
    sobject: str,
    records: Sequence[dict[str, Any]],
    *,
    external_id: str | None,
    poll_seconds: float,
    timeout_seconds: float,
    clock: Callable[[], float] = time.monotonic,
) -> list[Outcome]:
    """One Bulk API 2.0 ingest job: create, upload CSV, close, poll, read successful/failed results.

    Every step is retried by the client. Records are matched back to results by ``external_id`` (upsert)
    or ``Id`` (update); records in neither result set (unprocessed) come back retryable.
    """
    if not records:
        return []
    key = external_id or "Id"
    data, _ = _csv(records)
    op = "upsert" if external_id else "update"
    job = client.call(
        "bulk_create",
        lambda sf: getattr(sf.bulk2, sobject)._client.create_job(op, external_id_field=external_id),
    )
    job_id = job["id"]
    client.stats.bulk_jobs += 1
    client.call("bulk_upload", lambda sf: getattr(sf.bulk2, sobject)._client.upload_job_data(job_id, data))
    try:
        client.call("bulk_close", lambda sf: getattr(sf.bulk2, sobject)._client.close_job(job_id))
    except FatalError:
        # a close whose response was lost: the retry finds the job already closed (INVALIDJOBSTATE)
        info = client.call("bulk_poll", lambda sf: getattr(sf.bulk2, sobject)._client.get_job(job_id, False))
        if info.get("state") not in ("UploadComplete", "InProgress", "JobComplete"):
            raise
    deadline = clock() + timeout_seconds
    while True:
        info = client.call("bulk_poll", lambda sf: getattr(sf.bulk2, sobject)._client.get_job(job_id, False))
        state = info.get("state")
        if state == "JobComplete":
            break
        if state in ("Failed", "Aborted"):
            raise FatalError(f"Salesforce bulk job {job_id} {state}: {info.get('errorMessage', '')}")
        if clock() > deadline:
            raise RetryableError(f"Salesforce bulk job {job_id} still {state} after {timeout_seconds:.0f}s")
        client.sleep(poll_seconds)

    def results(kind: str) -> list[dict[str, str]]:
        text = client.call(
            f"bulk_{kind}", lambda sf: getattr(sf.bulk2, sobject)._client.get_ingest_results(job_id, kind)
        )
        return list(csv.DictReader(io.StringIO(text))) if text.strip() else []

    by_key: dict[str, Outcome] = {}
    for row in results("successfulResults"):
        by_key[row.get(key, "")] = Outcome(True, record_id=row.get("sf__Id") or None)
    for row in results("failedResults"):
        err = row.get("sf__Error") or "failed"
        retry = any(code in err for code in RETRYABLE_CODES)
        by_key[row.get(key, "")] = Outcome(
            False, record_id=row.get("sf__Id") or None, error=err, retryable=retry
        )
    out = []
    for r in records:
        o = by_key.get(str(r.get(key, "")))
        out.append(o or Outcome(False, error=f"not processed by bulk job {job_id}", retryable=True))
    ok = sum(o.ok for o in out)
    client.stats.records_written += ok
    client.stats.records_failed += len(out) - ok
    return out
