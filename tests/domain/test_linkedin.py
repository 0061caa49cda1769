"""LinkedIn URLs in every form people paste them → one canonical key."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize import normalize_linkedin_company, normalize_linkedin_person

JANE = "linkedin.com/in/jane-doe-12ab34"


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.linkedin.com/in/jane-doe-12ab34",
        "http://linkedin.com/in/jane-doe-12ab34/",
        "HTTPS://WWW.LINKEDIN.COM/IN/Jane-Doe-12ab34",
        "https://uk.linkedin.com/in/Jane-Doe-12ab34/?trk=public_profile",
        "https://de.linkedin.com/in/jane-doe-12ab34/en",
        "https://www.linkedin.com/in/jane-doe-12ab34/details/experience/",
        "https://www.linkedin.com/in/jane-doe-12ab34#about",
        "https://m.linkedin.com/in/jane-doe-12ab34",
        "https://www.linkedin.com/mwlite/in/jane-doe-12ab34",
        "www.linkedin.com/in/jane-doe-12ab34",
        "linkedin.com/in/jane-doe-12ab34",
        "//linkedin.com/in/jane-doe-12ab34",
        "https://www.linkedin.com:443/in/jane-doe-12ab34",
        "in/jane-doe-12ab34",
        "/in/jane-doe-12ab34",
        "  https://www.linkedin.com/in/jane-doe-12ab34  ",
        "https%3A%2F%2Fwww.linkedin.com%2Fin%2Fjane-doe-12ab34",
        "https://www.linkedin.com/in/jane%2Ddoe%2D12ab34",
        "https://www.linkedin.com/in/jane-doe-12ab34-",
    ],
)
def test_person_forms(raw: str) -> None:
    assert normalize_linkedin_person(raw) == JANE


def test_person_special_forms() -> None:
    assert normalize_linkedin_person("https://www.linkedin.com/in/jos%C3%A9-garc%C3%ADa") == (
        "linkedin.com/in/josé-garcía"
    )
    assert normalize_linkedin_person("https://www.linkedin.com/in/JOS%C3%89") == "linkedin.com/in/josé"
    assert normalize_linkedin_person("https://www.linkedin.com/pub/jane-doe/1/23/456") == (
        "linkedin.com/pub/jane-doe/1/23/456"
    )
    assert normalize_linkedin_person("https://www.linkedin.com/profile/view?id=123456&trk=x") == (
        "linkedin.com/profile/123456"
    )
    assert normalize_linkedin_person("linkedin.com/profile/123456") == "linkedin.com/profile/123456"
    assert normalize_linkedin_person("https://www.linkedin.com/in/123456789") == "linkedin.com/in/123456789"


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "jane doe",
        "https://example.com/in/jane",
        "https://www.linkedin.com/",
        "https://www.linkedin.com/in/",
        "https://www.linkedin.com/feed/",
        "linkedin.com/company/acme",
        "https://notlinkedin.com/in/jane",
        "https://linkedin.com.evil.io/in/jane",
    ],
)
def test_not_a_person(raw: str | None) -> None:
    assert normalize_linkedin_person(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.linkedin.com/company/acme-inc",
        "https://www.linkedin.com/company/acme-inc/",
        "https://www.linkedin.com/company/Acme-Inc/about/",
        "https://fr.linkedin.com/company/acme-inc?trk=x",
        "linkedin.com/company/acme-inc",
        "company/acme-inc",
        "https://www.linkedin.com/company/acme%2Dinc/people/",
    ],
)
def test_company_forms(raw: str) -> None:
    assert normalize_linkedin_company(raw) == "linkedin.com/company/acme-inc"


def test_company_numeric_ids_and_non_companies() -> None:
    assert normalize_linkedin_company("https://www.linkedin.com/company/1035/") == "linkedin.com/company/1035"
    assert normalize_linkedin_company("https://www.linkedin.com/school/mit/") == "linkedin.com/company/mit"
    assert normalize_linkedin_company("https://www.linkedin.com/in/jane") is None
    assert normalize_linkedin_company(None) is None


def test_keys_are_stable() -> None:
    for raw in ("linkedin.com/in/x", "https://www.linkedin.com/profile/view?id=9", "linkedin.com/in/%252541"):
        key = normalize_linkedin_person(raw)
        assert key is not None and normalize_linkedin_person(key) == key
