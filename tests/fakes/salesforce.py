"""A fake Salesforce org over real HTTPS on 127.0.0.1: OAuth, REST (query, describe, limits, composite
sObject collections) and Bulk API 2.0 ingest jobs, with in-memory state, fault injection and call counters.

Faults: ``fault_share`` of the API calls are refused before anything happens (503 ``SERVER_UNAVAILABLE``
or 403 ``REQUEST_LIMIT_EXCEEDED``, alternately by the seeded RNG); ``lost_share`` of the calls are
processed and *then* answered 503 (the client cannot know it worked: only idempotent writes survive that);
``lock_share`` of the written records fail with ``UNABLE_TO_LOCK_ROW`` (a retryable per-record error).
Writes are validated as a real org validates them (see ``fakes.salesforce_data``): types, lengths,
restricted picklists, required fields, duplicate rules (``duplicate_rules``), partial success.
Bulk 2.0 jobs that were closed are processed by the "server" whenever any job is polled, like a real
org that goes on processing a job whose client died.
"""

from __future__ import annotations

import csv
import io
import random
import re
import secrets
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from fakes import soql
from fakes.salesforce_data import ACCOUNT_HISTORY_FIELDS, STANDARD_FIELDS, SObject, ValueRejected, sf_now
from fakes.server import BackgroundServer
from fakes.tls import self_signed_cert
from jobshift.domain.normalize.sfid import to_18

DATA = re.compile(r"^/services/data/v(\d+\.\d)/(.*)$")


