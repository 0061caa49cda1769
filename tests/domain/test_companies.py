"""Company names: legal forms of many countries, punctuation, "The", & vs and, diacritics; similarity."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize import company_domain, company_similarity, normalize_company_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("The ACME Corporation, Inc.", "acme"),
        ("Acme, Inc.", "acme"),
        ("ACME LLC", "acme"),
        ("Acme Ltd.", "acme"),
        ("Acme Limited", "acme"),
        ("Acme plc", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Co.", "acme"),
        ("Acme Company", "acme"),
        ("Siemens AG", "siemens"),
        ("Robert Bosch GmbH", "robert bosch"),
        ("Robert Bosch GmbH & Co. KG", "robert bosch"),
        ("Société Générale S.A.", "societe generale"),
        ("Capgemini SE", "capgemini"),
        ("Dassault Systèmes SAS", "dassault systemes"),
        ("Banco Santander, S.A.", "banco santander"),
        ("Grupo Bimbo, S.A.B. de C.V.", "grupo bimbo"),
        ("Telefónica S.L.", "telefonica"),
        ("Enel S.p.A.", "enel"),
        ("Fiat S.r.l.", "fiat"),
        ("ASML Holding N.V.", "asml holding"),
        ("Philips B.V.", "philips"),
        ("Toyota Motor Corporation", "toyota motor"),
        ("Sony K.K.", "sony"),
        ("Nokia Oyj", "nokia"),
        ("Volvo AB", "volvo"),
        ("Novo Nordisk A/S", "novo nordisk"),
        ("Atlassian Pty Ltd", "atlassian"),
        ("Infosys Private Limited", "infosys"),
        ("Samsung Electronics Co., Ltd.", "samsung electronics"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("Johnson and Johnson", "johnson and johnson"),
        ("AT&T Inc.", "at and t"),
        ("McDonald's Corporation", "mcdonalds"),
        ("Nestlé", "nestle"),
        ("Müller  GmbH", "muller"),
        ("Acme Group", "acme group"),
        ("Acme Holdings", "acme holdings"),
        ("Acme Holdings Ltd", "acme holdings"),
        ("Acme (Europe)", "acme"),
        ("The Home Depot", "home depot"),
        ("Inc", "inc"),
        ("The", "the"),
        ("3M Company", "3m"),
        ("", None),
        ("  ", None),
        (None, None),
        ("---", None),
    ],
)
def test_normalize_company_name(raw: str | None, expected: str | None) -> None:
    assert normalize_company_name(raw) == expected


def test_region_words_are_not_legal_forms() -> None:
    # cleanco lists "uk", "eu", "at", "ca" … as legal forms; in real names they are regions or words
    assert normalize_company_name("Samsung UK") == "samsung uk"
    assert normalize_company_name("Acme EU") == "acme eu"


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [
        ("The ACME Corporation, Inc.", "Acme", 100, 100),
        ("Microsoft", "Micro Soft Inc", 100, 100),
        ("Johnson & Johnson", "Johnson and Johnson", 100, 100),
        ("Acme", "Acme Software", 85, 95),
        ("IBM", "International Business Machines Corp.", 90, 90),
        ("Alphabet", "Google", 0, 40),
        ("Acme", "Apex", 0, 60),
    ],
)
def test_company_similarity(a: str, b: str, low: float, high: float) -> None:
    score = company_similarity(a, b)
    assert low <= score <= high, score
    assert company_similarity(b, a) == pytest.approx(score)


def test_similarity_of_nothing_is_zero() -> None:
    assert company_similarity(None, "Acme") == 0.0
    assert company_similarity("Inc.", "") == 0.0


def test_company_domain_ignores_free_mail() -> None:
    assert company_domain("https://www.acme.co.uk/about") == "acme.co.uk"
    assert company_domain("jane@acme.com") == "acme.com"
    assert company_domain("jane@gmail.com") is None
    assert company_domain("not a domain") is None
