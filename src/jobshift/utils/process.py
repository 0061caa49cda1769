"""Which process owns a ``running`` row: ``host:pid`` labels and whether that process still exists."""

from __future__ import annotations

import os
import socket
from typing import Literal

OwnerState = Literal["alive", "gone", "elsewhere", "unknown"]


def this_process() -> str:
    """This process as ``host:pid`` (recorded on the runs it starts)."""
    return f"{socket.gethostname()}:{os.getpid()}"


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (one owned by another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_state(owner: str | None) -> OwnerState:
    """``alive`` / ``gone`` for a ``host:pid`` of this host, ``elsewhere`` for another host's process,
    ``unknown`` when no (readable) owner was recorded."""
    host, _, pid = (owner or "").rpartition(":")
    if not host or not pid.isdigit():
        return "unknown"
    if host != socket.gethostname():
        return "elsewhere"
    return "alive" if pid_alive(int(pid)) else "gone"


def die_with_parent() -> None:
    """Make this (worker) process end when the process that started it ends, even by ``kill -9``.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGKILL)``; elsewhere a daemon thread that notices the parent is
    gone (the worker is re-parented) within a second. Called first thing in every worker process.
    """
    import signal
    import threading
    import time

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        if libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return
    except (OSError, AttributeError):  # not Linux / no glibc: watch instead
        pass

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(1.0)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def sweep_orphans(directory: str, prefix: str) -> int:
    """Remove ``<prefix><pid>-*`` entries in ``directory`` whose process (on this host) is gone: the
    temporary files a killed run could not clean up. Returns how many were removed."""
    import shutil

    removed = 0
    try:
        names = os.listdir(directory)
    except OSError:
        return 0
    for name in names:
        if not name.startswith(prefix):
            continue
        pid = name[len(prefix) :].split("-", 1)[0]
        if not pid.isdigit() or pid_alive(int(pid)):
            continue
        path = os.path.join(directory, name)
        try:
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
            removed += 1
        except OSError:
            continue
    return removed
