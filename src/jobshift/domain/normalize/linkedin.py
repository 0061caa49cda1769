"""LinkedIn profile and company URLs in every form people paste them, reduced to one canonical key.

``https://uk.linkedin.com/in/Jane-Doe-12ab34/?trk=x`` → ``linkedin.com/in/jane-doe-12ab34``;
numeric/legacy ids (``/pub/jane-doe/1/23/456``, ``/profile/view?id=123``) are kept distinct.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_HOST = re.compile(r"^(?:[a-z]+://)?(?:[a-z0-9-]+\.)*linkedin\.com(?::\d+)?(/.*)?$")
_PERSON = re.compile(r"^/(?:in|pub)/([^/?#]+)(?:/([^?#]*))?")
# "/profile/view?id=123" and the canonical key form "/profile/123"
_PROFILE_ID = re.compile(r"^/profile/(?:view.*?[?&]id=([^&#/?]+)|(?!view(?:[/?#]|$))([^/?#]+))")
_COMPANY = re.compile(r"^/(company|school|showcase)/([^/?#]+)")


def _path(raw: str | None) -> str | None:
    if not raw:
        return None
    s = raw.strip()
    if not s:
        return None
    # percent-decoding can reveal more percent signs; decode until stable (bounded; any "%" still left is
    # dropped from the slug so that the key is stable), and lower-case only the decoded text
    for _ in range(8):
        d = unquote(s)
        if d == s:
            break
        s = d
    s = s.lower().replace("\\", "/").strip()
    s = s.replace("/mwlite/", "/")
    if s.startswith("//"):
        s = s[2:]
    m = _HOST.match(s)
    if not m:
        # bare handle paths like "/in/jane" or "in/jane"
        if s.startswith(("in/", "pub/", "company/", "school/", "showcase/", "profile/")):
            return "/" + s
        if s.startswith(("/in/", "/pub/", "/company/", "/school/", "/showcase/", "/profile/")):
            return s
        return None
    return m.group(1) or "/"


def _clean_slug(slug: str) -> str:
    # str.split() splits on exactly the characters str.isspace() accepts: every whitespace removed
    # "%" can only be left over from the bounded decoding above; a key must not decode any further
    cleaned = "".join(slug.replace("%", "").split()).strip("-_.")
    return cleaned if cleaned.lower() == cleaned else _clean_slug(cleaned.lower())


def normalize_linkedin_person(raw: str | None) -> str | None:
    """Canonical ``linkedin.com/in/<slug>`` key of a profile URL, or ``None``."""
    path = _path(raw)
    if path is None:
        return None
    m = _PROFILE_ID.match(path)
    if m:
        ident = _clean_slug(m.group(1) or m.group(2))
        return f"linkedin.com/profile/{ident}" if ident else None
    m = _PERSON.match(path)
    if not m:
        return None
    slug = _clean_slug(m.group(1))
    if not slug:
        return None
    if path.startswith("/pub/") and m.group(2):
        # legacy public URLs: /pub/<name>/<a>/<b>/<c> - the trailing numbers identify the profile
        parts = [_clean_slug(p) for p in m.group(2).split("/") if _clean_slug(p)]
        if parts and all(p.isalnum() for p in parts):
            return "linkedin.com/pub/" + "/".join([slug, *parts])
    return f"linkedin.com/in/{slug}"


def normalize_linkedin_company(raw: str | None) -> str | None:
    """Canonical ``linkedin.com/company/<slug>`` key of a company page URL, or ``None``."""
    path = _path(raw)
    if path is None:
        return None
    m = _COMPANY.match(path)
    if not m:
        return None
    slug = _clean_slug(m.group(2))
    return f"linkedin.com/company/{slug}" if slug else None
