"""The one exception tree of jobshift.

``JobshiftError`` is the root. Command-line exit codes follow the class: ``ConfigError`` (and usage
errors) exit 2, every other ``JobshiftError`` exits 1. ``InputError`` is row-level and skippable: the
row is quarantined and the run goes on.
"""

from __future__ import annotations


class JobshiftError(Exception):
    """Base class of every error jobshift raises on purpose."""

    exit_code = 1


class ConfigError(JobshiftError):
    """The configuration (``jobshift.toml`` or ``JOBSHIFT_*``) is invalid; names the key path."""

    exit_code = 2

    def __init__(self, message: str, key_path: str | None = None) -> None:
        self.key_path = key_path
        super().__init__(f"{key_path}: {message}" if key_path else message)


class UsageError(JobshiftError):
    """A command was called wrongly (unknown object, missing option)."""

    exit_code = 2


class NotFoundError(UsageError):
    """A named object does not exist (or is outside the caller's scope); the web answers 404."""


class InputError(JobshiftError):
    """One input row is bad; it is quarantined with file, line, column and reason."""

    def __init__(self, reason: str, column: str | None = None) -> None:
        self.reason = reason
        self.column = column
        super().__init__(f"{column}: {reason}" if column else reason)


class InputFileError(JobshiftError):
    """A whole input file cannot be read; nothing from it is imported."""


class StoreError(JobshiftError):
    """The database cannot be opened or migrated."""


BUSY_MESSAGE = "the workspace database is busy: another jobshift command is writing; try again"


class StoreBusyError(StoreError):
    """Another process held the SQLite write lock for longer than ``[store] busy_timeout_seconds``."""

    def __init__(self, waited_seconds: float | None = None) -> None:
        self.waited_seconds = waited_seconds
        hint = (
            f" (waited {waited_seconds:g} s; [store] busy_timeout_seconds)"
            if waited_seconds is not None
            else ""
        )
        super().__init__(BUSY_MESSAGE + hint)


class ConnectorError(JobshiftError):
    """A remote system (CRM, people-data API, Slack, SMTP) failed."""


class RetryableError(ConnectorError):
    """A transient failure: retry later (429, 503, timeouts)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class FatalError(ConnectorError):
    """A permanent failure: stop and tell the admin (bad credentials, invalid field)."""


class PausedError(RetryableError):
    """Work held back on purpose (e.g. the CRM's API usage is near its daily limit): not a failure; the
    run is recorded ``paused`` and the next run resumes."""
