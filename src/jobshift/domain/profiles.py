"""People-data profiles (PDL-style dicts) turned into :class:`Observation` records.

Pure and total: any parsed JSON object goes in; out comes an ``Observation`` or a
:class:`ProfileError` naming why the record is unusable (no ``observed_at``, an invalid one, or nothing
that identifies the person). Odd values never crash: numbers where strings are expected become strings,
``null`` lists become empty lists, non-object list entries are skipped, unknown fields are ignored.

The current job (formats.md): the ``job_*`` fields, else the ``experience`` entry with ``is_primary``,
else the open-ended entry with the latest start. A profile with none has "no known employer"
(``job_company_*`` all ``None``). Partial dates keep the precision the source gave (``2024``,
``2024-03``, ``2024-03-15``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from jobshift.domain.normalize import (
    is_free_mail,
    normalize_domain,
    normalize_linkedin_company,
    normalize_linkedin_person,
    parse_partial_date,
)
from jobshift.domain.normalize import normalize_email as _normalize_email

__all__ = ["Observation", "ProfileError", "observation_id", "profile_to_observation"]


class ProfileError(ValueError):
    """A profile that cannot become an observation; ``reason`` says why, ``field`` which field."""

    def __init__(self, reason: str, field: str | None = None) -> None:
        self.reason = reason
        self.field = field
        super().__init__(reason)


@dataclass(slots=True)
class Observation:
    """One person as seen by the people-data source on ``observed_at`` (one row per person per date).

    Treat it as immutable (not frozen only because frozen dataclasses are slower to build, and
    ingest builds millions).

    ``experience`` entries are dicts with keys company_name, company_website, company_domain,
    company_linkedin, company_country, company_region, title, title_levels, title_role, start_date,
    end_date, is_primary. ``current_job_source`` is ``job_fields``, ``primary_experience``,
    ``open_experience`` or ``None`` (no known employer).
    """

    obs_id: str
    person_key: str
    person_id: str | None
    observed_at: str
    full_name: str | None
    first_name: str | None
    last_name: str | None
    linkedin_url: str | None
    linkedin_norm: str | None
    work_email: str | None
    work_email_norm: str | None
    personal_emails_norm: list[str]
    emails_norm: list[str]
    job_title: str | None
    job_title_levels: list[str]
    job_title_role: str | None
    job_company_name: str | None
    job_company_website: str | None
    job_company_domain: str | None
    job_company_linkedin_url: str | None
    job_company_linkedin_norm: str | None
    job_company_country: str | None
    job_company_region: str | None
    job_start_date: str | None
    current_job_source: str | None
    location_country: str | None
    location_region: str | None
    experience: list[dict[str, Any]]
    source_file: str | None = None
    source_line: int | None = None

    @property
    def has_employer(self) -> bool:
        """False when the profile shows no current job ("no known employer")."""
        return self.current_job_source is not None


def observation_id(person_key: str, observed_at: str) -> str:
    """32-hex id of (person, observation date): the same pair always gives the same id."""
    return hashlib.blake2b(f"{person_key}\x1f{observed_at}".encode(), digest_size=16).hexdigest()


def _s(value: Any) -> str | None:
    """A trimmed string, or ``None``; numbers become strings, dates ISO strings, other types ``None``."""
    if type(value) is str:
        value = value.strip()
        if "\x00" in value:  # PostgreSQL text cannot hold NUL characters
            value = value.replace("\x00", "").strip()
        return value or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return _s(str(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return None


def _plain(key: tuple[Any, ...]) -> bool:
    """True when every value is a ``str`` or ``None`` (safe as an lru_cache key: no 1 == True)."""
    for v in key:  # noqa: SIM110 - a plain loop is faster than all() on this hot path
        if v is not None and type(v) is not str:
            return False
    return True


def _strs(value: Any) -> list[str]:
    """A list of non-empty strings from a list (or a single string); anything else is empty."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    out = []
    for v in value:
        s = _s(v)
        if s:
            out.append(s)
    return out


@lru_cache(maxsize=65_536)
def _pdate(raw: str | None) -> str | None:
    p = parse_partial_date(raw)
    return p.isoformat() if p else None


def _date(value: Any) -> str | None:
    return _pdate(value) if type(value) is str else _pdate(_s(value))


def _email(raw: str) -> str | None:
    # not cached: addresses rarely repeat across profiles, a cache would only grow the memory
    return _normalize_email(raw)


@lru_cache(maxsize=32_768)
def _li_company(raw: str | None) -> str | None:
    return normalize_linkedin_company(raw)


