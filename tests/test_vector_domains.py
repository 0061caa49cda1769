"""The vectorized registrable domains (engine/convert/domains.py) equal ``normalize_domain`` value for
value: a hand list of suffix-list corner cases and odd inputs, a seeded random list drawn from the
public-suffix set itself, and the generator's noisy websites and e-mail addresses; the host memo is
filled as the Python path fills it. The LinkedIn company pages' fast path equals ``li_company``."""

from __future__ import annotations

import random
import re
from pathlib import Path

import orjson
import polars as pl
import pytest

from jobshift.domain.normalize.domains import _EXTRACT, _registrable, is_free_mail, normalize_domain
from jobshift.domain.normalize.memo import warm
from jobshift.domain.profile_parts import li_company
from jobshift.engine.convert.domains import company_email_domains, domain_table, registrable_domains
from jobshift.engine.convert.experience import SIMPLE_COMPANY, linkedin_companies
from jobshift.synth.generate import generate

HAND = [
    *("bbc.co.uk", "www.bbc.co.uk", "x.com.au", "shop.example.com.au", "co.uk", "com.au", "com"),
    # wildcard rules (*.ck, *.kawasaki.jp, *.bd, *.er) and their exceptions (!www.ck, !city.kawasaki.jp)
    *("foo.ck", "www.ck", "a.www.ck", "b.foo.ck", "ck", "city.kawasaki.jp", "a.city.kawasaki.jp"),
    *("x.y.kawasaki.jp", "kawasaki.jp", "a.kobe.jp", "city.kobe.jp", "x.city.kobe.jp", "a.bd", "b.a.bd"),
    *(
        "a.er",
        "x.y.er",
        "a.ac.jp",
        "a.b.tokyo.jp",
        "a.b.c.d.e.f.gov.uk",
        "s3.amazonaws.com",
        "x.blogspot.com",
    ),
    # single label, trailing and leading dots, empty labels, hyphens, unknown suffixes
    *("localhost", "example.com.", "example.com..", ".com", "com.", "...", "a..com", "a...b.com", "-a.com"),
    *("a.-com", "foo.bar", "a.b.c.invalid", "a_b.com", "a b.com", "1a.2b.io", "x.y.z.w.v.com"),
    # IP addresses, ports, user info, schemes, paths, queries, fragments, case, whitespace
    *("1.2.3.4", "http://1.2.3.4/x", "256.1.1.1", "1.2.3.4.com", "[::1]", "http://[::1]/", "x.com:80"),
    *("https://user:pw@Shop.Example.CO.UK:8080/a?b#c", "//a.com", "ftp://x.org", "x:y@z.com", "a.com/"),
    *("WWW.GOOGLE.COM", "  acme.com  ", "acme.com?x=1", "acme.com#top", "http://a/b@c.com", "HTTP://A.COM"),
    *("1http://a.com", "h+t.p://a.com/x", "a.com/path/to/b.org", "https://a.com:99999"),
    # e-mail addresses
    *("jane@ACME.com", " x@y.co.uk ", "mailto:x@y.com", "a@b@c.de", "@acme.com", "a@", "j@gmail.com"),
    *("j@mail.yahoo.co.uk", "j@a.www.ck", "j@foo.ck", "a/b@c.com", "j@[1.2.3.4]"),
    # punycode, non-ASCII, control characters and Unicode whitespace
    *("xn--80ak6aa92e.com", "foo.xn--p1ai", "a.xn--p1ai", "xn--p1ai", "xn--.com", "a.xn--zz.com"),
    *("müller.de", "bücher.example.com", "пример.рф", "a.com\u3002", "a\u00a0.com", "\u2003a.com"),
    *("a\tb.com", "a.com\t", "a.com\n", "\x1ca.com", "a.com\x1c.b", "a.com\x00", "a\x7f.com", "ǅ.com"),
    *("", "   ", None, "a", "."),
]


def _same(values: list[str | None]) -> None:
    got = registrable_domains(pl.Series("w", values, dtype=pl.String))
    assert got.name == "w" and got.dtype == pl.String
    expected = [normalize_domain(v) for v in values]
    assert [(v, g) for v, g in zip(values, got.to_list(), strict=True)] == list(
        zip(values, expected, strict=True)
    )
    mail = company_email_domains(pl.Series("m", values, dtype=pl.String)).to_list()
    assert mail == [None if is_free_mail(e) else e for e in expected]
    # with a table of other values of the batch (some shared, nulls included): the same answers
    last = "x@" + str(values[-1] if values else "")
    other = pl.Series([*values[::2], last, "shared.example.com", None], dtype=pl.String)
    known = domain_table(other)
    assert registrable_domains(pl.Series("w", values, dtype=pl.String), known).to_list() == expected
    mail_known = company_email_domains(pl.Series("m", values, dtype=pl.String), known).to_list()
    assert mail_known == mail


def test_hand_list() -> None:
    assert normalize_domain("a.b.foo.ck") == "b.foo.ck"  # the wildcard cases are not trivial
    assert normalize_domain("a.www.ck") == "www.ck"
    _same(HAND)
    _same(HAND * 3 + [None] * 4)  # repeated values and nulls


def test_no_odd_rows_and_empty_input() -> None:
    _same(["acme.com", "www.acme.co.uk"])
    _same([])
    _same([None, None])


