"""``HubSpotConnector``: the :class:`~jobshift.connectors.crm.protocol.CrmConnector` for HubSpot.

A lead is a HubSpot contact created with ``[hubspot] lead_status`` / ``lead_lifecycle_stage``, jobshift's
properties and the idempotency key in the unique property ``jobshift_key`` (a re-sent create conflicts
and is resolved to the record it made, never a duplicate); it is associated with its company when the
matched account is a HubSpot company; with ``lead_mode = "leads_object"`` (or ``"auto"`` on a portal that
has it) a record of HubSpot's Leads object is created for it too (:mod:`.leads_object`). A departed contact
gets ``jobshift_no_longer_at_company`` and the configured lead status / lifecycle stage. Every write checks
the mapped properties first and pauses (``PausedError``) when the account's daily API usage reaches
``api_usage_pause_share``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from jobshift.config import HubSpotSection
from jobshift.connectors.crm.hubspot.client import CallStats, HubSpotClient, HubSpotHttpError
from jobshift.connectors.crm.hubspot.dedupe import find_people
from jobshift.connectors.crm.hubspot.fields import KEY_PROPERTY, PropertyMap, fit
from jobshift.connectors.crm.hubspot.leads_object import attach_leads
from jobshift.connectors.crm.hubspot.reads import read_object
from jobshift.connectors.crm.hubspot.writes import Outcome, write_batches
from jobshift.connectors.crm.protocol import (
    ApiUsage,
    ContactUpdate,
    CrmObject,
    ExistingPerson,
    LeadCreate,
    PersonLookup,
    WriteResult,
)
from jobshift.connectors.crm.salesforce.fields import column_kinds
from jobshift.errors import FatalError, PausedError

PAUSE_RETRY_AFTER = 3600.0
CONTACT_TO_COMPANY = 1
"""HubSpot-defined association type: a contact's primary company."""


