"""Real-world noise: how people type the same title and company into a CRM, and how feeds write them.

Measured on a held-out real data set (issue 16): the CRM copy of an unchanged person's title and
company is rarely the string the people-data feed shows. The generator layers these differences on
*unchanged* facts only, so the truth stays what it was: an unchanged person has no signal.

All draws come from the ``rng`` handed in (the generator gives this module its own seeded stream per
account block, so the scenarios and the rest of the files are drawn as before).
"""

from __future__ import annotations

import random
import re

from jobshift.synth.companies import Company

_ABBREV: tuple[tuple[str, str], ...] = (
    ("Vice President", "VP"),
    ("Chief Technology Officer", "CTO"),
    ("Chief Information Officer", "CIO"),
    ("Chief Information Security Officer", "CISO"),
    ("Chief Executive Officer", "CEO"),
    ("Information Technology", "IT"),
    ("Senior ", "Sr. "),
    ("Director", "Dir."),
    ("Manager", "Mgr"),
    ("Engineering", "Eng."),
)
_EXPAND: tuple[tuple[str, str], ...] = tuple((b, a) for a, b in _ABBREV[:5])
_QUALIFIERS = (", EMEA", " - DACH", " (Payments)", ", Global", " | Remote", ", North America", " (Interim)")
"""Appended regions / specialties. Not "(Platform)": the title model reads a department word after a
qualifying separator as the function of a role that only implies one ("Systems Administrator (Platform)"
→ engineering; its documented "Engineer, Security" rule), so that would be a title change."""
_LANGUAGE: dict[str, tuple[str, ...]] = {
    "Director of IT": ("Directeur informatique", "Director de TI"),
    "IT Director": ("Directeur informatique",),
    "Director of Finance": ("Directeur financier", "Director financiero"),
    "Director of Marketing": ("Directeur marketing", "Director de marketing"),
    "Director of Sales": ("Directeur commercial", "Director comercial"),
    "Director of Engineering": ("Directeur de l'ingénierie",),
    "Marketing Manager": ("Responsable marketing",),
    "Software Engineer": ("Softwareentwickler", "Ingénieur logiciel", "Ingeniero de software"),
    "Data Analyst": ("Analista de datos", "Datenanalyst"),
    "Chief Executive Officer": ("Directeur général", "Geschäftsführer"),
    "CEO": ("Directeur général", "Geschäftsführer"),
    "Recruiter": ("Recruteur",),
    "Financial Analyst": ("Analyste financier",),
    "IT Manager": ("Responsable informatique",),
}
_CO_TITLES: dict[str, tuple[str, ...]] = {
    "CEO": ("Chairman & CEO", "Founder & CEO", "President & CEO"),
    "Chief Executive Officer": (
        "Chairman & Chief Executive Officer",
        "President and Chief Executive Officer",
    ),
    "CTO": ("Co-Founder & CTO", "CTO & Co-founder"),
    "Chief Technology Officer": ("Co-Founder and Chief Technology Officer",),
    "CIO": ("CIO & Board Member",),
}
_OF = re.compile(r"^(Director|VP|Vice President|Head) of (.+)$")


def _reorder(title: str) -> str | None:
    m = _OF.match(title)
    if m:
        role, dept = m.groups()
        return f"{dept} {role}" if role == "Director" else f"{role}, {dept}"
    if title.endswith(" Manager") and title.count(" ") == 1:
        return f"Manager, {title.split()[0]}"
    return None


