"""Display text for the outer layers (web, CLI): the domain's renderers (``domain/display``).

``web`` and ``cli`` reach ``domain`` through ``services``; this module is that door, and the only one:
every template filter that shows a name, a title or a company comes from here.
"""

from __future__ import annotations

from jobshift.domain.display import (
    display_company,
    display_first_name,
    display_last_name,
    display_person,
    display_title,
)
from jobshift.domain.display.fields import field_text, person_of

__all__ = [
    "company_text",
    "display_company",
    "display_first_name",
    "display_last_name",
    "display_person",
    "display_title",
    "field_text",
    "person_of",
    "person_text",
]


def person_text(first: object, last: object = None, crm_name: object = None) -> str:
    """A person's name for the pages: the CRM's spelling when given, else the feed's text cased."""
    return display_person(
        None if first is None else str(first),
        None if last is None else str(last),
        crm_name=None if crm_name is None else str(crm_name),
    )


def company_text(value: object, account_name: object = None) -> str:
    """A company for the pages: the matched CRM account's name when there is one, else cased feed text."""
    return display_company(
        None if value is None else str(value),
        account_name=None if account_name is None else str(account_name),
    )
