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
