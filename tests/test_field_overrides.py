"""``[salesforce.fields.*]`` and ``[hubspot.fields.*]`` overrides: one merge, each CRM's own name rules."""

from __future__ import annotations

import pytest

from jobshift.connectors.crm.hubspot.fields import PropertyMap
from jobshift.connectors.crm.salesforce.fields import FieldMap, default_field_map
from jobshift.errors import ConfigError


def test_an_override_replaces_or_removes_a_default_and_counts_as_configured() -> None:
    fm = FieldMap.build("contacts", {"title": "Job_Title__c", "phone": ""})
    assert fm.to_sf["title"] == "Job_Title__c" and "phone" not in fm.to_sf
    assert fm.configured == frozenset({"title"})
    assert {k: v for k, v in fm.to_sf.items() if k not in ("title", "phone")} == {
        k: v for k, v in default_field_map("contacts").items() if k not in ("title", "phone")
    }
    pm = PropertyMap.build("contacts", {"title": "job_title_custom"})
    assert (pm.to_hs["title"], pm.configured) == ("job_title_custom", frozenset({"title"}))


@pytest.mark.parametrize(
    ("build", "overrides", "message", "key"),
    [
        (
            FieldMap.build,
            {"nope": "X__c"},
            "unknown contacts column 'nope'",
            "salesforce.fields.contacts.nope",
        ),
        (
            FieldMap.build,
            {"title": "bad name"},
            "not a Salesforce API name",
            "salesforce.fields.contacts.title",
        ),
        (PropertyMap.build, {"nope": "x"}, "unknown contacts column 'nope'", "hubspot.fields.contacts.nope"),
        (PropertyMap.build, {"title": "Bad"}, "not a HubSpot property name", "hubspot.fields.contacts.title"),
    ],
)
def test_bad_overrides_name_the_key(build: object, overrides: dict[str, str], message: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        build("contacts", overrides)  # type: ignore[operator]
    assert str(err.value).startswith(f"{key}: {message}")
