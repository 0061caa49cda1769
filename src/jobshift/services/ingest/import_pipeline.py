"""The reading side of an import: parse, check, convert and encode a CRM CSV file in batches.

:func:`encoded_batches` yields :class:`EncodedBatch` es ready for
:meth:`~jobshift.store.crm.mirror.BulkWriter.write`: stretches of the file that pyarrow parsed are checked and
encoded with its compute kernels, the rest row by row (see :meth:`CrmCsvReader.batches`; the same
payloads either way). With ``parallel`` the reading side runs in a child Python
process (``python -m jobshift.services.ingest.import_pipeline``, which imports only the reader and the
encoder) that pickles each batch into a pipe while the caller writes the previous one, so a large import
uses two cores. The pipe holds at most about one batch in flight: memory stays flat. An error of the
child (say, a file that turns out not to be UTF-8) is raised in the caller as it would be in-process.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from jobshift.connectors.csv_import.columns import resolve_object
from jobshift.connectors.csv_import.reader import ArrowBatch, CrmCsvReader
from jobshift.errors import InputError, InputFileError
from jobshift.store.crm.encode import RowEncoding, encode_columns
from jobshift.store.crm.encode_arrow import encode_arrays

STOP_TIMEOUT = 10.0
_END = "end"


@dataclass
class EncodedBatch:
    """One batch of a file: the good rows encoded for the writer, and the bad rows."""

    payload: Any
    rows: int
    new_keys: int
    bad: list[InputError]
    read: int
    duplicates: int
    invalid_emails: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReadJob:
    """Everything needed to read a file again, in another process (picklable)."""

    path: str
    object: str
    mapping: Mapping[str, str]
    ignore: tuple[str, ...]
    batch_size: int
    encoding: RowEncoding
    fast: bool = True
    """Parse clean stretches with pyarrow (see :meth:`CrmCsvReader.batches`)."""
    text_encoding: str = "auto"
    """The file's text encoding (as detected by the first reader, so that a second one need not)."""
    invalid_email: str = "keep"
    """``[import] invalid_email``."""

    def reader(self) -> CrmCsvReader:
        """A reader of the file."""
        return CrmCsvReader(
            self.path,
            resolve_object(self.object),
            mapping=self.mapping,
            ignore=self.ignore,
            batch_size=self.batch_size,
            encoding=self.text_encoding,
            invalid_email=self.invalid_email,
        )

    def batches(self, reader: CrmCsvReader | None = None) -> Iterator[EncodedBatch]:
        """The file's batches, encoded."""
        own = reader is None
        reader = reader or self.reader()
        try:
            for b in reader.batches(fast=self.fast):
                if isinstance(b, ArrowBatch):
                    payload = encode_arrays(self.encoding, b.arrays, b.custom)
                else:
                    payload = encode_columns(self.encoding, b.columns)
                yield EncodedBatch(payload, len(b), b.new_keys, b.bad, b.read, b.duplicates, b.invalid_emails)
        finally:
            if own:
                reader.close()


def read_job(
    path: str | Path,
    object: str,
    mapping: Mapping[str, str],
    ignore: Iterable[str],
    batch_size: int,
    encoding: RowEncoding,
    *,
    fast: bool = True,
    text_encoding: str = "auto",
    invalid_email: str = "keep",
) -> ReadJob:
    """A :class:`ReadJob` for ``path``."""
    return ReadJob(
        str(path),
        object,
        dict(mapping),
        tuple(ignore),
        batch_size,
        encoding,
        fast,
        text_encoding,
        invalid_email,
    )


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


class ChildReader:
    """A started child process reading ``job``; iterate it for the batches (once), then close it."""

    def __init__(self, job: ReadJob) -> None:
        self.job = job
        read_fd, write_fd = os.pipe()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", __name__, str(write_fd)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                pass_fds=(write_fd,),
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        self.stream: BinaryIO = os.fdopen(read_fd, "rb")
        assert self.proc.stdin is not None
        with suppress(BrokenPipeError):
            pickle.dump(job, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.close()

    def __iter__(self) -> Iterator[EncodedBatch]:
        while True:
            try:
                message = pickle.load(self.stream)
            except EOFError:
                raise InputFileError(
                    f"{self.job.path}: the reader process failed: {self._stderr()}"
                ) from None
            if message == _END:
                return
            if isinstance(message, BaseException):
                raise message
            yield message

    def _stderr(self) -> str:
        """The last line the child wrote on stderr (it has closed the data pipe: it is ending)."""
        assert self.proc.stderr is not None
        err = self.proc.stderr.read()
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(STOP_TIMEOUT)
        lines = err.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit code {self.proc.returncode}"

    def close(self) -> None:
        """Stop the child (if it still runs) and release the pipes."""
        self.stream.close()
        if self.proc.poll() is None:
            self.proc.kill()
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(STOP_TIMEOUT)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def start_reading(job: ReadJob, *, parallel: bool) -> ChildReader | None:
    """Start the child process for ``job`` when ``parallel`` (early, so that it boots meanwhile)."""
    return ChildReader(job) if parallel else None


def encoded_batches(
    job: ReadJob, child: ChildReader | None = None, *, reader: CrmCsvReader | None = None
) -> Iterator[EncodedBatch]:
    """The encoded batches of ``job``'s file: from ``child`` when given, else read here."""
    if child is None:
        yield from job.batches(reader)
        return
    try:
        yield from child
    finally:
        child.close()


def _child_main(fd: int) -> None:
    """Child process: read the job from stdin, pickle its batches into ``fd``, then the end mark."""
    gc.disable()
    pool = pa.default_memory_pool()
    job = pickle.load(sys.stdin.buffer)
    with os.fdopen(fd, "wb") as out:
        try:
            for batch in job.batches():
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                pool.release_unused()  # hand pyarrow's freed pages back: keeps the child's memory flat
            pickle.dump(_END, out)
        except BrokenPipeError:  # the parent stopped reading: it has failed or been interrupted
            return
        except Exception as exc:  # every failure goes to the parent, which raises it
            with suppress(OSError):
                pickle.dump(_picklable(exc), out, protocol=pickle.HIGHEST_PROTOCOL)


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # not picklable: keep the message
        return InputFileError(f"{exc.__class__.__name__}: {exc}")
    return exc


if __name__ == "__main__":
    _child_main(int(sys.argv[1]))
