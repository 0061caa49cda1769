"""The Salesforce DX project shipped in the package (``jobshift/salesforce_dx``) against what the connector
writes: exactly the custom fields jobshift writes by default, of types that take what it sends, granted by
the permission set; the jobshift list views and the "Was → Is now" layout; and ``jobshift crm setup``."""

from __future__ import annotations

import filecmp
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jobshift.cli.main import main
from jobshift.config import Config, ProgramSection, SalesforceSection
from jobshift.connectors.crm.salesforce.connector import SalesforceConnector
from jobshift.connectors.crm.salesforce.fields import SOBJECTS, column_kinds, default_field_map
from jobshift.domain.crm_payload import WRITTEN_FIELDS
from jobshift.services.crm.salesforce_setup import (
    DEFAULT_SOURCE,
    DX_PROJECT,
    NS,
    PERMISSION_SET,
    compare_with_config,
    layouts,
    list_views,
    metadata_fields,
    metadata_files,
    permission_set,
)
from jobshift.services.crm.salesforce_sync import vocabulary
from jobshift.store.schema import leads, outbox

# Custom fields in the project that jobshift reads but does not write by default: the person's LinkedIn
# URL, used to find an existing lead or contact for the same person (dedupe). On Lead it is also written
# (``linkedin_url`` is a lead field), on Contact it is only read.
READ_FOR_DEDUPE: dict[str, set[str]] = {"Lead": {"LinkedIn_URL__c"}, "Contact": {"LinkedIn_URL__c"}}

# Written standard fields that have field-level security, so the permission set grants them too. The
# other written standard fields (FirstName, LastName, Company, Status, OwnerId) are required or
# system-controlled and have none.
STANDARD_FLS: dict[str, set[str]] = {"Lead": {"Email", "LeadSource", "Title"}, "Contact": {"Title"}}

# Lookup fields: canonical id column → the object its id points at.
LOOKUPS = {"past_account_id": "Account", "past_contact_id": "Contact", "matched_account_id": "Account"}

META = metadata_fields()
DEFAULT_WRITTEN = SalesforceConnector(SalesforceSection()).written_fields()
EXTERNAL_ID = SalesforceSection().lead_external_id_field


def _custom(names: dict[str, str]) -> dict[str, str]:
    return {c: f for c, f in names.items() if f.endswith("__c")}


def _expected_custom(obj: str) -> set[str]:
    out = set(_custom(DEFAULT_WRITTEN[obj]).values())
    if SOBJECTS[obj] == "Lead":
        out.add(EXTERNAL_ID)
    return out


# -- the files ------------------------------------------------------------------------------------------
def test_every_metadata_file_is_well_formed_and_named_after_its_component() -> None:
    files = metadata_files()
    assert len(files) == len(list((DX_PROJECT / "force-app").rglob("*.xml")))
    kinds = {p.name.rsplit(".", 2)[-2] for p in files}
    assert kinds == {"field-meta", "listView-meta", "layout-meta", "permissionset-meta"}
    for rel in files:
        root = ET.parse(DX_PROJECT / rel).getroot()  # raises on malformed XML
        assert root.tag.startswith(f"{{{NS}}}"), rel
        assert (DX_PROJECT / rel).read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        full_name = root.find(f"{{{NS}}}fullName")
        if full_name is not None:  # fields and list views carry it: it must match the file name
            assert rel.name.split(".")[0] == full_name.text, rel


def test_sfdx_project_points_at_force_app() -> None:
    project = json.loads((DX_PROJECT / "sfdx-project.json").read_text(encoding="utf-8"))
    assert project["packageDirectories"] == [{"path": "force-app", "default": True}]
    assert project["sourceApiVersion"] == SalesforceSection().api_version
    assert (DX_PROJECT / DEFAULT_SOURCE).is_dir()


# -- fields: exactly what the connector writes -------------------------------------------------------
def test_written_fields_are_the_default_field_map() -> None:
    for obj, names in WRITTEN_FIELDS.items():
        defaults = default_field_map(obj)
        assert DEFAULT_WRITTEN[obj] == {c: defaults[c] for c in names}, obj
        standard = {f for f in DEFAULT_WRITTEN[obj].values() if not f.endswith("__c")}
        assert all("__" not in f and "." not in f for f in standard), standard  # need no metadata
    assert default_field_map("leads")["linkedin_url"] == "LinkedIn_URL__c"
    assert default_field_map("contacts")["linkedin_url"] == "LinkedIn_URL__c"


