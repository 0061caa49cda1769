"""Company domains: the registrable domain of a website or email, free-mail providers recognised.

Uses tldextract with its bundled public-suffix snapshot only (no network, no cache directory).
"""

from __future__ import annotations

import re
from functools import lru_cache

import tldextract

from jobshift.domain.normalize.memo import MEMOS

_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)
_STRIP = re.compile(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?")
_HOSTCHARS = re.compile(r"^[a-z0-9.-]+$")

FREE_MAIL_DOMAINS: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de yahoo.es ymail.com
    rocketmail.com hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.es live.com live.co.uk
    live.fr msn.com outlook.com outlook.de outlook.fr aol.com icloud.com me.com mac.com
    protonmail.com proton.me pm.me gmx.com gmx.de gmx.net gmx.at web.de t-online.de freenet.de
    mail.com mail.ru yandex.ru yandex.com zoho.com fastmail.com fastmail.fm hey.com tutanota.com
    tuta.io qq.com 163.com 126.com sina.com naver.com daum.net orange.fr wanadoo.fr free.fr
    laposte.net sfr.fr libero.it virgilio.it comcast.net verizon.net att.net sbcglobal.net
    bellsouth.net cox.net earthlink.net btinternet.com sky.com virginmedia.com ntlworld.com
    bigpond.com optusnet.com.au shaw.ca rogers.com sympatico.ca telenet.be skynet.be ziggo.nl
    planet.nl kpnmail.nl bluewin.ch terra.com.br uol.com.br bol.com.br rediffmail.com seznam.cz
    wp.pl o2.pl onet.pl interia.pl
    """.split()  # noqa: SIM905
)


@lru_cache(maxsize=262_144)
def normalize_domain(raw: str | None) -> str | None:
    """``"https://www.Shop.Example.co.uk/about"`` → ``"example.co.uk"``; ``None`` if no domain.

    Accepts URLs, bare hosts and email addresses (the part after ``@``). Earlier runs' results are
    consulted first while :func:`jobshift.domain.normalize.memo.warm` is open.
    """
    if not raw:
        return None
    s = raw.strip().lower()
    if not s:
        return None
    is_email = "@" in s and "/" not in s.split("@", 1)[0]
    s = s.rsplit("@", 1)[1] if is_email else _STRIP.sub("", s, count=1)
    s = re.split(r"[/?#:\s]", s, maxsplit=1)[0].strip(".")
    if not s or "." not in s:
        return None
    try:
        s = s.encode("idna").decode("ascii") if not s.isascii() else s
    except UnicodeError:
        return None
    if not _HOSTCHARS.match(s):
        return None
    return _registrable(s)


@lru_cache(maxsize=262_144)
def _registrable(host: str) -> str | None:
    """The registrable domain of a host (tldextract). Cached by host: a work email's raw text is one
    person's, its host is shared; earlier runs' results are lent by the ``host`` memo."""
    memo = MEMOS["host"]
    found, value = memo.lookup(host)
    if found:
        return value
    return memo.note(host, _extract(host))


def _extract(s: str) -> str | None:
    ext = _EXTRACT(s)
    if not ext.domain or not ext.suffix:
        return None
    return f"{ext.domain}.{ext.suffix}"


def is_free_mail(domain: str | None) -> bool:
    """True when the (normalized) domain belongs to a free email provider."""
    return bool(domain) and domain in FREE_MAIL_DOMAINS
