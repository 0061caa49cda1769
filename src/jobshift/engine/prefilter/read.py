"""A feed partition read with a vectorized relevance pre-filter: only rows that can link are converted.

:func:`read_relevant` gives what :func:`jobshift.engine.feed.read_partition` gives (the newest observation
of each person, the row and bad-row counts) except that observations which cannot produce anything are
left out of the frame — while still counting, and still taking part in "newest per person", exactly as in
the full read. Steps, without Python per row on the common path:

1. the partition's rows as text (JSONL: its lines; Parquet: the projected columns written as JSON lines by
   polars) and the top-level fields the person key needs (``id``, ``observed_at``, ``linkedin_url``,
   ``work_email``, the names), read by pyarrow's JSON reader with an explicit string schema — strict: a
   block it refuses (a number where a string is expected, a duplicated key, broken JSON) is read line by
   line with ``orjson``, the parser of the full path;
2. *fast* rows — a plain ``id`` (or none but a LinkedIn key), a LinkedIn key or a work e-mail (so the row
   identifies the person), no backslash in the text (so every string reads literally), plain JSON numbers
   — get their person key and ``observed_at`` with the ingest's rules (normalizers run once per distinct
   unusual value); every other row (*slow*) is converted by :func:`~jobshift.domain.profiles.profile_to_row`
   (counted in :attr:`FilterStats.slow`);
3. newest observation per person over all usable rows (ties: the first in the file), as the full read;
4. a newest fast row is *relevant* when a superset of its keys (see :mod:`jobshift.engine.prefilter.keys`)
   meets the context's: its LinkedIn key, any e-mail-like text of the row, its name blocking key, and — when
   some account is watched — any host-like text (its dot-suffixes as registrable domains), any company
   name or LinkedIn page of the row. Only relevant rows (and slow rows) are converted; the relevant ones
   by the vectorized converter (:mod:`jobshift.engine.convert`).

Rows are detected in the slices of the full read (row numbers of the newest frame // ``SUB_BATCH_ROWS``),
since a batch's name matches depend on the other rows of the batch: the results are the full path's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.json as pj

from jobshift.connectors.people.files import parse_line, people_file_format
from jobshift.domain.profile_parts import email, linkedin_person, pdate, s
from jobshift.domain.profiles import OBSERVATION_FIELDS, PROFILE_FIELDS
from jobshift.engine.batches import OBSERVATION_SCHEMA
from jobshift.engine.context import DetectContext
from jobshift.engine.convert.parse import ODD, lines_text
from jobshift.engine.convert.partition import convert_lines, convert_slow, convert_table
from jobshift.engine.convert.values import by_distinct
from jobshift.engine.detect import BatchResult, detect_batch, merge_results
from jobshift.engine.feed_raw import nonblank_lines
from jobshift.engine.prefilter.keys import FeedKeys, feed_keys

TOP_FIELDS = (
    "id",
    "observed_at",
    "first_name",
    "last_name",
    "full_name",
    "linkedin_url",
    "work_email",
    "job_company_name",
)
_POS = [OBSERVATION_FIELDS.index(c) for c in OBSERVATION_SCHEMA]
_TOP_SCHEMA = pa.schema([(f, pa.string()) for f in TOP_FIELDS])
_BLOCK_LINES = 4_096
_PLAIN_ID = r"^[!-~]+$"
_SIMPLE_EMAIL = (
    r"^[a-z0-9_%+-][a-z0-9._%+-]*@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$"
)
_SIMPLE_PERSON = r"^(?:https?://)?(?:www\.)?linkedin\.com/in/([a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)/?$"
# e-mail-like runs: any normalized e-mail of a row is one of these (dots stripped), see feed_keys
_NON_ASCII = r"[^\x00-\x7f]"
_EMAIL_RUN = r'[^@\s<>(),;:"\[\]]+@(?:[a-zA-Z0-9.-]|[^\x00-\x7f])+'
# host-like runs: [-.0-9A-Za-z] and non-ASCII characters, holding a dot
_HOST_CHARS = r"[^\x00-\x2c\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]"
_HOST_RUN = f"{_HOST_CHARS}*\\.{_HOST_CHARS}*"
_NAME_KEYS = r'"(?:job_company_name|name|company)"\s*:\s*'
_PAGE_KEYS = r'"(?:job_company_linkedin_url|linkedin_url)"\s*:\s*'
_STRING_VALUE = r'"([^"]*)"'
_SCALAR_VALUE = r"[-0-9tf]"
_ODD = ODD  # rows left to orjson and the converter (engine/convert/parse.py)


@dataclass
class FilterStats:
    """How the rows of a partition went through the pre-filter."""

    rows: int = 0
    bad: int = 0
    slow: int = 0
    """Rows converted by ``profile_to_row`` because their shape is unusual (or bad)."""
    newest: int = 0
    relevant: int = 0
    """Newest fast rows the filter kept (converted)."""


@dataclass
class RelevantPartition:
    """The pre-filtered read of one partition."""

    obs: pl.DataFrame
    """Observations (``OBSERVATION_SCHEMA``) that may link, in the full read's order, + ``slice``."""
    keys: pl.DataFrame
    """(person_key, observed_at) of every newest observation (the full read's)."""
    stats: FilterStats = field(default_factory=FilterStats)


