"""Company names reduced to a comparable key, and a token-aware similarity on those keys.

``"The ACME Corporation, Inc."`` → ``"acme"``; ``"Société Générale S.A."`` → ``"societe generale"``;
``"Johnson & Johnson"`` and ``"Johnson and Johnson"`` → ``"johnson and johnson"``.
Legal forms of many countries (cleanco's term list plus our own) are stripped from the end, repeatedly,
but a name is never stripped to nothing. ``group`` / ``holding(s)`` are kept: they distinguish real
companies (``"Acme Group"`` is not always ``"Acme"``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from cleanco.clean import prepare_default_terms
from rapidfuzz import fuzz

from jobshift.domain.normalize.domains import is_free_mail, normalize_domain
from jobshift.domain.normalize.memo import MEMOS
from jobshift.domain.normalize.text import fold, words

# cleanco terms that are far more often part of a real name (regions, words) than a legal form
_AMBIGUOUS = {"at", "et", "eu", "uk", "ok", "private", "ca", "sf", "pt", "cio", "nl", "ss", "ent", "ae"}
_OWN_SUFFIXES = """
    inc incorporated corp corporation co company cos llc ltd limited plc llp lp pllc gmbh mbh ag kg
    kgaa ohg gbr ug ev eg sa sas sasu sarl eurl sl sll slu sau srl spa sapa bv nv kk gk yk oy oyj ab
    as asa aps pty pvt pte bhd ltda sab se ooo zao oao pao ou uab sro kft zrt nyrt doo dd tbk na
