"""Column-at-once versions of :mod:`~jobshift.connectors.csv_import.values` over pyarrow arrays.

Each function covers the plain forms (the vast majority of cells) with pyarrow compute kernels and
leaves the rest to the per-value Python code, so results equal those of the per-value converters and
normalizers exactly: :func:`convert_array` flags the cells it does not convert (the caller re-checks
those rows one by one, which names the exact problem), and :func:`derive_array` hands the cells that are
not plain to :func:`~jobshift.connectors.csv_import.values.derive_column`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pyarrow as pa
import pyarrow.compute as pc

from jobshift.connectors.csv_import.values import (
    BOOL_CELLS,
    PLAIN_EMAIL,
    PLAIN_LINKEDIN,
    convert_column,
    derive_column,
    key_column,
)

ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "bool": pa.bool_(),
    "int": pa.int32(),
    "float": pa.float64(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
}
"""The pyarrow type of each column type."""
DERIVED_TYPES: dict[str, pa.DataType] = {"stage_number": pa.int32()}
"""The pyarrow type of derived columns that are not text."""

_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)"  # 0001 .. 9999, not 0000
_DATE = f"{_YEAR}-[0-9]{{2}}-[0-9]{{2}}"
_DATETIME = (
    f"^{_DATE}(?:[T ][0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\\.[0-9]{{3}}|\\.[0-9]{{6}})?(?:\\+0000|Z)?)?$"
)
_PATTERNS = {
    "datetime": _DATETIME,
    "date": f"^{_DATE}$",
    "int": "^-?[0-9]{1,9}$",
    "float": "^-?[0-9]{1,15}(?:\\.[0-9]{1,15})?$",
}
"""Forms that pyarrow's casts read exactly as the Python converters do (ranges are checked by the cast)."""
_TRUE = pa.array([k for k, v in BOOL_CELLS.items() if v is True], pa.string())
_FALSE = pa.array([k for k, v in BOOL_CELLS.items() if v is False], pa.string())
_EMAIL = "^" + PLAIN_EMAIL.pattern + "$"
_LINKEDIN = "^" + PLAIN_LINKEDIN.pattern + "$"
_NULL_TEXT = pa.scalar(None, pa.string())


def trimmed(values: pa.Array) -> pa.Array:
    """Cells without surrounding whitespace (as ``str.strip``), empty ones null."""
    out = pc.utf8_trim_whitespace(values)
    return pc.if_else(pc.equal(out, ""), _NULL_TEXT, out)


def flagged_rows(mask: pa.Array) -> list[int]:
    """The positions where ``mask`` is true (nulls count as false)."""
    return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()


def convert_array(type_: str, values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Convert trimmed cells (null for empty) to ``type_``; also the mask of cells that do not convert.

    Plain cells are converted by pyarrow, the others by the Python converters. Cells that do not
    convert are null in the result; their rows must be re-checked one by one (which names the problem).
    """
    target = ARROW_TYPES[type_]
    if type_ == "bool":
        yes, no = pc.is_in(values, value_set=_TRUE), pc.is_in(values, value_set=_FALSE)
        out = pc.if_else(yes, True, pc.if_else(no, False, pa.scalar(None, target)))
        plain = pc.or_(yes, no)
    else:
        plain = pc.fill_null(pc.match_substring_regex(values, _PATTERNS[type_]), False)
        text = pc.if_else(plain, values, _NULL_TEXT)
        if type_ == "datetime":  # the pattern allows "+0000" or "Z" only at the end
            text = pc.replace_substring(pc.replace_substring(text, "+0000", ""), "Z", "")
        try:
            out = pc.cast(text, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # e.g. 2024-02-30: all cells in Python
            out = pa.nulls(len(values), target)
            plain = pa.array([False] * len(values), pa.bool_())
    rest = pc.and_(pc.is_valid(values), pc.invert(plain))
    idx = flagged_rows(rest)
    if not idx:
        return out, rest
    converted, failed = convert_column(type_, values.take(pa.array(idx, pa.int64())).to_pylist())
    bad = set(failed)
    out = pc.replace_with_mask(
        out, rest, pa.array([None if j in bad else v for j, v in enumerate(converted)], target)
    )
    return out, row_mask(len(values), {idx[j] for j in bad})


def derive_array(name: str, source: pa.Array) -> pa.Array:
    """Derived column ``name`` of its (trimmed, converted) source column."""
    if name == "email_norm":
        return _plain_or_python(name, source, _email_fast)
    if name == "linkedin_norm":
        return _plain_or_python(name, source, _linkedin_fast)
    return pa.array(derive_column(name, source.to_pylist()), DERIVED_TYPES.get(name, pa.string()))


def _email_fast(values: pa.Array) -> pa.Array:
    low = pc.ascii_lower(values)
    return pc.if_else(pc.match_substring_regex(low, _EMAIL), low, _NULL_TEXT)


def _linkedin_fast(values: pa.Array) -> pa.Array:
    low = pc.ascii_lower(values)
    plain = pc.if_else(pc.match_substring_regex(low, _LINKEDIN), low, _NULL_TEXT)
    # a plain URL holds "/in/" once; the slug is what follows, without the separators around it
    slug = pc.ascii_trim(pc.list_element(pc.split_pattern(plain, "/in/", max_splits=1), 1), "-_./")
    return pc.binary_join_element_wise("linkedin.com/in/", slug, "")


def _plain_or_python(name: str, source: pa.Array, fast: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``fast`` for ASCII cells it covers (null where it does not), the Python normalizer for the rest."""
    out = fast(pc.if_else(pc.string_is_ascii(source), source, _NULL_TEXT))
    rest = pc.and_(pc.is_valid(source), pc.is_null(out))
    idx = flagged_rows(rest)
    if not idx:
        return out
    cells = source.take(pa.array(idx, pa.int64())).to_pylist()
    return pc.replace_with_mask(out, rest, pa.array(derive_column(name, cells), pa.string()))


def key_array(values: pa.Array) -> pa.Array:
    """:func:`~jobshift.connectors.csv_import.values.key_column` of trimmed id cells: only cells of 15 or 18
    characters can be Salesforce ids, and only those go through Python."""
    lengths = pc.utf8_length(values)
    maybe = pc.or_(pc.equal(lengths, 15), pc.equal(lengths, 18))
    idx = flagged_rows(maybe)
    if not idx:
        return values
    cells = values.take(pa.array(idx, pa.int64())).to_pylist()
    keys = key_column(cells)
    if keys == cells:
        return values
    return pc.replace_with_mask(values, row_mask(len(values), set(idx)), pa.array(keys, pa.string()))


def row_mask(n: int, positions: Collection[int]) -> pa.Array:
    """A boolean array of length ``n``, true at ``positions``."""
    return pa.array([i in positions for i in range(n)], pa.bool_())


__all__ = ["ARROW_TYPES", "convert_array", "derive_array", "flagged_rows", "row_mask", "trimmed"]