@pytest.mark.parametrize("obj", sorted(WRITTEN_FIELDS))
def test_metadata_names_exactly_the_custom_fields_written(obj: str) -> None:
    sobject = SOBJECTS[obj]
    expected = _expected_custom(obj)
    have = set(META[sobject])
    assert not expected - have, f"{sobject}: written but not in the project: {sorted(expected - have)}"
    extra = have - expected - READ_FOR_DEDUPE[sobject]
    assert not extra, f"{sobject}: in the project but not written: {sorted(extra)}"
    assert have == expected | READ_FOR_DEDUPE[sobject]


def test_metadata_covers_only_written_objects() -> None:
    assert set(META) == {SOBJECTS[o] for o in WRITTEN_FIELDS} == {"Lead", "Contact"}


@pytest.mark.parametrize("obj", sorted(WRITTEN_FIELDS))
def test_each_written_field_takes_what_jobshift_sends(obj: str) -> None:
    sobject = SOBJECTS[obj]
    kinds = column_kinds(obj)
    for canonical, name in _custom(DEFAULT_WRITTEN[obj]).items():
        info = META[sobject][name]
        where = f"{sobject}.{name} ({obj}.{canonical})"
        if canonical == "job_started_date":
            assert info["type"] == "Date", where
        elif canonical in LOOKUPS:
            assert info["type"] == "Lookup", where
            assert info["reference_to"] == LOOKUPS[canonical], where
            assert info["delete_constraint"] == "SetNull", where
        elif kinds[canonical] == "bool":
            assert info["type"] == "Checkbox", where
            assert info["default"] == "false", where
        elif kinds[canonical] == "datetime":
            assert info["type"] == "DateTime", where
        elif canonical == "linkedin_url":
            assert info["type"] == "Url", where
        else:
            assert kinds[canonical] == "str", where
            assert info["type"] in ("Text", "Picklist"), where
            if info["type"] == "Text":
                assert info["length"] and 1 <= info["length"] <= 255, where
    assert META["Lead"]["Jobshift_Job_Started_Date__c"]["type"] == "Date"
    assert META["Contact"]["No_Longer_at_Company_Date__c"]["type"] == "DateTime"


def test_lookup_names_end_like_their_target() -> None:
    for sobject, fields in META.items():
        for name, info in fields.items():
            if name.endswith("_Account__c") or name.endswith("_Contact__c"):
                assert info["type"] == "Lookup", f"{sobject}.{name}"
                assert name.endswith(f"_{info['reference_to']}__c"), f"{sobject}.{name}"


def test_relationship_names_and_labels_are_unique_per_target() -> None:
    seen: dict[str, list[tuple[str, str]]] = {}
    for sobject, fields in META.items():
        for name, info in fields.items():
            if info["type"] == "Lookup":
                assert info["relationship_name"] and info["relationship_label"], f"{sobject}.{name}"
                seen.setdefault(info["reference_to"], []).append(
                    (info["relationship_name"], info["relationship_label"])
                )
    for target, rels in seen.items():
        assert len({n for n, _ in rels}) == len(rels), target
        assert len({label for _, label in rels}) == len(rels), target


def test_external_id_holds_the_idempotency_key() -> None:
    key = META["Lead"][EXTERNAL_ID]
    assert key["type"] == "Text"
    assert key["external_id"] and key["unique"] and not key["case_sensitive"]
    assert key["length"] == 255
    assert outbox.c.idempotency_key.type.length <= key["length"]  # type: ignore[attr-defined]


def test_text_lengths_fit_the_local_columns() -> None:
    fmap = default_field_map("leads")
    for col in leads.columns:
        length = getattr(col.type, "length", None)
        sf_name = fmap.get(col.name)
        info = META["Lead"].get(sf_name or "")
        if length and info and info["type"] == "Text":
            assert length <= info["length"], col.name


def test_labels_follow_the_rollout_and_everything_is_described() -> None:
    labels = {(s, n): info["label"] for s, fields in META.items() for n, info in fields.items()}
    for sobject, name, label in [
        ("Lead", "Jobshift_Past_Account__c", "Past Account"),
        ("Lead", "Jobshift_Past_Contact__c", "Past Contact"),
        ("Lead", "Jobshift_Past_Title__c", "Past Title"),
        ("Lead", "Jobshift_Job_Started_Date__c", "Job Started Date"),
        ("Lead", "Jobshift_Is_Target_Company__c", "Is Target Company"),
        ("Lead", "Jobshift_Is_Customer_Company__c", "Is Customer Company"),
        ("Lead", "Jobshift_Company_Country__c", "Company Country"),
        ("Lead", "Jobshift_Company_State__c", "Company State"),
        ("Lead", "Jobshift_Person_Country__c", "Person Country"),
        ("Lead", "Jobshift_Person_State__c", "Person State"),
        ("Lead", "LinkedIn_URL__c", "Person LinkedIn URL"),
        ("Contact", "No_Longer_at_Company__c", "No Longer At Company"),
    ]:
        assert labels[(sobject, name)] == label
    for sobject in META:
        per_object = [label for (s, _), label in labels.items() if s == sobject]
        assert len(per_object) == len(set(per_object)), sobject
    for path in (DX_PROJECT / DEFAULT_SOURCE / "objects").glob("*/fields/*.xml"):
        root = ET.parse(path).getroot()
        assert (root.findtext(f"{{{NS}}}description") or "").strip(), path.name