def crm_title(rng: random.Random, title: str) -> tuple[str, str] | None:
    """The same role as a person types it into a CRM, and the kind of difference; ``None``: as shown.

    Kinds: ``abbreviated`` ("Vice President" → "VP", "Senior" → "Sr."), ``expanded`` ("CTO" →
    "Chief Technology Officer"), ``reordered`` ("Director of Sales" → "Sales Director"),
    ``qualifier`` (a region or department appended), ``co_title`` ("Chairman & CEO"),
    ``language`` ("Directeur informatique"), ``case``.
    """
    kinds = ["abbreviated", "expanded", "reordered", "qualifier", "co_title", "language", "case"]
    rng.shuffle(kinds)
    for kind in kinds:
        out: str | None = None
        if kind == "abbreviated":
            hits = [(a, b) for a, b in _ABBREV if a in title]
            if hits:
                a, b = rng.choice(hits)
                out = title.replace(a, b, 1)
        elif kind == "expanded":
            hits = [(a, b) for a, b in _EXPAND if re.search(rf"\b{re.escape(a)}\b", title)]
            if hits:
                a, b = rng.choice(hits)
                out = re.sub(rf"\b{re.escape(a)}\b", b, title, count=1)
        elif kind == "reordered":
            out = _reorder(title)
        elif kind == "qualifier":
            out = title + rng.choice(_QUALIFIERS)
        elif kind == "co_title" and title in _CO_TITLES:
            out = rng.choice(_CO_TITLES[title])
        elif kind == "language" and title in _LANGUAGE:
            out = rng.choice(_LANGUAGE[title])
        elif kind == "case":
            out = title.upper() if rng.random() < 0.5 else title.lower()
        if out and out != title:
            return out, kind
    return None


def all_crm_titles(title: str) -> set[str]:
    """Every variant :func:`crm_title` can produce for ``title`` (for tests)."""
    out: set[str] = set()
    for a, b in _ABBREV:
        if a in title:
            out.add(title.replace(a, b, 1))
    for a, b in _EXPAND:
        if re.search(rf"\b{re.escape(a)}\b", title):
            out.add(re.sub(rf"\b{re.escape(a)}\b", b, title, count=1))
    r = _reorder(title)
    if r:
        out.add(r)
    out.update(title + q for q in _QUALIFIERS)
    out.update(_CO_TITLES.get(title, ()))
    out.update(_LANGUAGE.get(title, ()))
    out.update((title.upper(), title.lower()))
    out.discard(title)
    return out


_GROUP_FORMS = ("Group", "Holding", "Holdings", "Gruppe", "Groupe", "Grupo", "Groep", "Koncernen")
_COUNTRY_FORMS: dict[str, tuple[str, ...]] = {
    "US": ("USA", "US", "(US)"),
    "GB": ("UK", "(UK)", "United Kingdom"),
    "DE": ("Deutschland", "Germany"),
    "FR": ("France",),
    "ES": ("España", "Spain"),
    "IT": ("Italia",),
    "NL": ("Nederland", "Netherlands"),
    "SE": ("Sverige",),
    "CH": ("Schweiz", "Switzerland"),
    "CA": ("Canada",),
    "AU": ("Australia",),
    "IN": ("India",),
    "JP": ("Japan",),
    "BR": ("Brasil",),
    "MX": ("Mexico",),
    "SG": ("Singapore",),
}


def company_form(rng: random.Random, company: Company) -> tuple[str, str]:
    """The company as a feed (or a person) writes it: group / holding word or the company's own country
    added, legal form dropped or added, and the kind (``group_qualifier``, ``country_qualifier``,
    ``legal_form_dropped``)."""
    base = company.base
    legal = company.legal_form
    kind = rng.choice(("group_qualifier", "country_qualifier", "legal_form_dropped"))
    if kind == "country_qualifier" and company.country in _COUNTRY_FORMS:
        q = rng.choice(_COUNTRY_FORMS[company.country])
        return (f"{base} {q} {legal}".strip() if rng.random() < 0.7 else f"{base} {q}"), kind
    if kind == "legal_form_dropped" and legal:
        return base, kind
    g = rng.choice(_GROUP_FORMS)
    if g in ("Grupo", "Groupe") and rng.random() < 0.5:
        return f"{g} {base}", "group_qualifier"
    return (f"{base} {g} {legal}".strip() if rng.random() < 0.5 else f"{base} {g}"), "group_qualifier"
