"""Job titles across seniorities and functions, with the promotions and lateral moves between them.

Each title carries its seniority (``c_suite`` > ``vp`` > ``director`` > ``manager`` > ``senior`` >
``entry``), its function, the PDL ``levels`` a people-data vendor would attach, and whether it matches
the default persona (director/VP/C-level in engineering, IT, security, data or executive). Titles
that drive a signal are chosen so that their classification is unambiguous; localized and vague
titles ("Head of …", "Leiter IT") are only used where no signal depends on them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

RANKS: dict[str, int] = {"entry": 0, "senior": 1, "manager": 2, "director": 3, "vp": 4, "c_suite": 5}
PDL_LEVELS: dict[str, str] = {
    "entry": "entry",
    "senior": "senior",
    "manager": "manager",
    "director": "director",
    "vp": "vp",
    "c_suite": "cxo",
}
PERSONA_SENIORITIES = frozenset({"c_suite", "vp", "director"})
PERSONA_FUNCTIONS_DEFAULT = ("engineering", "it", "security", "data", "executive")
PERSONA_FUNCTIONS = frozenset(PERSONA_FUNCTIONS_DEFAULT)


@dataclass(frozen=True)
class Title:
    """A job title and its classification."""

    name: str
    seniority: str
    function: str

    @property
    def persona(self) -> bool:
        """True when the default persona matches this title."""
        return self.seniority in PERSONA_SENIORITIES and self.function in PERSONA_FUNCTIONS

    @property
    def levels(self) -> list[str]:
        """PDL ``job_title_levels``."""
        return [PDL_LEVELS[self.seniority]]


def _t(spec: str) -> list[Title]:
    out: list[Title] = []
    for line in spec.strip().splitlines():
        sen, fun, names = (p.strip() for p in line.split("|"))
        out.extend(Title(n.strip(), sen, fun) for n in names.split(";"))
    return out


TITLES: list[Title] = _t("""
c_suite | engineering | Chief Technology Officer; CTO
c_suite | it | Chief Information Officer; CIO
c_suite | security | Chief Information Security Officer; CISO
c_suite | data | Chief Data Officer
c_suite | executive | Chief Executive Officer; CEO
vp | engineering | VP of Engineering; VP Engineering; Vice President, Engineering; VP of Infrastructure
vp | it | VP of Information Technology; Vice President of IT
vp | security | VP, Information Security; VP of Security
vp | data | VP of Data; VP, Data and Analytics
vp | sales | VP of Sales; Vice President of Sales; VP of Business Development
vp | marketing | VP Marketing; VP of Marketing
vp | finance | VP of Finance
vp | product | VP of Product
director | engineering | Director of Engineering; Director, Platform Engineering; Director of DevOps
director | engineering | Director of Platform Engineering; Senior Director of Engineering
director | it | Director of IT; IT Director; Director of IT Operations
director | engineering | Director of Infrastructure
director | security | Director of Information Security; Director, Security Operations
director | data | Director of Data Engineering; Director of Analytics
director | sales | Director of Sales; Director of Business Development
director | marketing | Director of Marketing; Director of Demand Generation
director | finance | Director of Finance
director | operations | Director of Procurement
director | hr | HR Director; Director of People
manager | engineering | Engineering Manager; Engineering Manager, Platform; Manager, Cloud Infrastructure
manager | it | IT Manager
manager | engineering | Infrastructure Manager
manager | security | Security Operations Manager
manager | data | Data Engineering Manager; Analytics Manager
manager | sales | Sales Manager; Partner Sales Manager; Account Manager
manager | marketing | Marketing Manager; Product Marketing Manager
manager | finance | Finance Manager
manager | operations | Procurement Manager
senior | engineering | Senior Software Engineer; Senior DevOps Engineer; Senior Site Reliability Engineer
senior | data | Senior Data Engineer; Senior Data Scientist
senior | security | Senior Security Analyst
entry | engineering | Software Engineer; DevOps Engineer; Backend Engineer; QA Engineer
entry | it | Systems Administrator; IT Support Specialist
entry | data | Data Analyst; Business Intelligence Analyst
entry | security | Security Analyst
entry | sales | Account Executive; Sales Development Representative
entry | marketing | Marketing Specialist
entry | finance | Financial Analyst
entry | hr | Recruiter
""")
BY_NAME: dict[str, Title] = {t.name: t for t in TITLES}

LOCALIZED_TITLES: tuple[str, ...] = (
    "Leiter IT",
    "IT-Leiter",
    "Leiter Softwareentwicklung",
    "Softwareentwickler",
    "Geschäftsführer",
    "Directeur des Systèmes d'Information",
    "Responsable Informatique",
    "Ingénieur Logiciel",
    "Chef de Projet",
    "Director de Tecnología",
    "Jefe de Sistemas",
    "Ingeniero de Software",
    "Head of Engineering",
    "Head of Data",
    "Head of IT",
    "Head of Procurement",
    "Founder",
)
"""Titles in German, French and Spanish, and vague ones: used only where no signal depends on them."""

PROMOTIONS: dict[str, tuple[str, ...]] = {
    "Engineering Manager": ("Director of Engineering",),
    "Director of Engineering": ("VP of Engineering",),
    "VP of Engineering": ("Chief Technology Officer",),
    "VP Engineering": ("CTO",),
    "IT Manager": ("Director of IT",),
    "Director of IT": ("VP of Information Technology",),
    "VP of Information Technology": ("Chief Information Officer",),
    "Security Operations Manager": ("Director of Information Security",),
    "Director of Information Security": ("Chief Information Security Officer", "VP of Security"),
    "Data Engineering Manager": ("Director of Data Engineering",),
    "Director of Data Engineering": ("VP of Data",),
    "Analytics Manager": ("Director of Analytics",),
    "Marketing Manager": ("Director of Marketing",),
    "Sales Manager": ("Director of Sales",),
    "Director of Sales": ("VP of Sales",),
    "Procurement Manager": ("Director of Procurement",),
}
"""Promotions: same function, strictly higher seniority."""

LATERAL: dict[str, tuple[str, ...]] = {
    "Director of Engineering": ("Director of IT",),
    "Director of IT": ("Director of Information Security",),
    "VP of Engineering": ("VP of Product",),
    "Engineering Manager": ("Data Engineering Manager",),
    "Engineering Manager, Platform": ("IT Manager",),
    "Marketing Manager": ("Sales Manager",),
    "Sales Manager": ("Marketing Manager",),
    "Director of Sales": ("Director of Marketing",),
    "Data Analyst": ("Financial Analyst",),
    "Software Engineer": ("Security Analyst",),
    "VP of Sales": ("VP Marketing",),
    "Director of Information Security": ("Director of IT",),
}
"""Title changes without promotion: same level, another function (a lateral move). A specialty or
qualifier inside one function ("Director of Engineering" → "Director of Platform Engineering") is not a
title change for the title model (domain/normalize/title_model.py), so it is not planted as one."""

PERSONA: list[Title] = [t for t in TITLES if t.persona]
NON_PERSONA: list[Title] = [t for t in TITLES if not t.persona]
_BUYER_POOL = [t.name for t in PERSONA] * 3 + [t.name for t in NON_PERSONA]

SIDE_ROLES: dict[str, tuple[str, ...]] = {
    "advisor": ("Advisor", "Board Advisor", "Technical Advisor", "Strategic Advisor"),
    "board_member": ("Board Member", "Member of the Board of Directors", "Non-Executive Director"),
    "investor": ("Investor", "Angel Investor"),
}
INTERN_TITLES = ("Software Engineering Intern", "Data Science Intern", "Summer Intern", "Marketing Intern")
STUDENT_TITLES = ("Student", "MBA Candidate", "Graduate Student", "PhD Student")
SELF_EMPLOYED = (
    ("Self-employed", "Independent Consultant"),
    ("Freelance", "Freelance DevOps Consultant"),
    ("Self-Employed", "Freelance Consultant"),
)


def buyer_title(rng: random.Random) -> str:
    """A title as seen on opportunity contacts: persona titles over-represented, some localized."""
    if rng.random() < 0.08:
        return rng.choice(LOCALIZED_TITLES)
    return rng.choice(_BUYER_POOL)


def any_title(rng: random.Random) -> str:
    """A title of any contact."""
    if rng.random() < 0.07:
        return rng.choice(LOCALIZED_TITLES)
    return rng.choice(TITLES).name


def new_job_title(rng: random.Random, persona_share: float = 0.5) -> Title:
    """The title someone holds at a new job: persona with probability ``persona_share``."""
    return rng.choice(PERSONA if rng.random() < persona_share else NON_PERSONA)


def levels_of(title: str) -> list[str]:
    """PDL levels of a known title; empty for localized / vague ones."""
    t = BY_NAME.get(title)
    return t.levels if t else []


def function_of(title: str) -> str | None:
    """The function of a known title (PDL ``title.role``)."""
    t = BY_NAME.get(title)
    return t.function if t else None
