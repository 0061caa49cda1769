"""Records of a CSV text, as the ``csv`` module reads them, with recovery from an unterminated quote.

The ``csv`` module reads a quote that opens a field and never closes as one value running to the next
quote character of the file, or to its end: one bad row would swallow every row after it. :class:`Records`
checks every record whose quotes may have run away and, when one did, quarantines it and resynchronizes:

- A record is **broken** when the file ends inside its quoted value, or when it spans several physical
  lines and has the wrong number of fields or text after a closing quote (``"a"b``; the ``csv`` module's
  ``strict`` mode refuses it). Only such records are checked, so clean files cost nothing more.
- The quote **opened on line Q**, the first line of the record that ends inside a quoted value. Reading
  resumes at the first line ``L`` after ``Q`` from which the next record parses with the header's number
  of fields and is not broken itself (looking at most :data:`RESYNC_LINES` lines ahead, a record being
  given at most :data:`TRIAL_LINES` lines). Without such a line it resumes at ``Q + 1``.
- Lines from the record's start up to ``L - 1`` become one :class:`BrokenRecord`: it counts as one record,
  is quarantined with its first and last line and its whole raw text, and is never imported.

Both readers of :mod:`~jobshift.connectors.csv_import.blocks` (the ``csv`` module's and pyarrow's, which
refuses
blocks that may hold a broken record) give the same records this way.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

RESYNC_LINES = 200
"""How many lines after the opening quote are tried as the place where reading resumes."""
TRIAL_LINES = 50
"""A record tried at a resynchronization point must end within this many lines."""
CHUNK_LINES = 1024
CHUNK_CHARS = 1 << 18
"""Lines are read from the source in chunks of at most this many lines, or about this many characters."""
_EOF_IN_QUOTE = "unexpected end of data"
_START, _FIELD, _QUOTED, _CLOSING = range(4)
_BREAKS = ("\n", "\r")
_BLANK = " \t,;|"


class BrokenRecord(list[str]):
    """Lines ``first`` to ``last`` swallowed by an unterminated quote: one value, their raw text
    (without the final line break), so that the line breaks inside it count the lines it spans."""

    first: int
    last: int

    def __init__(self, text: str, first: int, last: int) -> None:
        super().__init__([text])
        self.first, self.last = first, last

    @property
    def reason(self) -> str:
        """The quarantine reason."""
        span = f"line {self.first}" if self.first == self.last else f"lines {self.first}-{self.last}"
        return f"unterminated quote: {span} skipped, reading resumed at line {self.last + 1}"


def skip_blank(records: Records) -> list[str] | None:
    """The first record of ``records`` with a non-blank cell (``None`` at the end): the header, after
    any blank lines above it (also lines of nothing but ``, ; | TAB``, as spreadsheets write them)."""
    for rec in records:
        if any(cell.strip(_BLANK) for cell in rec):
            return rec
    return None


def chomp(line: str) -> str:
    """``line`` without its line break."""
    if line.endswith("\r\n"):
        return line[:-2]
    return line[:-1] if line.endswith(_BREAKS) else line


class Records:
    """The records of ``lines`` (physical lines with their line breaks, as ``open(newline="")`` gives
    them), the first one starting after physical line ``line``; see the module docstring.

    :meth:`take` reads a batch with the ``csv`` module in C; only a batch where some record spans lines,
    or whose last record may end inside a quote, is read again record by record with the checks.
    """

    def __init__(self, lines: Iterable[str], delimiter: str, width: int, line: int = 0) -> None:
        """``width`` is the header's field count (``-1``: not known yet, while reading the header)."""
        self.delimiter, self.width = delimiter, width
        self.line = line
        """The physical line where the last record handed out ends."""
        self._src = iter(lines)
        self._buf: list[str] = []
        """Lines read from the source, from physical line ``_base + 1`` on."""
        self._base = line
        self._ahead: list[str] = []
        """Lines to hand to the reader before the source's next ones."""
        self._reader = self._restart()

    def _restart(self) -> Any:
        """A ``csv`` reader from the line after :attr:`line` on."""
        self._ahead = self._buf[self.line - self._base :] + self._ahead
        self._buf, self._base = [], self.line
        self._reader = csv.reader(chain.from_iterable(self._chunks()), delimiter=self.delimiter)
        return self._reader

    def _chunks(self) -> Iterator[list[str]]:
        """Lines for the reader, a chunk at a time, kept in :attr:`_buf` until their records are out."""
        while True:
            if self._ahead:
                chunk, self._ahead = self._ahead, []
            else:
                chunk, size = [], 0
                for line in self._src:
                    chunk.append(line)
                    size += len(line)
                    if size >= CHUNK_CHARS or len(chunk) >= CHUNK_LINES:
                        break
                if not chunk:
                    return
            done = self.line - self._base
            if done > 0:
                del self._buf[:done]
                self._base = self.line
            self._buf += chunk
            yield chunk

    @property
    def unread(self) -> list[str]:
        """Lines read from the source but not part of a record handed out yet."""
        return self._buf[self.line - self._base :] + self._ahead

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        recs = self.take(1)
        if not recs:
            raise StopIteration
        return recs[0]

    def take(self, n: int) -> list[list[str]]:
        """The next ``n`` records (fewer at the end), broken ones as :class:`BrokenRecord`."""
        reader = self._reader
        before = reader.line_num
        recs = list(islice(reader, n))
        used = reader.line_num - before
        if not recs:
            return recs
        if used == len(recs):  # one line per record: only the last may end inside a quote (at the end)
            last = self._buf[self.line + used - 1 - self._base]
            if '"' not in last or (
                last.endswith(_BREAKS) and not (recs[-1] and recs[-1][-1].endswith(_BREAKS))
            ):
                self.line += used
                return recs
        self._restart()
        out: list[list[str]] = []
        while len(out) < n and (rec := self._next_checked()) is not None:
            out.append(rec)
        return out

    def _next_checked(self) -> list[str] | None:
        """The next record, checked for a runaway quote (``None`` at the end)."""
        reader = self._reader
        before = reader.line_num
        rec = next(reader, None)
        if rec is None:
            return None
        k = reader.line_num - before
        i = self.line - self._base
        taken = self._buf[i : i + k]
        may_run_away = k > 1 or not taken[-1].endswith(_BREAKS) or (rec and rec[-1].endswith(_BREAKS))
        if may_run_away and '"' in taken[0] and self._broken(taken, rec):
            return self._resync(taken)
        self.line += k
        return rec

    def _broken(self, taken: list[str], rec: list[str]) -> bool:
        """Whether the record read from ``taken`` holds a quote that ran away."""
        multi = len(taken) > 1
        try:
            for _r in csv.reader(
                io.StringIO("".join(taken), newline=""), delimiter=self.delimiter, strict=True
            ):
                pass
        except csv.Error as exc:
            return multi or _EOF_IN_QUOTE in str(exc)
        return multi and self.width >= 0 and len(rec) != self.width

    def _resync(self, taken: list[str]) -> BrokenRecord:
        """Quarantine the broken record read from ``taken``; resume at the next line that parses."""
        opened = _quote_opened(taken, self.delimiter)
        lines = self.unread  # the broken record's lines and those read after them
        resume = opened + 1
        for at in range(opened + 1, opened + 1 + RESYNC_LINES):
            while len(lines) < at + TRIAL_LINES and (more := next(self._src, None)) is not None:
                lines.append(more)
            if at >= len(lines):
                resume = len(lines)
                break
            if self._parses(lines[at : at + TRIAL_LINES], at + TRIAL_LINES < len(lines)):
                resume = at
                break
        resume = min(resume, len(lines))
        first = self.line + 1
        rec = BrokenRecord(chomp("".join(lines[:resume])), first, self.line + resume)
        self.line += resume
        self._buf, self._base, self._ahead = [], self.line, lines[resume:]
        self._restart()
        return rec

    def _parses(self, window: list[str], more: bool) -> bool:
        """Whether ``window``'s first record has the header's field count, is whole and not broken."""
        if not window[0].strip("\r\n"):
            return False
        feed = iter(window)
        used: list[str] = []

        def counted() -> Iterator[str]:
            for line in feed:
                used.append(line)
                yield line

        rec = next(csv.reader(counted(), delimiter=self.delimiter), None)
        if rec is None or len(rec) != self.width:
            return False
        if len(used) == len(window) and more and (len(used) > 1 or not used[-1].endswith(_BREAKS)):
            return False  # cut by the window
        if len(used) > 1 or not used[-1].endswith(_BREAKS) or rec[-1].endswith(_BREAKS):
            return not self._broken(used, rec)
        return True


def _quote_opened(taken: list[str], delimiter: str) -> int:
    """The index of the first line of ``taken`` that ends inside a quoted value (the last if none)."""
    state = _START
    for i, line in enumerate(taken):
        for ch in line:
            if state == _QUOTED:
                state = _CLOSING if ch == '"' else _QUOTED
            elif ch == delimiter or ch in "\r\n":
                state = _START
            elif state in (_START, _CLOSING):
                state = _QUOTED if ch == '"' else _FIELD
        if state == _QUOTED:
            return i
    return len(taken) - 1
