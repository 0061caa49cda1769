"""People-data profiles (PDL-style dicts) turned into :class:`Observation` records or insert rows.

Pure and total: any parsed JSON object goes in; out comes an ``Observation`` (or, for bulk ingest, the
same values as a row tuple with the JSON columns already serialized: :func:`profile_to_row`) or a
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
from dataclasses import dataclass, fields
from typing import Any

import orjson

from jobshift.domain.normalize import is_free_mail, normalize_domain
from jobshift.domain.profile_parts import (
    C_COUNTRY,
    C_DOMAIN,
    C_LINKEDIN,
    C_NAME,
    C_REGION,
    C_WEBSITE,
    J_COMPANY,
    J_END,
    J_PRIMARY,
    J_START,
    J_TITLE,
    T_LEVELS,
    T_NAME,
    T_ROLE,
    Job,
    email,
    experience_jobs,
    experience_json,
    job_company,
    job_dict,
    linkedin_person,
    pdate,
    s,
    strs,
    title_levels,
)

__all__ = [
    "JSON_FIELDS",
    "OBSERVATION_FIELDS",
    "PROFILE_FIELDS",
    "Observation",
    "ProfileError",
    "observation_id",
    "profile_to_observation",
    "profile_to_row",
]


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
    job_last_verified: str | None = None
    """When the source last confirmed the current job (PDL ``job_last_verified``, YYYY-MM-DD); the
    evidence's age counts from the later of this and ``observed_at``."""

    @property
    def has_employer(self) -> bool:
        """False when the profile shows no current job ("no known employer")."""
        return self.current_job_source is not None


OBSERVATION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Observation))
PROFILE_FIELDS = (
    "id",
    "observed_at",
    "full_name",
    "first_name",
    "last_name",
    "linkedin_url",
    "work_email",
    "personal_emails",
    "emails",
    "job_title",
    "job_title_levels",
    "job_title_role",
    "job_company_name",
    "job_company_website",
    "job_company_linkedin_url",
    "job_company_location_country",
    "job_company_location_region",
    "job_start_date",
    "job_last_verified",
    "location_country",
    "location_region",
    "experience",
)
"""The top-level profile fields :func:`profile_to_row` reads (a reader may project on them: the
conversion of a profile reduced to these fields is the same)."""
#: the fields :func:`profile_to_row` gives as JSON text
JSON_FIELDS = frozenset({"personal_emails_norm", "emails_norm", "job_title_levels", "experience"})
_dumps = orjson.dumps
_blake2b = hashlib.blake2b


def observation_id(person_key: str, observed_at: str) -> str:
    """32-hex id of (person, observation date): the same pair always gives the same id."""
    return _blake2b(f"{person_key}\x1f{observed_at}".encode(), digest_size=16).hexdigest()


def _has_company(j: Job) -> bool:
    c = j[J_COMPANY]
    return bool(c[C_NAME] or c[C_DOMAIN] or c[C_LINKEDIN])


def _current_job(jobs: list[Job]) -> tuple[Job | None, str | None]:
    """The primary entry, else the open-ended entry with the latest start (first one on ties)."""
    with_company = [j for j in jobs if _has_company(j)]
    for j in with_company:
        if j[J_PRIMARY]:
            return j, "primary_experience"
    best: Job | None = None
    for j in with_company:
        if j[J_END] is None and (best is None or (j[J_START] or "") > (best[J_START] or "")):
            best = j
    return (best, "open_experience") if best else (None, None)


def _same_company(j: Job, name: str | None, domain: str | None, li: str | None) -> bool:
    c = j[J_COMPANY]
    if domain and c[C_DOMAIN] == domain:
        return True
    if li and c[C_LINKEDIN] == li:
        return True
    return bool(name and c[C_NAME] and c[C_NAME].lower() == name.lower())


