"""The parts of a people-data profile, normalized with caches: values, dates, companies, titles, jobs.

Helpers of :mod:`jobshift.domain.profiles`, built for ingest speed (millions of profiles). Company,
title and date values repeat across profiles, so their normalization is cached (bounded LRU caches on
pure functions, keyed with ``typed=True`` so that ``1`` and ``True`` never share an entry; unhashable
values take the uncached path). Each cached company, title and date also carries its compact-JSON
fragment, so that an experience entry is serialized by joining fragments instead of building a dict
and encoding it. An experience entry is a :data:`Job` tuple (index constants below).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any, Final

import orjson

from jobshift.domain.normalize import normalize_domain, normalize_linkedin_company, parse_partial_date
from jobshift.domain.normalize import normalize_email as _normalize_email
from jobshift.domain.normalize import normalize_linkedin_person as _normalize_linkedin_person

# (name, website, domain, linkedin_norm, country, region, JSON fragment)
Company = tuple[str | None, str | None, str | None, str | None, str | None, str | None, str]
# (title, levels, role, JSON fragment)
Title = tuple[str | None, tuple[str, ...], str | None, str]
# (company, title, start_date, end_date, is_primary, JSON object text)
Job = tuple[Company, Title, str | None, str | None, bool, str]

# Job / Company / Title indexes
J_COMPANY: Final = 0
J_TITLE: Final = 1
J_START: Final = 2
J_END: Final = 3
J_PRIMARY: Final = 4
J_JSON: Final = 5
C_NAME: Final = 0
C_WEBSITE: Final = 1
C_DOMAIN: Final = 2
C_LINKEDIN: Final = 3
C_COUNTRY: Final = 4
C_REGION: Final = 5
T_NAME: Final = 0
T_LEVELS: Final = 1
T_ROLE: Final = 2

EXPERIENCE_KEYS = (
    "company_name",
    "company_website",
    "company_domain",
    "company_linkedin",
    "company_country",
    "company_region",
    "title",
    "title_levels",
    "title_role",
    "start_date",
    "end_date",
    "is_primary",
)
_dumps = orjson.dumps
# canonical already-clean LinkedIn profile URLs: normalize_linkedin_person gives linkedin.com/in/<slug>
# addresses normalize_email leaves as they are (its own pattern, without the characters it rewrites)
_SIMPLE_EMAIL = re.compile(
    r"[a-z0-9_%+-][a-z0-9._%+-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
)
_SIMPLE_PERSON = re.compile(r"(?:https?://)?(?:www\.)?linkedin\.com/in/([a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)/?")


def s(value: Any) -> str | None:
    """A trimmed string, or ``None``; numbers become strings, dates ISO strings, other types ``None``."""
    if type(value) is str:
        value = value.strip()
        if "\x00" in value:  # PostgreSQL text cannot hold NUL characters
            value = value.replace("\x00", "").strip()
        return value or None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        return s(str(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return None


def strs(value: Any) -> list[str]:
    """A list of non-empty strings from a list (or a single string); anything else is empty."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    out = []
    for v in value:
        t = s(v)
        if t:
            out.append(t)
    return out


def email(raw: str) -> str | None:
    """A normalized email (not cached: addresses rarely repeat, a cache would only grow).

    Addresses that are already normalized (lower-case, plain) are recognised by one pattern.
    """
    return raw if _SIMPLE_EMAIL.fullmatch(raw) else _normalize_email(raw)


def linkedin_person(raw: str | None) -> str | None:
    """``normalize_linkedin_person`` with a fast path for URLs that are already clean."""
    if raw is not None and (m := _SIMPLE_PERSON.fullmatch(raw)) is not None:
        return "linkedin.com/in/" + m.group(1)
    return _normalize_linkedin_person(raw)


@lru_cache(maxsize=65_536)
def _pdate(raw: str | None) -> str | None:
    p = parse_partial_date(raw)
    return p.isoformat() if p else None


def pdate(value: Any) -> str | None:
    """A partial date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) from any value, or ``None``."""
    return _pdate(value) if type(value) is str else _pdate(s(value))


