"""Runs connectorx reads of the SQLite store in a separate process.

connectorx links its own SQLite library. When it closes the database file inside *our* process, POSIX
advisory-lock semantics drop every lock this process holds on that file; SQLite (WAL mode) then believes
it is the last connection, checkpoints and removes the WAL index under our pooled connections, which fail
with "disk I/O error" — or silently lose their protection from concurrent writers. A reader in another
process is ordinary SQLite concurrency, so the fast path runs in a child (``python -m
jobshift.store.detect.cx_worker``, no multiprocessing re-import of ``__main__``) that answers each query
with an Arrow IPC stream over a pipe.

Results stream: connectorx hands the rows over in record batches (``arrow_stream``) that go onto the
pipe as they come, each as a small length-prefixed IPC stream that the parent reads into polars as it
arrives, so the reader process never holds a whole result (it stays near 300 MB for a million contacts
or 100,000 observations with their experience, where it peaked at 850 MB).
"""

from __future__ import annotations

import atexit
import io
import struct
import subprocess
import sys
import threading
from typing import IO

import orjson
import polars as pl
import pyarrow as pa
import pyarrow.ipc as pa_ipc

_HEADER = struct.Struct("!cQ")  # status byte (b"0" ok: an IPC stream follows / b"1" error) + length
_CHUNK = struct.Struct("!Q")  # length of one IPC chunk (0: end of the result)
_BATCH_ROWS = 16_384


def _read_exact(stream: IO[bytes], n: int) -> bytes:
    chunks = []
    while n:
        chunk = stream.read(n)
        if not chunk:
            raise EOFError("reader process closed its pipe")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


class _Reader:
    """One long-lived child process; requests are serialized by a lock."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "jobshift.store.detect.cx_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._proc

    def read(self, sql: str, uri: str) -> pl.DataFrame:
        with self._lock:
            proc = self._start()
            assert proc.stdin is not None and proc.stdout is not None
            request = orjson.dumps({"sql": sql, "uri": uri})
            proc.stdin.write(struct.pack("!Q", len(request)) + request)
            proc.stdin.flush()
            status, length = _HEADER.unpack(_read_exact(proc.stdout, _HEADER.size))
            if status != b"0":
                payload = _read_exact(proc.stdout, length)
                raise RuntimeError(f"connectorx read failed: {payload.decode('utf-8', 'replace')}")
            try:
                return _frame_from_stream(proc.stdout)
            except (OSError, EOFError, struct.error, pl.exceptions.PolarsError) as exc:
                # the reader died mid-stream: its pipe is in an unknown state, start afresh next time
                proc.kill()
                self._proc = None
                raise RuntimeError(f"connectorx read failed: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                if self._proc.stdin:
                    self._proc.stdin.close()
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                self._proc = None


_READER = _Reader()
atexit.register(_READER.close)


def read_sqlite_frame(sql: str, uri: str) -> pl.DataFrame:
    """``sql`` against the SQLite database at ``uri``, read by connectorx in the reader process."""
    return _READER.read(sql, uri)


def shutdown() -> None:
    """Stop the reader process (it starts again on the next read)."""
    _READER.close()


def _frame_from_stream(stream: IO[bytes]) -> pl.DataFrame:
    """One frame from length-prefixed IPC chunks (a zero length ends the result).

    Each chunk is read by polars' own IPC reader into polars-owned memory: string columns converted
    from Arrow buffers (``pl.from_arrow``) keep views into those buffers, so any row of a batch that
    survives (a candidate, a profile) would keep the whole batch's text alive.
    """
    frames = []
    while True:
        (length,) = _CHUNK.unpack(_read_exact(stream, _CHUNK.size))
        if not length:
            break
        frames.append(pl.read_ipc_stream(io.BytesIO(_read_exact(stream, length))))
    return frames[0] if len(frames) == 1 else pl.concat(frames, rechunk=True)


def _write_chunks(stdout: IO[bytes], batches: pa.RecordBatchReader) -> None:
    """Each record batch as its own IPC stream (schema + batch), length-prefixed; then a zero length.

    A result without rows still sends one (empty) chunk, so the parent learns the columns.
    """
    empty = True
    for batch in batches:
        if batch.num_rows or empty:
            _send_chunk(stdout, batch.schema, [batch])
            empty = False
    if empty:
        _send_chunk(stdout, batches.schema, [])
    stdout.write(_CHUNK.pack(0))
    stdout.flush()


def _send_chunk(stdout: IO[bytes], schema: pa.Schema, batches: list[pa.RecordBatch]) -> None:
    sink = pa.BufferOutputStream()
    with pa_ipc.new_stream(sink, schema) as writer:
        for b in batches:
            writer.write_batch(b)
    buf = sink.getvalue()
    stdout.write(_CHUNK.pack(buf.size))
    stdout.write(memoryview(buf))


def _serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    import connectorx

    while True:
        head = stdin.read(8)
        if len(head) < 8:
            return
        (length,) = struct.unpack("!Q", head)
        req = orjson.loads(_read_exact(stdin, length))
        try:
            batches = connectorx.read_sql(
                req["uri"], req["sql"], return_type="arrow_stream", batch_size=_BATCH_ROWS
            )
        except Exception as exc:  # reported to the parent, which raises
            payload = f"{type(exc).__name__}: {exc}".encode()
            stdout.write(_HEADER.pack(b"1", len(payload)) + payload)
            stdout.flush()
            continue
        stdout.write(_HEADER.pack(b"0", 0))
        # an error from here on ends this process: the parent sees a broken stream and restarts it
        _write_chunks(stdout, batches)
        pa.default_memory_pool().release_unused()


if __name__ == "__main__":  # pragma: no cover - exercised through read_sqlite_frame
    from jobshift.utils.process import die_with_parent

    die_with_parent()  # a parent killed with -9 takes this reader (and its memory) with it
    _serve(sys.stdin.buffer, sys.stdout.buffer)
