"""Normalizers: pure, idempotent, total functions (they never raise on any ``str``).

Each takes raw text and returns a canonical form or ``None`` when nothing usable is left.
"""

from jobshift.domain.normalize.dates import PartialDate, parse_partial_date
from jobshift.domain.normalize.domains import FREE_MAIL_DOMAINS, is_free_mail, normalize_domain
from jobshift.domain.normalize.emails import email_domain, normalize_email
from jobshift.domain.normalize.linkedin import normalize_linkedin_company, normalize_linkedin_person

__all__ = [
    "FREE_MAIL_DOMAINS",
    "PartialDate",
    "email_domain",
    "is_free_mail",
    "normalize_domain",
    "normalize_email",
    "normalize_linkedin_company",
    "normalize_linkedin_person",
    "parse_partial_date",
]