class _Cache(dict[Any, Any]):
    """A bounded memo of a pure function of plain values, cheaper than ``lru_cache`` on the hot path.

    Keys are tuples (or single values) straight from parsed JSON. Only keys made of ``str`` and
    ``None`` (strings of at most ``_MAX_KEY_CHARS``) are stored, so a lookup key holding ``1`` or
    ``True`` can never hit a stored entry (``1 == True`` but ``1 != "1"``); unhashable keys raise
    ``TypeError`` on lookup, which callers answer by computing without the cache. Full: it is emptied,
    so memory stays bounded (≈ 40 MB for 65,536 typical companies, ≤ 200 MB whatever the input).
    """

    __slots__ = ("maxsize",)

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def put(self, key: Any, value: Any) -> Any:
        """Store ``value`` under ``key`` when the key is plain; return ``value``."""
        if _plain_key(key):
            if len(self) >= self.maxsize:
                self.clear()
            self[key] = value
        return value


_MAX_KEY_CHARS = 200  # longer values are not cached: memory stays bounded whatever the input


def _plain_key(key: Any) -> bool:
    """True when ``key`` is ``None``, a short ``str`` or a tuple of those (see :class:`_Cache`)."""
    if type(key) is not tuple:
        return key is None or (type(key) is str and len(key) <= _MAX_KEY_CHARS)
    for v in key:
        if v is None or (type(v) is str and len(v) <= _MAX_KEY_CHARS):
            continue
        return False
    return True


_DATES = _Cache(16_384)
_COMPANIES = _Cache(65_536)
_TITLES = _Cache(16_384)


def _date_json(value: Any) -> tuple[str | None, str]:
    """(partial date, its JSON text)."""
    try:
        hit = _DATES.get(value)
    except TypeError:  # unhashable (a list or an object)
        d = pdate(value)
        return d, _dumps(d).decode()
    if hit is None:
        d = pdate(value)
        hit = _DATES.put(value, (d, "null" if d is None else f'"{d}"'))  # only digits and "-" inside
    return hit


@lru_cache(maxsize=65_536)
def li_company(raw: str | None) -> str | None:
    """A normalized LinkedIn company page (cached: companies repeat)."""
    return normalize_linkedin_company(raw)


def _company_parts(key: tuple[Any, Any, Any, Any, Any]) -> Company:
    n, w, li_raw, c, r = (s(v) for v in key)
    d, li = normalize_domain(w), li_company(li_raw)
    frag = _dumps(
        {
            "company_name": n,
            "company_website": w,
            "company_domain": d,
            "company_linkedin": li,
            "company_country": c,
            "company_region": r,
        }
    ).decode()[1:-1]
    return n, w, d, li, c, r, frag


def company(raw: Any) -> Company:
    """The company of an experience entry (an object, or a bare name)."""
    if isinstance(raw, dict):
        get = raw.get
        loc = get("location")
        if isinstance(loc, dict):
            key = (get("name"), get("website"), get("linkedin_url"), loc.get("country"), loc.get("region"))
        else:
            key = (get("name"), get("website"), get("linkedin_url"), None, None)
    else:
        key = (raw, None, None, None, None)
    try:
        hit = _COMPANIES.get(key)
    except TypeError:  # unhashable values
        return _company_parts(key)
    return hit if hit is not None else _COMPANIES.put(key, _company_parts(key))


_LEVELS = _Cache(4_096)


def title_levels(raw: Any) -> tuple[tuple[str, ...], str]:
    """(levels, their JSON text) of a ``job_title_levels`` value: ``strs`` of it, cached for lists."""
    if type(raw) is list:
        key = tuple(raw)
        try:
            hit: tuple[tuple[str, ...], str] | None = _LEVELS.get(key)
        except TypeError:  # unhashable entries
            lv = tuple(strs(raw))
            return lv, _dumps(lv).decode()
        if hit is None:
            lv = tuple(strs(raw))
            hit = _LEVELS.put(key, (lv, _dumps(lv).decode()))
        return hit
    lv = tuple(strs(raw))
    return lv, _dumps(lv).decode()


JobCompany = tuple[str | None, str | None, str | None, str | None, str | None]
_JOB_COMPANIES = _Cache(65_536)


def job_company(name: Any, website: Any, linkedin: Any) -> JobCompany:
    """(name, website, domain, linkedin, linkedin_norm) of a profile's ``job_company_*`` fields."""
    key = (name, website, linkedin)
    try:
        hit = _JOB_COMPANIES.get(key)
    except TypeError:  # unhashable values
        hit = None
    if hit is not None:
        return hit
    n, w, li = s(name), s(website), s(linkedin)
    try:
        return _JOB_COMPANIES.put(key, (n, w, normalize_domain(w), li, li_company(li)))
    except TypeError:
        return n, w, normalize_domain(w), li, li_company(li)


