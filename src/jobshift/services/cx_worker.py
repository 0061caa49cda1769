"""Runs connectorx reads of the SQLite store in a separate process.

connectorx links its own SQLite library. When it closes the database file inside *our* process, POSIX
advisory-lock semantics drop every lock this process holds on that file; SQLite (WAL mode) then believes
it is the last connection, checkpoints and removes the WAL index under our pooled connections, which fail
with "disk I/O error" — or silently lose their protection from concurrent writers. A reader in another
process is ordinary SQLite concurrency, so the fast path runs in a child (``python -m
jobshift.services.cx_worker``, no multiprocessing re-import of ``__main__``) that answers each query with
an Arrow IPC stream over a pipe.

Results stream: connectorx hands the rows over in record batches (``arrow_stream``) that go onto the
pipe as they come, and the parent turns each batch into polars as it arrives, so neither process holds
a second copy of a whole result (the reader stays near 130 MB for a million contacts).
"""

from __future__ import annotations

import atexit
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
_BATCH_ROWS = 65_536


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
                [sys.executable, "-m", "jobshift.services.cx_worker"],
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
            except (OSError, EOFError, pa.ArrowException) as exc:
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
    """One frame from an Arrow IPC stream, converted batch by batch (no whole Arrow copy kept)."""
    reader = pa_ipc.open_stream(stream)
    frames = [pl.from_arrow(pa.Table.from_batches([b])) for b in reader]
    if not frames:
        return pl.DataFrame(pl.from_arrow(reader.schema.empty_table()))
    return pl.concat([pl.DataFrame(f) for f in frames], rechunk=True)


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
        with pa_ipc.new_stream(stdout, batches.schema) as writer:
            for batch in batches:
                writer.write_batch(batch)
        stdout.flush()
        pa.default_memory_pool().release_unused()


if __name__ == "__main__":  # pragma: no cover - exercised through read_sqlite_frame
    _serve(sys.stdin.buffer, sys.stdout.buffer)
