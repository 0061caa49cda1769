"""Company resolution for real names: group / holding / country qualifiers, brands, families."""

from __future__ import annotations

import pytest

from jobshift.domain.matching.companies import AccountInfo, Alias, CompanyIndex
from jobshift.domain.normalize.companies import company_core


@pytest.mark.parametrize(
    ("raw", "core", "quals"),
    [
        ("Siemens AG", "siemens", set()),
        ("Siemens Group", "siemens", set()),
        ("Siemens Deutschland GmbH", "siemens", {"de"}),
        ("Acme Holdings (UK) Ltd", "acme", {"uk"}),
        ("Acme UK Ltd", "acme", {"uk"}),
        ("Acme France SAS", "acme", {"fr"}),
        ("Acme United Kingdom Limited", "acme", {"uk"}),
        ("Volvo Koncernen", "volvo", set()),
        ("Grupo Bimbo", "bimbo", set()),
        ("Acme Gruppe", "acme", set()),
        ("Acme Groep B.V.", "acme", set()),
        ("Acme Groupe", "acme", set()),
        ("Acme Holding AG", "acme", set()),
        ("Deutschland", "deutschland", set()),
        ("Bank of America", "bank of america", set()),
        ("Deutsche Bank", "deutsche bank", set()),
    ],
)
def test_company_core(raw: str, core: str, quals: set[str]) -> None:
    assert company_core(raw) == (core, frozenset(quals))


def _idx() -> CompanyIndex:
    return CompanyIndex.build(
        [
            AccountInfo("a-1", "Siemens AG", "siemens.com"),
            AccountInfo("a-2", "Siemens Deutschland GmbH", "siemens.de", parent_id="a-1"),
            AccountInfo("a-3", "Northwind Holding AG", "northwind.com"),
            AccountInfo("a-4", "Contoso France SAS", "contoso.fr"),
            AccountInfo("a-5", "Fabrikam Inc", "fabrikam.com"),
            AccountInfo("a-6", "Fabrikam UK Ltd", "fabrikam.co.uk", parent_id="a-5"),
            AccountInfo("a-7", "Fabrikam France", "fabrikam.fr", parent_id="a-5"),
            AccountInfo("a-8", "Litware Ltd", "litware.com"),
        ],
        [Alias("a-8", name="Litware Brands International")],
    )


def test_group_and_country_qualifiers_resolve_to_the_same_company() -> None:
    idx = _idx()
    m = idx.resolve("Siemens Group")
    assert m is not None and (m.account_id, m.rule, m.tie_break) == ("a-1", "core", None)
    m = idx.resolve("Siemens Deutschland")
    assert m is not None and (m.account_id, m.rule) == ("a-2", "name")
    m = idx.resolve("Northwind Gruppe")
    assert m is not None and (m.account_id, m.rule) == ("a-3", "core")
    m = idx.resolve("Contoso (France)")
    assert m is not None and m.account_id == "a-4"


def test_contradicting_country_qualifier_does_not_match() -> None:
    idx = _idx()
    assert idx.resolve("Contoso UK Ltd") is None
    m = idx.resolve("Fabrikam (UK)")
    assert m is not None and (m.account_id, m.tie_break) == ("a-6", "country_qualifier")
    m = idx.resolve("Fabrikam Group")  # no qualifier: the account without one (the parent)
    assert m is not None and m.account_id == "a-5"
    m = idx.resolve("Fabrikam Deutschland GmbH")  # no German subsidiary: the parent
    assert m is not None and m.account_id == "a-5"


def test_subsidiary_wins_over_its_parent_when_both_match() -> None:
    idx = CompanyIndex.build(
        [
            AccountInfo("p", "Tailspin Inc", "tailspin.com", n_contacts=50),
            AccountInfo("s", "Tailspin Labs", "tailspin.com", parent_id="p"),
        ]
    )
    m = idx.resolve("Something Else", "tailspin.com")
    assert m is not None and (m.account_id, m.rule, m.tie_break) == ("s", "domain", "subsidiary_over_parent")


def test_brand_vs_legal_entity_by_alias_and_domain() -> None:
    idx = _idx()
    m = idx.resolve("Litware Brands")  # the alias's core
    assert m is not None and (m.account_id, m.rule) == ("a-8", "core")
    m = idx.resolve("LW Shop", "litware.com")
    assert m is not None and (m.account_id, m.rule) == ("a-8", "domain")
