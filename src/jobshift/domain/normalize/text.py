"""Text folding shared by the name, company and title normalizers.

``fold`` lower-cases (``casefold``), applies compatibility decomposition (NFKD) and drops combining marks,
so ``"Société Générale"`` → ``"societe generale"`` and ``"Geschäftsführer"`` → ``"geschaftsfuhrer"``.
``words`` then splits on everything that is not a letter or digit. Both are idempotent and total.
"""

from __future__ import annotations

import re
import unicodedata

# letters NFKD does not decompose into a base letter + mark
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "ı": "i",
        "ŀ": "l",
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
        "ŧ": "t",
        "ƒ": "f",
    }
)
_NON_WORD = re.compile(r"[\W_]+")


def _fold_once(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).casefold()
    s = unicodedata.normalize("NFKD", s.translate(_SPECIAL))
    return "".join(ch for ch in s if not unicodedata.combining(ch) and unicodedata.category(ch) != "Mn")


def fold(text: str) -> str:
    """Lower-case, fold diacritics and compatibility forms: ``"Ærø Straße"`` → ``"aero strasse"``."""
    if text.isascii():
        return text.lower()
    s = text
    for _ in range(4):  # casefold/NFKD interplay settles after one or two rounds; bounded for safety
        t = _fold_once(s)
        if t == s:
            break
        s = t
    return s


def words(text: str) -> list[str]:
    """The letter/digit runs of ``text`` (already folded): ``"a-b, c"`` → ``["a", "b", "c"]``."""
    return _NON_WORD.sub(" ", text).split()
