"""The ``experience`` part of the vectorized profile converter: Arrow type, entries, experience JSON.

A profile's ``experience`` list, parsed strictly into :data:`EXPERIENCE_TYPE`, becomes one frame row
per object entry (:func:`experience_entries`) holding the same values as the
:data:`~jobshift.domain.profile_parts.Job` tuples of
:func:`~jobshift.domain.profile_parts.experience_jobs`, and each profile's experience JSON text
(:func:`experience_json`) byte for byte as :func:`jobshift.domain.profile_parts.experience_json` writes it.

How: the company and title strings are cleaned (``s()``: NUL removed, stripped of exactly the characters
Python's ``str.strip()`` removes) and JSON-escaped (exactly as ``orjson`` escapes) with polars string
expressions once per distinct raw company and title (joined back); websites' registrable domains are
:func:`~jobshift.engine.convert.domains.registrable_domains` expressions; the normalizers
that are Python functions run once per *distinct* value (``li_company`` of LinkedIn pages that are not
already clean, :func:`linkedin_companies`,
``str.lower`` of non-ASCII names,
:func:`~jobshift.domain.profile_parts.pdate` of dates) and are joined back. The per-entry and
per-profile texts are assembled with polars string expressions. Every value of a parsed row is
reproduced exactly (``tests/test_vector_experience.py`` compares every character's cleaning and
escaping with ``s()`` and ``orjson``), so no parsed row needs the slow path here: the rows this module
cannot take are exactly the rows the strict parse refuses (see :data:`EXPERIENCE_TYPE`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Final

import polars as pl
import pyarrow as pa

from jobshift.domain.profile_parts import li_company, pdate
from jobshift.engine.convert.domains import registrable_domains
from jobshift.engine.convert.slice_tables import SliceTables, bounded
from jobshift.engine.convert.values import NEEDS_ESCAPE, by_distinct, clean, json_string

_STR = pa.string()
EXPERIENCE_ENTRY_TYPE: Final = pa.struct(
    [
        (
            "company",
            pa.struct(
                [
                    ("name", _STR),
                    ("website", _STR),
                    ("linkedin_url", _STR),
                    ("location", pa.struct([("country", _STR), ("region", _STR)])),
                ]
            ),
        ),
        ("title", pa.struct([("name", _STR), ("levels", pa.list_(_STR)), ("role", _STR)])),
        ("start_date", _STR),
        ("end_date", _STR),
        ("is_primary", pa.bool_()),
    ]
)
EXPERIENCE_TYPE: Final = pa.list_(EXPERIENCE_ENTRY_TYPE)
"""The Arrow type of a profile's ``experience`` field for the strict parse (``pyarrow.json`` with an
explicit schema and ``unexpected_field_behavior="ignore"``), the PDL shape the generators write.

What ``pyarrow.json`` does with it (checked, and pinned by ``tests/test_vector_experience.py``):

* accepted: a null or missing ``experience`` (no entries), null entries (skipped, as ``experience_jobs``
  skips non-objects), entries or companies/titles/locations missing any key (null), extra keys at any
  level (ignored: the per-profile path ignores them too), ``is_primary`` null, null items in ``levels``;
* refused (the whole parse fails, so the converter sends the row to the slow path): ``company``,
  ``title`` or ``location`` given as a bare string, ``is_primary`` as a string or a number, a number or
  a boolean where a string is expected (names, dates, levels items), ``levels`` as a bare string,
  ``experience`` as an object, an entry that is a string or a number.
