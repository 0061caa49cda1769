"""Text for humans: a person's name, a job title and a company as people expect to read them.

The one place every channel (web pages, Slack, e-mail, digests, CRM lead payloads) renders feed text.
Pure, no I/O. A value the CRM already holds wins (the matched account's name, the contact's name); feed
text otherwise goes through :func:`smart_case`, which fixes lower-case or all-capitals input and leaves
text a person already cased alone::

    display_company("apexbridge insurance gmbh")          # "Apexbridge Insurance GmbH"
    display_company("apexbridge", account_name="ApexBridge")  # "ApexBridge"
    display_title("svp of r&d, emea")                      # "SVP of R&D, EMEA"
    display_person("pieter", "van der berg")               # "Pieter van der Berg"
"""

from __future__ import annotations

from jobshift.domain.display.casing import KINDS, Kind, capitalize, is_mixed_case, smart_case

__all__ = [
    "KINDS",
    "Kind",
    "capitalize",
    "display_company",
    "display_first_name",
    "display_last_name",
    "display_person",
    "display_title",
    "is_mixed_case",
    "smart_case",
]


def _given(value: str | None) -> str:
    return " ".join(str(value).split()) if value else ""


def display_company(text: str | None, *, account_name: str | None = None) -> str:
    """The company as shown to people: the matched CRM account's name when there is one, else smart-cased
    feed text (``"delta llc"`` → ``"Delta LLC"``)."""
    return _given(account_name) or smart_case(text, "company")


def display_title(text: str | None) -> str:
    """A job title as shown to people (``"vp, sales emea"`` → ``"VP, Sales EMEA"``)."""
    return smart_case(text, "title")


def display_first_name(text: str | None) -> str:
    """A first (given) name: particles are not special here (``"van"`` → ``"Van"``)."""
    return smart_case(text, "name")


def display_last_name(text: str | None) -> str:
    """A last name shown after a first name: leading particles stay lower case (``"de la Cruz"``)."""
    return smart_case(text, "name", leading_particles=True)


def display_person(
    first: str | None,
    last: str | None = None,
    *,
    crm_name: str | None = None,
) -> str:
    """A person's full name: the CRM record's name when given, else the first and last name cased
    (``("lauren", "o'neil")`` → ``"Lauren O'Neil"``). With only ``first``, it is read as a full name."""
    if _given(crm_name):
        return _given(crm_name)
    if last is None:
        return smart_case(first, "name")
    parts = [display_first_name(first), display_last_name(last)]
    return " ".join(p for p in parts if p)
