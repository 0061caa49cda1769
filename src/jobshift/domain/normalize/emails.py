"""Email addresses: trimmed, lower-cased, ``mailto:`` and display names removed, validated loosely."""

from __future__ import annotations

import re

_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"\[\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
_ANGLE = re.compile(r"<([^<>]*)>")


def normalize_email(raw: str | None) -> str | None:
    """``" Jane <Jane.Doe@Example.COM> "`` → ``"jane.doe@example.com"``; ``None`` if not an address.

    Gmail-style dots and ``+tags`` are kept: they can belong to different people on other providers.
    """
    if not raw:
        return None
    s = raw.strip()
    m = _ANGLE.search(s)
    if m:
        s = m.group(1).strip()
    if s[:7].lower() == "mailto:":
        s = s[7:]
    s = s.strip().strip(".").lower()
    if not _EMAIL.match(s):
        return None
    return s


def email_domain(email: str | None) -> str | None:
    """The domain part of a normalized email, or ``None``."""
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1] or None
