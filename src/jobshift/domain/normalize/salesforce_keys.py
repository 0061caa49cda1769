"""Record keys of imported CRM files: a Salesforce id in its 15- or 18-character form becomes one key.

Salesforce exports the same record as ``001A0000006Vm9r`` (reports, case-sensitive) or
``001A0000006Vm9rIAC`` (API, data loader, case-safe). :func:`record_key` turns a value that looks like a
Salesforce id into the 18-character form (:func:`~jobshift.domain.normalize.sfid.to_18`), so that
files of either kind upsert the same rows and their references meet. A value looks like a Salesforce id
when it is 15 letters and digits (or 18 with a matching checksum suffix, compared ignoring case):

- starting with the key prefix of a Salesforce object jobshift imports or a common related one
  (:data:`KEY_PREFIXES`: ``001`` account, ``003`` contact, ``005`` user, ``006`` opportunity, ``00Q``
  lead, ``00T`` task, ``00U`` event, ``00k`` opportunity contact role, …) or of a custom object
  (``a`` and a digit, then a letter or digit);
- holding at least one letter (a 15-digit number is more likely another system's id).

Anything else is returned as it is: ``c-123``, ``0012``, 15 letters of a name, a 15-digit number.
"""

from __future__ import annotations

import re

from jobshift.domain.normalize.sfid import checksum

KEY_PREFIXES = frozenset(
    {
        "001", "003", "005", "006", "00Q", "00T", "00U", "00k", "00D", "00E", "00G", "00N", "00O",
        "00e", "00v", "00X", "00P", "015", "068", "069", "500", "701", "800", "801", "802", "01t",
        "01s", "01u", "02i", "0Q0", "0QL", "0PS", "0DS", "00h", "00l", "012", "02s", "0WO",
    }
)  # fmt: skip
"""Key prefixes of standard Salesforce objects (accounts, contacts, users, opportunities, leads,
activities, roles, and the objects most often found beside them in an export)."""
_SHAPE = re.compile(r"(?:[0-9A-Za-z]{3})(?=[0-9A-Za-z]{12}$)")
_CUSTOM = re.compile(r"a[0-9][0-9A-Za-z]")
_LETTER = re.compile(r"[A-Za-z]")


def looks_like_salesforce_id(value: str) -> bool:
    """Whether ``value`` (trimmed) is a 15-character Salesforce id by the rules of the module docstring."""
    if len(value) != 15 or not _SHAPE.match(value) or not _LETTER.search(value):
        return False
    prefix = value[:3]
    return prefix in KEY_PREFIXES or bool(_CUSTOM.fullmatch(prefix))


def record_key(value: str) -> str:
    """``value`` as a record key: a Salesforce id in its 18-character form, anything else unchanged."""
    n = len(value)
    if n == 15:
        return value + checksum(value) if looks_like_salesforce_id(value) else value
    if n == 18 and looks_like_salesforce_id(value[:15]):
        suffix = value[15:].upper()
        return value[:15] + suffix if suffix == checksum(value[:15]) else value
    return value
