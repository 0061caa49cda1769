"""Fictional but realistic company names, legal forms of many countries, industries and domains.

Every company has a unique *core* built from two word lists (``Blue`` + ``peak`` → ``Bluepeak``).
Words within a list, and the first words of CRM and non-CRM companies, differ by at least three
edits, so two different companies never look alike to a fuzzy name matcher (their normalized names
stay well under a 92 similarity score), and a company outside the CRM never resembles a CRM account.
When the word pairs run out (very large scales) a city is added as a qualifier.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from jobshift.synth.names import ascii_slug, words

_CRM_FIRST = words(
    "blue red green silver golden iron stone north south east west summit river harbor ocean crystal "
    "amber cedar maple willow falcon eagle raven phoenix orion vector quantum nova stellar lunar "
    "solar polar arctic tundra desert canyon prairie meadow forest timber granite marble copper "
    "cobalt indigo scarlet violet azure crimson ivory onyx jade ruby sapphire topaz emerald bright "
    "clear swift rapid steady true prime noble royal grand vivid bold brave quiet zenith apex vertex "
    "matrix helix pixel signal beacon anchor compass horizon frontier pioneer voyager atlas titan "
    "hermes apollo juno vulcan mercury neptune saturn jupiter kepler galileo tesla newton darwin "
    "faraday maxwell turing lovelace hopper curie bohr planck fermi pascal euler "
)
_OTHER_FIRST = words(
    "velvet thistle juniper lantern harvest orchard saffron pepper ginger cinnamon clover heather "
    "bramble thimble puzzle rocket comet meteor glacier volcano lagoon fjord island reef coral pebble "
    "boulder cliff ridgeback mustang bison badger otter walrus pelican heron condor kestrel sparrow "
    "finch magpie tortoise dolphin narwhal octopus mango papaya kiwi lemon olive walnut almond hazel "
    "chestnut bamboo lotus tulip orchid dahlia poppy "
)
_SECOND = words(
    "peak field gate bridge works point stream line wave craft forge path stone light mark hub base "
    "core flow scape sphere port view wind leaf rock spring wood dale bay crest ridge vale haven "
    "shore star sky cloud mind logic byte data grid scale cast loop nest shift sense dock ward mount "
    "land stack beam spark wise well bloom trail "
)

CITIES = words(
    "Boston Denver Austin Seattle Portland Chicago Atlanta Phoenix Dallas Miami Toronto Vancouver "
    "London Manchester Dublin Berlin Munich Hamburg Paris Lyon Madrid Barcelona Amsterdam Rotterdam "
    "Zurich Vienna Milan Stockholm Oslo Helsinki Tokyo Osaka Sydney Melbourne Singapore Mumbai "
    "Bangalore Saopaulo "
)


def _spread(candidates: tuple[str, ...], taken: list[str], min_dist: int = 3) -> list[str]:
    """Keep words (in order) whose edit distance to every kept/taken word is at least ``min_dist``."""
    kept: list[str] = []
    for w in dict.fromkeys(candidates):
        if all(Levenshtein.distance(w, o) >= min_dist for o in (*taken, *kept)):
            kept.append(w)
    return kept


CRM_FIRST = _spread(_CRM_FIRST, [])
OTHER_FIRST = _spread(_OTHER_FIRST, CRM_FIRST)
SECOND = _spread(_SECOND, [])
CITY_QUALIFIERS = _spread(CITIES, [])

# country: (weight, country name, PDL country, regions, legal forms, top-level domains)
COUNTRIES: dict[str, tuple[int, str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "US": (
        50,
        "United States",
        "united states",
        (
            "California",
            "New York",
            "Texas",
            "Washington",
            "Massachusetts",
            "Illinois",
            "Georgia",
            "Colorado",
            "Virginia",
            "Florida",
            "North Carolina",
            "Oregon",
        ),
        ("Inc.", "LLC", "Corp.", "Corporation", "Inc."),
        ("com", "com", "com", "io", "ai", "us"),
    ),
    "CA": (
        3,
        "Canada",
        "canada",
        ("Ontario", "British Columbia", "Quebec", "Alberta"),
        ("Inc.", "Ltd."),
        ("ca", "com"),
    ),
    "GB": (
        8,
        "United Kingdom",
        "united kingdom",
        ("England", "Scotland", "Wales"),
        ("Ltd", "Limited", "PLC"),
        ("co.uk", "com", "uk"),
    ),
    "DE": (
        8,
        "Germany",
        "germany",
        ("Bavaria", "Berlin", "Hamburg", "Hesse", "North Rhine-Westphalia"),
        ("GmbH", "AG", "GmbH & Co. KG", "SE"),
        ("de", "com"),
    ),
    "FR": (
        5,
        "France",
        "france",
        ("Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie"),
        ("SAS", "S.A.", "SARL"),
        ("fr", "com"),
    ),
    "ES": (3, "Spain", "spain", ("Madrid", "Catalonia", "Andalusia"), ("S.A.", "S.L."), ("es", "com")),
    "NL": (
        3,
        "Netherlands",
        "netherlands",
        ("North Holland", "South Holland", "Utrecht"),
        ("B.V.", "N.V."),
        ("nl", "com"),
    ),
    "CH": (
        2,
        "Switzerland",
        "switzerland",
        ("Zurich", "Geneva", "Basel-City"),
        ("AG", "SA", "GmbH"),
        ("ch", "com"),
    ),
    "IT": (2, "Italy", "italy", ("Lombardy", "Lazio", "Piedmont"), ("S.p.A.", "S.r.l."), ("it", "com")),
    "SE": (2, "Sweden", "sweden", ("Stockholm", "Västra Götaland"), ("AB",), ("se", "com")),
    "JP": (
        3,
        "Japan",
        "japan",
        ("Tokyo", "Osaka", "Kanagawa"),
        ("K.K.", "Co., Ltd."),
        ("co.jp", "jp", "com"),
    ),
    "AU": (
        3,
        "Australia",
        "australia",
        ("New South Wales", "Victoria", "Queensland"),
        ("Pty Ltd",),
        ("com.au", "com"),
    ),
    "IN": (
        3,
        "India",
        "india",
        ("Karnataka", "Maharashtra", "Delhi", "Telangana"),
        ("Pvt. Ltd.", "Ltd."),
        ("in", "co.in", "com"),
    ),
    "BR": (
        2,
        "Brazil",
        "brazil",
        ("São Paulo", "Rio de Janeiro", "Minas Gerais"),
        ("Ltda.", "S.A."),
        ("com.br", "com"),
    ),
}
_COUNTRY_CODES = sorted(COUNTRIES)
_COUNTRY_WEIGHTS = [COUNTRIES[c][0] for c in _COUNTRY_CODES]

# industry: descriptors used in names
INDUSTRIES: dict[str, tuple[str, ...]] = {
    "Software": ("Software", "Systems", "Labs", "Technologies", "Cloud"),
    "IT Services": ("Consulting", "Solutions", "Digital", "IT Services"),
    "Financial Services": ("Financial", "Payments", "Capital Markets"),
    "Banking": ("Bank", "Bancorp"),
    "Insurance": ("Insurance", "Assurance", "Mutual"),
    "Healthcare": ("Health", "Medical", "Care"),
    "Pharmaceuticals": ("Pharma", "Therapeutics", "Biosciences"),
    "Manufacturing": ("Industries", "Manufacturing", "Components", "Machines"),
    "Retail": ("Retail", "Stores", "Brands"),
    "Telecommunications": ("Telecom", "Networks", "Communications"),
    "Energy": ("Energy", "Power", "Renewables"),
    "Logistics": ("Logistics", "Freight", "Shipping"),
    "Media": ("Media", "Studios", "Publishing"),
    "Automotive": ("Motors", "Automotive", "Mobility"),
    "Consumer Goods": ("Foods", "Beverages", "Home"),
}
PUBSEC_KINDS = (
    "Transit Authority",
    "University",
    "County Government",
    "Public Schools",
    "Health Service",
    "Water Authority",
    "State College",
    "Port Authority",
)


@dataclass(frozen=True)
class Company:
    """A generated company: display name (with legal form), its core, domain, place and industry."""

    name: str
    base: str  # the name without legal form
    legal_form: str
    domain: str
    linkedin_slug: str
    country: str  # ISO-2
    region: str
    industry: str

    @property
    def country_name(self) -> str:
        """The country as a CRM shows it (``United States``)."""
        return COUNTRIES[self.country][1]

    @property
    def pdl_country(self) -> str:
        """The country as people data shows it (``united states``)."""
        return COUNTRIES[self.country][2]


class CompanyNamer:
    """Hands out unique companies in a seeded order, from the CRM or the non-CRM vocabulary."""

    def __init__(self, rng: random.Random, crm: bool) -> None:
        first = CRM_FIRST if crm else OTHER_FIRST
        self._pairs = [(a, b) for a in first for b in SECOND]
        rng.shuffle(self._pairs)
        self._cities = list(CITY_QUALIFIERS)
        rng.shuffle(self._cities)
        self._next = 0

    def core(self) -> str:
        """The next unique core (``Bluepeak``, ``Blue Peak`` or ``Bluepeak Denver`` beyond capacity)."""
        k = self._next
        self._next += 1
        a, b = self._pairs[k % len(self._pairs)]
        core = f"{a.capitalize()}{b}" if (k * 7) % 5 else f"{a.capitalize()} {b.capitalize()}"
        round_ = k // len(self._pairs)
        if round_:
            core = f"{core} {self._cities[(round_ - 1) % len(self._cities)]}"
            if round_ > len(self._cities):
                core = f"{core} {round_}"
        return core

    def company(
        self,
        rng: random.Random,
        industry: str | None = None,
        country: str | None = None,
        pubsec: bool = False,
    ) -> Company:
        """A new unique company (``rng`` picks its country, industry, descriptor, legal form, domain)."""
        core = self.core()
        country = country or rng.choices(_COUNTRY_CODES, _COUNTRY_WEIGHTS)[0]
        _w, _n, _p, regions, forms, tlds = COUNTRIES[country]
        if pubsec:
            industry = rng.choice(("Government", "Education"))
            base = f"{core} {rng.choice(PUBSEC_KINDS)}"
            legal = ""
            tld = "gov" if country == "US" and industry == "Government" else tlds[0]
        else:
            industry = industry or rng.choice(sorted(INDUSTRIES))
            base = f"{core} {rng.choice(INDUSTRIES[industry])}" if rng.random() < 0.55 else core
            legal = rng.choice(forms)
            tld = rng.choice(tlds)
        slug = ascii_slug(core)
        domain = f"{slug.replace('-', '') if rng.random() < 0.8 else slug}.{tld}"
        name = (
            f"{base}, {legal}"
            if legal in ("Inc.", "LLC") and rng.random() < 0.3
            else f"{base} {legal}".strip()
        )
        return Company(name, base, legal, domain, slug, country, rng.choice(regions), industry)


_FORM_VARIANTS: dict[str, tuple[str, ...]] = {
    "Inc.": ("Inc", "Incorporated", "INC."),
    "LLC": ("L.L.C.", "llc"),
    "Corp.": ("Corporation", "Corp"),
    "Corporation": ("Corp.", "Corp"),
    "Ltd": ("Limited", "Ltd."),
    "Ltd.": ("Limited", "Ltd"),
    "Limited": ("Ltd", "Ltd."),
    "PLC": ("plc",),
    "GmbH": ("Gmbh",),
    "S.A.": ("SA",),
    "SA": ("S.A.",),
    "B.V.": ("BV",),
    "N.V.": ("NV",),
    "S.L.": ("SL",),
    "Pty Ltd": ("Pty. Ltd.",),
    "K.K.": ("KK",),
}


def name_variant(rng: random.Random, company: Company) -> str:
    """Another way a feed writes the same company name: case, punctuation or legal form differ."""
    kind = rng.randrange(4)
    if kind == 0:
        return company.name.upper()
    if kind == 1 and company.legal_form:
        return company.base
    if company.legal_form in _FORM_VARIANTS:
        return f"{company.base} {rng.choice(_FORM_VARIANTS[company.legal_form])}"
    if company.legal_form:
        return f"{company.base}, {company.legal_form}"
    return company.name.upper()


def website_forms(rng: random.Random, domain: str) -> str:
    """The account website as a CRM holds it: bare domain, with ``www.``, a scheme or a path."""
    return rng.choice(
        (domain, f"www.{domain}", f"https://www.{domain}", f"https://{domain}/", f"http://www.{domain}/en")
    )


def linkedin_company_url(slug: str) -> str:
    """A LinkedIn company page URL."""
    return f"linkedin.com/company/{slug}"