def _emails(profile: dict[str, Any], work_norm: str | None) -> tuple[list[str], list[str]]:
    """(personal emails, every email) normalized and deduplicated; work email first in the second."""
    personal: list[str] = []
    others: list[str] = []
    raw_personal = profile.get("personal_emails")
    if raw_personal:
        for raw in raw_personal if type(raw_personal) is list else strs(raw_personal):
            raw = raw.strip() if type(raw) is str and "\x00" not in raw else s(raw)  # as strs() does
            if raw and (n := email(raw)) and n not in personal:
                personal.append(n)
    items = profile.get("emails")
    if items:  # a falsy value (None, [], "", 0) holds no address
        for item in items if type(items) is list else (items,):
            if isinstance(item, dict):
                a = item.get("address")
                a = (a.strip() or None) if type(a) is str and "\x00" not in a else s(a)
                n = a and email(a)
                if (
                    n
                    and (k := item.get("type")) is not None
                    and (k.strip() if type(k) is str and "\x00" not in k else s(k)) == "personal"
                    and n not in personal
                ):
                    personal.append(n)
            else:
                n = (a := s(item)) and email(a)
            if n:
                others.append(n)
    if not personal and not others:
        return personal, [work_norm] if work_norm else []
    every: list[str] = [work_norm] if work_norm else []
    for n in (*personal, *others):
        if n not in every:
            every.append(n)
    return personal, every


def _email_company_domain(work_norm: str | None, jobs: list[Job], current: Job | None) -> str | None:
    """The work email's registrable domain, unless free-mail or the domain of an ended past job."""
    domain = normalize_domain(work_norm) if work_norm else None
    if not domain or is_free_mail(domain):
        return None
    for j in jobs:
        if j is not current and j[J_END] is not None and j[J_COMPANY][C_DOMAIN] == domain:
            return None
    return domain


def _any_company(domain: str | None, name: str | None, jobs: list[Job]) -> str | None:
    """The current company (domain, else lower-cased name), else the first one of the experience."""
    if domain or name:
        return domain or (name or "").lower()
    for j in jobs:
        c = j[J_COMPANY]
        if c[C_DOMAIN] or c[C_NAME]:
            return str(c[C_DOMAIN] or (c[C_NAME] or "").lower())
    return None


def _verified(raw: Any) -> str | None:
    """``job_last_verified`` as a full date (``YYYY-MM-DD``; PDL also sends a timestamp), or ``None`` when
    missing, invalid or partial (a year or a month says nothing about the day the job was confirmed)."""
    day = pdate(raw[:10] if type(raw) is str else raw) if raw is not None else None
    return day if day is not None and len(day) == 10 else None


