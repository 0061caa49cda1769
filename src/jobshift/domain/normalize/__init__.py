"""Normalizers: pure, idempotent, total functions (they never raise on any ``str``).

Each takes raw text and returns a canonical form or ``None`` when nothing usable is left.
See docs/normalization.md for the rules of each.
"""

from jobshift.domain.normalize.companies import company_domain, company_similarity, normalize_company_name
from jobshift.domain.normalize.dates import PartialDate, parse_partial_date
from jobshift.domain.normalize.domains import FREE_MAIL_DOMAINS, is_free_mail, normalize_domain
from jobshift.domain.normalize.emails import email_domain, normalize_email
from jobshift.domain.normalize.linkedin import normalize_linkedin_company, normalize_linkedin_person
from jobshift.domain.normalize.names import PersonName, name_key, name_similarity, parse_person_name
from jobshift.domain.normalize.nicknames import canonical_first_name, nickname_compatible
from jobshift.domain.normalize.persona import PersonaSpec, persona_matches, persona_spec_errors
from jobshift.domain.normalize.title_model import TitleChange, TitleRole, compare_titles, parse_role
from jobshift.domain.normalize.titles import (
    FUNCTIONS,
    RANKS,
    SENIORITIES,
    TitleInfo,
    classify_title,
    is_promotion,
    normalize_title,
)

__all__ = [
    "FREE_MAIL_DOMAINS",
    "FUNCTIONS",
    "RANKS",
    "SENIORITIES",
    "PartialDate",
    "PersonName",
    "PersonaSpec",
    "TitleChange",
    "TitleInfo",
    "TitleRole",
    "canonical_first_name",
    "classify_title",
    "company_domain",
    "company_similarity",
    "compare_titles",
    "email_domain",
    "is_free_mail",
    "is_promotion",
    "name_key",
    "name_similarity",
    "nickname_compatible",
    "normalize_company_name",
    "normalize_domain",
    "normalize_email",
    "normalize_linkedin_company",
    "normalize_linkedin_person",
    "normalize_title",
    "parse_partial_date",
    "parse_person_name",
    "parse_role",
    "persona_matches",
    "persona_spec_errors",
]
