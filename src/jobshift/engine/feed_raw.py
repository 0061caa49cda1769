"""Feed partitions read raw and fingerprinted vectorized; only the rows asked for are converted.

An incremental release (:mod:`jobshift.engine.incremental`) must look at every row of the new release,
but converts only the rows it has not seen before. :func:`read_raw` therefore reads a partition without
any per-row Python:

- JSONL (plain): polars' CSV reader with a separator and no quote character that valid JSON lines never
  contain, so each line is one string cell (blank lines dropped, a leading BOM removed); a file that does
  not fit (invalid UTF-8, a stray control character) falls back to the streaming line reader;
- JSONL.gz: the streaming line reader (decompression dominates anyway);
- Parquet: only the columns the profile converter reads (:data:`PROFILE_FIELDS`, column projection),
  as an Arrow table.

Each row's fingerprint (``fp``, 64-bit) hashes what the converter reads: the line text (JSONL), or the
projected columns (Parquet). Equal fingerprints mean equal observations; a changed field that detection
ignores only costs a needless re-detection of that person, never a missed one.
:func:`convert_rows` turns the chosen rows into observation frames with the ingest's rules (vectorized:
:mod:`jobshift.engine.convert`, unless ``convert.VECTOR`` is off).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from jobshift.connectors.people.files import parse_line, people_file_format, read_people_chunks
from jobshift.domain.profiles import OBSERVATION_FIELDS, PROFILE_FIELDS, ProfileError, profile_to_row
from jobshift.engine.batches import OBSERVATION_SCHEMA

FP_SEED = 0x66656564
_POS = [OBSERVATION_FIELDS.index(c) for c in OBSERVATION_SCHEMA]
_SEP = "\x01"


@dataclass
class RawPartition:
    """One feed file read raw: a fingerprint per row, and the rows themselves for conversion."""

    path: str
    fps: pl.Series
    """``fp`` (UInt64) of every non-blank row, in file order."""
    lines: pl.Series | None = None
    """JSONL: the line text of each row."""
    table: Any = None
    """Parquet: the projected Arrow table."""

    @property
    def height(self) -> int:
        """Rows (non-blank lines) in the partition."""
        return self.fps.len()


def _lines_vectorized(path: str) -> pl.Series | None:
    try:
        df = pl.read_csv(
            path,
            has_header=False,
            separator=_SEP,
            quote_char=None,
            new_columns=["line"],
            schema_overrides={"line": pl.String},
            encoding="utf8",
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError):
        return None
    if df.width != 1:
        return None
    s = df.get_column("line")
    if s.len() and (first := s[0]) is not None and first.startswith("\ufeff"):
        s = s.scatter(0, first[1:])
    return s


def _lines_streaming(path: str) -> pl.Series:
    out: list[str] = []
    for _first, items in read_people_chunks(path):
        for raw in items:
            if isinstance(raw, bytes):
                out.append(raw.rstrip(b"\r\n").decode("utf-8", "surrogateescape"))
    return pl.Series("line", out, dtype=pl.String)


BLANK = r"^[\t\n\x0b\x0c\r ]*$"
"""A blank line (what ``parse_line`` skips: only the whitespace ``bytes.strip`` removes)."""


def nonblank_lines(path: str, fmt: str) -> pl.Series:
    """The non-blank lines (``line``) of a JSONL / JSONL.gz file, vectorized when the file allows it."""
    lines = _lines_vectorized(path) if fmt == "jsonl" else None
    if lines is None:
        lines = _lines_streaming(path)
    return lines.filter(~lines.str.contains(BLANK).fill_null(True)).alias("line")


def read_raw(path: str) -> RawPartition:
    """Read one feed file raw and fingerprint its rows (see the module docstring)."""
    from pathlib import Path

    fmt = people_file_format(Path(path))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        cols = [c for c in PROFILE_FIELDS if c in pf.schema_arrow.names]
        table = pf.read(columns=cols)
        df = pl.from_arrow(table)
        assert isinstance(df, pl.DataFrame)
        fps = df.hash_rows(seed=FP_SEED) if df.width else pl.Series([0] * table.num_rows, dtype=pl.UInt64)
        return RawPartition(path, fps.alias("fp"), table=table)
    lines = _lines_vectorized(path) if fmt == "jsonl" else None
    if lines is None:
        lines = _lines_streaming(path)
    if (~lines.str.starts_with("{").fill_null(False)).any():  # else no line can be blank: not scanned
        lines = lines.filter(~lines.str.contains(r"^\s*$").fill_null(True))  # blank lines (no copy made)
    return RawPartition(path, lines.hash(FP_SEED).alias("fp"), lines=lines)


def _records(part: RawPartition, idx: list[int]) -> list[Any]:
    if part.table is not None:
        return list(part.table.take(idx).to_pylist()) if idx else []
    assert part.lines is not None
    texts = part.lines.gather(idx).to_list() if idx else []
    return [parse_line(t.encode("utf-8", "surrogateescape")) for t in texts]


def row_frame(part: RawPartition, index: int) -> pl.DataFrame:
    """``fp``, ``part`` (``index``) and ``idx`` (the row's position) of every row of ``part``."""
    return pl.DataFrame({"fp": part.fps}).with_columns(
        pl.lit(index, dtype=pl.UInt32).alias("part"), pl.int_range(pl.len(), dtype=pl.UInt32).alias("idx")
    )


def held_rows(part: RawPartition, idx: pl.Series) -> RawPartition:
    """The rows ``idx`` (sorted) of a JSONL partition as a partition of their own (their lines and
    fingerprints), to be converted later together with other partitions' (:func:`convert_held`)."""
    assert part.lines is not None
    return RawPartition(part.path, part.fps.gather(idx), lines=part.lines.gather(idx))


def convert_held(held: list[tuple[int, RawPartition]]) -> tuple[pl.DataFrame, pl.Series]:
    """Observations (``OBSERVATION_SCHEMA`` + ``fp`` + ``part``: the index given with each) of the rows
    held from several JSONL partitions, converted in one call (the converter's fixed costs are paid
    once: ≈ 0.1 CPU-s less for 50,000 rows from 4 partitions); and the unusable rows' fingerprints."""
    from jobshift.engine import convert
    from jobshift.engine.convert.partition import convert_lines

    if not convert.VECTOR:
        pairs = [convert_rows(h, pl.int_range(h.height, dtype=pl.UInt32, eager=True)) for _, h in held]
        lits = [pl.lit(i, pl.UInt32).alias("part") for i, _ in held]
        tagged = [o.with_columns(t) for t, (o, _) in zip(lits, pairs, strict=True)]
        return pl.concat(tagged, how="diagonal_relaxed"), pl.concat([b for _, b in pairs])
    fps = pl.concat([h.fps for _, h in held])
    tags = pl.concat([pl.repeat(i, h.height, dtype=pl.UInt32, eager=True) for i, h in held])
    lines = [h.lines for _, h in held if h.lines is not None]
    conv = convert_lines(held[0][1].path, pl.concat(lines))
    pos = conv.obs.get_column("pos")
    obs = conv.obs.drop("pos").with_columns(fps.gather(pos).alias("fp"), tags.gather(pos).alias("part"))
    return obs, fps.gather(conv.bad).alias("fp")


def convert_rows(part: RawPartition, idx: pl.Series) -> tuple[pl.DataFrame, pl.Series]:
    """Observations (``OBSERVATION_SCHEMA`` + ``fp``) of the rows at ``idx``; and the fingerprints of the
    rows that are unusable (not an object, or :class:`ProfileError`: counted, never converted again)."""
    from jobshift.engine import convert
    from jobshift.engine.convert.partition import convert_lines, convert_table

    if convert.VECTOR and idx.len():
        pos = idx.cast(pl.UInt32)
        conv = (
            convert_table(part.path, part.table, pos)
            if part.table is not None
            else convert_lines(part.path, part.lines, pos)  # type: ignore[arg-type]
        )
        if conv is not None:
            return (
                conv.obs.drop("pos").with_columns(part.fps.gather(conv.obs["pos"]).alias("fp")),
                part.fps.gather(conv.bad).alias("fp"),
            )
    positions = idx.to_list()
    rows: list[tuple[object, ...]] = []
    fps: list[int] = []
    bad: list[int] = []
    all_fps = part.fps
    for pos, rec in zip(positions, _records(part, positions), strict=True):
        fp = all_fps[pos]
        if not isinstance(rec, dict):
            bad.append(fp)
            continue
        try:
            values = profile_to_row(rec, part.path, pos + 1)
        except ProfileError:
            bad.append(fp)
            continue
        rows.append(tuple(values[i] for i in _POS))
        fps.append(fp)
    obs = pl.DataFrame(rows, schema=OBSERVATION_SCHEMA, orient="row", infer_schema_length=0)
    return obs.with_columns(pl.Series("fp", fps, dtype=pl.UInt64)), pl.Series("fp", bad, dtype=pl.UInt64)
