"""Salesforce record ids: the case-sensitive 15-character form and the case-safe 18-character form.

Salesforce accepts both for the same record: the 18-character id is the 15-character one plus three
checksum characters, one per block of five, each encoding which of the block's five characters are
upper-case letters (bit *i* set for character *i*), as an index into ``A``–``Z``, ``0``–``5``.
"""

from __future__ import annotations

import re

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID15 = re.compile(r"[A-Za-z0-9]{15}")
_ID18 = re.compile(r"[A-Za-z0-9]{15}[A-Z0-5]{3}")


def checksum(id15: str) -> str:
    """The three suffix characters that make the 15-character id ``id15`` case-safe."""
    out = []
    for block in range(3):
        bits = 0
        for i, ch in enumerate(id15[block * 5 : block * 5 + 5]):
            if "A" <= ch <= "Z":
                bits |= 1 << i
        out.append(_ALPHABET[bits])
    return "".join(out)


def is_salesforce_id(value: str | None) -> bool:
    """Whether ``value`` has the shape of a Salesforce id (15 alphanumerics, or 18 with a valid suffix)."""
    if not value:
        return False
    if len(value) == 15:
        return bool(_ID15.fullmatch(value))
    return len(value) == 18 and bool(_ID18.fullmatch(value)) and checksum(value[:15]) == value[15:].upper()


def to_18(value: str | None) -> str | None:
    """The 18-character form of a Salesforce id; anything that is not a Salesforce id is returned as is."""
    if value is None:
        return None
    v = value.strip()
    if len(v) == 15 and _ID15.fullmatch(v):
        return v + checksum(v)
    if len(v) == 18 and _ID18.fullmatch(v) and checksum(v[:15]) == v[15:].upper():
        return v[:15] + v[15:].upper()
    return value


def same_record(a: str | None, b: str | None) -> bool:
    """Whether two ids name the same record (15 and 18 characters compare equal)."""
    if a is None or b is None:
        return False
    return to_18(a) == to_18(b)
