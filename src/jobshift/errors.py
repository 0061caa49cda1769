"""The one exception tree of jobshift, grouped by what the caller does next.

``JobshiftError`` is the root; below it three groups:

- :class:`TransientError` — **retry**: the same call may work later (network errors, 5xx, 429 rate
  limits, a busy lock). ``retry_after`` says how long to wait when the other side said so.
  :mod:`jobshift.utils.retry` retries these; a run that still fails stops with exit 1 and resumes later.
  Members: ``RetryableError`` (a remote system) and ``PausedError``, ``StoreBusyError``, ``RunLockedError``.
- :class:`SkipError` — **skip the record**: one input record is bad. :class:`InputError` carries the
  record (its raw text) and where it is (source, line(s), column) and why (reason); the record is
  quarantined and the run goes on. CSV import, people ingest, the Salesforce pull, the quarantine store
  and the reports all use this one shape.
- :class:`StopError` — **stop**: retrying changes nothing. ``ConfigError`` and ``UsageError`` (with the
  request errors ``NotFoundError``, ``ForbiddenError``, ``ConflictError``, ``InvalidValueError``) exit 2;
  ``InputFileError``, ``StoreError``, ``FatalError`` (a permanent API refusal) and ``AuthError`` (bad
  credentials) exit 1.

``ConnectorError`` marks a failure of a remote system (CRM, people-data API, Slack, SMTP) whichever
group it is in. The web answers each group with one status (``jobshift.web.errors``).
"""

from __future__ import annotations

from typing import Any


class JobshiftError(Exception):
    """Base class of every error jobshift raises on purpose."""

    exit_code = 1


class DeprecatedSettingWarning(FutureWarning):
    """A setting is spelled the former way (still read); the message names the new spelling."""


# -- the three groups --------------------------------------------------------------------------------


class TransientError(JobshiftError):
    """Retry later: a transient failure (network, 5xx, 429, a busy lock); ``retry_after`` in seconds when
    the other side said how long to wait."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class SkipError(JobshiftError):
    """Skip the record: it is bad, the rest of the input is not (see :class:`InputError`)."""


class StopError(JobshiftError):
    """Stop: retrying will not help (configuration, usage, credentials, a permanent refusal)."""


# -- stop ----------------------------------------------------------------------------------------------


class ConfigError(StopError):
    """The configuration (``jobshift.toml`` or ``JOBSHIFT_*``) is invalid; names the key path."""

    exit_code = 2

    def __init__(self, message: str, key_path: str | None = None) -> None:
        self.key_path = key_path
        super().__init__(f"{key_path}: {message}" if key_path else message)


class UsageError(StopError):
    """A command or request was made wrongly (unknown object, missing option); the web answers 400."""

    exit_code = 2


class NotFoundError(UsageError):
    """A named object does not exist (or is outside the caller's scope); the web answers 404."""


class ForbiddenError(UsageError):
    """The caller may not do this (role, CSRF token); the web answers 403."""


class ConflictError(UsageError):
    """The request conflicts with the current state (e.g. removing the last admin); the web answers 409."""


class InvalidValueError(UsageError):
    """A value given by the caller is invalid (a date, a number, a choice); the web answers 422."""


class InputFileError(StopError):
    """A whole input file cannot be read; nothing from it is imported."""


class StoreError(StopError):
    """The database cannot be opened, migrated or used."""


# -- remote systems ------------------------------------------------------------------------------------


class ConnectorError(JobshiftError):
    """A remote system (CRM, people-data API, Slack, SMTP) failed: see ``RetryableError`` / ``FatalError``."""


class RetryableError(ConnectorError, TransientError):
    """A transient failure of a remote system: retry later (429, 503, timeouts, dropped connections)."""


class FatalError(ConnectorError, StopError):
    """A permanent failure of a remote system: stop and tell the admin (invalid field, refused call)."""


class AuthError(FatalError):
    """A remote system refused the credentials (bad token, password, API key, no credits)."""


class PausedError(RetryableError):
    """Work held back on purpose (e.g. the CRM's API usage is near its daily limit): not a failure; the
    run is recorded ``paused`` and the next run resumes."""


# -- retry: the store ----------------------------------------------------------------------------------

BUSY_MESSAGE = "the workspace database is busy: another jobshift command is writing; try again"


class StoreBusyError(TransientError):
    """Another process held the SQLite write lock for longer than ``[store] busy_timeout_seconds``."""

    def __init__(self, waited_seconds: float | None = None) -> None:
        self.waited_seconds = waited_seconds
        hint = (
            f" (waited {waited_seconds:g} s; [store] busy_timeout_seconds)"
            if waited_seconds is not None
            else ""
        )
        super().__init__(BUSY_MESSAGE + hint)


# -- skip: one bad input record ------------------------------------------------------------------------

_FIELDS = ("reason", "column", "source", "line", "end_line", "raw")


class InputError(SkipError):
    """One bad input record, the one shape of a quarantined row: ``reason`` (why), ``column`` (which
    field, if one), ``source`` (the file or object it came from), ``line`` (its first physical line or row
    number) and ``end_line`` (its last one when it spans several, else ``None``), and ``raw``: the whole
    record as read (CSV text in the file's delimiter, a JSONL line, a CRM record's id).

    Raised where a record is checked, or built and collected where a reader goes on; values compare
    equal field by field, and pickle (rows cross process boundaries).
    """

    def __init__(
        self,
        reason: str,
        *,
        column: str | None = None,
        source: str | None = None,
        line: int | None = None,
        end_line: int | None = None,
        raw: str | None = None,
    ) -> None:
        self.reason = reason
        self.column = column
        self.source = source
        self.line = line
        self.end_line = end_line
        self.raw = raw
        super().__init__(reason)

    def __str__(self) -> str:
        return f"{self.column}: {self.reason}" if self.column else self.reason

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={getattr(self, k)!r}" for k in _FIELDS if getattr(self, k) is not None)
        return f"{type(self).__name__}({shown})"

    def _key(self) -> tuple[Any, ...]:
        return (self.reason, self.column, self.source, self.line, self.end_line, self.raw)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, InputError)
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_input_error, (type(self), *self._key()))

    def at(self, source: str | None = None, line: int | None = None, raw: str | None = None) -> InputError:
        """This record with where it is (and its raw text) filled in, for a check that did not know them."""
        return type(self)(
            self.reason,
            column=self.column,
            source=self.source if source is None else source,
            line=self.line if line is None else line,
            end_line=self.end_line,
            raw=self.raw if raw is None else raw,
        )

    def report(self) -> dict[str, Any]:
        """Where and why, for summaries: ``{"line", "column", "reason"}``."""
        return {"line": self.line, "column": self.column, "reason": self.reason}


def _input_error(
    cls: type[InputError],
    reason: str,
    column: str | None,
    source: str | None,
    line: int | None,
    end_line: int | None,
    raw: str | None,
) -> InputError:
    return cls(reason, column=column, source=source, line=line, end_line=end_line, raw=raw)