""".split()  # noqa: SIM905
_MULTI_SUFFIXES = """
gmbh and co kgaa | gmbh and co kg | ag and co kgaa | ag and co kg | s a de c v | sa de cv | sab de cv |
s de rl de cv | s de rl | sp z o o | spolka z o o | pty ltd | pvt ltd | private limited | pte ltd | sdn bhd |
co ltd | co inc | and co | and company | l l c | s a r l | s a s | s r l | s p a | s a | s l | b v | n v |
a g | a s | d o o | s r o | k k
"""
_PREFIXES = {("the",), ("ooo",), ("zao",), ("oao",), ("pao",), ("pt",), ("ооо",), ("оао",), ("пао",)}


def _suffix_table() -> dict[int, frozenset[tuple[str, ...]]]:
    seqs: set[tuple[str, ...]] = set()
    for _size, parts in prepare_default_terms():
        toks = tuple(words(" ".join(parts)))
        if toks and not (len(toks) == 1 and toks[0] in _AMBIGUOUS):
            seqs.add(toks)
    seqs.update((t,) for t in _OWN_SUFFIXES)
    seqs.update(tuple(m.split()) for m in _MULTI_SUFFIXES.split("|") if m.strip())
    by_len: dict[int, set[tuple[str, ...]]] = {}
    for seq in seqs:
        by_len.setdefault(len(seq), set()).add(seq)
    return {n: frozenset(v) for n, v in by_len.items()}


_SUFFIXES = _suffix_table()
_SUFFIX_LENGTHS = tuple(sorted(_SUFFIXES, reverse=True))

_INITIALS = re.compile(r"(?<![^\W\d_])(?:[^\W\d_]\.){2,}(?![^\W\d_])|(?<![^\W\d_])[^\W\d_](?:\.[^\W\d_])+")
_TRAILING_PAREN = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _strip_legal(tokens: list[str]) -> list[str]:
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        if len(tokens) > 1 and (tokens[0],) in _PREFIXES:
            tokens = tokens[1:]
            changed = True
            continue
        for n in _SUFFIX_LENGTHS:
            if len(tokens) > n and tuple(tokens[-n:]) in _SUFFIXES[n]:
                tokens = tokens[:-n]
                changed = True
                break
    return tokens


@lru_cache(maxsize=262_144)
def normalize_company_name(raw: str | None) -> str | None:
    """``"The ACME Corporation, Inc."`` → ``"acme"``; ``None`` when no letter or digit is left.

    Lower-cased, diacritics folded, ``&``/``+`` → ``and``, dotted initials joined (``S.A.`` → ``sa``),
    other punctuation removed, whitespace collapsed, a leading ``The`` and trailing legal forms removed.
    A trailing parenthesised qualifier (``"Acme (Europe)"``) is dropped when something remains.
    Earlier runs' results are consulted first while :func:`jobshift.domain.normalize.memo.warm` is open.
    """
    if not raw:
        return None
    memo = MEMOS["company"]
    found, value = memo.lookup(raw)
    if found:
        return value
    return memo.note(raw, _normalize_company_name(raw))


def _normalize_company_name(raw: str) -> str | None:
    s = fold(raw)
    # the regular expressions below need a closing bracket / a dot: most names skip them
    if ")" in s or "]" in s:
        stripped = _TRAILING_PAREN.sub("", s)
        if words(stripped):
            s = stripped
    s = s.replace("&", " and ").replace("+", " and ")
    if "." in s:
        s = _INITIALS.sub(lambda m: m.group(0).replace(".", ""), s)
    s = s.replace("'", "").replace("\u2019", "")
    tokens = words(s)
    if not tokens:
        return None
    return " ".join(_strip_legal(tokens))


def _acronym(tokens: list[str]) -> str:
    return "".join(t[0] for t in tokens if t not in {"and", "of", "the"})


def company_similarity(a: str | None, b: str | None) -> float:
    """0..100 similarity of two company names after :func:`normalize_company_name` (rapidfuzz).

    The best of: plain ratio of the names without spaces (``"micro soft"`` ~ ``"microsoft"``), token-sort
    ratio (word order), token-set ratio discounted to 90 (one name contains the other, ``"acme"`` vs
    ``"acme software"``) and 90 for an acronym (``"ibm"`` vs ``"international business machines"``).
    0 when either side is empty.
    """
    na, nb = normalize_company_name(a), normalize_company_name(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 100.0
    ca, cb = na.replace(" ", ""), nb.replace(" ", "")
    if ca == cb:
        return 100.0
    score = max(fuzz.ratio(ca, cb), fuzz.token_sort_ratio(na, nb), 0.9 * fuzz.token_set_ratio(na, nb))
    ta, tb = na.split(), nb.split()
    if (len(ta) == 1 and len(tb) > 2 and ta[0] == _acronym(tb)) or (
        len(tb) == 1 and len(ta) > 2 and tb[0] == _acronym(ta)
    ):
        score = max(score, 90.0)
    return float(min(100.0, score))


def company_domain(raw: str | None) -> str | None:
    """The registrable domain of a website/email that can identify a company; ``None`` for free mail."""
    d = normalize_domain(raw)
    if d is None or is_free_mail(d):
        return None
    return d


# Group / holding words and country qualifiers name an entity of a group rather than another company:
# they are stripped for the *core* key only ("Siemens AG", "Siemens Group", "Siemens Deutschland GmbH"
# all have the core "siemens"); the exact key above keeps them.
GROUP_WORDS = frozenset(
    """group groupe grupo groep gruppe gruppen grupa gruppo koncern koncernen konzern concern holding
    holdings holdco""".split()  # noqa: SIM905
)
_COUNTRY_NAMES = {
    "uk": "uk, gb, britain, great britain, united kingdom, england",
    "us": "us, usa, america, united states, north america",
    "de": "de, deutschland, germany",
    "fr": "fr, france",
    "es": "es, espana, spain, iberia",
    "it": "it, italia, italy",
    "nl": "nl, nederland, netherlands, holland, benelux",
    "se": "se, sverige, sweden",
    "dk": "dk, danmark, denmark",
    "no": "norge, norway",
    "fi": "suomi, finland",
    "ch": "ch, schweiz, suisse, svizzera, switzerland",
    "at": "osterreich, austria",
    "be": "belgie, belgique, belgium",
    "ie": "ireland",
    "pl": "polska, poland",
    "pt": "portugal",
    "br": "brasil, brazil",
    "mx": "mexico",
    "ca": "canada",
    "au": "australia",
    "in": "india",
    "jp": "japan, nihon",
    "cn": "china",
    "sg": "singapore",
    "eu": "europe, emea, eu",
    "apac": "apac, asia pacific",
    "intl": "international, global, worldwide",
}
_COUNTRY_WORDS = {
    n.strip(): c for c, names in _COUNTRY_NAMES.items() for n in names.split(",") if " " not in n.strip()
}
_MULTI_COUNTRY = {
    tuple(n.split()): c for c, names in _COUNTRY_NAMES.items() for n in names.split(",") if " " in n.strip()
}
_OF_WORDS = frozenset("of de du des del della di da do von van voor".split())  # noqa: SIM905
_ANY_PAREN = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


@lru_cache(maxsize=262_144)
def company_core(raw: str | None) -> tuple[str, frozenset[str]] | None:
    """The core of a company name and the country/region qualifiers it carried.

    ``"Siemens Deutschland GmbH"`` → ``("siemens", {"de"})``; ``"Acme Holdings (UK) Ltd"`` →
    ``("acme", {"uk"})``; ``"Siemens Group"`` → ``("siemens", set())``. Legal forms, group words
    (:data:`GROUP_WORDS`) and country words are stripped from the end (and a bracketed qualifier
    anywhere), repeatedly, never down to nothing: ``"Deutschland"`` stays ``"deutschland"``.
    ``None`` when the name has no letter or digit.
    """
    if not raw:
        return None
    quals: set[str] = set()
    folded = fold(raw)
    bracketed = "(" in folded or "[" in folded
    for m in _ANY_PAREN.finditer(folded) if bracketed else ():
        for t in words(m.group(1)):
            if t in _COUNTRY_WORDS:
                quals.add(_COUNTRY_WORDS[t])
    bare = _ANY_PAREN.sub(" ", folded) if bracketed else folded
    # the plain name is usually normalized already (cached): pass the same string
    norm = normalize_company_name(raw if bare is folded or not words(bare) else bare)
    if not norm:
        return None
    tokens = norm.split()
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for n in (3, 2):
            if len(tokens) > n and tuple(tokens[-n:]) in _MULTI_COUNTRY:
                quals.add(_MULTI_COUNTRY[tuple(tokens[-n:])])
                tokens = tokens[:-n]
                changed = True
                break
        if changed:
            continue
        last = tokens[-1]
        if last in _COUNTRY_WORDS and tokens[-2] in _OF_WORDS:  # "Bank of America" keeps its name
            break
        if last in GROUP_WORDS or last in _COUNTRY_WORDS:
            if last in _COUNTRY_WORDS:
                quals.add(_COUNTRY_WORDS[last])
            tokens = tokens[:-1]
            changed = True
            continue
        if tokens[0] in GROUP_WORDS and len(tokens) > 1:
            tokens = tokens[1:]
            changed = True
            continue
        stripped = _strip_legal(tokens)
        if len(stripped) < len(tokens):
            tokens = stripped
            changed = True
    return " ".join(tokens), frozenset(quals)
