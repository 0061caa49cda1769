"""Encoding of CRM rows held as pyarrow arrays for the bulk writers, with compute kernels instead of loops.

Produces exactly what :func:`~jobshift.store.crm.encode.encode_columns` produces from the same rows as
Python values: SQLite :class:`~jobshift.store.crm.encode.PackedRows` (or, when a batch cannot be packed
losslessly, the bind-ready rows of the Python encoder) and PostgreSQL ``COPY`` text bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from jobshift.store.crm.encode import (
    RECORD_SEP,
    UNIT_SEP,
    PackedRows,
    RowEncoding,
    encode_columns,
    group_size,
)

_SEPARATORS = (RECORD_SEP.encode(), UNIT_SEP.encode())
_PG_SPECIAL = (b"\\", b"\t", b"\n", b"\r")
_PG_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))


def encode_arrays(encoding: RowEncoding, arrays: Sequence[pa.Array], custom: list[Any] | None = None) -> Any:
    """Encode rows given as pyarrow arrays (``custom``: the JSON column's values, when it is one).

    ``arrays`` hold ``encoding.columns`` in order, except a trailing ``custom`` column given as
    ``custom``. Booleans, integers, floats, dates and datetimes are pyarrow ``bool``, ``int32``,
    ``float64``, ``date32`` and ``timestamp[us]`` arrays; text is ``string``.
    """
    n = len(arrays[0]) if arrays else 0
    if not n:
        return b"" if encoding.dialect == "postgresql" else []
    if encoding.dialect == "postgresql":
        return _copy_text(encoding, arrays, custom)
    packed = _packed(encoding, arrays, custom)
    if packed is not None:
        return packed
    cols: list[list[Any]] = [a.to_pylist() for a in arrays]
    return encode_columns(encoding, [*cols, custom] if custom is not None else cols)


def _text(kind: str, values: pa.Array, dialect: str) -> pa.Array:
    """Every value as the Python encoder of ``dialect`` writes it (SQLite: NULL as ``""``)."""
    sqlite = dialect == "sqlite"
    if kind == "bool":
        values = pc.if_else(values, *(("1", "0") if sqlite else ("t", "f")))
    elif kind not in ("text", "json"):
        values = pc.cast(values, pa.string())  # datetimes: "2024-03-01 10:00:00.000000"
        if kind == "datetime" and not sqlite:  # datetime.isoformat()
            values = pc.replace_substring(values, " ", "T", max_replacements=1)
            values = pc.replace_substring_regex(values, "\\.000000$", "")
    return pc.fill_null(values, "" if sqlite else "\\N")


def _json_array(custom: list[Any], dialect: str) -> pa.Array:
    """The JSON text of each value, serialized as the Python encoder of ``dialect`` does."""
    dumps = json.dumps if dialect == "sqlite" else (lambda v: orjson.dumps(v).decode())
    return pa.array([None if v is None else dumps(v) for v in custom], pa.string())


def _packed(encoding: RowEncoding, arrays: Sequence[pa.Array], custom: list[Any] | None) -> PackedRows | None:
    kinds = encoding.kinds
    values = list(arrays)
    if custom is not None:
        values.append(_json_array(custom, "sqlite"))
    text: list[pa.Array] = []
    for kind, a in zip(kinds, values, strict=True):
        if kind == "float":
            return None
        if kind in ("text", "json") and (pc.any(pc.equal(a, "")).as_py() or _holds(a, _SEPARATORS)):
            return None
        text.append(_text(kind, a, "sqlite"))
    k = group_size(len(text))
    rows = pc.binary_join_element_wise(*text, UNIT_SEP)
    n = len(rows)
    ends = [*range(0, n, k), n]
    groups = pc.binary_join(pa.ListArray.from_arrays(pa.array(ends, pa.int32()), rows), UNIT_SEP)
    whole = pc.binary_join(
        pa.ListArray.from_arrays(pa.array([0, len(groups)], pa.int32()), groups), RECORD_SEP
    )
    nullable = tuple(bool(a.null_count) for a in values)
    return PackedRows(whole[0].as_py(), len(text), k, nullable)


def _copy_text(encoding: RowEncoding, arrays: Sequence[pa.Array], custom: list[Any] | None) -> bytes:
    values = list(arrays)
    if custom is not None:
        values.append(_json_array(custom, "postgresql"))
    text: list[pa.Array] = []
    for kind, a in zip(encoding.kinds, values, strict=True):
        if kind == "float":
            text.append(pa.array(["\\N" if v is None else repr(v) for v in a.to_pylist()], pa.string()))
            continue
        if kind in ("text", "json") and _holds(a, _PG_SPECIAL):
            for raw, escaped in _PG_ESCAPES:
                a = pc.replace_substring(a, raw, escaped)
        text.append(_text(kind, a, "postgresql"))
    rows = pc.binary_join_element_wise(*text, "\t")
    lines = pa.concat_arrays([rows, pa.array([""], pa.string())])  # a final "" ends the last row
    whole = pc.binary_join(pa.ListArray.from_arrays(pa.array([0, len(lines)], pa.int32()), lines), "\n")
    return whole.cast(pa.binary())[0].as_py()


def _holds(values: pa.Array, needles: tuple[bytes, ...]) -> bool:
    """Whether the text of ``values`` may hold one of ``needles`` (one scan of the data buffer, which
    for a slice may also hold values outside it: then the answer errs on the side of yes)."""
    data = values.buffers()[2]
    if data is None:
        return False
    raw = data.to_pybytes()
    return any(n in raw for n in needles)
