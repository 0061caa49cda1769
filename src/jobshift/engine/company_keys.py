"""Company keys resolved in bulk: each distinct (name, domain, LinkedIn) key → account, rule, confidence.

:meth:`CompanyIndex.resolve` looks at a key's domain, then its LinkedIn page, then its name. When neither
the domain nor the LinkedIn key is in the index (most keys of a people feed: companies outside the CRM,
or a CRM company named without a known domain), the answer depends on the name alone — the domain and
LinkedIn layers are empty, so they neither decide nor break ties. Those keys are therefore resolved once
per distinct *name* (a feed names a company with many domain / LinkedIn spellings), and only the keys
whose domain or LinkedIn page the index knows go through the full resolution one by one.
"""

from __future__ import annotations

import polars as pl

from jobshift.domain.matching.companies import CompanyIndex

RESOLVED_SCHEMA = {"aid": pl.String, "rule": pl.String, "conf": pl.Float64, "tie": pl.String}


def index_key_series(index: CompanyIndex) -> tuple[pl.Series, pl.Series]:
    """The domains and LinkedIn keys the index holds (cached on the index object)."""
    cached = getattr(index, "_jobshift_key_series", None)
    if cached is None:
        cached = (
            pl.Series("_dom", sorted(index.by_domain), dtype=pl.String),
            pl.Series("_li", sorted(index.by_linkedin), dtype=pl.String),
        )
        object.__setattr__(index, "_jobshift_key_series", cached)
    return cached


def _resolve_rows(index: CompanyIndex, rows: list[tuple[str | None, str | None, str | None]]) -> pl.DataFrame:
    out: list[tuple[str | None, str | None, float, str | None]] = []
    for n, d, li in rows:
        m = index.resolve(n, d, li) if (n or d or li) else None
        out.append((m.account_id, m.rule, m.confidence, m.tie_break) if m else (None, None, 0.0, None))
    return pl.DataFrame(out, schema=RESOLVED_SCHEMA, orient="row")


def resolve_keys(index: CompanyIndex, keys: pl.DataFrame) -> pl.DataFrame:
    """``keys`` (distinct ``_n``, ``_d``, ``_l``) with ``aid``, ``rule``, ``conf``, ``tie`` added.

    Same answers as calling ``index.resolve(_n, _d, _l)`` per row (see the module docstring for why a
    key whose domain and LinkedIn page the index does not know resolves as its name alone).
    """
    doms, lis = index_key_series(index)
    known = (pl.col("_d").is_not_null() & pl.col("_d").is_in(doms.implode())) | (
        pl.col("_l").is_not_null() & pl.col("_l").is_in(lis.implode())
    )
    keys = keys.with_row_index("_k").with_columns(known.alias("_full"))
    full = keys.filter(pl.col("_full"))
    full_res = pl.concat(
        [full.select("_k"), _resolve_rows(index, list(full.select("_n", "_d", "_l").iter_rows()))],
        how="horizontal",
    )
    names = keys.filter(~pl.col("_full")).select("_n").unique()
    name_res = pl.concat(
        [names, _resolve_rows(index, [(n, None, None) for n in names.get_column("_n").to_list()])],
        how="horizontal",
    )
    by_name = (
        keys.filter(~pl.col("_full"))
        .select("_k", "_n")
        .join(name_res, on="_n", how="left", nulls_equal=True)
        .drop("_n")
    )
    res = pl.concat([full_res, by_name])
    return keys.drop("_full").join(res, on="_k", how="left").sort("_k").drop("_k")


KEY_COLUMNS = ("_n", "_d", "_l")
"""A company key's columns: name, registrable domain, LinkedIn key (as :func:`resolve_keys` takes them)."""
_KEY_SEED = 0x636F6D70


def company_key_hash() -> pl.Expr:
    """One 64-bit hash of a company key (``_n``, ``_d``, ``_l``), as ``_h``.

    A null and an empty string hash differently. Two different keys may still share a hash: every
    use confirms the strings (:func:`attach_by_hash`, the cache lookup in ``engine/context.py``).
    """
    return pl.struct(*KEY_COLUMNS).hash(_KEY_SEED).alias("_h")


def attach_by_hash(rows: pl.DataFrame, res: pl.DataFrame) -> pl.DataFrame | None:
    """``res``'s answers (``aid``, ``rule``, ``conf``, ``tie``) for each row of ``rows``, in row order.

    ``rows``: keys with ``_h`` (repeats allowed); ``res``: one answer per distinct ``_h`` with its key.
    Joined on the hash alone (a 64-bit key joins faster than three strings), then every row's key is
    compared with the answer's: ``None`` when any differs (two keys shared a hash), and the caller
    joins on the strings instead.
    """
    theirs = {c: f"{c}_r" for c in KEY_COLUMNS}
    out = rows.join(res.rename(theirs), on="_h", how="left", maintain_order="left")
    same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(r)) for c, r in theirs.items())
    if out.height != rows.height or not out.select(same.all()).item():
        return None
    return out.select(*RESOLVED_SCHEMA)
