"""Columnar batches: rows read from the store turned into polars frames with fixed schemas.

The store hands over plain row tuples (any DB-API / SQLAlchemy result, read in partitions); this module
gives them types, decodes the JSON columns of observations (experience, emails) vectorized, and derives
the current job of each profile (``job_*`` fields, else the primary experience entry, else the
open-ended entry with the latest start).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.json as pj

EXPERIENCE_DTYPE = pl.List(
    pl.Struct(
        {
            "company_name": pl.String,
            "company_domain": pl.String,
            "company_linkedin": pl.String,
            "title": pl.String,
            "start_date": pl.String,
            "end_date": pl.String,
            "is_primary": pl.Boolean,
        }
    )
)

OBSERVATION_SCHEMA: dict[str, Any] = {
    "person_key": pl.String,
    "person_id": pl.String,
    "observed_at": pl.String,
    "full_name": pl.String,
    "first_name": pl.String,
    "last_name": pl.String,
    "linkedin_url": pl.String,
    "linkedin_norm": pl.String,
    "work_email": pl.String,
    "work_email_norm": pl.String,
    "emails_norm": pl.String,
    "job_title": pl.String,
    "job_company_name": pl.String,
    "job_company_domain": pl.String,
    "job_company_linkedin_norm": pl.String,
    "job_start_date": pl.String,
    "current_job_source": pl.String,
    "location_country": pl.String,
    "location_region": pl.String,
    "experience": pl.String,
    "job_last_verified": pl.String,
}

CONTACT_SCHEMA: dict[str, Any] = {
    "contact_id": pl.String,
    "account_id": pl.String,
    "first_name": pl.String,
    "last_name": pl.String,
    "email_norm": pl.String,
    "linkedin_norm": pl.String,
    "title": pl.String,
    "email_opt_out": pl.Boolean,
}

DEPARTED_SCHEMA: dict[str, Any] = {
    "contact_id": pl.String,
    "account_id": pl.String,
    "title": pl.String,
    "departed_on": pl.String,
}
"""Contacts the CRM marks as departed (their role at the account is open for a successor)."""

ACCOUNT_SCHEMA: dict[str, Any] = {
    "account_id": pl.String,
    "name": pl.String,
    "domain": pl.String,
    "linkedin_norm": pl.String,
    "parent_id": pl.String,
    "type": pl.String,
    "is_target": pl.Boolean,
    "n_contacts": pl.Int64,
    "has_open_opp": pl.Boolean,
}
ACCOUNT_ICP_SCHEMA: dict[str, Any] = {
    "industry": pl.String,
    "country": pl.String,
    "segment": pl.String,
    "employees": pl.Int64,
}
"""Optional account columns: what the ICP criteria look at (an accounts frame without them matches no ICP)."""


def frame(rows: Sequence[Sequence[Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """One typed frame from row tuples (columns in ``schema`` order)."""
    return pl.DataFrame(rows, schema=schema, orient="row", infer_schema_length=0)


def frames(partitions: Iterable[Sequence[Sequence[Any]]], schema: dict[str, Any]) -> Iterator[pl.DataFrame]:
    """Typed frames, one per partition of rows."""
    for rows in partitions:
        if rows:
            yield frame(rows, schema)


def _as_json_text(col: str) -> pl.Expr:
    """JSON columns arrive as text (SQLite) or already cast to text by the query (PostgreSQL)."""
    return pl.col(col).cast(pl.String)


def decode_observations(df: pl.DataFrame) -> pl.DataFrame:
    """Decode ``emails_norm`` and add the current job columns ``cur_*`` and ``has_job``.

    ``experience`` stays JSON text: only the profiles that are identity candidates need it
    (:func:`decode_experience`), and decoding every profile's history would cost more than the rest.
    """
    df = df.with_columns(
        _as_json_text("emails_norm").str.json_decode(pl.List(pl.String)).alias("emails_norm"),
    )
    # The ingest already resolved the current job (formats.md: job_* fields, else the primary entry,
    # else the open-ended entry with the latest start) into the job_* columns and current_job_source.
    return df.with_columns(
        pl.col("job_company_name").alias("cur_name"),
        pl.col("job_company_domain").alias("cur_domain"),
        pl.col("job_company_linkedin_norm").alias("cur_linkedin"),
        pl.col("job_title").alias("cur_title"),
        pl.col("job_start_date").alias("cur_start"),
        (
            pl.col("current_job_source").is_not_null()
            | pl.col("job_company_name").is_not_null()
            | pl.col("job_company_domain").is_not_null()
        ).alias("has_job"),
    )


HISTORY_DTYPE = pl.List(
    pl.Struct(
        {
            "company_name": pl.String,
            "company_domain": pl.String,
            "company_linkedin": pl.String,
            "title": pl.String,
            "end_date": pl.String,
        }
    )
)
"""The experience fields a history check reads: decoding only these is ~20% cheaper than all."""


_ARROW_FIELD_TYPES = {pl.String: pa.string(), pl.Boolean: pa.bool_()}


def _arrow_list_of_structs(dtype: pl.DataType) -> pa.DataType | None:
    """The Arrow type pyarrow's JSON reader builds for a ``List(Struct(String | Boolean fields))``."""
    if not isinstance(dtype, pl.List) or not isinstance(dtype.inner, pl.Struct):
        return None
    fields = []
    for f in dtype.inner.fields:
        at = _ARROW_FIELD_TYPES.get(f.dtype)  # type: ignore[call-overload]
        if at is None:
            return None
        fields.append((f.name, at))
    return pa.list_(pa.struct(fields))