def _clean(v: Any) -> str | None:
    """A top-level string field as the converter reads it."""
    return (v.strip() or None) if type(v) is str and "\x00" not in v else s(v)


def _has_text(col: str) -> pl.Expr:
    """The field holds a character other than whitespace (the converter's ``strip() or None``)."""
    return pl.col(col).str.contains(r"\S").fill_null(False)


def _top_block(lines: pl.Series) -> tuple[pl.DataFrame, pl.Series] | None:
    """TOP_FIELDS of ``lines`` by pyarrow, all rows usable; ``None`` when pyarrow refuses the block."""
    try:
        table = pj.read_json(
            pa.BufferReader(lines_text(lines)),
            read_options=pj.ReadOptions(use_threads=False, block_size=1 << 26),
            parse_options=pj.ParseOptions(explicit_schema=_TOP_SCHEMA, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowException, UnicodeEncodeError):
        return None
    if table.num_rows != lines.len():
        return None
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    return df, pl.Series("ok", [True] * lines.len())


def _top_python(lines: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """TOP_FIELDS of ``lines`` by ``orjson`` line by line; ``ok`` false for a row that is not an object
    with string (or absent) top-level fields."""
    cols: list[list[Any]] = [[] for _ in TOP_FIELDS]
    ok: list[bool] = []
    for text in lines.to_list():
        rec = parse_line(text.encode("utf-8", "surrogateescape"))
        vals = [rec.get(f) for f in TOP_FIELDS] if isinstance(rec, dict) else []
        good = bool(vals) and all(v is None or type(v) is str for v in vals)
        ok.append(good)
        for c, v in zip(cols, vals if good else [None] * len(TOP_FIELDS), strict=True):
            c.append(v)
    df = pl.DataFrame(
        {f: c for f, c in zip(TOP_FIELDS, cols, strict=True)}, schema=dict.fromkeys(TOP_FIELDS, pl.String)
    )
    return df, pl.Series("ok", ok, dtype=pl.Boolean)


def _top_fields(lines: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    whole = _top_block(lines)
    if whole is not None:
        return whole
    parts = []
    for i in range(0, lines.len(), _BLOCK_LINES):
        block = lines.slice(i, _BLOCK_LINES)
        parts.append(_top_block(block) or _top_python(block))
    if not parts:
        return _top_python(lines)
    return pl.concat([p[0] for p in parts]), pl.concat([p[1] for p in parts])


def _person_fields(top: pl.DataFrame) -> pl.DataFrame:
    """``person_id``, ``linkedin_norm``, ``work_norm``, ``observed``, ``obs_ok`` of the fast candidates."""
    li = by_distinct(
        top["linkedin_url"],
        lambda v: linkedin_person(_clean(v)),
        _SIMPLE_PERSON,
        pl.lit("linkedin.com/in/") + pl.col("v").str.extract(_SIMPLE_PERSON, 1),
    ).alias("linkedin_norm")
    we = by_distinct(
        top["work_email"], lambda v: email(c) if (c := _clean(v)) else None, _SIMPLE_EMAIL, pl.col("v")
    ).alias("work_norm")
    obs_vals = top["observed_at"].unique().to_list()
    obs_map = {v: pdate(c) if (c := s(v)) is not None else None for v in obs_vals}
    observed = top["observed_at"].replace_strict(obs_map, default=None, return_dtype=pl.String)
    return top.with_columns(li, we, observed.alias("observed"))


def _email_hits(text: pl.Series, keys: FeedKeys) -> pl.Series:
    runs = (
        pl.DataFrame({"t": text})
        .with_row_index("r")
        .select("r", pl.col("t").str.extract_all(_EMAIL_RUN).alias("e"))
        .explode("e")
        .drop_nulls("e")
        .with_columns(pl.col("e").str.strip_chars(".").str.to_lowercase())
    )
    hit = pl.col("e").is_in(keys.emails.implode()) | pl.col("e").str.contains(_NON_ASCII)
    rows = runs.filter(hit)["r"].unique()
    return (
        pl.Series("hit", [False] * text.len()).scatter(rows, True)
        if rows.len()
        else pl.Series("hit", [False] * text.len())
    )


def _company_hits(text: pl.Series, keys: FeedKeys) -> pl.Series:
    """Rows of ``text`` naming a company that may resolve to a watched account."""
    base = pl.DataFrame({"t": text}).with_row_index("r")
    hits: list[pl.Series] = []
    if keys.domain_labels >= 2:
        hosts = (
            base.select("r", pl.col("t").str.extract_all(_HOST_RUN).alias("h"))
            .explode("h")
            .drop_nulls("h")
            .with_columns(pl.col("h").str.strip_chars(".").str.to_lowercase())
            .filter(pl.col("h").str.contains(".", literal=True))
            .with_columns(pl.col("h").str.split(".").alias("l"))
        )
        dom = keys.domains.implode()
        cond = pl.col("h").str.contains(_NON_ASCII)
        for k in range(2, keys.domain_labels + 1):
            cond = cond | (
                (pl.col("l").list.len() >= k) & pl.col("l").list.slice(-k, k).list.join(".").is_in(dom)
            )
        hits.append(hosts.filter(cond)["r"])
    odd_scalar = base.filter(
        pl.col("t").str.contains(_NAME_KEYS + _SCALAR_VALUE)
        | pl.col("t").str.contains(_PAGE_KEYS + _SCALAR_VALUE)
    )
    hits.append(odd_scalar["r"])
    for pattern, test in ((_NAME_KEYS, keys.name_may_match), (_PAGE_KEYS, keys.page_may_match)):
        vals = (
            base.select("r", pl.col("t").str.extract_all(pattern + _STRING_VALUE).alias("v"))
            .explode("v")
            .drop_nulls("v")
            .with_columns(pl.col("v").str.extract(pattern + _STRING_VALUE, 1))
        )
        distinct = vals["v"].unique().to_list()
        good = [v for v in distinct if test(v)]
        hits.append(vals.filter(pl.col("v").is_in(pl.Series(good, dtype=pl.String).implode()))["r"])
    rows = pl.concat(hits).unique()
    out = pl.Series("hit", [False] * text.len())
    return out.scatter(rows, True) if rows.len() else out


def relevant_mask(ctx: DetectContext, rows: pl.DataFrame) -> pl.Series:
    """Which fast ``rows`` (``line``, ``first_name``, ``last_name``, ``linkedin_norm``, ``work_norm``) may
    link to a tracked contact or a watched account (a superset of those the full path links)."""
    keys = feed_keys(ctx)
    if not rows.height:
        return pl.Series("hit", [], dtype=pl.Boolean)
    text = rows["line"]
    direct = rows.select(
        pl.col("linkedin_norm").is_in(keys.linkedin.implode()).fill_null(False)
        | pl.col("work_norm").is_in(keys.emails.implode()).fill_null(False)
        | ctx.block_key("first_name", "last_name").is_in(keys.blocks.implode()).fill_null(False)
    ).to_series()
    hit = direct | _email_hits(text, keys)
    if keys.watched:
        rest = (~hit).arg_true()
        if rest.len():
            more = _company_hits(text.gather(rest), keys)
            hit = hit.scatter(rest.filter(more), True)
    return hit.alias("relevant")


def _rows_text(path: str) -> tuple[pl.Series, Any]:
    """The rows of a feed file as text lines, and (Parquet) its projected Arrow table."""
    fmt = people_file_format(Path(path))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        table = pf.read(columns=[c for c in PROFILE_FIELDS if c in pf.schema_arrow.names])
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
        text = df.write_ndjson() if df.width else ""
        rows = pl.Series("line", text.split("\n")[: table.num_rows] if df.width else [""] * table.num_rows)
        return rows, table
    return nonblank_lines(path, fmt), None


def _parquet_top(table: Any) -> pl.DataFrame | None:
    """TOP_FIELDS from a Parquet table's columns when each is text (or absent); else ``None``."""
    cols = {}
    for f in TOP_FIELDS:
        if f not in table.column_names:
            cols[f] = pl.Series(f, [None] * table.num_rows, dtype=pl.String)
            continue
        col = table.column(f)
        if not (
            pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_null(col.type)
        ):
            return None
        cols[f] = pl.Series(f, col).cast(pl.String)
    return pl.DataFrame(cols)


def _convert_kept(path: str, lines: pl.Series, table: Any, keep: list[int]) -> pl.DataFrame:
    """Observations (+ ``pos``) of the kept fast rows: the vectorized converter (engine/convert)
    unless switched off or the Parquet columns are not ones it reads."""
    from jobshift.engine import convert

    if convert.VECTOR and keep:
        pos = pl.Series("pos", keep, dtype=pl.UInt32)
        conv = convert_lines(path, lines, pos) if table is None else convert_table(path, table, pos)
        if conv is not None:
            return conv.obs
    return convert_slow(path, lines, table, keep)[0]


def read_relevant(ctx: DetectContext, path: str, sub_batch_rows: int) -> RelevantPartition | None:
    """The pre-filtered read of ``path`` (see the module docstring); ``None`` when the file's shape is
    not one this reader handles (Parquet top-level fields that are not text): use the full read."""
    try:
        lines, table = _rows_text(path)
    except (pl.exceptions.PolarsError, UnicodeError, ValueError):  # e.g. invalid UTF-8 in a .jsonl.gz
        return None
    if table is not None:
        top = _parquet_top(table)
        if top is None:
            return None
        ok = pl.Series("ok", [True] * table.num_rows)
        odd = lines.str.contains("\\", literal=True)
    else:
        top, ok = _top_fields(lines)
        odd = lines.str.contains(_ODD)
    st = FilterStats(rows=lines.len())
    df = _person_fields(top).with_columns(
        lines, pl.int_range(pl.len(), dtype=pl.UInt32).alias("pos"), ok, odd.alias("odd")
    )
    usable = pl.col("ok") & ~pl.col("odd")
    id_plain = pl.col("id").str.contains(_PLAIN_ID)
    bad_date = usable & pl.col("observed").is_null()
    fast = (
        usable
        & pl.col("observed").is_not_null()
        & (id_plain.fill_null(False) | (pl.col("id").is_null() & pl.col("linkedin_norm").is_not_null()))
        & (
            pl.col("linkedin_norm").is_not_null()
            | pl.col("work_norm").is_not_null()
            # a name and a current company named by the job fields: identified (profiles.py, _any_company)
            | (
                pl.any_horizontal(_has_text(c) for c in ("full_name", "first_name", "last_name"))
                & _has_text("job_company_name")
            )
        )
    )
    df = df.with_columns(fast.alias("fast"), bad_date.alias("bad_date"))
    st.bad = int(df["bad_date"].sum())
    slow_pos = df.filter(~pl.col("fast") & ~pl.col("bad_date"))["pos"].to_list()
    st.slow = len(slow_pos)
    slow_obs, slow_bad = convert_slow(path, lines, table, slow_pos)
    st.bad += slow_bad
    fast_rows = df.filter(pl.col("fast")).select(
        "pos",
        pl.when(pl.col("id").is_not_null())
        .then(pl.lit("pdl:") + pl.col("id"))
        .otherwise(pl.lit("li:") + pl.col("linkedin_norm"))
        .alias("person_key"),
        pl.col("observed").alias("observed_at"),
    )
    newest = (
        pl.concat([fast_rows, slow_obs.select("pos", "person_key", "observed_at")])
        .sort("pos")
        .sort(["person_key", "observed_at"], descending=[False, True], maintain_order=True)
        .unique("person_key", keep="first", maintain_order=True)
        .with_columns((pl.int_range(pl.len(), dtype=pl.UInt32) // sub_batch_rows).alias("slice"))
    )
    st.newest = newest.height
    cand = df.join(newest.select("pos"), on="pos", how="semi").filter(pl.col("fast"))
    keep = cand.filter(relevant_mask(ctx, cand))["pos"].to_list()
    st.relevant = len(keep)
    fast_obs = _convert_kept(path, lines, table, keep)
    obs = newest.select("pos", "slice").join(
        pl.concat([fast_obs, slow_obs]), on="pos", how="inner", maintain_order="left"
    )
    return RelevantPartition(
        obs.select(*OBSERVATION_SCHEMA, "slice"), newest.select("person_key", "observed_at"), st
    )


def detect_relevant(
    ctx: DetectContext, path: str, sub_batch_rows: int
) -> tuple[BatchResult, pl.DataFrame, int, int] | None:
    """:func:`jobshift.engine.feed.detect_partition` over the pre-filtered read: (result, newest keys,
    rows, bad rows), the full path's; ``None`` when :func:`read_relevant` declines the file."""
    part = read_relevant(ctx, path, sub_batch_rows)
    if part is None:
        return None
    total = part.stats.newest
    parts = []
    for (i,), sub in part.obs.partition_by("slice", as_dict=True, maintain_order=True).items():
        r = detect_batch(ctx, sub.drop("slice"), skip_unlinked=True)
        size = min(sub_batch_rows, total - int(i) * sub_batch_rows)
        parts.append(BatchResult(r.candidates, r.profiles, r.new_hires, size))
    if not parts:
        r = detect_batch(ctx, part.obs.drop("slice"))
        parts.append(BatchResult(r.candidates, r.profiles, r.new_hires, 0))
    result = merge_results(parts)
    # slices without a relevant row still count their observations
    result.n_observations = total
    return result, part.keys, part.stats.rows, part.stats.bad