def _errors(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse([{"message": message, "errorCode": code}], status_code=status)


class FakeSalesforce:
    """The fake org. Use as a context manager (starts/stops the HTTPS server)."""

    def __init__(
        self,
        tmp_dir: Path,
        *,
        custom_fields: dict[str, dict[str, Any]] | None = None,
        external_ids: dict[str, set[str]] | None = None,
        client_id: str = "test-client",
        client_secret: str = "test-secret",
        username: str = "integration@example.com",
        password: str = "pw",
        security_token: str = "tok",
        page_size: int = 2000,
        daily_limit: int = 1_000_000,
        fault_share: float = 0.0,
        lost_share: float = 0.0,
        seed: int = 7,
        bulk_in_progress_polls: int = 1,
        duplicate_rules: dict[str, tuple[str, ...]] | None = None,
        lock_share: float = 0.0,
        account_history: bool = False,
    ) -> None:
        self.objects: dict[str, SObject] = {}
        if account_history:  # field history tracking on Account (else the object is not queryable)
            self.objects["AccountHistory"] = SObject("AccountHistory", ACCOUNT_HISTORY_FIELDS, set())
        for name, fields in STANDARD_FIELDS.items():
            extra = (custom_fields or {}).get(name, {})
            self.objects[name] = SObject(
                name,
                {**fields, **extra},
                (external_ids or {}).get(name, set()),
                duplicate_keys=(duplicate_rules or {}).get(name, ()),
            )
        self.objects["Lead"].peers = [self.objects["Contact"]]
        self.objects["Contact"].peers = [self.objects["Lead"]]
        self.lock_share = lock_share
        self.client_id, self.client_secret = client_id, client_secret
        self.username, self.password, self.security_token = username, password, security_token
        self.page_size = page_size
        self.daily_limit = daily_limit
        self.api_used = 0
        self.fault_share = fault_share
        self.lost_share = lost_share
        self.rng = random.Random(seed)
        self.bulk_in_progress_polls = bulk_in_progress_polls
        self.tokens: set[str] = set()
        self.cursors: dict[str, tuple[list[dict[str, Any]], int]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.cert, key = self_signed_cert(tmp_dir / "fake-sf-tls")
        app = Starlette(
            routes=[Route("/{path:path}", self._dispatch, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])]
        )
        self._server = BackgroundServer(app, certfile=self.cert, keyfile=key)
        self.url = self._server.url

    # -- lifecycle and test helpers ---------------------------------------------------------------
    def __enter__(self) -> FakeSalesforce:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop()

    def add(self, sobject: str, **values: Any) -> str:
        """Seed a record (any field, read-only ones included); returns its id."""
        with self.lock:
            obj = self.objects[sobject]
            rid = to_18(values.pop("Id", None)) or obj.new_id()
            now = sf_now()
            rec: dict[str, Any] = {f: None for f in obj.fields}
            rec.update({"Id": rid, "CreatedDate": now, "SystemModstamp": now})
            rec.update(values)
            obj.records[rid] = rec
            for f, index in obj.by_external.items():
                if rec.get(f):
                    index[str(rec[f])] = rid
            return rid

    def rename(self, sobject: str, record_id: str, name: str) -> None:
        """A user renames a record in the UI: ``Name`` and ``SystemModstamp`` change, and an org tracking
        Account field history records an ``AccountHistory`` row (``Field = 'Name'``)."""
        with self.lock:
            rec = self.objects[sobject].records[str(to_18(record_id))]
            old, now = rec.get("Name"), sf_now()
            rec.update({"Name": name, "SystemModstamp": now})
            history = self.objects.get("AccountHistory")
            if sobject == "Account" and history is not None:
                hid = history.new_id()
                history.records[hid] = {
                    "Id": hid,
                    "AccountId": rec["Id"],
                    "Field": "Name",
                    "OldValue": old,
                    "NewValue": name,
                    "CreatedDate": now,
                }

    def records(self, sobject: str) -> list[dict[str, Any]]:
        """Copies of every record of ``sobject``."""
        with self.lock:
            return [dict(r) for r in self.objects[sobject].records.values()]

    def expire_sessions(self) -> None:
        """Invalidate every issued access token (the next call gets 401 INVALID_SESSION_ID)."""
        with self.lock:
            self.tokens.clear()

    # -- dispatch ---------------------------------------------------------------------------------
    async def _dispatch(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        with self.lock:
            self.calls["total"] += 1
            if path == "/services/oauth2/token" and request.method == "POST":
                self.calls["token"] += 1
                return self._token(parse_qs(body.decode()), request.headers.get("authorization"))
            m = DATA.match(path)
            if not m:
                return _errors(404, "NOT_FOUND", f"The requested resource does not exist: {path}")
            auth = request.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.tokens:
                self.calls["unauthorized"] += 1
                return _errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
            self.api_used += 1
            if self.api_used > self.daily_limit:
                return _errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            roll = self.rng.random()
            if roll < self.fault_share:
                return self._fault()
            rest = m.group(2).rstrip("/")
            kind, resp = self._route(request.method, rest, request, body)
            self.calls[kind] += 1
            if roll < self.fault_share + self.lost_share:
                self.faults["lost"] += 1
                return _errors(503, "SERVER_UNAVAILABLE", "Service unavailable (response lost)")
            resp.headers["Sforce-Limit-Info"] = f"api-usage={self.api_used}/{self.daily_limit}"
            return resp

    def _fault(self) -> Response:
        if self.rng.random() < 0.5:
            self.faults["503"] += 1
            return _errors(503, "SERVER_UNAVAILABLE", "Service unavailable")
        self.faults["REQUEST_LIMIT_EXCEEDED"] += 1
        return _errors(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")

    def _token(self, form: dict[str, list[str]], authorization: str | None) -> Response:
        def one(k: str) -> str:
            return (form.get(k) or [""])[0]

        grant = one("grant_type")
        ok = False
        if grant == "password":
            ok = (
                one("client_id") == self.client_id
                and one("client_secret") == self.client_secret
                and one("username") == self.username
                and one("password") in (self.password + self.security_token, self.password)
            )
        elif grant == "client_credentials":
            ok = one("client_id") == self.client_id and one("client_secret") == self.client_secret
        if not ok:
            return JSONResponse(
                {"error": "invalid_grant", "error_description": "authentication failure"}, status_code=400
            )
        token = secrets.token_hex(16)
        self.tokens.add(token)
        return JSONResponse(
            {
                "access_token": token,
                "instance_url": self.url,
                "token_type": "Bearer",
                "id": "x",
                "issued_at": "0",
            }
        )

    def _route(self, method: str, rest: str, request: Request, body: bytes) -> tuple[str, Response]:
        parts = rest.split("/")
        if rest == "limits" and method == "GET":
            remaining = max(self.daily_limit - self.api_used, 0)
            return "limits", JSONResponse(
                {"DailyApiRequests": {"Max": self.daily_limit, "Remaining": remaining}}
            )
        if parts[0] == "sobjects" and len(parts) == 3 and parts[2] == "describe":
            obj = self.objects.get(parts[1])
            if obj is None:
                return "describe", _errors(404, "NOT_FOUND", "The requested resource does not exist")
            return "describe", JSONResponse(obj.describe())
        if parts[0] == "query" and method == "GET":
            if len(parts) == 2:
                return "query_more", self._query_more(parts[1])
            return "query", self._query(request.query_params.get("q", ""))
        if rest == "composite" and method == "POST":
            return "composite_query", self._composite_requests(body)
        if parts[0] == "composite" and len(parts) >= 2 and parts[1] == "sobjects":
            return "composite", self._composite(method, parts[2:], body)
        if parts[:2] == ["jobs", "ingest"]:
            return "bulk", self._bulk(method, parts[2:], body)
        return "other", _errors(404, "NOT_FOUND", f"The requested resource does not exist: {rest}")

    # -- query ------------------------------------------------------------------------------------
    def _query(self, text: str) -> Response:
        try:
            q = soql.parse(text)
            obj = self.objects.get(q.sobject)
            if obj is None:
                raise soql.SoqlError("INVALID_TYPE", f"sObject type '{q.sobject}' is not supported.")
            for f in sorted(q.referenced()):
                if not obj.has_field(f):
                    raise soql.SoqlError("INVALID_FIELD", f"No such column '{f}' on entity '{q.sobject}'.")
            for f in sorted(q.filtered()):
                if obj.fields.get(f) == "anyType":  # OldValue / NewValue of history objects
                    raise soql.SoqlError("INVALID_FIELD", f"field '{f}' can not be filtered in query call")
        except soql.SoqlError as exc:
            return _errors(400, exc.code, str(exc))
        rows = [r for r in obj.records.values() if soql.matches(q.where, r)]
        for name, desc in reversed(q.order_by):
            rows.sort(key=lambda r, n=name: (r.get(n) is None, str(r.get(n) or "")), reverse=desc)
        if q.limit is not None:
            rows = rows[: q.limit]
        out = [self._project(obj, r, q.fields) for r in rows]
        return self._page(out, 0)

    def _project(self, obj: SObject, rec: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {"type": obj.name, "url": f"/services/data/v59.0/sobjects/{obj.name}/{rec['Id']}"}
        }
        for f in fields:
            if "." in f:
                rel, sub = f.split(".", 1)
                val = rec.get(f)
                out[rel] = None if val is None else {"attributes": {"type": rel}, sub: val}
            else:
                out[f] = rec.get(f)
        return out

    def _page(self, rows: list[dict[str, Any]], start: int) -> Response:
        page = rows[start : start + self.page_size]
        done = start + self.page_size >= len(rows)
        payload: dict[str, Any] = {"totalSize": len(rows), "done": done, "records": page}
        if not done:
            locator = f"01g{secrets.token_hex(6)}-{start + self.page_size}"
            self.cursors[locator] = (rows, start + self.page_size)
            payload["nextRecordsUrl"] = f"/services/data/v59.0/query/{locator}"
        return JSONResponse(payload)

    def _query_more(self, locator: str) -> Response:
        if locator not in self.cursors:
            return _errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        rows, start = self.cursors[locator]
        return self._page(rows, start)

    # -- composite (several requests, one API call) --------------------------------------------------
    def _composite_requests(self, body: bytes) -> Response:
        """``POST /composite``: up to 25 subrequests, at most 5 of them queries; only query subrequests
        are supported here (what the connector sends)."""
        import json
        from urllib.parse import parse_qs, urlsplit

        subs = json.loads(body or b"{}").get("compositeRequest", [])
        if len(subs) > 25:
            return _errors(
                400, "INVALID_API_INPUT", "Composite requests cannot have more than 25 subrequests"
            )
        if sum("/query" in str(s.get("url")) for s in subs) > 5:
            return _errors(400, "INVALID_API_INPUT", "Composite requests may contain up to 5 queries")
        out = []
        for sub in subs:
            url = urlsplit(str(sub.get("url") or ""))
            if sub.get("method") != "GET" or not url.path.endswith("/query"):
                out.append(
                    {
                        "referenceId": sub.get("referenceId"),
                        "httpStatusCode": 400,
                        "body": [
                            {
                                "errorCode": "NOT_SUPPORTED",
                                "message": "the fake supports query subrequests only",
                            }
                        ],
                    }
                )
                continue
            resp = self._query((parse_qs(url.query).get("q") or [""])[0])
            out.append({
                "referenceId": sub.get("referenceId"),
                "httpStatusCode": resp.status_code,
                "httpHeaders": {},
                "body": json.loads(bytes(resp.body)),
            })  # fmt: skip
        return JSONResponse({"compositeResponse": out})

    # -- composite sObject collections --------------------------------------------------------------
    def _composite(self, method: str, rest: list[str], body: bytes) -> Response:
        import json

        payload = json.loads(body or b"{}")
        records = payload.get("records", [])
        if len(records) > 200:
            return _errors(
                400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records"
            )
        results = []
        for rec in records:
            sobject = (rec.get("attributes") or {}).get("type") or (rest[0] if rest else "")
            obj = self.objects.get(sobject)
            if obj is None:
                return _errors(400, "INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
            values = {k: v for k, v in rec.items() if k not in ("attributes", "id", "Id")}
            if method not in ("PATCH", "POST"):
                return _errors(405, "METHOD_NOT_ALLOWED", method)
            if method == "PATCH" and len(rest) == 2 and not obj.has_field(rest[1]):
                return _errors(400, "INVALID_FIELD", f"No such column '{rest[1]}' on entity '{sobject}'.")
            if self.lock_share and self.rng.random() < self.lock_share:
                self.faults["UNABLE_TO_LOCK_ROW"] += 1
                lock = {
                    "statusCode": "UNABLE_TO_LOCK_ROW",
                    "message": "unable to obtain exclusive access to this record or 1 records",
                    "fields": [],
                }
                results.append({"id": None, "success": False, "errors": [lock]})
                continue
            try:
                if method == "PATCH" and len(rest) == 2:
                    rid, created, errs = obj.upsert(rest[1], values)
                elif method == "PATCH":
                    rid, created, errs = obj.write(values, record_id=rec.get("id") or rec.get("Id"))
                else:
                    rid, created, errs = obj.write(values)
            except ValueRejected as exc:  # a JSON value of the wrong type fails the whole request
                return _errors(400, "JSON_PARSER_ERROR", str(exc))
            item: dict[str, Any] = {"id": rid or None, "success": not errs, "errors": errs}
            if method == "PATCH" and len(rest) == 2:
                item["created"] = created
            results.append(item)
        return JSONResponse(results)

    # -- Bulk API 2.0 ingest --------------------------------------------------------------------------
    def _bulk(self, method: str, rest: list[str], body: bytes) -> Response:
        import json

        if not rest and method == "POST":
            spec = json.loads(body)
            obj = self.objects.get(spec.get("object", ""))
            if obj is None:
                return _errors(400, "INVALIDENTITY", f"Entity '{spec.get('object')}' is not supported")
            ext = spec.get("externalIdFieldName")
            if spec.get("operation") == "upsert" and (not ext or not obj.has_field(ext)):
                return _errors(400, "INVALIDJOB", f"Invalid external id field {ext!r}")
            job_id = f"750{secrets.token_hex(6)}"
            self.jobs[job_id] = {
                "id": job_id,
                "object": obj.name,
                "operation": spec.get("operation"),
                "externalIdFieldName": ext,
                "state": "Open",
                "data": None,
                "polls": 0,
                "numberRecordsProcessed": 0,
                "numberRecordsFailed": 0,
                "success": [],
                "failed": [],
                "contentType": "CSV",
                "lineEnding": spec.get("lineEnding", "LF"),
            }
            return JSONResponse(self._job_info(self.jobs[job_id]))
        job = self.jobs.get(rest[0]) if rest else None
        if job is None:
            return _errors(404, "NOT_FOUND", "job not found")
        if len(rest) == 2 and rest[1] == "batches" and method == "PUT":
            if job["state"] != "Open":
                return _errors(400, "INVALIDJOBSTATE", f"Job is in state {job['state']}")
            job["data"] = body.decode("utf-8")
            return Response(status_code=201)
        if len(rest) == 1 and method == "PATCH":
            state = json.loads(body).get("state")
            if state == "UploadComplete":
                if job["state"] != "Open":
                    return _errors(400, "INVALIDJOBSTATE", f"Job is in state {job['state']}")
                job["state"] = "UploadComplete"
            elif state == "Aborted":
                job["state"] = "Aborted"
            return JSONResponse(self._job_info(job))
        if len(rest) == 1 and method == "GET":
            for other in self.jobs.values():  # the server works on every closed job, not only this one
                if other["state"] in ("UploadComplete", "InProgress"):
                    other["polls"] += 1
                    if other["polls"] > self.bulk_in_progress_polls:
                        self._process(other)
                    else:
                        other["state"] = "InProgress"
            return JSONResponse(self._job_info(job))
        if len(rest) == 1 and method == "DELETE":
            del self.jobs[job["id"]]
            return Response(status_code=204)
        if len(rest) == 2 and method == "GET":
            return self._results(job, rest[1])
        return _errors(404, "NOT_FOUND", "unknown bulk resource")

    def _job_info(self, job: dict[str, Any]) -> dict[str, Any]:
        keys = (
            "id",
            "object",
            "operation",
            "externalIdFieldName",
            "state",
            "numberRecordsProcessed",
            "numberRecordsFailed",
            "contentType",
            "lineEnding",
        )
        return {k: job[k] for k in keys} | {"columnDelimiter": "COMMA", "apiVersion": 59.0}

    def _process(self, job: dict[str, Any]) -> None:
        obj = self.objects[job["object"]]
        reader = csv.DictReader(io.StringIO(job["data"] or ""))
        for row in reader:
            values = {k: (None if v == "#N/A" else v) for k, v in row.items() if v != ""}
            if self.lock_share and self.rng.random() < self.lock_share:
                self.faults["UNABLE_TO_LOCK_ROW"] += 1
                rid, created = "", False
                errs = [{"statusCode": "UNABLE_TO_LOCK_ROW", "message": "unable to obtain exclusive access"}]
            elif job["operation"] == "upsert":
                rid, created, errs = obj.upsert(job["externalIdFieldName"], values, from_csv=True)
            elif job["operation"] == "update":
                rid_in = values.pop("Id", None)
                rid, created, errs = obj.write(values, record_id=rid_in, from_csv=True)
            else:
                values.pop("Id", None)
                rid, created, errs = obj.write(values, from_csv=True)
            if errs:
                err = ";".join(f"{e['statusCode']}:{e['message']}" for e in errs)
                job["failed"].append({"sf__Id": rid, "sf__Error": err, **row})
                job["numberRecordsFailed"] += 1
            else:
                job["success"].append({"sf__Id": rid, "sf__Created": str(created).lower(), **row})
            job["numberRecordsProcessed"] += 1
        job["state"] = "JobComplete"

    def _results(self, job: dict[str, Any], kind: str) -> Response:
        rows = {"successfulResults": job["success"], "failedResults": job["failed"], "unprocessedrecords": []}
        if kind not in rows:
            return _errors(404, "NOT_FOUND", kind)
        data = rows[kind]
        buf = io.StringIO()
        if data:
            w = csv.DictWriter(buf, fieldnames=list(data[0].keys()), lineterminator="\n")
            w.writeheader()
            w.writerows(data)
        return PlainTextResponse(buf.getvalue(), media_type="text/csv")