def _json_lines_buffer(text: pl.Series) -> pa.Buffer:
    """``{"e":<text>}`` per row, one per line, as one contiguous buffer (the data of an Arrow array)."""
    lines = pl.select(pl.concat_str(pl.lit('{"e":'), text.fill_null("null"), pl.lit("}\n"))).to_series()
    arr = lines.to_arrow().cast(pa.large_string())
    offsets = arr.buffers()[1]
    start = struct.unpack_from("<q", offsets, 8 * arr.offset)[0]
    end = struct.unpack_from("<q", offsets, 8 * (arr.offset + len(arr)))[0]
    return arr.buffers()[2][start:end]


def _decode_with_pyarrow(text: pl.Series, dtype: pl.DataType) -> pl.Series | None:
    """pyarrow's JSON reader on ``text`` (see :func:`decode_json_lists`); ``None`` when it refuses."""
    arrow_type = _arrow_list_of_structs(dtype)
    if arrow_type is None or not text.len():
        return None
    buf = _json_lines_buffer(text)
    try:
        table = pj.read_json(
            pa.BufferReader(buf),
            read_options=pj.ReadOptions(use_threads=False, block_size=max(1 << 20, buf.size + 1)),
            parse_options=pj.ParseOptions(
                explicit_schema=pa.schema([pa.field("e", arrow_type)]), unexpected_field_behavior="ignore"
            ),
        )
    except pa.ArrowException:
        return None
    if table.num_rows != text.len():
        return None
    return pl.Series(text.name, table.column("e")).cast(dtype)


def decode_json_lists(text: pl.Series, dtype: pl.DataType) -> pl.Series:
    """JSON arrays of objects (text, one per row) → ``dtype`` (a list of structs), as ``str.json_decode``.

    pyarrow's JSON reader (with the fields named by ``dtype`` as its explicit schema, the other fields
    ignored) parses the rows 25-40% faster than ``str.json_decode``; any row it rejects (not an array of
    objects, a number where a string is expected, broken text) sends the whole column to
    ``str.json_decode``, so the result — or the error — is always the latter's.
    """
    fast = _decode_with_pyarrow(text, dtype)
    return fast if fast is not None else text.str.json_decode(dtype)


def decode_experience(df: pl.DataFrame, dtype: pl.DataType = EXPERIENCE_DTYPE) -> pl.DataFrame:
    """``experience`` JSON text → a list of structs (:data:`EXPERIENCE_DTYPE`, or fewer fields)."""
    text = df.select(_as_json_text("experience")).to_series()
    return df.with_columns(decode_json_lists(text, dtype).alias("experience"))


def partial_to_date(col: str) -> pl.Expr:
    """A partial ISO date column (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as the earliest day it can mean."""
    s = pl.col(col)
    padded = (
        pl.when(s.str.len_chars() == 4)
        .then(s + "-01-01")
        .when(s.str.len_chars() == 7)
        .then(s + "-01")
        .otherwise(s.str.slice(0, 10))
    )
    return padded.str.to_date("%Y-%m-%d", strict=False)
