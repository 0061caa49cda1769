"""Domains: the registrable domain (tldextract, bundled suffix list), free mail recognised."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize import FREE_MAIL_DOMAINS, is_free_mail, normalize_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.com", "example.com"),
        ("https://www.Shop.Example.co.uk/about", "example.co.uk"),
        ("http://example.com:8080/path?q=1", "example.com"),
        ("WWW.EXAMPLE.COM", "example.com"),
        ("jane@mail.example.de", "example.de"),
        ("user:pw@example.org/x", "example.org"),
        ("example.com.", "example.com"),
        ("sub.example.com.au", "example.com.au"),
        ("münchen.de", "xn--mnchen-3ya.de"),
        ("acme.github.io", "github.io"),  # private suffixes are not used: the owner is github.io
    ],
)
def test_normalize_domain(raw: str, expected: str) -> None:
    assert normalize_domain(raw) == expected
    assert normalize_domain(expected) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "  ",
        "localhost",
        "com",
        "co.uk",
        "not a domain",
        "exa mple.com",
        "http://",
        "192.168.0.1x",
        "@",
    ],
)
def test_not_a_domain(raw: str | None) -> None:
    assert normalize_domain(raw) is None


def test_free_mail() -> None:
    assert is_free_mail("gmail.com")
    assert is_free_mail(normalize_domain("jane@googlemail.com"))
    assert is_free_mail(normalize_domain("https://mail.yahoo.co.uk"))
    assert not is_free_mail("acme.com")
    assert not is_free_mail(None)
    assert not is_free_mail("")
    assert len(FREE_MAIL_DOMAINS) > 50
    assert all(normalize_domain(d) == d for d in FREE_MAIL_DOMAINS)
