"""Email addresses: trimmed, lower-cased, display names and mailto: removed, loosely validated."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize import email_domain, normalize_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jane.doe@example.com", "jane.doe@example.com"),
        ("  Jane.Doe@Example.COM ", "jane.doe@example.com"),
        ("Jane Doe <Jane.Doe@Example.com>", "jane.doe@example.com"),
        ("mailto:jane@example.com", "jane@example.com"),
        ("MAILTO:jane@example.com", "jane@example.com"),
        ("jane+crm@example.co.uk", "jane+crm@example.co.uk"),
        ("j.a.n.e@gmail.com", "j.a.n.e@gmail.com"),
        ("jane@sub.example.io.", "jane@sub.example.io"),
    ],
)
def test_normalize_email(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected
    assert normalize_email(expected) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "  ",
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "jane doe@example.com",
        "jane@exa mple.com",
        "jane@@example.com",
        "jane@-example.com",
        "<>",
        "n/a",
    ],
)
def test_not_an_email(raw: str | None) -> None:
    assert normalize_email(raw) is None


def test_email_domain() -> None:
    assert email_domain("jane@example.com") == "example.com"
    assert email_domain(None) is None
    assert email_domain("jane") is None
    assert email_domain("jane@") is None