def _convert(profile: Any, source_file: str | None, source_line: int | None, as_row: bool) -> Any:
    """The shared conversion: an :class:`Observation`, or (``as_row``) its row tuple with JSON as text."""
    if not isinstance(profile, dict):
        raise ProfileError("not a JSON object")
    get = profile.get
    obs_raw = s(get("observed_at"))
    if obs_raw is None:
        raise ProfileError("missing observed_at", "observed_at")
    observed_at = pdate(obs_raw)
    if observed_at is None:
        raise ProfileError(f"invalid observed_at: {obs_raw[:40]!r}", "observed_at")

    first, last = (
        (v.strip() or None if type(v := get("first_name")) is str and "\x00" not in v else s(v)),
        (v.strip() or None if type(v := get("last_name")) is str and "\x00" not in v else s(v)),
    )
    full = (v.strip() or None if type(v := get("full_name")) is str and "\x00" not in v else s(v)) or (
        " ".join(x for x in (first, last) if x) or None
    )
    linkedin_url = v.strip() or None if type(v := get("linkedin_url")) is str and "\x00" not in v else s(v)
    linkedin_norm = linkedin_person(linkedin_url)
    work_email = v.strip() or None if type(v := get("work_email")) is str and "\x00" not in v else s(v)
    work_norm = email(work_email) if work_email else None
    personal, emails = _emails(profile, work_norm)
    exp_raw = get("experience")
    jobs: list[Job] = experience_jobs(exp_raw) if type(exp_raw) is list else []

    title = v.strip() or None if type(v := get("job_title")) is str and "\x00" not in v else s(v)
    levels_raw = get("job_title_levels")
    levels_json: str | None
    levels, levels_json = title_levels(levels_raw) if levels_raw is not None else ((), "[]")
    role = v.strip() or None if type(v := get("job_title_role")) is str and "\x00" not in v else s(v)
    name, website, domain, li_raw, li = job_company(
        get("job_company_name"), get("job_company_website"), get("job_company_linkedin_url")
    )
    country = None if (v := get("job_company_location_country")) is None else s(v)
    region = None if (v := get("job_company_location_region")) is None else s(v)
    start = pdate(get("job_start_date"))
    current: Job | None
    if name or domain or li:
        source: str | None = "job_fields"
        current = None
        for j in jobs:
            if j[J_END] is None and _same_company(j, name, domain, li):
                current = j
                break
        if current:  # fill what the job_* fields left out from the matching experience entry
            c, t = current[J_COMPANY], current[J_TITLE]
            title = title or t[T_NAME]
            if not levels:
                levels, levels_json = t[T_LEVELS], None
            role = role or t[T_ROLE]
            country = country or c[C_COUNTRY]
            region = region or c[C_REGION]
            start = start or current[J_START]
    else:
        current, source = _current_job(jobs)
        if current:
            c, t = current[J_COMPANY], current[J_TITLE]
            title, levels, levels_json, role = t[T_NAME], t[T_LEVELS], None, t[T_ROLE]
            name, website, domain = c[C_NAME], c[C_WEBSITE], c[C_DOMAIN]
            li_raw = li = c[C_LINKEDIN]
            country, region, start = c[C_COUNTRY], c[C_REGION], current[J_START]
    if source and not domain:
        domain = _email_company_domain(work_norm, jobs, current)

    person_id = v.strip() or None if type(v := get("id")) is str and "\x00" not in v else s(v)
    if not (linkedin_norm or emails):
        any_company = _any_company(domain, name, jobs)
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
        person_key = f"nm:{(full or '').lower()}|{_any_company(domain, name, jobs)}"

    values = (
        observation_id(person_key, observed_at),
        person_key,
        person_id,
        observed_at,
        full,
        first,
        last,
        linkedin_url,
        linkedin_norm,
        work_email,
        work_norm,
        (_dumps(personal).decode() if personal else "[]") if as_row else personal,
        _dumps(emails).decode() if as_row else emails,
        title,
        (levels_json or _dumps(levels).decode()) if as_row else list(levels),
        role,
        name,
        website,
        domain,
        li_raw,
        li,
        country,
        region,
        start,
        source,
        (v.strip() or None if type(v := get("location_country")) is str and "\x00" not in v else s(v)),
        (v.strip() or None if type(v := get("location_region")) is str and "\x00" not in v else s(v)),
        experience_json(jobs) if as_row else [job_dict(j) for j in jobs],
        source_file,
        source_line,
        _verified(get("job_last_verified")),
    )
    return values if as_row else Observation(*values)  # type: ignore[arg-type]


def profile_to_observation(
    profile: Any, *, source_file: str | None = None, source_line: int | None = None
) -> Observation:
    """Turn one parsed profile into an :class:`Observation`; raise :class:`ProfileError` if unusable."""
    return _convert(profile, source_file, source_line, False)


def profile_to_row(
    profile: Any, source_file: str | None = None, source_line: int | None = None
) -> tuple[Any, ...]:
    """The :class:`Observation` values of one profile as a tuple (``OBSERVATION_FIELDS`` order).

    The fields in ``JSON_FIELDS`` are compact JSON text, ready to insert. Same rules and errors as
    :func:`profile_to_observation`, without building the dataclass and the experience dicts (ingest).
    """
    return _convert(profile, source_file, source_line, True)
