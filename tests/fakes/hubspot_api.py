"""The routes of the fake HubSpot (state and answers; HTTP, auth and faults are in :mod:`fakes.hubspot`)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fakes.hubspot_data import MODSTAMP, READ_ONLY, STAGES, Refused, check_value, iso, ms, project, search
from fakes.hubspot_leads import create_leads, pipelines_answer

OBJ = re.compile(r"^/crm/v3/objects/(\w+)/(search|batch/create|batch/update|batch/read)$")
PROPS = re.compile(r"^/crm/v3/properties/(\w+)(/groups)?$")
ASSOC = re.compile(r"^/crm/v4/associations/(\w+)/(\w+)/batch/(read|associate/default)$")
DEFAULT_TYPES = {
    ("contacts", "companies"): 279,
    ("deals", "companies"): 341,
    ("deals", "contacts"): 3,
    ("companies", "contacts"): 280,
    ("contacts", "deals"): 4,
}
ENGAGEMENT_TYPES = {"calls": (194, 206), "emails": (198, 210), "meetings": (200, 212), "tasks": (204, 216),
                    "notes": (202, 214), "communications": (81, 87)}  # fmt: skip
for _e, (_to_contact, _to_deal) in ENGAGEMENT_TYPES.items():
    DEFAULT_TYPES |= {(_e, "contacts"): _to_contact, ("contacts", _e): _to_contact - 1}
    DEFAULT_TYPES |= {(_e, "deals"): _to_deal, ("deals", _e): _to_deal - 1}
PRIMARY = {1: ("contacts", "companies"), 5: ("deals", "companies")}


class Api:
    """Objects, properties, owners, pipelines and associations of one account."""

    props: dict[str, dict[str, dict[str, Any]]]
    leads_object: bool
    rng: random.Random
    account_info: dict[str, Any]

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self.clock = clock or datetime.utcnow
        self.objects: dict[str, dict[str, dict[str, Any]]] = {t: {} for t in MODSTAMP}
        self.labels: dict[tuple[str, str, str, str], str] = {}
        self.unique: dict[tuple[str, str, str], str] = {}
        """(object type, unique property, lower-cased value) → record id."""
        self.stages: list[tuple[str, str]] = [(s, s.title()) for s in STAGES]
        self.groups: dict[str, dict[str, dict[str, Any]]] = {}
        self.owners: list[dict[str, Any]] = []
        self.assoc: set[tuple[str, str, str, str, int]] = set()
        self._next = 1000
        self._last_ms = 0

    # -- test helpers -----------------------------------------------------------------------------
    def _now(self) -> int:
        self._last_ms = max(self._last_ms + 1, ms(self.clock()))
        return self._last_ms

    def add(self, object_type: str, created: datetime | None = None, **props: Any) -> str:
        """Seed a record (any property); returns its id."""
        self._next += 1
        rid = str(self._next)
        now = self._now()
        made = ms(created) if created else ms(self.clock())  # the modstamp only is kept monotonic
        values = {
            k: (None if v is None else str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in props.items()
        }
        values.update({"hs_object_id": rid, "createdate": iso(made), MODSTAMP[object_type]: iso(now)})
        rec = {"id": rid, "properties": values, "createdAt": iso(made), "updatedAt": iso(now)}
        self._derive(object_type, rec)
        self.objects[object_type][rid] = rec
        return rid

    def update(self, object_type: str, record_id: str, **props: Any) -> None:
        """A user edits a record in HubSpot (e.g. renames a company): the properties and the
        last-modified date change."""
        rec = self.objects[object_type][record_id]
        now = self._now()
        rec["properties"].update({k: None if v is None else str(v) for k, v in props.items()})
        rec["properties"][MODSTAMP[object_type]] = iso(now)
        rec["updatedAt"] = iso(now)
        self._derive(object_type, rec)

    def add_owner(self, first: str, last: str, email: str, team: str | None = None) -> str:
        """Seed an owner; returns its id."""
        self._next += 1
        teams = [{"id": "1", "name": team, "primary": True}] if team else []
        self.owners.append(
            {
                "id": str(self._next),
                "firstName": first,
                "lastName": last,
                "email": email,
                "archived": False,
                "teams": teams,
                "userId": self._next,
            }
        )
        return str(self._next)

    def associate(
        self,
        from_type: str,
        from_id: str,
        to_type: str,
        to_id: str,
        type_id: int | None = None,
        label: str | None = None,
    ) -> None:
        """Seed an association (both directions, as HubSpot keeps them), optionally labelled."""
        tid = type_id or DEFAULT_TYPES[(from_type, to_type)]
        if label:
            self.labels[(from_type, from_id, to_type, to_id)] = label
        self.assoc.add((from_type, from_id, to_type, to_id, tid))
        self.assoc.add((to_type, to_id, from_type, from_id, DEFAULT_TYPES.get((to_type, from_type), tid)))
        if PRIMARY.get(tid) == ("contacts", "companies"):
            self.objects["contacts"][from_id]["properties"]["associatedcompanyid"] = to_id

    def records(self, object_type: str) -> list[dict[str, Any]]:
        """Copies of every record's properties (with ``id``)."""
        return [{"id": r["id"], **r["properties"]} for r in self.objects[object_type].values()]

    def _derive(self, object_type: str, rec: dict[str, Any]) -> None:
        defs = self.props.get(object_type, {})
        for key in rec.pop("_unique", []):
            self.unique.pop(key, None)
        keys = [
            (object_type, name, str(value).lower())
            for name, value in rec["properties"].items()
            if value and (name == "email" or defs.get(name, {}).get("hasUniqueValue"))
        ]
        self.unique.update({k: rec["id"] for k in keys})
        rec["_unique"] = keys
        if object_type == "contacts":
            email = rec["properties"].get("email") or ""
            rec["properties"]["hs_email_domain"] = email.rsplit("@", 1)[-1].lower() if "@" in email else None

    # -- routes -----------------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[str, int, Any]:
        """``(call kind, status, JSON answer)``; raises :class:`Refused`."""
        if m := OBJ.match(path):
            object_type, op = m.groups()
            if object_type not in self.objects:
                raise Refused(404, "OBJECT_NOT_FOUND", f"Unable to infer object type from: {object_type}")
            if op == "search":
                records, body = self._by_association(object_type, body)
                return "search", 200, search(records, body, self.props[object_type])
            return op.replace("/", "_"), *self._batch(object_type, op.split("/")[1], body)
        if m := PROPS.match(path):
            object_type, groups = m.groups()
            if object_type not in self.props:
                raise Refused(404, "OBJECT_NOT_FOUND", f"Unable to infer object type from: {object_type}")
            if groups:
                return self._groups(method, object_type, body)
            if method == "GET":
                return "properties", 200, {"results": list(self.props[object_type].values())}
            if body.get("name") in self.props[object_type]:
                raise Refused(
                    409, "OBJECT_ALREADY_EXISTS", f"A property named '{body.get('name')}' already exists."
                )
            self.props[object_type][body["name"]] = dict(body)
            return "property_create", 201, body
        if path == "/crm/v3/owners":
            after = int(query.get("after") or 0)
            limit = int(query.get("limit") or 100)
            page = self.owners[after : after + limit]
            out: dict[str, Any] = {"results": page}
            if after + limit < len(self.owners):
                out["paging"] = {"next": {"after": str(after + limit)}}
            return "owners", 200, out
        if path == "/account-info/v3/details":
            return "account_info", 200, self.account_info
        if path == "/crm/v3/pipelines/leads" and "leads" in self.props:
            return "pipelines", 200, pipelines_answer()
        if path == "/crm/v3/pipelines/deals":
            stages = [
                {"id": s, "label": label, "displayOrder": i} for i, (s, label) in enumerate(self.stages)
            ]
            return (
                "pipelines",
                200,
                {"results": [{"id": "default", "label": "Sales Pipeline", "stages": stages}]},
            )
        if m := ASSOC.match(path):
            return self._assoc(m.group(1), m.group(2), m.group(3), body)
        raise Refused(404, "NOT_FOUND", f"no route {method} {path}")

    def _by_association(self, object_type: str, body: Any) -> tuple[list[dict[str, Any]], Any]:
        """HubSpot's ``associations.<object>`` search pseudo-property (``EQ`` only): the records associated
        with that record; the other filters are left to :func:`search` (one filter group only)."""
        records = list(self.objects[object_type].values())
        groups = body.get("filterGroups") or []
        assoc = [
            f
            for g in groups
            for f in g.get("filters") or []
            if str(f.get("propertyName")).startswith("associations.")
        ]
        if not assoc:
            return records, body
        if len(groups) > 1:
            raise Refused(400, "VALIDATION_ERROR", "associations filters: one filter group in this fake")
        plural = {"contact": "contacts", "company": "companies", "deal": "deals"}
        for f in assoc:
            to_type = plural.get(str(f["propertyName"]).split(".", 1)[1])
            if f.get("operator") != "EQ" or to_type is None:
                raise Refused(400, "VALIDATION_ERROR", f"unsupported association filter {f}")
            linked = {
                fid
                for ft, fid, tt, tid, _t in self.assoc
                if ft == object_type and tt == to_type and tid == str(f.get("value"))
            }
            records = [r for r in records if r["id"] in linked]
        rest = [f for f in groups[0].get("filters") or [] if f not in assoc]
        return records, {**body, "filterGroups": [{"filters": rest}] if rest else []}

    def _groups(self, method: str, object_type: str, body: Any) -> tuple[str, int, Any]:
        groups = self.groups.setdefault(object_type, {})
        if method == "GET":
            return "groups", 200, {"results": list(groups.values())}
        if body.get("name") in groups:
            raise Refused(409, "OBJECT_ALREADY_EXISTS", "group exists")
        groups[body["name"]] = dict(body)
        return "group_create", 201, body

    def _validate(self, object_type: str, props: dict[str, Any]) -> list[str]:
        defs = self.props[object_type]
        problems = []
        for name, value in props.items():
            if name not in defs:
                problems.append(f'Property "{name}" does not exist (PROPERTY_DOESNT_EXIST)')
            elif name not in READ_ONLY and (why := check_value(defs[name], value)):
                problems.append(f"{name}: {why} (INVALID_OPTION)")
        return problems

    def _batch(self, object_type: str, op: str, body: Any) -> tuple[int, Any]:
        inputs = body.get("inputs") or []
        if len(inputs) > 100:
            raise Refused(400, "VALIDATION_ERROR", "at most 100 inputs per batch")
        table = self.objects[object_type]
        if op == "read":
            wanted = set(body.get("properties") or [])
            hits = [
                project(table[str(i["id"])], wanted | {"hs_object_id"})
                for i in inputs
                if str(i["id"]) in table
            ]
            return 200, {"status": "COMPLETE", "results": hits}
        problems = [p for i in inputs for p in self._validate(object_type, i.get("properties") or {})]
        if problems:
            raise Refused(400, "VALIDATION_ERROR", "Property values were not valid: " + "; ".join(problems))
        if op == "create":
            return create_leads(self, inputs) if object_type == "leads" else self._create(object_type, inputs)
        results, missing = [], []
        for i in inputs:
            rec = table.get(str(i.get("id")))
            if rec is None:
                missing.append(str(i.get("id")))
                continue
            rec["properties"].update(
                {k: v for k, v in (i.get("properties") or {}).items() if k not in READ_ONLY}
            )
            rec["updatedAt"] = rec["properties"][MODSTAMP[object_type]] = iso(self._now())
            self._derive(object_type, rec)
            results.append(project(rec, set(i.get("properties") or {}) | {"hs_object_id"}))
        self.rng.shuffle(results)
        if missing:
            errors = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": "Could not get some objects",
                    "context": {"ids": missing},
                }
            ]
            return 207, {
                "status": "COMPLETE",
                "results": results,
                "errors": errors,
                "numErrors": len(missing),
            }
        return 200, {"status": "COMPLETE", "results": results}

    def _create(self, object_type: str, inputs: list[dict[str, Any]]) -> tuple[int, Any]:
        defs = self.props[object_type]
        in_batch: set[tuple[str, str, str]] = set()
        for inp in inputs:
            for name, value in (inp.get("properties") or {}).items():
                if value and (name == "email" or defs.get(name, {}).get("hasUniqueValue")):
                    key = (object_type, name, str(value).lower())
                    if key in self.unique:
                        raise Refused(
                            409, "CONFLICT", f"Contact already exists. Existing ID: {self.unique[key]}"
                        )
                    if key in in_batch:
                        raise Refused(400, "VALIDATION_ERROR", f"Duplicate {name} {value!r} in the batch")
                    in_batch.add(key)
        for inp in inputs:
            if object_type in ENGAGEMENT_TYPES and not (inp.get("properties") or {}).get("hs_timestamp"):
                raise Refused(
                    400, "VALIDATION_ERROR", "Property values were not valid: hs_timestamp is required"
                )
            for a in inp.get("associations") or []:
                for t in a.get("types") or []:
                    if (
                        object_type in ENGAGEMENT_TYPES
                        and int(t["associationTypeId"]) not in ENGAGEMENT_TYPES[object_type]
                    ):
                        raise Refused(
                            400, "VALIDATION_ERROR", f"invalid association type {t} from {object_type}"
                        )
                    to_contact = ENGAGEMENT_TYPES.get(object_type, (None,))[0]
                    if (
                        int(t["associationTypeId"]) == to_contact
                        and str(a["to"]["id"]) not in self.objects["contacts"]
                    ):
                        raise Refused(
                            400, "VALIDATION_ERROR", f"no contact {a['to']['id']} to associate with"
                        )
        results = []
        for inp in inputs:
            rid = self.add(object_type, **{k: v for k, v in (inp.get("properties") or {}).items() if v != ""})
            for a in inp.get("associations") or []:
                for t in a.get("types") or []:
                    to_type = (PRIMARY.get(int(t["associationTypeId"])) or (object_type, "companies"))[1]
                    if object_type in ENGAGEMENT_TYPES:
                        to_contact, _to_deal = ENGAGEMENT_TYPES[object_type]
                        to_type = "contacts" if int(t["associationTypeId"]) == to_contact else "deals"
                    self.associate(object_type, rid, to_type, str(a["to"]["id"]), int(t["associationTypeId"]))
            rec = self.objects[object_type][rid]
            results.append(project(rec, set(rec["properties"])))
        self.rng.shuffle(results)
        return 201, {"status": "COMPLETE", "results": results}

    def _assoc(self, from_type: str, to_type: str, op: str, body: Any) -> tuple[str, int, Any]:
        inputs = body.get("inputs") or []
        if op == "read":
            results = []
            index: dict[str, list[tuple[str, int]]] = {}
            for ft, f, tt, t, tid in sorted(self.assoc):
                if ft == from_type and tt == to_type:
                    index.setdefault(f, []).append((t, tid))
            for i in inputs:
                fid = str(i["id"])
                to = [
                    {
                        "toObjectId": int(t),
                        "associationTypes": [
                            {
                                "category": "HUBSPOT_DEFINED" if not label else "USER_DEFINED",
                                "typeId": tid,
                                "label": label,
                            }
                        ],
                    }
                    for t, tid in index.get(fid, [])
                    for label in [self.labels.get((from_type, fid, to_type, t))]
                ]
                if to:
                    results.append({"from": {"id": fid}, "to": to})
            return "associations_read", 200, {"status": "COMPLETE", "results": results}
        for i in inputs:
            self.associate(from_type, str(i["from"]["id"]), to_type, str(i["to"]["id"]))
        return "associations_create", 200, {"status": "COMPLETE", "results": []}
