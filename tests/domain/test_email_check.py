"""Reasons given for cells that are not e-mail addresses."""

from __future__ import annotations

import pytest

from jobshift.domain.normalize.email_check import email_problem


@pytest.mark.parametrize(
    "value", ["jane@acme.com", " Jane.Doe@Acme.COM ", "Jane <jane@acme.io>", "mailto:j@a.co", "a+b@x-y.de"]
)
def test_addresses(value: str) -> None:
    assert email_problem(value) is None


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("jane.acme.com", "no @"),
        ("jane@@acme.com", "more than one @"),
        ("jane@acme@x.com", "more than one @"),
        ("jane doe@acme.com", "contains a space"),
        ("@acme.com", "nothing before the @"),
        ("jane@", "nothing after the @"),
        ("jane@acme", "bad domain 'acme'"),
        ("jane@-acme.com", "bad domain '-acme.com'"),
        ("jane@acme..com", "bad domain 'acme..com'"),
    ],
)
def test_problems(value: str, why: str) -> None:
    assert email_problem(value) == f"invalid e-mail address ({why}): {value!r}"
