"""How the web shows registry words (signal types). Names, titles and companies: ``services/display``."""

from __future__ import annotations

from jobshift.domain.signal_types import label


def signal_label(value: object) -> str:
    """The label of a signal type string (``job_change`` → ``job change``); empty for ``None``."""
    return "" if value is None else label(str(value))