def _title_parts(name: Any, levels: Any, role: Any) -> Title:
    n, lv, r = s(name), tuple(strs(levels)), s(role)
    return n, lv, r, _dumps({"title": n, "title_levels": lv, "title_role": r}).decode()[1:-1]


_NO_TITLE = _title_parts(None, None, None)


def _title_cached(name: Any, role: Any, levels: list[Any] | None) -> Title:
    """A title by its cache key ``(name, role, *levels)``."""
    key = (name, role, *levels) if levels else (name, role)
    try:
        hit = _TITLES.get(key)
    except TypeError:  # unhashable values
        return _title_parts(name, levels, role)
    return hit if hit is not None else _TITLES.put(key, _title_parts(name, levels, role))


def title(raw: Any) -> Title:
    """The title of an experience entry (an object with name/levels/role, or a bare name)."""
    if raw is None:
        return _NO_TITLE
    if not isinstance(raw, dict):
        return _title_cached(raw, None, None)
    get = raw.get
    levels = get("levels")
    if levels is None or type(levels) is list:
        return _title_cached(get("name"), get("role"), levels)
    return _title_parts(get("name"), levels, get("role"))


def job(raw: Any) -> Job | None:
    """One compact experience entry (a :data:`Job`), or ``None`` for a non-object entry."""
    if not isinstance(raw, dict):
        return None
    get = raw.get
    c = company(get("company"))
    t = title(get("title"))
    start, start_json = _date_json(get("start_date"))
    end, end_json = _date_json(get("end_date"))
    primary = get("is_primary") is True
    text = (
        f'{{{c[6]},{t[3]},"start_date":{start_json},"end_date":{end_json},'
        f'"is_primary":{"true" if primary else "false"}}}'
    )
    return c, t, start, end, primary, text


def experience_jobs(entries: list[Any]) -> list[Job]:
    """The compact experience entries of a profile's ``experience`` list (non-objects skipped).

    Equal to ``[job(e) for e in entries if job(e)]``, with the cache lookups inlined for the common
    case (companies, titles and dates seen before); a miss or an odd value takes the general path.
    """
    out: list[Job] = []
    companies, titles, dates = _COMPANIES.get, _TITLES.get, _DATES.get
    for raw in entries:
        if type(raw) is not dict:
            if isinstance(raw, dict):
                out.append(job(dict(raw)))  # type: ignore[arg-type]
            continue
        get = raw.get
        co, ti, start, end = get("company"), get("title"), get("start_date"), get("end_date")
        c = t = sd = ed = None
        try:
            if type(co) is dict:
                cg = co.get
                loc = cg("location")
                if isinstance(loc, dict):
                    c = companies(
                        (cg("name"), cg("website"), cg("linkedin_url"), loc.get("country"), loc.get("region"))
                    )
                else:
                    c = companies((cg("name"), cg("website"), cg("linkedin_url"), None, None))
            if type(ti) is dict:
                tg = ti.get
                tl = tg("levels")
                # levels: a list or none (a string or an object takes the general path)
                if type(tl) is list:
                    t = titles((tg("name"), tg("role"), *tl))
                elif tl is None:
                    t = titles((tg("name"), tg("role")))
            sd, ed = dates(start), dates(end)
        except TypeError:  # unhashable values: the general path below copes with them
            pass
        if c is None:
            c = company(co)
        if t is None:
            t = title(ti)
        if sd is None:
            sd = _date_json(start)
        if ed is None:
            ed = _date_json(end)
        primary = get("is_primary") is True
        text = (
            f'{{{c[6]},{t[3]},"start_date":{sd[1]},"end_date":{ed[1]},'
            f'"is_primary":{"true" if primary else "false"}}}'
        )
        out.append((c, t, sd[0], ed[0], primary, text))
    return out


def job_dict(j: Job) -> dict[str, Any]:
    """An experience entry as a dict with the :data:`EXPERIENCE_KEYS`."""
    c, t = j[J_COMPANY], j[J_TITLE]
    values = (*c[:6], t[0], list(t[1]), t[2], j[J_START], j[J_END], j[J_PRIMARY])
    return dict(zip(EXPERIENCE_KEYS, values, strict=True))


def experience_json(jobs: list[Job]) -> str:
    """The compact JSON list of experience entries (equal to ``orjson.dumps`` of their dicts)."""
    return "[" + ",".join([j[J_JSON] for j in jobs]) + "]"
