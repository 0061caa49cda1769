"""The error vocabulary (errors.py): three groups by what the caller does next, one bad-row shape."""

from __future__ import annotations

import pickle

import pytest

from jobshift import errors as E
from jobshift.connectors.crm.hubspot.client import HubSpotHttpError
from jobshift.connectors.people.pdl import PdlUnavailable
from jobshift.notify.slack import RateLimited, UnknownOutcome
from jobshift.store.run_lock import RunLockedError

RETRY = (E.RetryableError, E.PausedError, E.StoreBusyError, RunLockedError, RateLimited, UnknownOutcome)
SKIP = (E.InputError,)
STOP = (
    E.ConfigError,
    E.UsageError,
    E.NotFoundError,
    E.ForbiddenError,
    E.ConflictError,
    E.InvalidValueError,
    E.InputFileError,
    E.StoreError,
    E.FatalError,
    E.AuthError,
    HubSpotHttpError,
)
GROUPS = (E.TransientError, E.SkipError, E.StopError)


@pytest.mark.parametrize(
    ("classes", "group"), [(RETRY, E.TransientError), (SKIP, E.SkipError), (STOP, E.StopError)]
)
def test_every_error_is_in_exactly_one_group(classes: tuple[type[Exception], ...], group: type) -> None:
    for cls in classes:
        assert issubclass(cls, group), cls
        assert [g for g in GROUPS if issubclass(cls, g)] == [group], cls
    assert issubclass(PdlUnavailable, E.TransientError)


def test_exit_codes_are_unchanged() -> None:
    two = (E.ConfigError("x"), E.UsageError("x"), E.NotFoundError("x"), E.ConflictError("x"))
    assert {e.exit_code for e in two} == {2}
    one = (
        E.InputFileError("x"),
        E.StoreError("x"),
        E.FatalError("x"),
        E.RetryableError("x"),
        E.StoreBusyError(),
    )
    assert {e.exit_code for e in one} == {1}
    assert issubclass(E.RetryableError, E.ConnectorError) and issubclass(E.FatalError, E.ConnectorError)


def test_transient_errors_carry_retry_after() -> None:
    assert E.RetryableError("429", retry_after=3.0).retry_after == 3.0
    assert E.PausedError("near the limit", retry_after=3600).retry_after == 3600
    assert E.StoreBusyError(2.0).retry_after is None and "busy" in str(E.StoreBusyError(2.0))


def test_the_bad_row_shape() -> None:
    row = E.InputError("not an email", column="email", source="contacts.csv", line=9, raw="c-10,x,bad@")
    assert str(row) == "email: not an email" and row.reason == "not an email"
    assert row == E.InputError(
        "not an email", column="email", source="contacts.csv", line=9, raw="c-10,x,bad@"
    )
    assert row != row.at(line=10) and hash(row) == hash(pickle.loads(pickle.dumps(row)))
    assert pickle.loads(pickle.dumps(row)) == row
    assert row.report() == {"line": 9, "column": "email", "reason": "not an email"}
    moved = E.InputError("invalid JSON", raw="{").at("feed.jsonl", 3)
    assert (moved.source, moved.line, moved.raw, moved.column, moved.end_line) == (
        "feed.jsonl",
        3,
        "{",
        None,
        None,
    )
    assert "source='feed.jsonl'" in repr(moved)
    with pytest.raises(E.SkipError):
        raise row
