"""Killed runs leave no debris: worker processes end with the process that started them (even after
``kill -9``), and the temporary files a killed ingest left are removed by the next one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from jobshift.utils.process import pid_alive, sweep_orphans

PARENT = """
import sys, time
from jobshift.store.detect.cx_worker import _Reader
r = _Reader()
p = r._start()
print(p.pid, flush=True)
time.sleep(60)
"""


def test_the_reader_worker_dies_with_a_parent_killed_by_sigkill() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert pid_alive(worker)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(worker):
        time.sleep(0.1)
    assert not _running(worker), "the reader outlived its parent"


def _running(pid: int) -> bool:
    if not pid_alive(pid):
        return False
    try:  # a zombie (exited, not yet reaped by init) is not running
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def test_orphaned_spool_directories_are_swept(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f"jobshift-ingest-{dead.pid}-abc").mkdir()
    (tmp_path / f"jobshift-ingest-{dead.pid}-abc" / "1.chunk").write_bytes(b"x" * 100)
    (tmp_path / f"jobshift-ingest-{os.getpid()}-live").mkdir()
    (tmp_path / "unrelated").mkdir()
    assert sweep_orphans(str(tmp_path), "jobshift-ingest-") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"jobshift-ingest-{os.getpid()}-live", "unrelated"]
