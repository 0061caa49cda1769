"""The fields the converter reads, parsed without Python per row: JSONL by pyarrow, Parquet projected.

JSONL: pyarrow's JSON reader with an explicit, strict schema (:data:`PARSE_SCHEMA`; other fields are
ignored). Lines are *slow* (left to ``orjson`` and ``profile_to_row``, the reference path) when their text
may read differently with the two parsers (:data:`ODD`: an escape, a raw control character, a number
pyarrow and orjson may read differently), when they are not one object, or when pyarrow refuses them (a
number where a string is expected, a bare string where an object is expected, a duplicated key, broken
JSON): a refused block is split at the row pyarrow names (else halved) until the refused lines are alone.

Parquet: the columns of :data:`PARSE_SCHEMA` the file has, when their types are the schema's (strings,
lists of strings, e-mail structs of strings); else the file is not taken (``None``).
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

STRING_FIELDS = (
    "id",
    "observed_at",
    "full_name",
    "first_name",
    "last_name",
    "linkedin_url",
    "work_email",
    "job_title",
    "job_company_name",
    "job_company_website",
    "job_company_linkedin_url",
    "job_start_date",
    "job_last_verified",
    "location_country",
    "location_region",
)
"""Top-level string fields the observation frame needs (``job_title_levels``, ``job_title_role`` and the
company location are not in it)."""
EMAIL_TYPE = pa.list_(pa.struct([("address", pa.string()), ("type", pa.string())]))
EXPERIENCE_TYPE = pa.list_(pa.struct([]))
"""Experience entries: objects of any content. Only their count is read (the parsed ``experience``
column is the number of entries, null when absent) until the experience module lands: rows with an
entry are slow."""
PARSE_SCHEMA = pa.schema(
    [(f, pa.string()) for f in STRING_FIELDS]
    + [
        ("personal_emails", pa.list_(pa.string())),
        ("emails", EMAIL_TYPE),
        ("experience", EXPERIENCE_TYPE),
    ]
)
ODD = r"\\|[\x00-\x09\x0b\x0c\x0e-\x1f]|\r.|[0-9][eE][-+0-9]|[0-9]{16}|NaN|Infinity|[:\[,]\s*-?0[0-9]"
"""Lines left to ``orjson`` (whose verdict the reference path uses): a backslash (an escape: a string may
not read literally), a raw control character, numbers pyarrow and orjson may read differently
(exponents, 16+ digits, NaN / Infinity, leading zeros). A string that merely looks like these only sends
its row down the slow path."""
ONE_OBJECT = r"^[\t\n\x0b\x0c\r ]*\{.*\}[\t\n\x0b\x0c\r ]*$"
"""A line pyarrow may read: it starts with ``{`` and ends with ``}`` (pyarrow crashes on a ``null`` line)."""
BLOCK_LINES = 4_096
_ROW = re.compile(r" in row (\d+)")


def lines_text(lines: pl.Series) -> bytes:
    """The lines as one UTF-8 buffer, one line each."""
    return pl.select(pl.concat_str(lines, pl.lit("\n"))).to_series().str.join("").item().encode()


def _read(lines: pl.Series) -> tuple[pa.Table | None, int | None]:
    """(the table of ``lines``, None), or (None, the row pyarrow names as refused, if any)."""
    try:
        table = pj.read_json(
            pa.BufferReader(lines_text(lines)),
            read_options=pj.ReadOptions(use_threads=False, block_size=1 << 28),
            parse_options=pj.ParseOptions(explicit_schema=PARSE_SCHEMA, unexpected_field_behavior="ignore"),
        )
    except pa.ArrowException as exc:
        m = _ROW.search(str(exc))
        return None, int(m.group(1)) if m else None
    except UnicodeEncodeError:  # lone surrogates (invalid UTF-8 read with surrogateescape)
        return None, None
    if table.num_rows != lines.len():  # a line holding several values
        return None, None
    return table, None


def _counted(table: pa.Table) -> pa.Table:
    """``experience`` replaced by its number of entries (null when absent)."""
    i = table.schema.get_field_index("experience")
    return table.set_column(i, "experience", pc.list_value_length(table.column(i)).cast(pa.uint32()))


def _read_block(lines: pl.Series, pos: pl.Series, tables: list[pa.Table], taken: list[pl.Series]) -> None:
    """Parse ``lines`` (at ``pos``), splitting around refused rows; append what pyarrow read."""
    todo = [(lines, pos)]
    while todo:
        ls, ps = todo.pop()
        table, row = _read(ls)
        if table is not None:
            tables.append(_counted(table))
            taken.append(ps)
        elif ls.len() > 1:
            if row is not None and 0 <= row < ls.len():
                todo.append((ls.slice(row + 1), ps.slice(row + 1)))
                todo.append((ls.slice(0, row), ps.slice(0, row)))
            else:
                half = ls.len() // 2
                todo.append((ls.slice(half), ps.slice(half)))
                todo.append((ls.slice(0, half), ps.slice(0, half)))


def parse_lines(lines: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """The :data:`PARSE_SCHEMA` fields of the lines pyarrow reads exactly (+ ``pos``, their index in
    ``lines``, in order), and the positions of the slow lines (sorted)."""
    df = pl.DataFrame({"line": lines}).with_row_index("pos")
    ok = pl.col("line").str.contains(ONE_OBJECT) & ~pl.col("line").str.contains(ODD)
    cand = df.filter(ok.fill_null(False))
    tables: list[pa.Table] = []
    taken: list[pl.Series] = []
    for i in range(0, cand.height, BLOCK_LINES):
        block = cand.slice(i, BLOCK_LINES)
        _read_block(block["line"], block["pos"], tables, taken)
    if tables:
        parsed = pl.from_arrow(pa.concat_tables(tables))
        assert isinstance(parsed, pl.DataFrame)
        parsed = parsed.with_columns(pl.concat(taken).alias("pos"))
    else:
        parsed = pl.from_arrow(_counted(PARSE_SCHEMA.empty_table()))
        assert isinstance(parsed, pl.DataFrame)
        parsed = parsed.with_columns(pl.Series("pos", [], dtype=pl.UInt32))
    slow = df["pos"].filter(~df["pos"].is_in(parsed["pos"].implode()))
    return parsed, slow


def _is_text(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        return _is_text(t.value_type)
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t))


def _is_list_of(t: pa.DataType, item: Any) -> bool:
    return bool(
        pa.types.is_null(t) or ((pa.types.is_list(t) or pa.types.is_large_list(t)) and item(t.value_type))
    )


def _is_email_struct(t: pa.DataType) -> bool:
    """A struct whose ``address`` / ``type`` fields (if any) are text; other fields are ignored."""
    if not pa.types.is_struct(t):
        return False
    return all(
        _is_text(t.field(i).type) for i in range(t.num_fields) if t.field(i).name in ("address", "type")
    )


def parse_table(table: pa.Table) -> pl.DataFrame | None:
    """The :data:`PARSE_SCHEMA` fields of a projected Parquet table (+ ``pos``), or ``None`` when a column's
    type is not one the fast path reads exactly (the caller converts the file the reference way)."""
    checks = {
        **dict.fromkeys(STRING_FIELDS, _is_text),
        "personal_emails": lambda t: _is_list_of(t, _is_text),
        "emails": lambda t: _is_list_of(t, _is_email_struct),
        "experience": lambda t: pa.types.is_null(t) or pa.types.is_list(t) or pa.types.is_large_list(t),
    }
    cols: dict[str, pl.Series] = {}
    n = table.num_rows
    for name, check in checks.items():
        if name not in table.column_names:
            cols[name] = pl.Series(name, [None] * n, dtype=pl.Null)
            continue
        col = table.column(name)
        if not check(col.type):
            return None
        s = pl.Series(name, col)
        cols[name] = s
    df = pl.DataFrame(cols)
    fixes = [pl.col(f).cast(pl.String) for f in STRING_FIELDS]
    fixes.append(pl.col("personal_emails").cast(pl.List(pl.String)))
    em = df.schema["emails"]
    if isinstance(em, pl.List) and isinstance(em.inner, pl.Struct):
        names = {f.name for f in em.inner.fields}
        fields = [
            pl.element().struct.field(k).cast(pl.String) if k in names else pl.lit(None, pl.String).alias(k)
            for k in ("address", "type")
        ]
        fixes.append(pl.col("emails").list.eval(pl.struct(fields)))
    else:
        fixes.append(pl.col("emails").cast(pl.List(pl.Struct({"address": pl.String, "type": pl.String}))))
    exp = df.schema["experience"]
    fixes.append(
        pl.col("experience").list.len()
        if isinstance(exp, pl.List)
        else pl.lit(None, pl.UInt32).alias("experience")
    )
    return df.with_columns(fixes).with_row_index("pos")
