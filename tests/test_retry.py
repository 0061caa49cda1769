"""The one retry policy (utils/retry.py) and the one spelling of its settings (config.RetrySettings).

Deterministic: the sleep and the random source are injected; no test waits.
"""

from __future__ import annotations

import tomllib
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jobshift.config import DEFAULT_CONFIG_TOML, RETRY_RENAMED, load_config, parse_config
from jobshift.errors import (
    ConfigError,
    DeprecatedSettingWarning,
    FatalError,
    RetryableError,
    TransientError,
)
from jobshift.utils.retry import RetryPolicy, parse_retry_after, retry_call

POLICY = RetryPolicy(max_attempts=5, backoff_base_seconds=1.0, backoff_max_seconds=5.0)


class Flaky:
    """Fails ``failures`` times with ``error``, then answers ``"ok"``; records the attempt numbers."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.attempts = failures, error, []  # type: ignore[var-annotated]

    def __call__(self, attempt: int) -> str:
        self.attempts.append(attempt)
        if len(self.attempts) <= self.failures:
            raise self.error
        return "ok"


def test_backoff_doubles_up_to_the_cap_and_the_jitter_stays_in_its_band() -> None:
    top = [POLICY.backoff(n, rand=lambda: 1.0) for n in range(1, 7)]
    bottom = [POLICY.backoff(n, rand=lambda: 0.0) for n in range(1, 7)]
    assert top == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]  # rand → 1: the whole wait
    assert bottom == [0.5, 1.0, 2.0, 2.5, 2.5, 2.5]  # rand → 0: half of it (jitter 0.5)
    assert POLICY.backoff(3, rand=lambda: 0.5) == 3.0
    calm = RetryPolicy(5, 60.0, 3600.0, jitter=0.0)
    assert [calm.backoff(n, rand=lambda: 0.0) for n in (1, 2, 7, 8)] == [60.0, 120.0, 3600.0, 3600.0]


def test_retry_after_wins_over_the_backoff_within_its_cap() -> None:
    assert POLICY.delay(1, retry_after=7.0, rand=lambda: 0.0) == 7.0
    assert POLICY.delay(4, retry_after=-3.0) == 0.0
    capped = RetryPolicy(5, 1.0, 5.0, max_retry_after_seconds=10.0)
    assert capped.delay(1, retry_after=300.0) == 10.0
    assert capped.delay(2, retry_after=None, rand=lambda: 1.0) == 2.0


def test_gives_up_after_max_attempts() -> None:
    assert [POLICY.gives_up(n) for n in (1, 4, 5, 6)] == [False, False, True, True]


def test_retry_call_retries_transient_failures_with_the_policys_waits() -> None:
    sleeps: list[float] = []
    seen: list[tuple[int, float]] = []
    flaky = Flaky(3, RetryableError("503"))
    out = retry_call(
        flaky, POLICY, sleep=sleeps.append, rand=lambda: 1.0, on_retry=lambda n, e, w: seen.append((n, w))
    )
    assert out == "ok" and flaky.attempts == [1, 2, 3, 4]
    assert sleeps == [1.0, 2.0, 4.0] and seen == [(1, 1.0), (2, 2.0), (3, 4.0)]


def test_retry_call_honours_retry_after_and_raises_the_last_failure() -> None:
    sleeps: list[float] = []
    err = RetryableError("429", retry_after=3.0)
    flaky = Flaky(10, err)
    with pytest.raises(RetryableError) as info:
        retry_call(flaky, POLICY, sleep=sleeps.append, rand=lambda: 0.0)
    assert info.value is err and flaky.attempts == [1, 2, 3, 4, 5]
    assert sleeps == [3.0] * 4  # the server's wait, not the backoff


def test_retry_call_does_not_retry_a_stop_error_or_other_kinds() -> None:
    sleeps: list[float] = []
    fatal = Flaky(1, FatalError("INVALID_FIELD"))
    with pytest.raises(FatalError):
        retry_call(fatal, POLICY, sleep=sleeps.append)
    only_these = Flaky(1, TransientError("busy"))
    with pytest.raises(TransientError):
        retry_call(only_these, POLICY, sleep=sleeps.append, retry_on=RetryableError)
    assert sleeps == [] and fatal.attempts == [1] and only_these.attempts == [1]


def test_on_retry_may_stop_the_retries() -> None:
    def stop(attempt: int, error: BaseException, wait: float) -> None:
        raise FatalError(f"deferred after {attempt}: {wait:g}s")

    with pytest.raises(FatalError, match="deferred after 1: 9s"):
        flaky = Flaky(3, RetryableError("429", retry_after=9.0))
        retry_call(flaky, POLICY, sleep=lambda s: None, on_retry=stop)


def test_a_seeded_random_source_gives_the_same_waits() -> None:
    import random

    def waits(seed: int) -> list[float]:
        out: list[float] = []
        with pytest.raises(RetryableError):
            rand = random.Random(seed).random
            retry_call(Flaky(9, RetryableError("x")), POLICY, sleep=out.append, rand=rand)
        return out

    assert waits(7) == waits(7) and waits(7) != waits(8)
    assert all(0.5 <= w <= 1.0 for w in waits(7)[:1])


def test_parse_retry_after() -> None:
    now = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0 and parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after("Mon, 02 Mar 2026 12:00:30 GMT", now=lambda: now) == 30.0
    assert parse_retry_after("Mon, 02 Mar 2026 11:00:00 GMT", now=lambda: now) == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None


# -- the settings: one spelling, the former one read with a warning ------------------------------------

SECTIONS = ("salesforce", "hubspot", "pdl", "push", "notifications")


def test_every_retrying_section_has_the_one_spelling() -> None:
    cfg = parse_config({})
    for name in SECTIONS:
        section = getattr(cfg, name)
        policy = RetryPolicy.from_settings(section)
        assert policy.max_attempts >= 1 and policy.backoff_max_seconds >= policy.backoff_base_seconds, name
        assert not set(RETRY_RENAMED) & set(type(section).model_fields), name
    push = cfg.push
    assert (push.max_attempts, push.backoff_base_seconds, push.backoff_max_seconds) == (8, 60, 21600)
    assert (cfg.pdl.max_attempts, cfg.salesforce.max_attempts) == (5, 6)
    assert cfg.notifications.backoff_max_seconds == 3600
    template = tomllib.loads(DEFAULT_CONFIG_TOML)
    for name in SECTIONS:
        assert not set(RETRY_RENAMED) & set(template.get(name, {})), name


@pytest.mark.parametrize(
    ("section", "old", "new", "value"),
    [
        ("salesforce", "retry_attempts", "max_attempts", 3),
        ("hubspot", "retry_backoff_seconds", "backoff_base_seconds", 0.5),
        ("pdl", "retry_backoff_max_seconds", "backoff_max_seconds", 9.0),
        ("push", "retry_base_seconds", "backoff_base_seconds", 30.0),
        ("notifications", "retry_max_seconds", "backoff_max_seconds", 120.0),
    ],
)
def test_the_former_spelling_still_loads_with_a_warning(
    tmp_path: Path, section: str, old: str, new: str, value: float
) -> None:
    (tmp_path / "jobshift.toml").write_text(f"[{section}]\n{old} = {value}\n", encoding="utf-8")
    with pytest.warns(DeprecatedSettingWarning, match=rf"\[{section}\] {old} is deprecated: write {new}"):
        cfg = load_config(tmp_path)
    assert getattr(getattr(cfg, section), new) == value


def test_the_former_spelling_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBSHIFT_PUSH__RETRY_MAX_SECONDS", "77")
    with pytest.warns(DeprecatedSettingWarning, match="retry_max_seconds"):
        cfg = parse_config({})
    assert cfg.push.backoff_max_seconds == 77.0


def test_both_spellings_at_once_is_a_config_error() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ConfigError, match=r"push: .*retry_base_seconds is the former name of backoff"):
            parse_config({"push": {"retry_base_seconds": 1, "backoff_base_seconds": 2}})
        parse_config({"push": {"backoff_base_seconds": 2}})  # the new spelling warns about nothing


def test_the_cli_shows_the_warning_as_one_line(
    workspace_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from jobshift.cli.main import main

    ws = ["-w", str(workspace_env)]
    assert main([*ws, "init"]) == 0
    toml = workspace_env / "jobshift.toml"
    text = toml.read_text(encoding="utf-8").replace("max_attempts = 5\n", "retry_attempts = 2\n")
    toml.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main([*ws, "track"]) == 0
    err = capsys.readouterr().err
    assert "warning: [pdl] retry_attempts is deprecated: write max_attempts" in " ".join(err.split())
