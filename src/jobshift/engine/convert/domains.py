"""Registrable domains of a column (:func:`~jobshift.domain.normalize.domains.normalize_domain`), vectorized.

Plain values (printable ASCII) take ``normalize_domain``'s steps as polars expressions: strip, lower,
the host of an e-mail address or URL (scheme and user info removed, cut at ``/?#:`` or whitespace,
dots stripped), ASCII host characters only. The host's labels are then matched against tldextract's
own public-suffix set (the snapshot ``normalize_domain``'s extractor uses, private domains excluded):
the longest run of last labels in the set is the suffix, the label before it the domain. That is
what tldextract's suffix trie walk finds as long as no wildcard rule (``*.ck``, ``*.kawasaki.jp``,
and their ``!`` exceptions) and no punycode label (``xn--``, decoded by tldextract before the walk)
is involved; those hosts, and the values that are not plain, go to the Python normalizer once per
distinct value.

The ``host`` memo (:mod:`jobshift.domain.normalize.memo`) keeps its semantics: while it is open, a host
it lends a result for takes that result and is recorded as used, every other host resolved here is
recorded with its result, as ``normalize_domain`` does (one Python pass over the distinct hosts, only
while the memo is open: an incremental release), so the memo an incremental run stores is unchanged.
"""

from __future__ import annotations

from functools import lru_cache

import polars as pl

from jobshift.domain.normalize.domains import _EXTRACT, FREE_MAIL_DOMAINS, _registrable, normalize_domain
from jobshift.domain.normalize.memo import MEMOS

__all__ = ["company_email_domains", "domain_table", "registrable_domains"]

PLAIN = r"^[\x20-\x7e]*$"
"""Values whose ``strip``, ``lower`` and ``\\s`` are the ASCII ones (printable ASCII, no control)."""


HOST = r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$"
"""Values that are their own host (most websites in a feed): no step of ``normalize_domain`` changes them."""


@lru_cache(maxsize=1)
def _suffixes() -> tuple[pl.Series, pl.Series, int]:
    """(public suffixes without wildcard/exception rules, the parents of wildcard rules; both reversed
    character by character, as the hosts are matched; the most labels of a suffix)."""
    tlds = _EXTRACT._get_tld_extractor().tlds(include_psl_private_domains=False)
    plain = sorted(t[::-1] for t in tlds if "*" not in t and "!" not in t)
    wild = sorted({t.split(".", 1)[1][::-1] for t in tlds if t.startswith(("*.", "!"))})
    most = max(t.count(".") for t in tlds) + 1
    return pl.Series(plain, dtype=pl.String), pl.Series(wild, dtype=pl.String), most


def _host(v: pl.Expr) -> pl.Expr:
    """The host ``normalize_domain`` reads from a plain value (null where it returns ``None`` before
    the suffix lookup)."""
    s = v.str.strip_chars(" ").str.to_lowercase()
    email = s.str.contains(r"^[^@/]*@")
    s = (
        pl.when(email)
        .then(s.str.extract(r"([^@]*)$", 1))
        .otherwise(s.str.replace(r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]*@)?", ""))
    )
    s = s.str.extract(r"^([^/?#:\s]*)", 1).str.strip_chars(".")
    return pl.when(s.str.contains(r"^[a-z0-9.-]*\.[a-z0-9.-]*$")).then(s)


def _any_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """``i``, ``h``, ``odd`` (a wildcard or punycode host: Python decides) and ``out`` (the registrable
    domain otherwise) of ``frame``'s hosts ``h`` (``i``: their index).

    The host is reversed and split at its first ``most + 1`` dots: the fields are its last labels
    (reversed), so the suffix candidates of 1..``most`` labels are the first fields joined."""
    plain, wild, most = _suffixes()
    parts = pl.col("h").str.reverse().str.splitn(".", most + 2)
    df = frame.with_columns(parts.struct.field(f"field_{i}").alias(f"f{i}") for i in range(most + 1))
    df = df.with_columns(
        pl.concat_str([f"f{i}" for i in range(k)], separator=".").alias(f"c{k}") for k in range(1, most + 2)
    )
    cands = [pl.col(f"c{k}") for k in range(1, most + 1)]
    df = df.with_columns(
        pl.max_horizontal(
            pl.when(c.is_in(plain.implode())).then(k).otherwise(0) for k, c in enumerate(cands, 1)
        ).alias("found"),
        (
            pl.any_horizontal(c.is_in(wild.implode()) for c in cands).fill_null(False)
            | pl.col("h").str.contains("xn--", literal=True)
        ).alias("odd"),
    )
    # the suffix of ``found`` labels and the label before it: the first found + 1 fields (reversed)
    domain = pl.coalesce(pl.when(pl.col("found") == k).then(pl.col(f"f{k}")) for k in range(1, most + 1))
    whole = pl.coalesce(pl.when(pl.col("found") == k).then(pl.col(f"c{k + 1}")) for k in range(1, most + 1))
    return df.select(
        "i", "h", "odd", pl.when(domain.str.len_bytes() > 0).then(whole.str.reverse()).alias("out")
    )