"""
EXPERIENCE_DTYPE: Final = pl.from_arrow(pa.array([], EXPERIENCE_TYPE)).dtype  # type: ignore[union-attr]
"""The polars dtype of :data:`EXPERIENCE_TYPE`."""

_COMPANY_IN = ("_cn", "_cw", "_cl", "_cc", "_cr")
_TITLE_IN = ("_tn", "_tl", "_tr")
ENTRY_COLUMNS: Final = (
    "row",
    "pos",
    "c_name",
    "c_website",
    "c_domain",
    "c_linkedin",
    "c_country",
    "c_region",
    "c_name_lower",
    "has_company",
    "t_name",
    "t_levels",
    "t_role",
    "start",
    "end",
    "primary",
    "c_json",
    "t_json",
    "start_json",
    "end_json",
)
"""The columns of :func:`experience_entries`, in order."""


def experience_entries(
    exp: pl.Series, domains: pl.DataFrame | None = None, tables: SliceTables | None = None
) -> pl.DataFrame:
    """One row per object entry of each profile's experience (null entries skipped), in order.

    ``exp`` holds one profile's ``experience`` per row, of dtype :data:`EXPERIENCE_DTYPE` (a null
    list: no entries). Columns (:data:`ENTRY_COLUMNS`): ``row`` (UInt32, the index in ``exp``), ``pos``
    (UInt32, the position among the row's kept entries: the index in ``experience_jobs``), the
    normalized company ``c_name, c_website, c_domain, c_linkedin, c_country, c_region`` (the
    ``C_*`` fields of a ``Job``), ``c_name_lower`` (``c_name.lower()``, Python's lower-casing, for
    company comparisons), ``has_company`` (a name, domain or LinkedIn page is known: ``_has_company``
    of ``domain.profiles``), the title ``t_name, t_levels, t_role``, the partial dates ``start, end``,
    ``primary`` (``is_primary is True``) and the JSON fragments of the company, the title and the two
    dates ``c_json, t_json, start_json, end_json`` (:func:`entry_json` makes the entry's compact JSON
    object from them, the ``J_JSON`` text of its ``Job``). Sorted by ``row, pos``. ``domains``: a
    :func:`~jobshift.engine.convert.domains.domain_table` of the batch's other columns, whose values
    the companies' websites are not resolved again for. ``tables``: the partition's earlier slices'
    companies (used, and updated with this batch's).
    """
    if exp.dtype != EXPERIENCE_DTYPE:
        raise TypeError(f"experience column of dtype {exp.dtype}, expected {EXPERIENCE_DTYPE}")
    # exploded with their row index, null entries (and empty or null lists) dropped; ``pos`` counts the
    # kept entries of a row: the index minus the index of the row's first kept entry (rows in order)
    index = pl.int_range(pl.len(), dtype=pl.UInt32)
    first = pl.when(pl.col("row") != pl.col("row").shift(1)).then(index)
    frame = (
        pl.DataFrame({"e": exp})
        .with_row_index("row")
        .explode("e")
        .filter(pl.col("e").is_not_null())
        .with_columns(pos=index - first.fill_null(0).cum_max())
        .select(
            "row",
            "pos",
            _field("e", "company", "name").alias("_cn"),
            _field("e", "company", "website").alias("_cw"),
            _field("e", "company", "linkedin_url").alias("_cl"),
            _field("e", "company", "location", "country").alias("_cc"),
            _field("e", "company", "location", "region").alias("_cr"),
            _field("e", "title", "name").alias("_tn"),
            _field("e", "title", "levels").alias("_tl"),
            _field("e", "title", "role").alias("_tr"),
            _field("e", "start_date").alias("_sd"),
            _field("e", "end_date").alias("_ed"),
            _field("e", "is_primary").fill_null(False).alias("primary"),
        )
    )
    # companies and titles repeat: their columns are made once per distinct raw value and joined back
    dates = _dates(pl.concat([frame["_sd"], frame["_ed"]]).unique())
    kept = tables.companies if tables is not None else None
    with_companies, kept = _by_distinct_keys(
        frame, _COMPANY_IN, partial(_companies, domains=domains), kept=kept
    )
    if tables is not None:
        tables.companies = bounded(kept)
    joined = (
        _by_distinct_keys(with_companies, _TITLE_IN, _titles)[0]
        .join(
            dates.rename({"_d": "_sd", "date": "start", "_d_json": "start_json"}),
            on="_sd",
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
        .join(
            dates.rename({"_d": "_ed", "date": "end", "_d_json": "end_json"}),
            on="_ed",
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    )
    has_company = pl.any_horizontal(pl.col("c_name", "c_domain", "c_linkedin").is_not_null())
    return joined.with_columns(has_company.alias("has_company")).select(ENTRY_COLUMNS)


def _entry_parts() -> list[pl.Expr]:
    return [
        pl.lit("{"),
        pl.col("c_json"),
        pl.lit(","),
        pl.col("t_json"),
        pl.lit(',"start_date":'),
        pl.col("start_json"),
        pl.lit(',"end_date":'),
        pl.col("end_json"),
        pl.lit(',"is_primary":'),
        pl.when(pl.col("primary")).then(pl.lit("true")).otherwise(pl.lit("false")),
        pl.lit("}"),
    ]


def entry_json() -> pl.Expr:
    """An entry's compact JSON object (the ``J_JSON`` text of its ``Job``), from the fragment columns of
    :func:`experience_entries`."""
    return pl.concat_str(_entry_parts())


def experience_json(entries: pl.DataFrame, n_rows: int) -> pl.Series:
    """Each row's experience JSON text (``"[]"`` when it has no entry), ``n_rows`` rows.

    ``entries`` is :func:`experience_entries`' frame or a filter of it (rows or single entries left
    out), sorted by ``row, pos``; the text equals ``experience_json(experience_jobs(...))`` of the
    per-profile path byte for byte (of the entries kept).
    """
    # each text framed by its place in the row ("[" before the first, "," before the others, "]" after
    # the last); a row's entries are a contiguous slice, so a list per row from the slice bounds (no
    # copy: string views) joined without separator is the row's text
    first = (pl.col("row") != pl.col("row").shift(1)).fill_null(True)
    last = (pl.col("row") != pl.col("row").shift(-1)).fill_null(True)
    framed = entries.select(
        pl.concat_str(
            pl.when(first).then(pl.lit("[")).otherwise(pl.lit(",")),
            *_entry_parts(),
            pl.when(last).then(pl.lit("]")).otherwise(pl.lit("")),
        )
    ).to_series()
    bounds = entries["row"].search_sorted(pl.arange(0, n_rows + 1, dtype=pl.UInt32, eager=True), side="left")
    values = framed.to_arrow(compat_level=pl.CompatLevel.newest())
    lists = pl.Series(pa.ListArray.from_arrays(bounds.cast(pl.Int32).to_arrow(), values))
    texts = pl.when(lists.list.len() == 0).then(pl.lit("[]")).otherwise(lists.list.join(""))
    return pl.select(texts.alias("experience")).to_series()


def _by_distinct_keys(
    frame: pl.DataFrame,
    keys: tuple[str, ...],
    make: Callable[[pl.DataFrame], pl.DataFrame],
    key_hash: pl.Expr | None = None,
    kept: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """``frame`` with the columns ``make`` adds to the distinct values of its ``keys`` columns; and the
    table of distinct values made (``kept`` and this frame's), for the next frame.

    Distinct values are found and joined back by a 64-bit hash of the keys (``key_hash``, default
    ``pl.struct(keys).hash()``), then checked: if any row's keys differ from those of the distinct
    value it got (a hash collision), the join is redone on the key columns themselves (and no table is
    kept). ``kept``: the table an earlier frame returned (same ``keys``, ``make`` and ``key_hash``):
    its values are not made again.
    """
    hashed = frame.with_columns(
        (pl.struct(keys).hash(seed=20) if key_hash is None else key_hash).alias("_key")
    )
    distinct = hashed.select(*keys, "_key").unique(subset="_key")
    if kept is not None:
        distinct = distinct.join(kept.select("_key"), on="_key", how="anti")
    made = make(distinct.drop("_key")).with_columns(distinct["_key"]).rename({k: f"{k}_d" for k in keys})
    if kept is not None:
        made = pl.concat([kept, made.select(kept.columns)], how="vertical_relaxed") if made.height else kept
    out = hashed.join(made, on="_key", how="left", maintain_order="left")
    if out.select(pl.all_horizontal(pl.col(k).eq_missing(pl.col(f"{k}_d")) for k in keys).all()).item():
        return out.drop("_key", *(f"{k}_d" for k in keys)), made
    made = make(frame.select(keys).unique())
    return frame.join(made, on=keys, how="left", nulls_equal=True, maintain_order="left"), None


SIMPLE_COMPANY: Final = r"^(?:https?://)?(?:www\.)?linkedin\.com/(?:company|school|showcase)/([a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)/?$"
"""A company page URL that is already clean: ``li_company`` keeps its slug as it is."""


def linkedin_companies(values: pl.Series) -> pl.Series:
    """:func:`~jobshift.domain.profile_parts.li_company` of each value (nulls stay null): clean URLs
    (:data:`SIMPLE_COMPANY`) by expression, the others by the function once per distinct value."""
    df = (
        values.cast(pl.String)
        .to_frame("v")
        .with_columns(pl.col("v").str.extract(SIMPLE_COMPANY, 1).alias("slug"))
    )
    slow = by_distinct(
        df.select(pl.when(pl.col("slug").is_null()).then(pl.col("v")))["v"], li_company, call_on_null=False
    )
    out = pl.when(pl.col("slug").is_not_null()).then(pl.lit("linkedin.com/company/") + pl.col("slug"))
    return df.select(out.otherwise(slow).alias(values.name)).to_series()


def _field(col: str, *path: str) -> pl.Expr:
    """A nested struct field of ``col`` (null where any level is null)."""
    expr = pl.col(col)
    for name in path:
        expr = expr.struct.field(name)
    return expr


def _companies(frame: pl.DataFrame, domains: pl.DataFrame | None = None) -> pl.DataFrame:
    """``frame`` (distinct raw companies) with the normalized company columns and their JSON fragment
    (``c_json``), as :func:`~jobshift.domain.profile_parts.company` makes them from the raw ``_cn, _cw,
    _cl, _cc, _cr``."""
    raw = _COMPANY_IN
    cleaned = ("c_name", "c_website", "_cl_clean", "c_country", "c_region")
    # NUL removal and JSON escaping only for the columns of this batch that hold such characters
    nul = frame.select(pl.col(raw).str.contains("\x00", literal=True).any()).row(0)
    frame = frame.with_columns(
        clean(pl.col(r), n).alias(c) for r, c, n in zip(raw, cleaned, nul, strict=True)
    )
    non_ascii = frame.select(pl.when(pl.col("c_name").str.contains(r"[^\x00-\x7f]")).then(pl.col("c_name")))
    frame = frame.with_columns(
        registrable_domains(frame["c_website"], domains).alias("c_domain"),
        linkedin_companies(frame["_cl_clean"]).alias("c_linkedin"),
        # Python's lower-casing where Unicode case rules apply, the same ASCII one elsewhere
        by_distinct(non_ascii.to_series(), str.lower, call_on_null=False).alias("c_name_lower"),
    )
    columns = ("c_name", "c_website", "c_domain", "c_linkedin", "c_country", "c_region")
    escape = frame.select(pl.col(columns).str.contains(NEEDS_ESCAPE).any()).row(0)
    parts: list[pl.Expr] = []
    for col, esc in zip(columns, escape, strict=True):
        key = col.replace("c_", "company_", 1)
        parts += [pl.lit(f'{"," if parts else ""}"{key}":'), json_string(pl.col(col), esc)]
    return frame.with_columns(
        pl.coalesce("c_name_lower", pl.col("c_name").str.to_lowercase()).alias("c_name_lower"),
        pl.concat_str(parts).alias("c_json"),
    )


def _titles(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (distinct raw titles) with the title columns and their JSON fragment (``t_json``), as
    :func:`~jobshift.domain.profile_parts.title` makes them from the raw ``_tn, _tl, _tr``: ``s()`` of
    the name and the role, ``strs()`` of the levels (cleaned, empty ones dropped)."""
    frame = frame.with_columns(
        clean(pl.col("_tn")).alias("t_name"),
        pl.col("_tl").list.eval(clean(pl.element())).list.drop_nulls().fill_null([]).alias("t_levels"),
        clean(pl.col("_tr")).alias("t_role"),
    )
    levels_json = pl.lit("[") + pl.col("t_levels").list.eval(json_string(pl.element())).list.join(",") + "]"
    t_json = pl.concat_str(
        pl.lit('"title":'),
        json_string(pl.col("t_name")),
        pl.lit(',"title_levels":'),
        levels_json,
        pl.lit(',"title_role":'),
        json_string(pl.col("t_role")),
    )
    return frame.with_columns(t_json.alias("t_json"))


def _dates(raw: pl.Series) -> pl.DataFrame:
    """The distinct raw dates with their partial date (``pdate``) and its JSON text."""
    norm = pl.Series("date", [pdate(v) for v in raw], pl.String)
    return pl.DataFrame({"_d": raw, "date": norm}).with_columns(
        pl.when(pl.col("date").is_null())
        .then(pl.lit("null"))
        .otherwise(pl.lit('"') + pl.col("date") + pl.lit('"'))  # pdate gives digits and "-" only
        .alias("_d_json")
    )
