"""How the web shows values: registry words (signal types) and display text for names, titles and companies
(``domain/display``), for the templates."""

from __future__ import annotations

from jobshift.domain.display import display_company, display_person, display_title
from jobshift.domain.signal_types import label


def signal_label(value: object) -> str:
    """The label of a signal type string (``job_change`` → ``job change``); empty for ``None``."""
    return "" if value is None else label(str(value))


def person_text(first: object, last: object = None, crm_name: object = None) -> str:
    """A person's name for the pages (``domain/display``): the CRM's spelling when given, else cased."""
    return display_person(
        None if first is None else str(first),
        None if last is None else str(last),
        crm_name=None if crm_name is None else str(crm_name),
    )


def title_text(value: object) -> str:
    """A job title for the pages (``domain/display``: ``"vp, sales emea"`` → ``"VP, Sales EMEA"``)."""
    return display_title(None if value is None else str(value))


def company_text(value: object, account_name: object = None) -> str:
    """A company for the pages: the matched CRM account's name when there is one, else cased feed text."""
    return display_company(
        None if value is None else str(value),
        account_name=None if account_name is None else str(account_name),
    )
