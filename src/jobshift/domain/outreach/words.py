"""Word lists of the fact guard: common words (a capitalized one at a sentence start is not a name),
title words (a title the evidence does not hold is invented), number words, months and weekdays."""

from __future__ import annotations


def _w(text: str) -> list[str]:
    return text.split()


COMMON_WORDS: frozenset[str] = frozenset(
    _w(
        """
        worth happy fancy keen shall free open glad grab quick short brief sounds sound good okay
    a aboard about above absolutely account accounts across adventure advice after again against ago
    ahead all almost along already also although always am amazing among an and announcement another any
    anyone anything anyway appreciate appreciated appreciating approach are around as as-is ask asked
    asking at away awesome back base be because been before being below benefit besides best better
    between big both bravo brief briefly brilliant building business but by call can cannot catch
    catching caught celebrate celebrating certainly challenge challenges chance change changes chapter
    chat check cheers coffee come coming companies company congrats congratulate congratulating
    congratulations connect connected connecting context conversation cool could curious customer
    customers data day days dear decision decisions definitely delighted did do does doing done down
    drop dropping during each early easy either else email enjoyed enough even ever every excellent
    excited exciting experience fantastic feel few figured find first first-day focus followed following
    for free fresh from fun genuinely get getting give glad go goal goals going good grateful great
    growth had happy has have having he hear heard hearing hello help her here hey hi him his home
    honored honoured hope hopefully hoping how however huge i idea ideas if impact in industry interest
    interested into is it its journey just keen kind kindly know knowledge kudos last learned least
    lessons let let's lets like likely little long look looking lot love loved lovely made make many
    market may maybe me meanwhile meet might mind minute minutes moment moments more most move moves
    much must my need new news next nice no no-pressure not note noticed noticing now of off often on
    onboarding once one only open opportunity or other otherwise our out over own part people perhaps
    personally plan plans platform please pleasure plenty position pressure priorities priority problem
    problems process product products program progress project projects proud question questions quick
    quickly quite ramp rather reach reached reaching read reading really reason recent recently regards
    reply results right role role's said same saw say scale scratch seat see seeing seems seen send sent
    shall share sharing she short should similar simply since sincerely so solution solutions some
    something soon sorry speaking spotted start started starting step steps still strategy success such
    support sure surely sync system systems take talk team teams than thank thanks that the their them
    then there these they thing things think this those though thought thrilled through time times title
    to today together too tool tools touch toward transition truly try trying two under unless until up
    update upon us use used useful value very want wanted warm warmly was watching way ways we week
    welcome well were what whatever when whenever where whereas wherever whether which whichever while
    whilst who whole why will wish wishing with within without wonder wondering work worked working
    world worries would write writes writing wrote yes yet you your yours yourself
        """
    )
)
"""Lower-case words that, capitalized at a sentence start or after an organisation word (``at``,
``joined``...), are ordinary words and not a name."""

ALWAYS_CAPITALIZED_OK: frozenset[str] = frozenset(
    _w(
        """
    e-mail email i i'd i'll i'm i've linkedin ok p.s ps
        """
    )
)
"""Capitalized anywhere without being a claim (the pronoun, the network the note is sent on)."""

TITLE_WORDS: frozenset[str] = frozenset(
    _w(
        """
    administrator adviser advisor analyst architect avp cdo ceo cfo chairman chairperson chairwoman
    chief chro cio ciso cmo co-founder cofounder consultant controller coo coordinator counsel cpo cro
    cso cto designer developer director directors engineer engineers evangelist evp founder gm intern jr
    junior manager managers md officer president principal recruiter rvp scientist senior specialist sr
    strategist superintendent supervisor svp treasurer vice vp
        """
    )
)
"""Words that state a title or a seniority: each must occur in the evidence (any case)."""

ORG_INTRODUCERS: frozenset[str] = frozenset(
    _w(
        """
    at from join joined joining leaves leaving left over with
        """
    )
)
"""Words after which a name is usually an organisation: the next word must be evidence or common."""

NUMBER_WORDS: frozenset[str] = frozenset(
    _w(
        """
    billion billions double dozen dozens eight eighteen eighth eighty eleven fifteen fifth fifty five
    forty four fourteen fourth hundred hundreds million millions nine nineteen ninety ninth percent
    seven seventeen seventh seventy six sixteen sixth sixty ten tenth third thirteen thirty thousand
    thousands three thrice triple twelve twenty twice two
        """
    )
)
"""Number words (``one`` and ``first`` are left out: too common to be a claim)."""

_MONTHS = _w("january february march april may june july august september october november december")
MONTH_NAMES: dict[str, int] = {
    **{m: i + 1 for i, m in enumerate(_MONTHS)},
    **{m[:3]: i + 1 for i, m in enumerate(_MONTHS)},
    "sept": 9,
}
"""Month names and abbreviations (checked when capitalized: ``may`` and ``march`` are also verbs)."""

WEEKDAYS: frozenset[str] = frozenset(
    _w(
        """
    fri friday mon monday saturday sunday thu thur thurs thursday tue tues tuesday wed wednesday
        """
    )
)
"""A weekday is a date the evidence never holds."""

RELATIVE_DATES: tuple[str, ...] = (
    "yesterday",
    "last week",
    "last month",
    "last quarter",
    "last year",
    "past year",
    "past month",
    "this past",
    "years ago",
    "months ago",
    "weeks ago",
    "days ago",
    "earlier this year",
    "earlier this month",
)
"""Phrases that date something the evidence does not date."""