def test_picklists_hold_the_default_vocabulary() -> None:
    cfg = Config()
    checked = 0
    for obj, canonical, value, key in vocabulary(cfg):
        sf_name = default_field_map(obj)[canonical]
        info = META.get(SOBJECTS[obj], {}).get(sf_name)
        if info is None:  # Lead Status / Lead Source: standard picklists, values added in Setup
            assert not sf_name.endswith("__c"), key
            continue
        assert info["type"] == "Picklist", key
        assert value in info["picklist_values"], f"{key} = {value!r}"
        checked += 1
    assert checked == 3 + len(ProgramSection().priority_reasons)
    assert {"Active", "Nurture", "Disqualified"} <= set(META["Contact"]["Status__c"]["picklist_values"])
    assert {"High", "Medium", "Low"} == set(META["Lead"]["Jobshift_Priority__c"]["picklist_values"])
    for fields in META.values():
        for info in fields.values():
            if info["type"] == "Picklist":
                assert info["restricted"]
                assert len(info["picklist_values"]) == len(set(info["picklist_values"]))


# -- permission set --------------------------------------------------------------------------------------
def test_permission_set_grants_edit_on_every_written_field() -> None:
    ps = permission_set()
    assert ps["label"] == "jobshift Integration"
    for obj in WRITTEN_FIELDS:
        sobject = SOBJECTS[obj]
        for name in _expected_custom(obj) | (STANDARD_FLS[sobject] & set(DEFAULT_WRITTEN[obj].values())):
            grant = ps["fields"].get(f"{sobject}.{name}")
            assert grant == {"readable": True, "editable": True}, f"{sobject}.{name}"
        for name in READ_FOR_DEDUPE[sobject]:
            assert ps["fields"][f"{sobject}.{name}"]["readable"], f"{sobject}.{name}"
    assert not ps["fields"]["Contact.LinkedIn_URL__c"]["editable"]  # read for dedupe only
    granted = set(ps["fields"])
    shipped = {f"{s}.{n}" for s, fields in META.items() for n in fields}
    standard = {f"{s}.{n}" for s, names in STANDARD_FLS.items() for n in names}
    assert granted == shipped | standard


def test_permission_set_object_access() -> None:
    objects = permission_set()["objects"]
    want = {
        "Lead": {"allowCreate": True, "allowRead": True, "allowEdit": True},
        "Contact": {"allowCreate": False, "allowRead": True, "allowEdit": True},
        "Account": {"allowCreate": False, "allowRead": True, "allowEdit": False},
        "Opportunity": {"allowCreate": False, "allowRead": True, "allowEdit": False},
    }
    assert set(objects) == set(want)  # Task: no object permission exists; see docs/salesforce.md
    for sobject, perms in want.items():
        for perm, value in perms.items():
            assert objects[sobject][perm] is value, f"{sobject}.{perm}"
        assert objects[sobject]["allowDelete"] is False
        assert objects[sobject]["modifyAllRecords"] is False
        assert objects[sobject]["viewAllRecords"] is True  # reads see every record (dedupe)
    assert permission_set()["user_permissions"] == ["ApiEnabled"]


# -- list views and layout ---------------------------------------------------------------------------------
def test_list_views_filter_on_the_two_lead_sources() -> None:
    views = list_views()
    assert set(views) == {"Lead"}
    by_label = {v["label"]: v for v in views["Lead"].values()}
    assert set(by_label) == {"All jobshift Leads", "My jobshift Leads"}
    assert by_label["All jobshift Leads"]["filter_scope"] == "Everything"
    assert by_label["My jobshift Leads"]["filter_scope"] == "Mine"
    p = ProgramSection()
    for view in by_label.values():
        assert view["filters"] == [
            {
                "field": "LEAD.LEAD_SOURCE",
                "operation": "equals",
                "values": [p.contact_tracking_lead_source, p.target_tracking_lead_source],
            }
        ]
        custom = [c for c in view["columns"] if c.endswith("__c")]
        assert custom and all(c in META["Lead"] for c in custom)


