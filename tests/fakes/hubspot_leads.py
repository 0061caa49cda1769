"""HubSpot's Leads object (objectTypeId ``0-136``, Sales Hub) in the fake account, with its documented rules.

A portal has it only when the fake is built with ``leads_object=True`` (``/crm/v3/properties/leads``,
``/crm/v3/objects/leads/*`` and ``/crm/v3/pipelines/leads`` answer 404 otherwise), so ``crm check`` sees
both kinds of portal. A batch create is refused whole, as HubSpot refuses a batch:

- 400 ``VALIDATION_ERROR`` when a lead has no ``hs_lead_name``, is not associated with an existing
  contact through the "lead to primary contact" type (578), names an association type other than 578 /
  608 (contact) / 610 (company) or a record that does not exist, has a pipeline that is not a lead
  pipeline or a stage not in its pipeline, or a value its property's type does not allow;
- 409 ``CONFLICT`` when a unique-value property (jobshift's ``jobshift_key``) already has the value (the
  message names no record: the connector must look the key up).

Without ``hs_pipeline`` / ``hs_pipeline_stage`` a lead lands in the default pipeline's first stage.
"""

from __future__ import annotations

from typing import Any

from fakes.hubspot_data import Refused, _p

LEAD_TO_PRIMARY_CONTACT, LEAD_TO_CONTACT, LEAD_TO_COMPANY = 578, 608, 610
LEAD_ASSOCIATIONS = {
    LEAD_TO_PRIMARY_CONTACT: "contacts",
    LEAD_TO_CONTACT: "contacts",
    LEAD_TO_COMPANY: "companies",
}
PIPELINES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "lead-pipeline-id": (
        "Lead pipeline",
        [("new-stage-id", "New"), ("attempting-stage-id", "Attempting"),
         ("connected-stage-id", "Connected"), ("qualified-stage-id", "Qualified"),
         ("unqualified-stage-id", "Disqualified")],
    ),
}  # fmt: skip
LEAD_TYPES = ("NEW_BUSINESS", "UPSELL", "RE_ATTEMPTING")
LEAD_LABELS = ("HOT", "WARM", "COLD")


def lead_properties() -> dict[str, dict[str, Any]]:
    """The Leads object's standard properties."""
    stages = tuple(s for _label, st in PIPELINES.values() for s, _ in st)
    defs = [
        _p("hs_lead_name"),
        _p("hs_pipeline", "enumeration", tuple(PIPELINES)),
        _p("hs_pipeline_stage", "enumeration", stages),
        _p("hs_lead_type", "enumeration", LEAD_TYPES),
        _p("hs_lead_label", "enumeration", LEAD_LABELS),
        _p("hubspot_owner_id"),
        _p("createdate", "datetime"),
        _p("hs_lastmodifieddate", "datetime"),
        _p("hs_object_id", "number"),
    ]
    return {d["name"]: d for d in defs}


def pipelines_answer() -> dict[str, Any]:
    """``GET /crm/v3/pipelines/leads``."""
    return {
        "results": [
            {"id": pid, "label": label,
             "stages": [{"id": s, "label": sl, "displayOrder": i} for i, (s, sl) in enumerate(stages)]}
            for pid, (label, stages) in PIPELINES.items()
        ]
    }  # fmt: skip


def _why_not(api: Any, inp: dict[str, Any]) -> str | None:
    props = inp.get("properties") or {}
    if not str(props.get("hs_lead_name") or "").strip():
        return "hs_lead_name is required"
    pipeline = props.get("hs_pipeline") or next(iter(PIPELINES))
    if pipeline not in PIPELINES:
        return f"{pipeline!r} is not a lead pipeline"
    stage = props.get("hs_pipeline_stage")
    if stage and stage not in {s for s, _ in PIPELINES[pipeline][1]}:
        return f"stage {stage!r} is not in pipeline {pipeline!r}"
    primary = False
    for a in inp.get("associations") or []:
        target = str((a.get("to") or {}).get("id") or "")
        for t in a.get("types") or []:
            tid = int(t.get("associationTypeId") or 0)
            to_type = LEAD_ASSOCIATIONS.get(tid)
            if to_type is None or t.get("associationCategory", "HUBSPOT_DEFINED") != "HUBSPOT_DEFINED":
                return f"association type {tid} is not valid from leads"
            if target not in api.objects[to_type]:
                return f"{to_type} {target} does not exist"
            primary = primary or tid == LEAD_TO_PRIMARY_CONTACT
    if not primary:
        return "a lead must be associated with a contact (lead to primary contact, 578)"
    return None


def create_leads(api: Any, inputs: list[dict[str, Any]]) -> tuple[int, Any]:
    """A batch create of leads on the fake account ``api`` (see the module docstring)."""
    problems = [why for i in inputs if (why := _why_not(api, i))]
    if problems:
        raise Refused(400, "VALIDATION_ERROR", "Lead batch refused: " + "; ".join(problems))
    defs = api.props["leads"]
    seen: set[tuple[str, str, str]] = set()
    for inp in inputs:
        for name, value in (inp.get("properties") or {}).items():
            if value and defs.get(name, {}).get("hasUniqueValue"):
                key = ("leads", name, str(value).lower())
                if key in api.unique:
                    raise Refused(409, "CONFLICT", f"A lead with this {name} already exists.")
                if key in seen:
                    raise Refused(400, "VALIDATION_ERROR", f"Duplicate {name} {value!r} in the batch")
                seen.add(key)
    results = []
    for inp in inputs:
        props = {k: v for k, v in (inp.get("properties") or {}).items() if v != ""}
        props.setdefault("hs_pipeline", next(iter(PIPELINES)))
        props.setdefault("hs_pipeline_stage", PIPELINES[props["hs_pipeline"]][1][0][0])
        rid = api.add("leads", **props)
        for a in inp.get("associations") or []:
            for t in a.get("types") or []:
                tid = int(t["associationTypeId"])
                api.associate("leads", rid, LEAD_ASSOCIATIONS[tid], str(a["to"]["id"]), tid)
        rec = api.objects["leads"][rid]
        results.append({"id": rid, "properties": dict(rec["properties"]), "createdAt": rec["createdAt"],
                        "updatedAt": rec["updatedAt"], "archived": False})  # fmt: skip
    api.rng.shuffle(results)
    return 201, {"status": "COMPLETE", "results": results}
