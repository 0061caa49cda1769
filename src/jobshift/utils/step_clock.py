"""CPU seconds per named step of a run, for its statistics (the incremental feed release's breakdown)."""

from __future__ import annotations

import time
from typing import Any


class StepClock:
    """CPU seconds (user + sys, all threads) per named step, accumulated into ``stats[key]``."""

    def __init__(self, stats: dict[str, Any], key: str = "release_cpu_s") -> None:
        self.steps: dict[str, float] = stats.setdefault(key, {})
        self.t = time.process_time()

    def lap(self, name: str) -> None:
        """Charge the CPU time since the last lap to ``name``."""
        now = time.process_time()
        self.steps[name] = round(self.steps.get(name, 0.0) + now - self.t, 3)
        self.t = now
