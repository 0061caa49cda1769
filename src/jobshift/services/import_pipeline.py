"""The reading side of an import: parse, check, convert and encode a CRM CSV file in batches.

:func:`encoded_batches` yields :class:`EncodedBatch` es ready for
:meth:`~jobshift.store.crm.BulkWriter.write`. With ``parallel`` the whole reading side runs in a child
process (``spawn``) that sends each batch through a pipe while the caller writes the previous one, so a
large import uses two cores; the pipe holds at most one batch in flight, so memory stays flat. Errors
of the child (an unreadable file) are raised in the caller as they would be in-process.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobshift.connectors.crm_columns import resolve_object
from jobshift.connectors.crm_csv import BadRow, CrmCsvReader
from jobshift.errors import InputFileError
from jobshift.store.crm import RowEncoding, encode_rows

JOIN_TIMEOUT = 10.0


@dataclass
class EncodedBatch:
    """One batch of a file: the good rows encoded for the writer, and the bad rows."""

    payload: Any
    rows: int
    new_keys: int
    bad: list[BadRow]
    read: int
    duplicates: int


@dataclass(frozen=True)
class ReadJob:
    """Everything a (child) process needs to read a file again (picklable)."""

    path: str
    object: str
    mapping: Mapping[str, str]
    ignore: tuple[str, ...]
    batch_size: int
    encoding: RowEncoding

    def reader(self) -> CrmCsvReader:
        """A reader of the file."""
        return CrmCsvReader(
            self.path,
            resolve_object(self.object),
            mapping=self.mapping,
            ignore=self.ignore,
            batch_size=self.batch_size,
        )

    def batches(self, reader: CrmCsvReader | None = None) -> Iterator[EncodedBatch]:
        """The file's batches, encoded."""
        for b in (reader or self.reader()).batches():
            payload = encode_rows(self.encoding, b.rows)
            yield EncodedBatch(payload, len(b.rows), b.new_keys, b.bad, b.read, b.duplicates)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Suspend the cyclic garbage collector (a bulk load makes millions of acyclic objects)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def encoded_batches(
    job: ReadJob, *, parallel: bool, reader: CrmCsvReader | None = None
) -> Iterator[EncodedBatch]:
    """Yield the encoded batches of ``job``'s file, read in a child process when ``parallel``."""
    if not parallel:
        yield from job.batches(reader)
        return
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(job, sender), name="jobshift-import-reader", daemon=True)
    proc.start()
    sender.close()
    try:
        while True:
            try:
                message = receiver.recv()
            except EOFError:
                raise InputFileError(
                    f"{job.path}: the reader process stopped unexpectedly (exit code {proc.exitcode})"
                ) from None
            if message is None:
                break
            if isinstance(message, BaseException):
                raise message
            yield message
    finally:
        receiver.close()
        proc.join(JOIN_TIMEOUT if proc.exitcode is not None else 0.1)
        if proc.is_alive():
            proc.terminate()
            proc.join(JOIN_TIMEOUT)


def _child(job: ReadJob, sender: Any) -> None:
    """Child process: read, check and encode the file, sending batches; then ``None`` or the error."""
    gc.disable()
    try:
        for batch in job.batches():
            sender.send(batch)
        sender.send(None)
    except BrokenPipeError:
        return
    except BaseException as exc:  # every failure goes to the parent, which raises it
        with suppress(OSError):
            sender.send(_picklable(exc))
    finally:
        sender.close()


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # not picklable: keep the message
        return InputFileError(f"{exc.__class__.__name__}: {exc}")
    return exc


def read_job(
    path: str | Path,
    object: str,
    mapping: Mapping[str, str],
    ignore: Iterable[str],
    batch_size: int,
    encoding: RowEncoding,
) -> ReadJob:
    """A :class:`ReadJob` for ``path``."""
    return ReadJob(str(path), object, dict(mapping), tuple(sorted(ignore)), batch_size, encoding)
