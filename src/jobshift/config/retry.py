"""The retry settings, spelled the same in every section that retries (``jobshift.utils.retry``).

``max_attempts`` (tries in all), ``backoff_base_seconds`` (the wait after the first failure, doubling)
and ``backoff_max_seconds`` (the longest wait). The former spellings (:data:`RETRY_RENAMED`) are still
read, with a :class:`~jobshift.errors.DeprecatedSettingWarning`, so existing ``jobshift.toml`` files load.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar

from pydantic import model_validator

from jobshift.config.base import Section
from jobshift.errors import DeprecatedSettingWarning

RETRY_RENAMED = {
    "retry_attempts": "max_attempts",
    "retry_backoff_seconds": "backoff_base_seconds",
    "retry_base_seconds": "backoff_base_seconds",
    "retry_backoff_max_seconds": "backoff_max_seconds",
    "retry_max_seconds": "backoff_max_seconds",
}
"""Former spellings of the retry settings (still read, with a warning) -> the one spelling."""


class RetrySettings(Section):
    """Base of a section that retries: reads the former spellings of its retry keys with a warning.

    Each subclass declares ``max_attempts``, ``backoff_base_seconds`` and ``backoff_max_seconds`` with its
    own defaults and descriptions, and names itself in ``section`` (for the warning).
    """

    section: ClassVar[str] = ""

    @model_validator(mode="before")
    @classmethod
    def _former_spellings(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not RETRY_RENAMED.keys() & data.keys():
            return data
        data = dict(data)
        for old, new in RETRY_RENAMED.items():
            if old in data:
                if new in data:
                    raise ValueError(f"{old} is the former name of {new}: keep only {new}")
                warnings.warn(
                    f"[{cls.section}] {old} is deprecated: write {new} (same meaning)",
                    DeprecatedSettingWarning,
                    stacklevel=2,
                )
                data[new] = data.pop(old)
        return data
