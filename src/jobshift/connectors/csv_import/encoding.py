"""Which text encoding a CRM CSV file is in, and its UTF-8 copy when it is not UTF-8.

:func:`detect_encoding` decides, in this order:

1. a byte-order mark: UTF-8, UTF-16 LE/BE (Excel's "Unicode Text", usually tab-delimited) or UTF-32;
2. the file type by its first bytes: a ZIP archive (an ``.xlsx`` workbook), an old ``.xls``, a PDF,
   gzip, an image, or bytes that are mostly NUL — "binary" errors that say what the file is; UTF-16
   without a byte-order mark is recognized by its zero bytes and read (with a warning);
3. the configured encoding (``[import] encoding`` or ``jobshift import --encoding``), when not ``auto``;
4. ``auto``: UTF-8 when the whole file decodes as UTF-8, else Windows-1252 (what Excel writes as "CSV" on
   Windows: é, ’, €) — reported as a warning, because an admin must know the file was guessed.

A file that is not UTF-8 is decoded into a temporary UTF-8 copy (same lines) that the readers parse;
quarantined rows still name the original file.
"""

from __future__ import annotations

import codecs
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jobshift.errors import InputFileError

CHUNK = 1 << 20
AUTO = "auto"
FALLBACK = "cp1252"
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?), not a CSV text file: save it as CSV"),
    (b"\xd0\xcf\x11\xe0", "an Excel .xls workbook, not a CSV text file: save it as CSV"),
    (b"%PDF", "a PDF document, not a CSV text file"),
    (b"\x1f\x8b", "gzip-compressed: decompress it first"),
    (b"\x89PNG", "binary data (a PNG image), not a CSV text file"),
)
_BINARY_NUL_SHARE = 0.1
"""A file whose first bytes are at least this share NUL (and not UTF-16) is binary."""


@dataclass(frozen=True)
class Encoding:
    """The encoding a file is read with, and a warning for the import summary (or ``None``)."""

    name: str
    """A Python codec name: ``utf-8``, ``utf-16``, ``utf-16-le``, ``cp1252``, …"""
    bom: bool = False
    warning: str | None = None

    @property
    def is_utf8(self) -> bool:
        """Whether the file is read as it is (UTF-8, with or without a byte-order mark)."""
        return self.name == "utf-8"


def codec_name(name: str) -> str:
    """The canonical Python codec name of ``name`` (``ValueError`` if Python knows no such encoding)."""
    if name.strip().lower() == AUTO:
        return AUTO
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        raise ValueError(f"unknown encoding {name!r} (e.g. utf-8, cp1252, utf-16, latin-1)") from None


def detect_encoding(path: Path, head: bytes, configured: str = AUTO) -> Encoding:
    """The encoding of the file at ``path`` whose first bytes are ``head`` (see the module docstring).

    Raises ``InputFileError`` (message without the file name) for a binary file or, with ``auto``,
    a file that is neither UTF-8 nor Windows-1252.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return Encoding(name, bom=True)
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise InputFileError(what)
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16:
            return Encoding(utf16, warning=f"read as {utf16.upper()} (no byte-order mark)")
        if head.count(b"\x00") >= _BINARY_NUL_SHARE * len(head):
            raise InputFileError("binary data, not a CSV text file")
    configured = codec_name(configured)
    if configured != AUTO:
        return Encoding("utf-8" if configured == "utf-8" else configured)
    bad = _first_error(path, "utf-8")
    if bad is None:
        return Encoding("utf-8")
    if _first_error(path, FALLBACK) is None:
        return Encoding(
            FALLBACK,
            warning=f"not UTF-8 (line {bad}): read as Windows-1252 (cp1252); "
            "name the encoding with --encoding or import.encoding in jobshift.toml if that is wrong",
        )
    raise InputFileError(
        f"not UTF-8 text (line {bad}) nor Windows-1252: save the file as UTF-8, "
        "or name its encoding with --encoding or import.encoding in jobshift.toml"
    )


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when ``head`` looks like mostly-ASCII UTF-16 text, else ``None``."""
    sample = head[: min(len(head), 4096) // 2 * 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd_zero = sample[1::2].count(0)
    even_zero = sample[0::2].count(0)
    if odd_zero >= 0.6 * pairs and even_zero <= 0.05 * pairs:
        return "utf-16-le"
    if even_zero >= 0.6 * pairs and odd_zero <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _first_error(path: Path, encoding: str) -> int | None:
    """The line of the first byte sequence of ``path`` that is not ``encoding`` text (``None``: none)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            if not (chunk.isascii() and not decoder.getstate()[0]):  # ASCII is UTF-8 and cp1252
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    return _line_at(path, offset + exc.start)
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return _line_at(path, offset)
    return None


def _line_at(path: Path, offset: int) -> int:
    """The physical line (``\\n``-separated) holding byte ``offset`` of ``path`` (error paths only)."""
    line = 1
    with open(path, "rb") as fh:
        while offset > 0 and (chunk := fh.read(min(CHUNK, offset))):
            line += chunk.count(b"\n")
            offset -= len(chunk)
    return line


def utf8_copy(path: Path, encoding: Encoding, directory: str) -> Path:
    """A UTF-8 copy of ``path`` (read as ``encoding``, byte-order mark dropped) in ``directory``.

    Raises ``InputFileError`` (message without the file name) at the first line that does not decode.
    """
    out = Path(directory) / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding.name)("strict")
    line = 1
    with open(path, "rb") as src, open(out, "wb") as dst:
        first = True
        while True:
            chunk = src.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line += decoder_lines(chunk[: exc.start], encoding.name)
                raise InputFileError(f"not {encoding.name} text at line {line} ({exc.reason})") from None
            if first and text.startswith("\ufeff"):
                text = text[1:]
            first = first and not text
            line += text.count("\n")
            dst.write(text.encode())
            if not chunk:
                return out


def decoder_lines(data: bytes, encoding: str) -> int:
    """How many ``\\n`` the bytes ``data`` of ``encoding`` hold (error messages only)."""
    return data.decode(encoding, "replace").count("\n")


def temporary_directory() -> tempfile.TemporaryDirectory[str]:
    """A directory for a UTF-8 copy, removed when the returned object is cleaned up or collected."""
    return tempfile.TemporaryDirectory(prefix="jobshift-import-")