def test_layout_shows_was_and_is_now() -> None:
    shipped = layouts()
    assert set(shipped) == {"Lead-Jobshift Lead Layout"}
    sections = shipped["Lead-Jobshift Lead Layout"]
    assert sections["jobshift: Was → Is now"] == [
        ["Jobshift_Past_Account__c", "Jobshift_Past_Contact__c", "Jobshift_Past_Title__c"],
        ["Company", "Title", "Jobshift_Job_Started_Date__c"],
    ]
    on_layout = [f for cols in sections.values() for col in cols for f in col]
    assert len(on_layout) == len(set(on_layout))  # a field appears once per layout
    assert {"Name", "Company", "Status"} <= set(on_layout)  # Lead's required fields
    custom = {f for f in on_layout if f.endswith("__c")}
    assert custom == set(META["Lead"])  # every Lead field is on it, none that is not shipped


def test_config_differences_are_reported() -> None:
    assert compare_with_config(Config()) == []
    cfg = Config(
        program={"priority": "Urgent", "contact_tracking_lead_source": "JC"},
        salesforce={
            "fields": {"leads": {"past_title": "UG_Past_Title__c"}},
            "lead_external_id_field": "K__c",
        },
    )
    text = "\n".join(compare_with_config(cfg))
    assert "Lead.UG_Past_Title__c" in text
    assert "'K__c'" in text
    assert "'Urgent'" in text and "Jobshift_Priority__c" in text
    assert "Jobshift_All_Leads" in text and "Jobshift_My_Leads" in text


# -- jobshift crm setup ----------------------------------------------------------------------------------
@pytest.fixture
def ws(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    assert main(["init", str(path)]) == 0
    return path


def test_crm_setup_prints_the_deploy_commands(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["-w", str(ws), "crm", "setup", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    source = DX_PROJECT / "force-app"
    assert report["source_dir"] == str(source)
    assert f"sf project deploy start --source-dir {source} --target-org prod" in report["commands"]
    assert f"sf org assign permset --name {PERMISSION_SET} --target-org prod" in report["commands"]
    assert report["copied_to"] is None
    assert report["fields"] == {s: sorted(f) for s, f in META.items()}
    assert report["warnings"] == []
    steps = "\n".join(report["manual_steps"])
    assert "'New'" in steps and "'jobshift Contact Tracking'" in steps and "'New Hires & Promotions'" in steps

    assert main(["-w", str(ws), "crm", "setup"]) == 0
    out = capsys.readouterr().out
    assert "sf project deploy start --source-dir" in out and str(source) in out


def test_crm_setup_out_copies_and_never_overwrites_without_force(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "jobshift-dx"
    assert main(["-w", str(ws), "crm", "setup", "--out", str(out), "--target-org", "my org", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["copied_to"] == str(out.resolve())
    assert (
        f"sf project deploy start --source-dir {out.resolve() / 'force-app'} --target-org 'my org'"
        in (report["commands"])
    )
    assert metadata_files(out) == metadata_files()
    cmp = filecmp.dircmp(DX_PROJECT, out)
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files
    for rel in metadata_files():
        assert (out / rel).read_bytes() == (DX_PROJECT / rel).read_bytes()
    assert metadata_fields(out) == META

    edited = out / "sfdx-project.json"
    edited.write_text("{}", encoding="utf-8")
    assert main(["-w", str(ws), "crm", "setup", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err
    assert edited.read_text(encoding="utf-8") == "{}"  # untouched

    assert main(["-w", str(ws), "crm", "setup", "--out", str(out), "--force", "--json"]) == 0
    capsys.readouterr()
    assert edited.read_bytes() == (DX_PROJECT / "sfdx-project.json").read_bytes()


def test_crm_setup_out_into_an_empty_directory_and_not_onto_a_file(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["-w", str(ws), "crm", "setup", "--out", str(empty), "--json"]) == 0
    assert (empty / "sfdx-project.json").is_file()
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    assert main(["-w", str(ws), "crm", "setup", "--out", str(a_file), "--force"]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_crm_setup_warns_about_the_workspace_config(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (ws / "jobshift.toml").write_text(
        """
[program]
priority = "Urgent"

[salesforce]
username = "jobshift-integration@acme.com"

[salesforce.fields.contacts]
no_longer_at_company = "UG_No_Longer_At_Company__c"
""",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["-w", str(ws), "crm", "setup", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        f"sf org assign permset --name {PERMISSION_SET} --target-org prod "
        "--on-behalf-of jobshift-integration@acme.com"
    ) in report["commands"]
    text = "\n".join(report["warnings"])
    assert "Contact.UG_No_Longer_At_Company__c" in text and "'Urgent'" in text
    assert main(["-w", str(ws), "crm", "setup"]) == 0
    err = capsys.readouterr().err
    assert "[program] priority" in err  # shown literally, not taken as console markup