class HubSpotConnector:
    """HubSpot behind the CRM connector protocol (see the module docstring)."""

    name = "hubspot"

    def __init__(
        self,
        settings: HubSpotSection,
        *,
        client: HubSpotClient | None = None,
        env: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.client = client or HubSpotClient(settings, env=env, sleep=sleep, rng=rng)
        self._maps: dict[str, PropertyMap] = {}
        self._props: dict[str, dict[str, dict[str, Any]]] = {}
        self.watermarks: dict[str, datetime] = {}
        self.skipped_fields: dict[str, list[str]] = {}
        self.rejected: list[tuple[str, str, str]] = []
        self._leads_object: bool | None = None

    @property
    def stats(self) -> CallStats:
        """Calls and records counted so far."""
        return self.client.stats

    # -- metadata ---------------------------------------------------------------------------------
    def property_map(self, obj: str) -> PropertyMap:
        """The property map of ``obj`` (defaults + ``[hubspot.fields.<obj>]``)."""
        if obj not in self._maps:
            self._maps[obj] = PropertyMap.build(obj, self.settings.fields.get(obj))
        return self._maps[obj]

    def properties(self, object_type: str) -> dict[str, dict[str, Any]]:
        """Property name → definition of ``object_type`` (one call per object type, cached)."""
        if object_type not in self._props:
            self._props[object_type] = {p["name"]: p for p in self.client.property_list(object_type)}
        return self._props[object_type]

    def forget_properties(self) -> None:
        """Drop the cached property definitions (after ``crm setup`` created some)."""
        self._props.clear()

    def check_fields(self, object: CrmObject, fields: Sequence[str]) -> None:
        """Raise ``FatalError`` naming the first mapped property ``object`` lacks in HubSpot."""
        pmap = self.property_map(object)
        kinds = column_kinds(object)
        props = self.properties(pmap.object_type)
        for canonical in fields:
            if canonical not in kinds:
                raise FatalError(f"{object}.{canonical} is not a jobshift column")
            name = pmap.to_hs.get(canonical)
            if name and name not in props:
                raise FatalError(
                    f"HubSpot {pmap.object_type} has no property {name!r} (mapped from {object}.{canonical});"
                    f" run `jobshift crm setup` or change [hubspot.fields.{object}] {canonical}"
                )

    def missing_fields(self, object: CrmObject, fields: Sequence[str]) -> list[str]:
        """``contacts.jobshift_past_title``-style names of mapped properties HubSpot lacks."""
        pmap = self.property_map(object)
        props = self.properties(pmap.object_type)
        names = [pmap.to_hs.get(c) for c in fields]
        return [f"{pmap.object_type}.{n}" for n in names if n and n not in props]

    def check_values(self, values: Sequence[tuple[str, str, str]]) -> None:
        """``(property, value, config key)`` on contacts: raise ``FatalError`` naming the property, the
        value and the allowed options when an enumeration does not allow a configured value."""
        props = self.properties("contacts")
        for name, value, key in values:
            prop = props.get(name)
            if not value or not prop or prop.get("type") != "enumeration":
                continue
            allowed = [str(o.get("value")) for o in prop.get("options") or []]
            if value not in allowed:
                shown = ", ".join(repr(a) for a in allowed) or "none"
                raise FatalError(
                    f"HubSpot contacts.{name} does not allow {value!r} (configured as {key}); "
                    f"allowed values: {shown}"
                )

    def has_leads_object(self) -> bool:
        """Whether the account has HubSpot's Leads object (its properties can be read)."""
        try:
            self.properties("leads")
        except HubSpotHttpError:
            return False
        return True

    def uses_leads_object(self) -> bool:
        """Whether leads are written as Leads objects: ``lead_mode`` "leads_object", or "auto" on a portal
        that has the object (asked once)."""
        if self._leads_object is None:
            mode = self.settings.lead_mode
            self._leads_object = mode == "leads_object" or (mode == "auto" and self.has_leads_object())
        return self._leads_object

    def account_info(self) -> dict[str, Any]:
        """The portal id and UI domain (record links), from ``/account-info/v3/details``."""
        info = self.client.account_info()
        return {"portal_id": str(info.get("portalId") or ""), "ui_domain": info.get("uiDomain") or ""}

    # -- reads ------------------------------------------------------------------------------------
    def read(self, object: CrmObject, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Records of ``object`` changed at or after ``since`` (all when ``None``), oldest change first."""
        yield from read_object(self, object, since)

    def find_existing(self, people: Sequence[PersonLookup]) -> dict[str, ExistingPerson]:
        """Contacts (and contacts jobshift created: leads) for these people at their new companies:
        one search per 25 people (e-mail, LinkedIn, or first + last name at the company)."""
        li = self.property_map("contacts").to_hs.get("linkedin_url")
        return find_people(self.client, people, li if li in self.properties("contacts") else None)

    # -- writes -----------------------------------------------------------------------------------
    def api_usage(self) -> ApiUsage:
        """Today's usage from the ``X-HubSpot-RateLimit-Daily*`` headers (one owners call when none was
        seen yet); without them, the calls counted here against ``[hubspot] daily_limit``."""
        u = self.client.usage
        if u.daily is None:
            self.client.call("owners", self.client.owners.get_page, limit=1)
        if u.daily is not None and u.daily_remaining is not None:
            return ApiUsage(u.daily - u.daily_remaining, u.daily, {"source": "headers"})
        return ApiUsage(self.stats.total_calls, self.settings.daily_limit, {"source": "counted"})

    def _pause_reason(self) -> str | None:
        u = self.client.usage
        if u.daily is None or u.daily_remaining is None:
            return None
        used, limit, share = u.daily - u.daily_remaining, u.daily, self.settings.api_usage_pause_share
        if limit and used / limit >= share:
            return (
                f"HubSpot writes paused: API usage {used:,}/{limit:,} reached {share:.0%} of the daily limit"
            )
        return None

    def _prepare(self, obj: CrmObject, field_sets: Sequence[Mapping[str, Any]]) -> None:
        self.check_fields(obj, list(dict.fromkeys(k for fs in field_sets for k in fs)))
        self.api_usage()
        reason = self._pause_reason()
        if reason:
            raise PausedError(reason, retry_after=PAUSE_RETRY_AFTER)

    def _values(
        self, obj: str, fields: Mapping[str, Any], *, create: bool
    ) -> tuple[dict[str, str], list[str]]:
        pmap = self.property_map(obj)
        props = self.properties("contacts")
        out: dict[str, str] = {}
        notes: list[str] = []
        for canonical, value in fields.items():
            name = pmap.to_hs.get(canonical)
            if not name or (create and value is None):
                continue
            text, note = fit(canonical, value, props.get(name))
            if note:
                notes.append(note)
            if text is not None:
                out[name] = text
        return out, notes

    def create_leads(self, intents: Sequence[LeadCreate]) -> list[WriteResult]:
        """Batch-create contacts (idempotent by ``jobshift_key``) and, in Leads-object mode, their Leads;
        one result per intent, same order."""
        if not intents:
            return []
        self._prepare("leads", [i.fields for i in intents])
        s = self.settings
        status_prop = self.property_map("leads").to_hs.get("status")
        inputs: dict[str, dict[str, Any]] = {}
        notes: dict[str, list[str]] = {}
        for it in intents:
            values, notes[it.idempotency_key] = self._values("leads", it.fields, create=True)
            values[KEY_PROPERTY] = it.idempotency_key
            if s.lead_lifecycle_stage:
                values["lifecyclestage"] = s.lead_lifecycle_stage
            if status_prop:
                values.pop(status_prop, None)
                if s.lead_status:
                    values[status_prop] = s.lead_status
            body: dict[str, Any] = {"properties": values}
            company = str(it.fields.get("matched_account_id") or "")
            if company.isdigit():  # a HubSpot company id (pulled accounts keep HubSpot's ids)
                kind = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": CONTACT_TO_COMPANY}
                body["associations"] = [{"to": {"id": company}, "types": [kind]}]
            inputs[it.idempotency_key] = body
        outcomes = dict(
            zip(inputs, write_batches(self.client, "create", list(inputs.values()),
                                      batch_size=s.batch_size, before_batch=self._pause_reason), strict=True)
        )  # fmt: skip
        results = [self._lead_result(i.idempotency_key, outcomes[i.idempotency_key],
                                     notes[i.idempotency_key]) for i in intents]  # fmt: skip
        return attach_leads(self, intents, results) if self.uses_leads_object() else results

    def _lead_result(self, key: str, o: Outcome, notes: Sequence[str]) -> WriteResult:
        if o.conflict_id is None:
            return WriteResult(key, o.ok, o.record_id, o.error, o.retryable, notes=tuple(notes))
        rec = self.client.call(
            "batch read contacts", self.client.objects_batch.read, "contacts",
            {"inputs": [{"id": o.conflict_id}], "properties": [KEY_PROPERTY]},
        )  # fmt: skip
        found = (rec.get("results") or [{}])[0]
        if str((found.get("properties") or {}).get(KEY_PROPERTY)) == key:  # our own earlier create
            return WriteResult(key, True, o.conflict_id, notes=tuple(notes))
        obj = "leads" if (found.get("properties") or {}).get(KEY_PROPERTY) else "contacts"
        return WriteResult(key, True, o.conflict_id, duplicate_of=obj, notes=(f"{o.error}",))

    def update_contacts(self, intents: Sequence[ContactUpdate]) -> list[WriteResult]:
        """Batch-update contacts (several intents for one contact merged, later fields win)."""
        if not intents:
            return []
        self._prepare("contacts", [i.fields for i in intents])
        s = self.settings
        status_prop = self.property_map("contacts").to_hs.get("status")
        merged: dict[str, dict[str, Any]] = {}
        notes: dict[str, list[str]] = {}
        for it in intents:
            values, notes[it.idempotency_key] = self._values("contacts", it.fields, create=False)
            if status_prop:  # the canonical status is the Salesforce vocabulary: HubSpot's comes from config
                values.pop(status_prop, None)
            if it.fields.get("no_longer_at_company"):
                if status_prop and s.departed_lead_status:
                    values[status_prop] = s.departed_lead_status
                if s.departed_lifecycle_stage:
                    values["lifecyclestage"] = s.departed_lifecycle_stage
            merged.setdefault(it.contact_id, {"id": it.contact_id, "properties": {}})["properties"].update(
                values
            )
        outcomes = dict(
            zip(merged, write_batches(self.client, "update", list(merged.values()),
                                      batch_size=s.batch_size, before_batch=self._pause_reason), strict=True)
        )  # fmt: skip
        results = []
        for i in intents:
            o = outcomes[i.contact_id]
            note = tuple(notes[i.idempotency_key])
            results.append(
                WriteResult(i.idempotency_key, o.ok, o.record_id, o.error, o.retryable, notes=note)
            )
        return results
