"""``jobshift crm setup``: the org metadata jobshift needs, shipped as a Salesforce DX project.

The project lives in the package (``jobshift/salesforce_dx``: ``sfdx-project.json`` and source under
``force-app/main/default``): the custom fields jobshift writes on Lead and Contact, the
``Jobshift_Integration`` permission set, two Lead list views and a Lead page layout with the
"jobshift: Was → Is now" section. :func:`setup_salesforce` says where it is and how to deploy it with the
Salesforce CLI, optionally copies it to a directory the admin edits first, and compares it with the
workspace's configuration (field mapping, lead sources, picklist vocabulary). No Salesforce connection.

:func:`metadata_fields` reads the shipped field XML back (stdlib ``xml.etree``), so tests and the
command can check it against the fields the connector writes.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from jobshift.config import Config
from jobshift.connectors.crm.salesforce.connector import SalesforceConnector
from jobshift.connectors.crm.salesforce.fields import SOBJECTS
from jobshift.errors import InputFileError, UsageError
from jobshift.services.crm.salesforce_sync import vocabulary

DX_PROJECT = Path(__file__).resolve().parents[2] / "salesforce_dx"
"""The shipped Salesforce DX project (inside the installed package)."""
SOURCE_DIR = "force-app"
DEFAULT_SOURCE = Path(SOURCE_DIR) / "main" / "default"
NS = "http://soap.sforce.com/2006/04/metadata"
PERMISSION_SET = "Jobshift_Integration"
_Q = f"{{{NS}}}"

# Standard picklists whose values the admin adds in Setup (see docs/salesforce.md, "Set up the org"):
# deploying a StandardValueSet replaces the org's whole value set, so none is shipped.
_STANDARD_PICKLISTS = {("leads", "status"): "Lead Status", ("leads", "lead_source"): "Lead Source"}


def _text(node: ET.Element, tag: str) -> str | None:
    child = node.find(_Q + tag)
    return child.text if child is not None and child.text is not None else None


def parse_xml(path: Path) -> ET.Element:
    """The root element of a metadata file; ``InputFileError`` naming the file when it is not XML or not
    in the Metadata API namespace."""
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as exc:
        raise InputFileError(f"{path}: not well-formed XML: {exc}") from None
    if not root.tag.startswith(_Q):
        raise InputFileError(f"{path}: root element {root.tag!r} is not in the namespace {NS}")
    return root


def metadata_fields(project: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """sObject → field API name → ``{type, label, length, picklist_values, restricted, external_id,
    unique, case_sensitive, reference_to, relationship_name, relationship_label, delete_constraint,
    default}`` of every ``*.field-meta.xml`` in the DX project (default: the shipped one)."""
    objects = (project or DX_PROJECT) / DEFAULT_SOURCE / "objects"
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(objects.glob("*/fields/*.field-meta.xml")):
        root = parse_xml(path)
        name = _text(root, "fullName") or path.name.removesuffix(".field-meta.xml")
        length = _text(root, "length")
        values = [
            _text(v, "fullName") or "" for v in root.findall(f"{_Q}valueSet/{_Q}valueSetDefinition/{_Q}value")
        ]
        out.setdefault(path.parent.parent.name, {})[name] = {
            "type": _text(root, "type"),
            "label": _text(root, "label"),
            "length": int(length) if length else None,
            "picklist_values": values,
            "restricted": _text(root, f"valueSet/{_Q}restricted") == "true",
            "external_id": _text(root, "externalId") == "true",
            "unique": _text(root, "unique") == "true",
            "case_sensitive": _text(root, "caseSensitive") == "true",
            "reference_to": _text(root, "referenceTo"),
            "relationship_name": _text(root, "relationshipName"),
            "relationship_label": _text(root, "relationshipLabel"),
            "delete_constraint": _text(root, "deleteConstraint"),
            "default": _text(root, "defaultValue"),
        }
    return out


def permission_set(project: Path | None = None) -> dict[str, Any]:
    """The shipped permission set: ``{label, fields: {"Obj.Field": {readable, editable}}, objects: {Obj:
    {allowCreate, allowRead, ...}}, user_permissions: [...]}``."""
    path = (
        (project or DX_PROJECT)
        / DEFAULT_SOURCE
        / "permissionsets"
        / f"{PERMISSION_SET}.permissionset-meta.xml"
    )
    root = parse_xml(path)
    fields = {
        _text(p, "field") or "": {
            "readable": _text(p, "readable") == "true",
            "editable": _text(p, "editable") == "true",
        }
        for p in root.findall(_Q + "fieldPermissions")
    }
    objects = {
        _text(p, "object") or "": {
            child.tag.removeprefix(_Q): child.text == "true" for child in p if child.tag != _Q + "object"
        }
        for p in root.findall(_Q + "objectPermissions")
    }
    user = [
        _text(p, "name") or "" for p in root.findall(_Q + "userPermissions") if _text(p, "enabled") == "true"
    ]
    return {"label": _text(root, "label"), "fields": fields, "objects": objects, "user_permissions": user}


def list_views(project: Path | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """sObject → list view name → ``{label, filter_scope, columns, filters: [{field, operation, values}]}``
    (a filter's comma-separated value is split into its values)."""
    objects = (project or DX_PROJECT) / DEFAULT_SOURCE / "objects"
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(objects.glob("*/listViews/*.listView-meta.xml")):
        root = parse_xml(path)
        name = _text(root, "fullName") or path.name.removesuffix(".listView-meta.xml")
        out.setdefault(path.parent.parent.name, {})[name] = {
            "label": _text(root, "label"),
            "filter_scope": _text(root, "filterScope"),
            "columns": [c.text or "" for c in root.findall(_Q + "columns")],
            "filters": [
                {
                    "field": _text(f, "field"),
                    "operation": _text(f, "operation"),
                    "values": (_text(f, "value") or "").split(","),
                }
                for f in root.findall(_Q + "filters")
            ],
        }
    return out


def layouts(project: Path | None = None) -> dict[str, dict[str, list[list[str]]]]:
    """Layout name → section label → its columns' field names, of every shipped page layout."""
    out: dict[str, dict[str, list[list[str]]]] = {}
    for path in sorted(((project or DX_PROJECT) / DEFAULT_SOURCE / "layouts").glob("*.layout-meta.xml")):
        root = parse_xml(path)
        sections: dict[str, list[list[str]]] = {}
        for sec in root.findall(_Q + "layoutSections"):
            sections[_text(sec, "label") or ""] = [
                [_text(item, "field") or "" for item in col.findall(_Q + "layoutItems")]
                for col in sec.findall(_Q + "layoutColumns")
            ]
        out[path.name.removesuffix(".layout-meta.xml")] = sections
    return out


def metadata_files(project: Path | None = None) -> list[Path]:
    """Every metadata XML file of the DX project (relative paths)."""
    root = project or DX_PROJECT
    return sorted(p.relative_to(root) for p in (root / SOURCE_DIR).rglob("*-meta.xml"))


@dataclass
class SetupReport:
    """What ``jobshift crm setup`` prints: where the project is, how to deploy it, what to do by hand."""

    project: str
    source_dir: str
    target_org: str
    commands: list[str]
    copied_to: str | None
    fields: dict[str, list[str]]
    permission_set: str
    list_views: list[str]
    layouts: list[str]
    manual_steps: list[str]
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


def _quote(value: str) -> str:
    """A shell word (single-quoted when it needs to be)."""
    if value and all(c.isalnum() or c in "-_./:@+=," for c in value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def copy_project(out: Path, *, force: bool = False) -> Path:
    """Copy the shipped DX project to ``out``; refuses (``UsageError``) when ``out`` exists and is not an
    empty directory, unless ``force`` (then the shipped files are written over; other files stay)."""
    out = out.expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: exists and is not a directory")
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(
            f"--out {out}: the directory exists and is not empty; not overwriting it "
            "(pass --force to write the shipped files over it)"
        )
    shutil.copytree(DX_PROJECT, out, dirs_exist_ok=True)
    return out


def compare_with_config(cfg: Config, project: Path | None = None) -> list[str]:
    """What the workspace's configuration writes that the DX project does not provide: mapped custom
    fields missing from it, and configured values missing from its restricted picklists or list views."""
    meta = metadata_fields(project)
    conn = SalesforceConnector(cfg.salesforce)
    warnings: list[str] = []
    for obj, mapped in conn.written_fields().items():
        sobject = SOBJECTS[obj]
        have = meta.get(sobject, {})
        for canonical, sf_name in mapped.items():
            if sf_name.endswith("__c") and sf_name not in have:
                warnings.append(
                    f"{obj}.{canonical} is mapped to {sobject}.{sf_name}, which the project does not create: "
                    "make sure the org has it (and grant it in the permission set)"
                )
    ext = cfg.salesforce.lead_external_id_field
    if ext not in meta.get("Lead", {}):
        warnings.append(
            f"salesforce.lead_external_id_field is {ext!r}, which the project does not create: create it "
            "on Lead as Text(255), External ID, Unique"
        )
    for obj, canonical, value, key in vocabulary(cfg):
        mapped_to = conn.field_map(obj).to_sf.get(canonical) or ""
        info = meta.get(SOBJECTS[obj], {}).get(mapped_to)
        if info and info["type"] == "Picklist" and value not in info["picklist_values"]:
            warnings.append(
                f"{key} = {value!r} is not a value of {SOBJECTS[obj]}.{mapped_to} in the project; add it to "
                f"the field's valueSet before deploying (allowed: {', '.join(info['picklist_values'])})"
            )
    sources = {cfg.program.contact_tracking_lead_source, cfg.program.target_tracking_lead_source}
    for name, view in list_views(project).get("Lead", {}).items():
        filtered = {v for f in view["filters"] if f["field"] == "LEAD.LEAD_SOURCE" for v in f["values"]}
        if filtered != sources:
            warnings.append(
                f"list view {name} filters Lead Source on {', '.join(sorted(filtered))}; your lead sources "
                f"are {', '.join(sorted(sources))}: edit its <value> (comma-separated) before deploying"
            )
    return warnings


def setup_salesforce(
    cfg: Config, *, out: Path | None = None, force: bool = False, target_org: str = "prod"
) -> SetupReport:
    """The deploy instructions for the shipped DX project (copied to ``out`` first when given)."""
    project = DX_PROJECT
    copied: str | None = None
    if out is not None:
        project = copy_project(out, force=force)
        copied = str(project)
    source = project / SOURCE_DIR
    org = _quote(target_org)
    assign = f"sf org assign permset --name {PERMISSION_SET} --target-org {org}"
    if cfg.salesforce.username:
        assign += f" --on-behalf-of {_quote(cfg.salesforce.username)}"
    commands = [
        f"sf org login web --alias {org} --instance-url {_quote(cfg.salesforce.login_url)}",
        f"sf project deploy start --source-dir {_quote(str(source))} --target-org {org}",
        assign,
    ]
    p = cfg.program
    manual = []
    if not cfg.salesforce.username:
        manual.append(
            "The permission set command assigns it to the user you logged in as: add --on-behalf-of "
            "<username> for the integration user (the run-as user of the connected app)"
        )
    manual += [
        f"Setup → Object Manager → Lead → Fields → Lead Status: add {p.lead_status!r} (if missing)",
        "Setup → Object Manager → Lead → Fields → Lead Source: add "
        f"{p.contact_tracking_lead_source!r} and {p.target_tracking_lead_source!r}",
        "Assign the page layout 'Jobshift Lead Layout' to the profiles that work jobshift leads "
        "(Lead → Page Layouts → Page Layout Assignment), or copy its 'jobshift: Was → Is now' section "
        "into your own Lead layout",
        "Create the connected app (OAuth scopes api, refresh_token) and set JOBSHIFT_SF_CLIENT_SECRET "
        "(and JOBSHIFT_SF_PASSWORD, JOBSHIFT_SF_TOKEN for the username-password flow)",
        "jobshift crm check",
    ]
    fields = {sobject: sorted(names) for sobject, names in metadata_fields(project).items()}
    return SetupReport(
        project=str(project),
        source_dir=str(source),
        target_org=target_org,
        commands=commands,
        copied_to=copied,
        fields=fields,
        permission_set=PERMISSION_SET,
        list_views=sorted(n for views in list_views(project).values() for n in views),
        layouts=sorted(layouts(project)),
        manual_steps=manual,
        warnings=compare_with_config(cfg, project),
    )