Company = tuple[str | None, str | None, str | None, str | None, str | None, str | None]
Title = tuple[str | None, tuple[str, ...], str | None]


def _company_parts(key: tuple[Any, ...]) -> Company:
    """(name, website, domain, linkedin_norm, country, region) from the raw values."""
    name, website, linkedin, country, region = (_s(v) for v in key)
    return name, website, normalize_domain(website), _li_company(linkedin), country, region


_company_cached = lru_cache(maxsize=32_768)(_company_parts)


def _company(raw: Any) -> Company:
    if isinstance(raw, dict):
        loc = raw.get("location")
        country, region = (loc.get("country"), loc.get("region")) if isinstance(loc, dict) else (None, None)
        key = (raw.get("name"), raw.get("website"), raw.get("linkedin_url"), country, region)
    else:
        key = (raw, None, None, None, None)
    return _company_cached(key) if _plain(key) else _company_parts(key)


def _title_parts(key: tuple[Any, Any, Any]) -> Title:
    return _s(key[0]), tuple(_strs(key[1])), _s(key[2])


_title_cached = lru_cache(maxsize=16_384)(_title_parts)


def _title(raw: Any) -> Title:
    if isinstance(raw, dict):
        levels = raw.get("levels")
        if type(levels) is list:
            levels = tuple(levels)
            plain = _plain(levels)
        else:
            plain = levels is None
        key = (raw.get("name"), levels, raw.get("role"))
        return _title_cached(key) if plain and _plain((key[0], key[2])) else _title_parts(key)
    return _s(raw), (), None


def _entry(raw: Any) -> dict[str, Any] | None:
    """One compact experience entry, or ``None`` for a non-object entry."""
    if not isinstance(raw, dict):
        return None
    get = raw.get
    name, website, domain, linkedin, country, region = _company(get("company"))
    title, levels, role = _title(get("title"))
    start, end = get("start_date"), get("end_date")
    return {
        "company_name": name,
        "company_website": website,
        "company_domain": domain,
        "company_linkedin": linkedin,
        "company_country": country,
        "company_region": region,
        "title": title,
        "title_levels": list(levels),
        "title_role": role,
        "start_date": _pdate(start) if type(start) is str else _date(start),
        "end_date": None if end is None else _date(end),
        "is_primary": get("is_primary") is True,
    }


def _has_company(e: dict[str, Any]) -> bool:
    return bool(e["company_name"] or e["company_domain"] or e["company_linkedin"])


def _current_entry(experience: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, str | None]:
    """The primary entry, else the open-ended entry with the latest start (first one on ties)."""
    with_company = [e for e in experience if _has_company(e)]
    for e in with_company:
        if e["is_primary"]:
            return e, "primary_experience"
    best: dict[str, Any] | None = None
    for e in with_company:
        if e["end_date"] is None and (best is None or (e["start_date"] or "") > (best["start_date"] or "")):
            best = e
    return (best, "open_experience") if best else (None, None)


def _same_company(e: dict[str, Any], name: str | None, domain: str | None, li: str | None) -> bool:
    if domain and e["company_domain"] == domain:
        return True
    if li and e["company_linkedin"] == li:
        return True
    return bool(name and e["company_name"] and e["company_name"].lower() == name.lower())


def _emails(profile: dict[str, Any], work_norm: str | None) -> tuple[list[str], list[str]]:
    """(personal emails, every email) normalized and deduplicated; work email first in the second."""
    personal: list[str] = []
    others: list[str] = []
    for raw in _strs(profile.get("personal_emails")):
        n = _email(raw)
        if n and n not in personal:
            personal.append(n)
    items = profile.get("emails")
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict):
            n = (a := _s(item.get("address"))) and _email(a)
            if n and _s(item.get("type")) == "personal" and n not in personal:
                personal.append(n)
        else:
            n = (a := _s(item)) and _email(a)
        if n:
            others.append(n)
    every: list[str] = [work_norm] if work_norm else []
    for n in (*personal, *others):
        if n not in every:
            every.append(n)
    return personal, every


def _email_company_domain(
    work_norm: str | None, experience: list[dict[str, Any]], current: dict[str, Any] | None
) -> str | None:
    """The work email's registrable domain, unless free-mail or the domain of an ended past job."""
    domain = normalize_domain(work_norm) if work_norm else None
    if not domain or is_free_mail(domain):
        return None
    for e in experience:
        if e is not current and e["end_date"] is not None and e["company_domain"] == domain:
            return None
    return domain