@pytest.mark.parametrize("seed", [1, 2])
def test_random_hosts_from_the_suffix_list(seed: int) -> None:
    rng = random.Random(seed)
    tlds = sorted(_EXTRACT._get_tld_extractor().tlds(include_psl_private_domains=False))
    labels = ["a", "www", "city", "b1", "-x", "", "xn--p1ai", "ü", "1"]
    values: list[str | None] = []
    for _ in range(6000):
        suffix = rng.choice(tlds).replace("*", rng.choice(["x", "www", "city"])).lstrip("!")
        pre = ".".join(rng.choice(labels) for _ in range(rng.randint(0, 3)))
        host = (pre + "." if pre else "") + suffix
        if rng.random() < 0.2:
            host = host.upper()
        lead = rng.choice(["", "", "https://", "u@", "x.y@", " "])
        values.append(lead + host + rng.choice(["", "", "/", "/p?q", ":443", ".", " "]))
    _same(values)


def test_two_label_hosts_of_every_suffix() -> None:
    """Hosts of two labels take a shorter path: every one- and two-label suffix (wildcard and exception
    rules included) as a host, and under a label."""
    tlds = sorted(_EXTRACT._get_tld_extractor().tlds(include_psl_private_domains=False))
    values: list[str | None] = []
    for t in tlds:
        bare = t.replace("*.", "").lstrip("!")
        if bare.count(".") == 1:
            values += [bare, "x." + bare]
        elif "." not in bare:
            values += ["x." + bare, "xn--p1ai." + bare, "-." + bare, bare + ".x"]
    _same(values)


def test_generator_websites_and_emails(tmp_path: Path) -> None:
    generate(tmp_path, seed=11, scale=0.05)
    values: list[str | None] = []
    for line in (tmp_path / "people.jsonl").read_text().splitlines():
        if not line.strip():
            continue
        p = orjson.loads(line)
        values += [p.get("job_company_website"), p.get("work_email")]
        values += [e for e in p.get("emails") or [] if isinstance(e, str)]
        for x in p.get("experience") or []:
            company = x.get("company") if isinstance(x, dict) else None
            if isinstance(company, dict):
                values.append(company.get("website"))
    values = [v if v is None or isinstance(v, str) else str(v) for v in values]
    assert len(set(values)) > 500
    _same(values)


def test_host_memo_is_used_and_filled_as_by_the_python_path() -> None:
    values = [
        "https://www.shop.example.co.uk/a",
        "shop.acme.com",
        "j@b.foo.ck",
        "x.org",
        "j@shop.acme.com",
        None,
    ]
    lent = {"host": {"shop.acme.com": "other.example", "unused.com": "unused.com"}}
    for convert in (
        lambda: registrable_domains(pl.Series(values)).to_list(),
        lambda: list(map(normalize_domain, values)),
    ):
        normalize_domain.cache_clear()
        _registrable.cache_clear()
        try:
            with warm(lent) as seen:
                got = convert()
            assert got == ["example.co.uk", "other.example", "b.foo.ck", "x.org", "other.example", None]
            assert seen["host"] == {
                "www.shop.example.co.uk": "example.co.uk",
                "shop.acme.com": "other.example",  # lent, recorded as used
                "b.foo.ck": "b.foo.ck",
                "x.org": "x.org",
            }
        finally:
            normalize_domain.cache_clear()
            _registrable.cache_clear()


LINKEDIN = [
    *(
        "linkedin.com/company/acme",
        "https://www.linkedin.com/company/acme-corp/",
        "http://linkedin.com/school/mit",
    ),
    *(
        "www.linkedin.com/showcase/a_b",
        "linkedin.com/company/a",
        "linkedin.com/company/-acme",
        "linkedin.com/company/acme-",
    ),
    *(
        "linkedin.com/company/Acme",
        "LINKEDIN.COM/company/acme",
        "https://uk.linkedin.com/company/acme",
        "linkedin.com/company/ac%20me",
    ),
    *(
        "linkedin.com/company/acme/about",
        "linkedin.com/company/acme?trk=x",
        "linkedin.com/company/",
        "company/acme",
    ),
    *(
        "/company/acme",
        "ftp://linkedin.com/company/acme",
        "linkedin.com/company/ac.me",
        "linkedin.com/in/jane",
    ),
    *(
        "linkedin.com/company/acme//",
        "https://linkedin.com:443/company/acme",
        "linkedin.com/company/çé",
        "",
        None,
    ),
]


def test_linkedin_companies(tmp_path: Path) -> None:
    generate(tmp_path, seed=12, scale=0.05)
    values: list[str | None] = list(LINKEDIN)
    for line in (tmp_path / "people.jsonl").read_text().splitlines():
        p = orjson.loads(line) if line.strip() else {}
        values.append(p.get("job_company_linkedin_url"))
        for x in p.get("experience") or []:
            company = x.get("company") if isinstance(x, dict) else None
            if isinstance(company, dict):
                values.append(company.get("linkedin_url"))
    values = [v if v is None or isinstance(v, str) else str(v) for v in values]
    got = linkedin_companies(pl.Series("li", values, dtype=pl.String))
    assert got.name == "li"
    assert list(zip(values, got.to_list(), strict=True)) == [(v, li_company(v)) for v in values]
    assert sum(v is not None and re.match(SIMPLE_COMPANY, v) is not None for v in values) > 10
