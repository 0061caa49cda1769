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

import polars as pl
import pyarrow as pa
import pyarrow.json as pj

from jobshift.engine.convert.experience import EXPERIENCE_TYPE

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
PARSE_SCHEMA = pa.schema(
    [(f, pa.string()) for f in STRING_FIELDS]
    + [
        ("personal_emails", pa.list_(pa.string())),
        ("emails", EMAIL_TYPE),
        ("experience", EXPERIENCE_TYPE),
    ]
)
ODD = (
    r"\\|[\x00-\x09\x0b\x0c\x0e-\x1f]|\r."
    r"|[:\[,][\t\n\r ]*-?(?:0[0-9]|[0-9.]*[eE]|[0-9.]*[0-9]{16}|NaN|Infinity|[0-9.]*[.][^0-9])"
)
"""Lines left to ``orjson`` (whose verdict the reference path uses): a backslash (an escape: a string may
not read literally), a raw control character, numbers pyarrow and orjson may read differently
(exponents, 16+ digits, NaN / Infinity, leading zeros, a bare dot), told by what follows a ``:``, ``[`` or
``,`` (the only places a JSON number starts). A string that merely looks like these only sends its row down
the slow path."""
_WS = r"[\t\n\x0b\x0c\r ]"
SLOW_LINE = ODD + rf"|^{_WS}*[^{{\t\n\x0b\x0c\r ]|[^}}\t\n\x0b\x0c\r ]{_WS}*$"
"""A line left to the slow path: :data:`ODD`, or not starting with ``{`` and ending with ``}`` (one regex
pass; pyarrow crashes on a ``null`` line)."""
BLOCK_LINES = 4_096
_ROW = re.compile(r" in row (\d+)")


def lines_text(lines: pl.Series) -> pa.Buffer:
    """The lines as one UTF-8 buffer, one line each: the data of the column of lines with ``"\\n"``
    appended, as Arrow holds it (no copy through Python); null lines are left out."""
    arr = pl.select(pl.concat_str(lines.drop_nulls(), pl.lit("\n"))).to_series()
    arrow = arr.rechunk().to_arrow(compat_level=pl.CompatLevel.oldest())
    if len(arrow) == 0:
        return pa.py_buffer(b"")
    offsets = arrow.buffers()[1]
    bounds = pa.Array.from_buffers(pa.int64(), len(arrow) + 1, [None, offsets], offset=arrow.offset)
    start, end = bounds[0].as_py(), bounds[len(arrow)].as_py()
    return arrow.buffers()[2].slice(start, end - start)


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


def _read_block(lines: pl.Series, pos: pl.Series, tables: list[pa.Table], taken: list[pl.Series]) -> None:
    """Parse ``lines`` (at ``pos``), splitting around refused rows; append what pyarrow read."""
    todo = [(lines, pos)]
    while todo:
        ls, ps = todo.pop()
        table, row = _read(ls)
        if table is not None:
            tables.append(table)
            taken.append(ps)
        elif ls.len() > 1:
            if row is not None and 0 <= row < ls.len():
                todo.append((ls.slice(row + 1), ps.slice(row + 1)))
                todo.append((ls.slice(0, row), ps.slice(0, row)))
            else:
                half = ls.len() // 2
                todo.append((ls.slice(half), ps.slice(half)))
                todo.append((ls.slice(0, half), ps.slice(0, half)))


def _whole_file(path: str, n: int) -> pl.DataFrame | None:
    """The file read at once, when pyarrow takes it whole and gives one row per non-blank line (``n``)."""
    try:
        table = pj.read_json(
            path,
            read_options=pj.ReadOptions(block_size=1 << 26),
            parse_options=pj.ParseOptions(explicit_schema=PARSE_SCHEMA, unexpected_field_behavior="ignore"),
        )
    except (pa.ArrowException, OSError):
        return None
    if table.num_rows != n:
        return None
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    return df.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("pos"))


def parse_lines(lines: pl.Series, path: str | None = None) -> tuple[pl.DataFrame, pl.Series]:
    """The :data:`PARSE_SCHEMA` fields of the lines pyarrow reads exactly (+ ``pos``, their index in
    ``lines``, in order), and the positions of the slow lines (sorted).

    ``path``: a plain JSONL file whose non-blank lines are ``lines``; when every line may be read by
    pyarrow, the file is read at once (no copy of its text), and block by block only if pyarrow refuses
    it. Exact either way: every line is one object (:data:`SLOW_LINE`), so one row per line."""
    df = pl.DataFrame({"line": lines}).with_row_index("pos")
    cand = df.filter(~pl.col("line").str.contains(SLOW_LINE).fill_null(True))
    if path is not None and cand.height == df.height and (whole := _whole_file(path, df.height)) is not None:
        return whole, pl.Series("pos", [], dtype=pl.UInt32)
    tables: list[pa.Table] = []
    taken: list[pl.Series] = []
    # all lines in one read when pyarrow takes them all (the common case), else block by block
    whole_block = _read(cand["line"])[0] if cand.height else None
    if whole_block is not None:
        tables, taken = [whole_block], [cand["pos"]]
    for i in range(0, cand.height if whole_block is None else 0, BLOCK_LINES):
        block = cand.slice(i, BLOCK_LINES)
        _read_block(block["line"], block["pos"], tables, taken)
    if tables:
        parsed = pl.from_arrow(pa.concat_tables(tables))
        assert isinstance(parsed, pl.DataFrame)
        parsed = parsed.with_columns(pl.concat(taken).alias("pos"))
    else:
        parsed = pl.from_arrow(PARSE_SCHEMA.empty_table())
        assert isinstance(parsed, pl.DataFrame)
        parsed = parsed.with_columns(pl.Series("pos", [], dtype=pl.UInt32))
    slow = df["pos"].filter(~df["pos"].is_in(parsed["pos"].implode()))
    return parsed, slow


def fits(src: pa.DataType, dst: pa.DataType) -> bool:
    """A Parquet column of type ``src`` casts to ``dst`` exactly as ``to_pylist`` + the converter read
    it: text to text, booleans to booleans, lists and structs field by field (fields ``dst`` lacks are
    ignored, missing ones are null), nulls to anything."""
    if pa.types.is_null(src):
        return True
    if pa.types.is_dictionary(src):
        return fits(src.value_type, dst)
    if pa.types.is_string(dst):
        return bool(pa.types.is_string(src) or pa.types.is_large_string(src) or pa.types.is_string_view(src))
    if pa.types.is_boolean(dst):
        return bool(pa.types.is_boolean(src))
    if pa.types.is_list(dst):
        return bool(
            (pa.types.is_list(src) or pa.types.is_large_list(src)) and fits(src.value_type, dst.value_type)
        )
    if pa.types.is_struct(dst):
        if not pa.types.is_struct(src):
            return False
        want = {dst.field(i).name: dst.field(i).type for i in range(dst.num_fields)}
        return all(fits(f.type, want[f.name]) for f in src if f.name in want)
    return False


def parse_table(table: pa.Table) -> pl.DataFrame | None:
    """The :data:`PARSE_SCHEMA` fields of a projected Parquet table (+ ``pos``), or ``None`` when a column's
    type is not one the fast path reads exactly (the caller converts the file the reference way)."""
    cols = []
    for f in PARSE_SCHEMA:
        if f.name not in table.column_names:
            cols.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table.column(f.name)
        if not fits(col.type, f.type):
            return None
        cols.append(col.cast(f.type))
    df = pl.from_arrow(pa.table(cols, schema=PARSE_SCHEMA))
    assert isinstance(df, pl.DataFrame)
    return df.with_row_index("pos")