def profile_to_observation(
    profile: Any, *, source_file: str | None = None, source_line: int | None = None
) -> Observation:
    """Turn one parsed profile into an :class:`Observation`; raise :class:`ProfileError` if unusable."""
    if not isinstance(profile, dict):
        raise ProfileError("not a JSON object")
    obs_raw = _s(profile.get("observed_at"))
    if obs_raw is None:
        raise ProfileError("missing observed_at", "observed_at")
    observed_at = _pdate(obs_raw)
    if observed_at is None:
        raise ProfileError(f"invalid observed_at: {obs_raw[:40]!r}", "observed_at")

    first, last = _s(profile.get("first_name")), _s(profile.get("last_name"))
    full = _s(profile.get("full_name")) or (" ".join(x for x in (first, last) if x) or None)
    linkedin_url = _s(profile.get("linkedin_url"))
    linkedin_norm = normalize_linkedin_person(linkedin_url)
    work_email = _s(profile.get("work_email"))
    work_norm = _email(work_email) if work_email else None
    personal, emails = _emails(profile, work_norm)
    exp_raw = profile.get("experience")
    experience = [e for e in map(_entry, exp_raw if isinstance(exp_raw, list) else []) if e is not None]

    title = _s(profile.get("job_title"))
    levels = _strs(profile.get("job_title_levels"))
    role = _s(profile.get("job_title_role"))
    name = _s(profile.get("job_company_name"))
    website = _s(profile.get("job_company_website"))
    domain = normalize_domain(website)
    li_raw = _s(profile.get("job_company_linkedin_url"))
    li = _li_company(li_raw)
    country = _s(profile.get("job_company_location_country"))
    region = _s(profile.get("job_company_location_region"))
    start = _date(profile.get("job_start_date"))
    current: dict[str, Any] | None
    if name or domain or li:
        source: str | None = "job_fields"
        current = next(
            (e for e in experience if e["end_date"] is None and _same_company(e, name, domain, li)), None
        )
        if current:  # fill what the job_* fields left out from the matching experience entry
            title = title or current["title"]
            levels = levels or current["title_levels"]
            role = role or current["title_role"]
            country = country or current["company_country"]
            region = region or current["company_region"]
            start = start or current["start_date"]
    else:
        current, source = _current_entry(experience)
        if current:
            title, levels, role = current["title"], current["title_levels"], current["title_role"]
            name, website, domain = (
                current["company_name"],
                current["company_website"],
                current["company_domain"],
            )
            li_raw = li = current["company_linkedin"]
            country, region, start = (
                current["company_country"],
                current["company_region"],
                current["start_date"],
            )
    if source and not domain:
        domain = _email_company_domain(work_norm, experience, current)

    person_id = _s(profile.get("id"))
    if not (linkedin_norm or emails):
        any_company = _any_company(domain, name, experience)
        if not (full and any_company):
            raise ProfileError(
                "nothing identifies the person: needs linkedin_url, an email, or a name with a company"
            )
    if person_id:
        person_key = f"pdl:{person_id}"
    elif linkedin_norm:
        person_key = f"li:{linkedin_norm}"
    elif emails:
        person_key = f"em:{(personal or emails)[0]}"
    else:
        person_key = f"nm:{(full or '').lower()}|{_any_company(domain, name, experience)}"

    return Observation(
        obs_id=observation_id(person_key, observed_at),
        person_key=person_key,
        person_id=person_id,
        observed_at=observed_at,
        full_name=full,
        first_name=first,
        last_name=last,
        linkedin_url=linkedin_url,
        linkedin_norm=linkedin_norm,
        work_email=work_email,
        work_email_norm=work_norm,
        personal_emails_norm=personal,
        emails_norm=emails,
        job_title=title,
        job_title_levels=levels,
        job_title_role=role,
        job_company_name=name,
        job_company_website=website,
        job_company_domain=domain,
        job_company_linkedin_url=li_raw,
        job_company_linkedin_norm=li,
        job_company_country=country,
        job_company_region=region,
        job_start_date=start,
        current_job_source=source,
        location_country=_s(profile.get("location_country")),
        location_region=_s(profile.get("location_region")),
        experience=experience,
        source_file=source_file,
        source_line=source_line,
    )


def _any_company(domain: str | None, name: str | None, experience: list[dict[str, Any]]) -> str | None:
    """The current company (domain, else lower-cased name), else the first one of the experience."""
    if domain or name:
        return domain or (name or "").lower()
    for e in experience:
        if e["company_domain"] or e["company_name"]:
            return str(e["company_domain"] or e["company_name"].lower())
    return None
