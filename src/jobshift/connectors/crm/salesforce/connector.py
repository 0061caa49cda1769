"""``SalesforceConnector``: the :class:`~jobshift.connectors.crm.protocol.CrmConnector` for Salesforce.

Reads are SOQL over the mapped fields, incremental by ``SystemModstamp``. Writes check every mapped field
against ``describe`` first (a missing field is a ``FatalError`` naming it, before anything is written),
pause when the org's API usage reaches ``api_usage_pause_share`` of its daily limit, and go through REST
sObject Collections below ``bulk_threshold`` records, Bulk API 2.0 at or above it. Lead creates are
upserts by the external-id field ``lead_external_id_field`` holding the intent's idempotency key.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import requests

from jobshift.config import SalesforceSection
from jobshift.connectors.crm.protocol import (
    ApiUsage,
    ContactUpdate,
    CrmObject,
    ExistingPerson,
    LeadCreate,
    PersonLookup,
    WriteResult,
)
from jobshift.connectors.crm.salesforce.client import CallStats, SalesforceClient
from jobshift.connectors.crm.salesforce.fields import (
    MODSTAMP,
    FieldMap,
    column_kinds,
    soql_datetime,
    soql_string,
)
from jobshift.connectors.crm.salesforce.history import NameChange, account_name_history
from jobshift.connectors.crm.salesforce.writes import Outcome, bulk_write, rest_write
from jobshift.connectors.csv_import.values import email_key, linkedin_person_key, to_datetime
from jobshift.domain.crm_payload import WRITTEN_FIELDS
from jobshift.domain.normalize.sfid import to_18
from jobshift.errors import FatalError, PausedError, RetryableError

PAUSE_RETRY_AFTER = 3600.0
LOOKUP_BATCH = 200
"""People per dedupe query (about 20,000 characters of SOQL; Salesforce allows 100,000)."""


class SalesforceConnector:
    """Salesforce behind the CRM connector protocol (see the module docstring)."""

    name = "salesforce"

    def __init__(
        self,
        settings: SalesforceSection,
        *,
        client: SalesforceClient | None = None,
        env: Mapping[str, str] | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.client = client or SalesforceClient(settings, env=env, session=session, sleep=sleep, rng=rng)
        self._maps: dict[str, FieldMap] = {}
        self._fields: dict[str, dict[str, dict[str, Any]]] = {}
        self.watermarks: dict[str, datetime] = {}
        self.skipped_fields: dict[str, list[str]] = {}
        """Default-mapped fields the org does not have (not read), per object."""
        self.rejected: list[tuple[str, str, str]] = []
        """Records read whose values could not be converted: (object, Salesforce id, reason)."""
        self.unmapped_written: Counter[str] = Counter()
        """Canonical fields dropped from writes because they are mapped to nothing."""

    @property
    def stats(self) -> CallStats:
        """Calls and records counted so far."""
        return self.client.stats

    # -- metadata ---------------------------------------------------------------------------------
    def field_map(self, obj: str) -> FieldMap:
        """The field map of ``obj`` (defaults + ``[salesforce.fields.<obj>]``)."""
        if obj not in self._maps:
            self._maps[obj] = FieldMap.build(obj, self.settings.fields.get(obj))
        return self._maps[obj]

    def sobject_fields(self, sobject: str) -> dict[str, dict[str, Any]]:
        """Field name → describe entry of ``sobject`` (one ``describe`` call per object, cached)."""
        if sobject not in self._fields:
            desc = self.client.describe(sobject)
            self._fields[sobject] = {f["name"]: f for f in desc.get("fields", [])}
        return self._fields[sobject]

    def has_field(self, sobject: str, name: str) -> bool:
        """Whether ``sobject`` has field ``name`` (``Rel.Field``: a relationship called ``Rel``)."""
        fields = self.sobject_fields(sobject)
        if "." in name:
            rel = name.split(".", 1)[0]
            return any(f.get("relationshipName") == rel for f in fields.values())
        return name in fields

    def check_fields(self, object: CrmObject, fields: Sequence[str]) -> None:
        """Raise ``FatalError`` naming the first mapped field ``object`` lacks in Salesforce."""
        fmap = self.field_map(object)
        kinds = column_kinds(object)
        for canonical in fields:
            if canonical not in kinds:
                raise FatalError(f"{object}.{canonical} is not a jobshift column")
            sf_name = fmap.to_sf.get(canonical)
            if not sf_name:
                continue  # mapped to "" on purpose: never written
            if "." in sf_name:
                raise FatalError(
                    f"{object}.{canonical} maps to {sf_name!r}, a related field that cannot be written"
                )
            if not self.has_field(fmap.sobject, sf_name):
                raise FatalError(
                    f"Salesforce {fmap.sobject} has no field {sf_name!r} (mapped from {object}.{canonical}); "
                    f"create it or change [salesforce.fields.{object}] {canonical} in jobshift.toml"
                )

    def missing_fields(self, object: CrmObject, fields: Sequence[str]) -> list[str]:
        """The org's field names (``Lead.Jobshift_Past_Title__c``) of mapped ``fields`` it does not have."""
        fmap = self.field_map(object)
        out = []
        for canonical in fields:
            sf_name = fmap.to_sf.get(canonical)
            if sf_name and "." not in sf_name and not self.has_field(fmap.sobject, sf_name):
                out.append(f"{fmap.sobject}.{sf_name}")
        return out

    def check_values(self, values: Sequence[tuple[str, str, str, str]]) -> list[str]:
        """Check configured values against the org's picklists: ``(object, canonical field, value, config
        key)``. Raises ``FatalError`` naming the field, the value and the allowed values when a
        restricted picklist does not allow it; returns warnings for unrestricted picklists."""
        warnings: list[str] = []
        for obj, canonical, value, key in values:
            fmap = self.field_map(obj)
            sf_name = fmap.to_sf.get(canonical)
            if not sf_name or "." in sf_name:
                continue
            info = self.sobject_fields(fmap.sobject).get(sf_name)
            if not info or info.get("type") not in ("picklist", "multipicklist"):
                continue
            allowed = [str(v["value"]) for v in info.get("picklistValues") or [] if v.get("active", True)]
            if value in allowed:
                continue
            where = f"Salesforce {fmap.sobject}.{sf_name}"
            shown = ", ".join(repr(a) for a in allowed) or "none"
            if info.get("restrictedPicklist"):
                raise FatalError(
                    f"{where} does not allow {value!r} (configured as {key}); allowed values: {shown}"
                )
            warnings.append(f"{where}: {value!r} ({key}) is not one of its picklist values ({shown})")
        return warnings

    def check_external_id(self, sobject: str, name: str) -> None:
        """Raise ``FatalError`` unless ``sobject.name`` exists and is an External ID field."""
        info = self.sobject_fields(sobject).get(name)
        if info is None:
            raise FatalError(
                f"Salesforce {sobject} has no field {name!r} (salesforce.lead_external_id_field); "
                "create it as a unique External ID text field or configure another one"
            )
        if not info.get("externalId") and not info.get("idLookup"):
            raise FatalError(f"Salesforce {sobject}.{name} is not an External ID field")

    # -- reads ------------------------------------------------------------------------------------
    def read_columns(self, obj: str) -> dict[str, str]:
        """Canonical column → Salesforce field read for ``obj`` (fields the org lacks are skipped;
        a *configured* field the org lacks is a ``FatalError``)."""
        fmap = self.field_map(obj)
        kinds = column_kinds(obj)
        cols: dict[str, str] = {}
        skipped: list[str] = []
        for canonical, sf_name in fmap.to_sf.items():
            if canonical not in kinds:
                continue
            if self.has_field(fmap.sobject, sf_name):
                cols[canonical] = sf_name
            elif canonical in fmap.configured:
                raise FatalError(
                    f"Salesforce {fmap.sobject} has no field {sf_name!r} "
                    f"(configured as [salesforce.fields.{obj}] {canonical})"
                )
            else:
                skipped.append(sf_name)
        self.skipped_fields[obj] = skipped
        return cols

    def account_name_history(self, since: datetime | None = None) -> list[NameChange]:
        """Account renames kept by the org's field history (``[]`` without it; see :mod:`.history`)."""
        return account_name_history(self.client, since)

    def read(self, object: CrmObject, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Records of ``object`` changed after ``since`` (all when ``None``), oldest change first."""
        fmap = self.field_map(object)
        cols = self.read_columns(object)
        select = list(dict.fromkeys(["Id", *cols.values(), MODSTAMP]))
        soql = f"SELECT {', '.join(select)} FROM {fmap.sobject}"
        if since is not None:
            # SOQL datetime literals have whole seconds: ask from the second, drop what is not newer
            soql += f" WHERE {MODSTAMP} >= {soql_datetime(since)}"
        soql += f" ORDER BY {MODSTAMP}, Id"
        for rec in self.client.query(soql):
            stamp = rec.get(MODSTAMP)
            if stamp:
                ts = to_datetime(str(stamp))
                if since is not None and ts <= since:
                    continue
                if object not in self.watermarks or ts > self.watermarks[object]:
                    self.watermarks[object] = ts
            try:
                yield fmap.to_canonical(rec, cols)
            except ValueError as exc:
                self.rejected.append((object, str(rec.get("Id")), str(exc)))

    def find_existing(self, people: Sequence[PersonLookup]) -> dict[str, ExistingPerson]:
        """Contacts at the account and unconverted leads at the company for these people: one SOQL query
        per object and ``LOOKUP_BATCH`` people (e-mails, LinkedIn URLs, last names), sent five at a time
        in Composite requests (each one API call)."""
        todo = [p for p in people if p.emails or p.linkedin_norm or (p.first_name and p.last_name)]
        chunks = [todo[i : i + LOOKUP_BATCH] for i in range(0, len(todo), LOOKUP_BATCH)]
        out: dict[str, ExistingPerson] = {}
        objs: tuple[Literal["contacts"], Literal["leads"]] = ("contacts", "leads")
        for obj in objs:  # a contact at the account wins over a lead
            jobs: list[tuple[list[PersonLookup], str, str | None]] = []
            for chunk in chunks:
                rest = [p for p in chunk if p.key not in out]
                if obj == "contacts":
                    rest = [p for p in rest if p.account_id or p.company_domain]
                query = self._lookup_query(obj, rest) if rest else None
                if query is not None:
                    jobs.append((rest, *query))
            answers = self.client.query_many([q for _, q, _ in jobs]) if jobs else []
            for (rest, _q, li_field), records in zip(jobs, answers, strict=True):
                for p in rest:
                    for rec in records:
                        how = _same_person(obj, p, rec, li_field)
                        if how:
                            out[p.key] = ExistingPerson(obj, str(rec["Id"]), how)
                            break
        return out

    def _lookup_query(self, obj: str, people: Sequence[PersonLookup]) -> tuple[str, str | None] | None:
        """The SOQL finding candidates for ``people`` in ``obj``, and the LinkedIn field it reads."""
        fmap = self.field_map(obj)
        li_field = fmap.to_sf.get("linkedin_url")
        if li_field and not self.has_field(fmap.sobject, li_field):
            li_field = None
        emails = sorted({e for p in people for e in (email_key(x) for x in p.emails) if e})
        slugs = sorted({p.linkedin_norm.rsplit("/", 1)[-1] for p in people if p.linkedin_norm and li_field})
        names = sorted({p.last_name for p in people if p.first_name and p.last_name})
        ors = []
        if emails:
            ors.append(f"Email IN ({', '.join(soql_string(e) for e in emails)})")
        ors += [f"{li_field} LIKE {soql_string('%/in/' + slug + '%')}" for slug in slugs]
        if names and obj == "contacts":
            accounts = sorted({to_18(p.account_id) or "" for p in people if p.account_id})
            if accounts:
                ors.append(
                    f"(LastName IN ({', '.join(soql_string(n) for n in names)}) AND "
                    f"AccountId IN ({', '.join(soql_string(a) for a in accounts)}))"
                )
        elif names:
            companies = sorted({p.company_name for p in people if p.company_name})
            if companies:
                ors.append(
                    f"(LastName IN ({', '.join(soql_string(n) for n in names)}) AND "
                    f"Company IN ({', '.join(soql_string(c) for c in companies)}))"
                )
        if not ors:
            return None
        cols = ["Id", "Email", "FirstName", "LastName", *([li_field] if li_field else [])]
        cols += ["AccountId"] if obj == "contacts" else ["Company"]
        where = f"({' OR '.join(ors)})"
        if obj == "leads" and self.has_field("Lead", "IsConverted"):
            where = f"IsConverted = false AND {where}"
        return (
            f"SELECT {', '.join(cols)} FROM {fmap.sobject} WHERE {where} ORDER BY CreatedDate, Id",
            li_field,
        )

    def _find_in(
        self, obj: str, email: str | None, li: str | None, account_id: str | None, domain: str | None
    ) -> ExistingPerson | None:
        fmap = self.field_map(obj)
        li_field = fmap.to_sf.get("linkedin_url")
        if li_field and not self.has_field(fmap.sobject, li_field):
            li_field = None
        ors = []
        if email:
            ors.append(f"Email = {soql_string(email)}")
        if li and li_field:
            slug = li.rsplit("/", 1)[-1]
            ors.append(f"{li_field} LIKE {soql_string('%/in/' + slug + '%')}")
        if not ors:
            return None
        fields = ["Id", "Email", *([li_field] if li_field else [])]
        where = f"({' OR '.join(ors)})"
        if obj == "contacts":
            where = f"AccountId = {soql_string(account_id or '')} AND {where}"
        elif self.has_field("Lead", "IsConverted"):
            where = f"IsConverted = false AND {where}"
        soql = (
            f"SELECT {', '.join(fields)} FROM {fmap.sobject} WHERE {where} ORDER BY CreatedDate, Id LIMIT 20"
        )
        for rec in self.client.query(soql):
            rec_email = email_key(rec.get("Email")) if rec.get("Email") else None
            rec_li = linkedin_person_key(rec.get(li_field)) if li_field else None
            same_domain = domain is None or (rec_email or "").endswith("@" + domain)
            if email and rec_email == email and (obj == "contacts" or same_domain):
                return ExistingPerson(obj, str(rec["Id"]), "email")  # type: ignore[arg-type]
            if li and rec_li == li and (obj == "contacts" or (domain is not None and same_domain)):
                return ExistingPerson(obj, str(rec["Id"]), "linkedin")  # type: ignore[arg-type]
        return None

    # -- writes -----------------------------------------------------------------------------------
    def api_usage(self) -> ApiUsage:
        """Today's API requests from ``/limits`` (``DailyApiRequests``)."""
        daily = self.client.limits().get("DailyApiRequests") or {}
        limit = int(daily.get("Max") or 0)
        return ApiUsage(
            used=limit - int(daily.get("Remaining") or 0), limit=limit, extra={"source": "limits"}
        )

    def _pause_reason(self, usage: tuple[int, int] | None = None) -> str | None:
        if usage is None:
            usage = self.client.header_usage()
        if usage is None:
            u = self.api_usage()
            usage = (u.used, u.limit)
        used, limit = usage
        share = self.settings.api_usage_pause_share
        if limit and used / limit >= share:
            return (
                f"Salesforce writes paused: API usage {used:,}/{limit:,} "
                f"reached {share:.0%} of the daily limit"
            )
        return None

    def _prepare(self, obj: CrmObject, field_sets: Sequence[Mapping[str, Any]]) -> None:
        names = list(dict.fromkeys(k for fs in field_sets for k in fs))
        self.check_fields(obj, names)
        u = self.api_usage()
        reason = self._pause_reason((u.used, u.limit))
        if reason:
            raise PausedError(reason, retry_after=PAUSE_RETRY_AFTER)

    def _write(self, sobject: str, records: list[dict[str, Any]], external_id: str | None) -> list[Outcome]:
        s = self.settings
        if len(records) >= s.bulk_threshold:
            try:
                return bulk_write(
                    self.client,
                    sobject,
                    records,
                    external_id=external_id,
                    poll_seconds=s.bulk_poll_seconds,
                    timeout_seconds=s.bulk_timeout_seconds,
                )
            except RetryableError as exc:
                return [Outcome(False, error=str(exc), retryable=True) for _ in records]
        return rest_write(
            self.client,
            sobject,
            records,
            external_id=external_id,
            batch_size=s.rest_batch_size,
            before_batch=self._pause_reason,
        )

    def _values(self, obj: str, fields: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Canonical fields → the org's field values (fitted to describe) and the notes on what changed."""
        fmap = self.field_map(obj)
        values, unmapped, notes = fmap.to_salesforce(fields, self.sobject_fields(fmap.sobject))
        self.unmapped_written.update(unmapped)
        values.pop("Id", None)
        return values, notes

    def create_leads(self, intents: Sequence[LeadCreate]) -> list[WriteResult]:
        """Upsert leads by the external-id field (idempotent); one result per intent, same order.

        A record the org's duplicate rule refuses (``DUPLICATES_DETECTED``) comes back ``ok`` with
        ``duplicate_of`` and the existing record's id: the push links to it instead of failing.
        """
        if not intents:
            return []
        fmap = self.field_map("leads")
        ext = self.settings.lead_external_id_field
        self.check_external_id(fmap.sobject, ext)
        self._prepare("leads", [i.fields for i in intents])
        record_type = self.settings.lead_record_type_id
        unique: dict[str, dict[str, Any]] = {}
        notes: dict[str, list[str]] = {}
        for intent in intents:
            values, notes[intent.idempotency_key] = self._values("leads", intent.fields)
            if record_type:
                values["RecordTypeId"] = record_type
            unique[intent.idempotency_key] = {**values, ext: intent.idempotency_key}
        outcomes = dict(zip(unique, self._write(fmap.sobject, list(unique.values()), ext), strict=True))
        results = []
        for i in intents:
            o = outcomes[i.idempotency_key]
            if o.is_duplicate:
                results.append(self._duplicate(i.idempotency_key, o, unique[i.idempotency_key]))
            else:
                results.append(_result(i.idempotency_key, o, notes[i.idempotency_key]))
        return results

    def _duplicate(self, key: str, o: Outcome, values: Mapping[str, Any]) -> WriteResult:
        """The existing record a duplicate rule pointed at (asked back by e-mail when the org's error
        did not name it, as Bulk API results do not)."""
        rid = o.duplicates[0] if o.duplicates else None
        if rid is None and values.get("Email"):
            email = str(values["Email"])
            for obj in ("leads", "contacts"):
                found = self._find_in(obj, email_key(email), None, None, None)
                if found:
                    rid = found.record_id
                    break
        if rid is None:
            return _result(key, o, ())
        obj = "contacts" if rid.startswith("003") else "leads"
        return WriteResult(key, True, record_id=rid, duplicate_of=obj, notes=(f"{o.error}",))

    def update_contacts(self, intents: Sequence[ContactUpdate]) -> list[WriteResult]:
        """Update contacts by id (several intents for one contact are merged, later fields win; a 15- and
        an 18-character id of one contact are one contact)."""
        if not intents:
            return []
        fmap = self.field_map("contacts")
        self._prepare("contacts", [i.fields for i in intents])
        merged: dict[str, dict[str, Any]] = {}
        notes: dict[str, list[str]] = {}
        for intent in intents:
            cid = to_18(intent.contact_id) or intent.contact_id
            values, notes[intent.idempotency_key] = self._values("contacts", intent.fields)
            merged.setdefault(cid, {"Id": cid}).update(values)
        outcomes = dict(zip(merged, self._write(fmap.sobject, list(merged.values()), None), strict=True))
        return [
            _result(
                i.idempotency_key, outcomes[to_18(i.contact_id) or i.contact_id], notes[i.idempotency_key]
            )
            for i in intents
        ]

    def written_fields(self) -> dict[str, dict[str, str]]:
        """Per object, canonical field → the org's field that jobshift writes (mapped ones only)."""
        out: dict[str, dict[str, str]] = {}
        for obj, names in WRITTEN_FIELDS.items():
            fmap = self.field_map(obj)
            out[obj] = {c: fmap.to_sf[c] for c in names if fmap.to_sf.get(c) and "." not in fmap.to_sf[c]}
        return out


def _result(key: str, o: Outcome, notes: Sequence[str]) -> WriteResult:
    return WriteResult(
        key, o.ok, record_id=o.record_id, error=o.error, retryable=o.retryable, notes=tuple(notes)
    )


def _same_person(obj: str, p: PersonLookup, rec: Mapping[str, Any], li_field: str | None) -> str | None:
    """How ``rec`` is the person ``p`` at the company (``email`` / ``linkedin`` / ``name``), or ``None``."""
    rec_email = email_key(rec.get("Email")) if rec.get("Email") else None
    domain = (p.company_domain or "").lower() or None
    if obj == "contacts":
        at_company = bool(p.account_id) and to_18(str(rec.get("AccountId") or "")) == to_18(p.account_id)
        at_company = at_company or bool(domain and rec_email and rec_email.endswith("@" + domain))
    else:
        same_name = bool(p.company_name) and _fold(rec.get("Company")) == _fold(p.company_name)
        at_company = same_name or bool(domain and rec_email and rec_email.endswith("@" + domain))
    if not at_company:
        return None
    emails = {email_key(e) for e in p.emails if e}
    if rec_email and rec_email in emails:
        return "email"
    if p.linkedin_norm and li_field and linkedin_person_key(rec.get(li_field)) == p.linkedin_norm:
        return "linkedin"
    if (
        p.first_name
        and p.last_name
        and (_fold(rec.get("FirstName")), _fold(rec.get("LastName")))
        == (
            _fold(p.first_name),
            _fold(p.last_name),
        )
    ):
        return "name"
    return None


def _fold(value: Any) -> str:
    return " ".join(str(value or "").casefold().split())