def _two_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """:func:`_any_labels` of hosts of two labels (most of a feed's): the candidates are the last label
    and the host itself; the host is its own registrable domain when only the last label is a suffix."""
    plain, wild, _ = _suffixes()
    fwd_plain, fwd_wild = plain.str.reverse().implode(), wild.str.reverse().implode()
    labels = pl.col("h").str.split_exact(".", 1)
    first, last = labels.struct.field("field_0"), labels.struct.field("field_1")
    own = ~pl.col("h").is_in(fwd_plain) & last.is_in(fwd_plain) & (first.str.len_bytes() > 0)
    odd = last.is_in(fwd_wild) | pl.col("h").is_in(fwd_wild) | pl.col("h").str.contains("xn--", literal=True)
    return frame.select("i", "h", odd.alias("odd"), pl.when(own).then(pl.col("h")).alias("out"))


def _registrable_hosts(hosts: pl.Series) -> pl.Series:
    """The registrable domain of each (distinct, non-null) host; wildcard and punycode hosts by Python."""
    frame = pl.DataFrame({"h": hosts}).with_row_index("i")
    two = pl.col("h").str.count_matches(".", literal=True) == 1
    df = pl.concat([_two_labels(frame.filter(two)), _any_labels(frame.filter(~two))]).sort("i").drop("i")
    slow = df.filter("odd")["h"].to_list()
    memo = MEMOS["host"]
    if memo.seen is not None:  # as ``_registrable``: a lent result is used (and recorded), others noted
        hosts_, outs = df["h"].to_list(), df["out"].to_list()
        known = memo.known
        pairs = {h: known.get(h, d) for h, d, o in zip(hosts_, outs, df["odd"], strict=True) if not o}
        memo.seen.update(pairs)
        if known:
            lent = pl.Series([pairs.get(h, d) for h, d in zip(hosts_, outs, strict=True)], dtype=pl.String)
            df = df.with_columns(lent.alias("out"))
    if not slow:
        return df["out"]
    table = pl.DataFrame(
        {"h": slow, "py": [_registrable(h) for h in slow]}, schema={"h": pl.String, "py": pl.String}
    )
    joined = df.join(table, on="h", how="left", maintain_order="left")
    return joined.select(pl.when(pl.col("odd")).then(pl.col("py")).otherwise(pl.col("out")).alias("out"))[
        "out"
    ]


def domain_table(values: pl.Series) -> pl.DataFrame:
    """``v``, ``d``: each distinct value of ``values`` (a null included) with its ``normalize_domain``;
    what :func:`registrable_domains` looks values up in."""
    distinct = pl.DataFrame({"v": values.cast(pl.String).unique()})
    own = pl.col("v").str.contains(HOST).fill_null(False)
    plain = pl.col("v").str.contains(PLAIN).fill_null(False)
    hosts = pl.concat(
        [
            distinct.filter(own).with_columns(pl.col("v").alias("h")),
            distinct.filter(~own & plain).with_columns(_host(pl.col("v")).alias("h")),
        ]
    )
    h = hosts["h"].drop_nulls().unique()
    hosts = hosts.join(pl.DataFrame({"h": h, "d": _registrable_hosts(h)}), on="h", how="left")
    others = distinct.filter(~plain)["v"]
    return pl.concat(
        [
            hosts.select("v", "d"),
            pl.DataFrame(
                {"v": others, "d": [normalize_domain(v) for v in others]},
                schema={"v": pl.String, "d": pl.String},
            ),
        ]
    )


def registrable_domains(values: pl.Series, known: pl.DataFrame | None = None) -> pl.Series:
    """``normalize_domain`` of each value of ``values`` (URLs, hosts, e-mail addresses; nulls → null),
    without a Python call per value for plain ones; named as ``values``. ``known``: a
    :func:`domain_table` of other values of the same batch (several columns share their hosts): the
    values it holds are not resolved again."""
    v = values.cast(pl.String).to_frame("v")
    if known is None:
        table = domain_table(v["v"])
        return v.join(table, on="v", how="left", nulls_equal=True, maintain_order="left")["d"].alias(
            values.name
        )
    marked = known.with_columns(pl.lit(True).alias("_known"))
    joined = v.join(marked, on="v", how="left", nulls_equal=True, maintain_order="left")
    missing = joined.filter(pl.col("_known").is_null())["v"]
    if missing.is_empty():
        return joined["d"].alias(values.name)
    extra = domain_table(missing).rename({"d": "_d"})
    filled = joined.join(extra, on="v", how="left", nulls_equal=True, maintain_order="left")
    return filled.select(
        pl.when(pl.col("_known")).then(pl.col("d")).otherwise(pl.col("_d")).alias(values.name)
    )[values.name]


def company_email_domains(values: pl.Series, known: pl.DataFrame | None = None) -> pl.Series:
    """The registrable domain of each work e-mail address unless it is a free-mail one: what
    ``profiles._email_company_domain(v, [], None)`` gives (the ended-jobs rule is applied elsewhere,
    :func:`~jobshift.engine.convert.current_job.email_domain_kept`)."""
    domains = registrable_domains(values, known)
    return (
        domains.to_frame()
        .select(pl.when(~pl.col(domains.name).is_in(sorted(FREE_MAIL_DOMAINS))).then(pl.col(domains.name)))
        .to_series()
    )
