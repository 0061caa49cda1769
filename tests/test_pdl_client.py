"""The PDL Person Enrichment client (real httpx) against the local fake PDL server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from fakes.pdl import FakePdl
from jobshift.config import PdlSection
from jobshift.connectors.people.pdl import PdlClient, PersonLookup
from jobshift.errors import ConfigError, FatalError, RetryableError

KEY = {"JOBSHIFT_PDL_API_KEY": "pdl-test-key"}
JANE = {
    "id": "p-1",
    "full_name": "jane doe",
    "linkedin_url": "linkedin.com/in/jane-doe",
    "work_email": "jane@newco.com",
    "job_company_name": "NewCo",
    "experience": [{"company": {"name": "OldCo"}, "title": {"name": "VP"}, "start_date": "2019"}],
    "likelihood": 8,
}
LOW = {"id": "p-2", "full_name": "al low", "work_email": "al@x.com", "likelihood": 3}


def _settings(fake: FakePdl, **kw: object) -> PdlSection:
    values: dict[str, object] = {
        "base_url": fake.url,
        "rate_per_minute": 60_000,
        "backoff_base_seconds": 0.001,
        "backoff_max_seconds": 0.01,
    }
    return PdlSection(**(values | kw))  # type: ignore[arg-type]


@pytest.fixture
def fake() -> Iterator[FakePdl]:
    with FakePdl([JANE, LOW]) as f:
        yield f


def test_matches_by_profile_email_and_name_company(fake: FakePdl) -> None:
    with PdlClient(_settings(fake), env=KEY) as client:
        day = date(2026, 11, 17)
        by_li = client.enrich(
            PersonLookup(linkedin_url="https://www.linkedin.com/in/jane-doe/"), observed_at=day
        )
        assert by_li.status == "matched" and by_li.profile is not None and by_li.likelihood == 8
        assert by_li.profile["observed_at"] == "2026-11-17" and by_li.profile["id"] == "p-1"
        assert client.enrich(PersonLookup(email="JANE@newco.com"), observed_at=day).status == "matched"
        by_name = client.enrich(PersonLookup(name="Jane Doe", company="OldCo"), observed_at=day)
        assert by_name.status == "matched"
        assert client.enrich(PersonLookup(email="nobody@x.com"), observed_at=day).status == "no_match"
        # below min_likelihood (6 by default): no match, not billed
        assert client.enrich(PersonLookup(email="al@x.com"), observed_at=day).status == "no_match"
        assert client.stats.matched == 3 and client.stats.no_match == 2 and fake.billed["p-2"] == 0
    with pytest.raises(ValueError):
        PersonLookup(name="Only Name").params()


def test_api_key_only_from_the_environment(fake: FakePdl) -> None:
    with pytest.raises(ConfigError, match="JOBSHIFT_PDL_API_KEY"):
        PdlClient(_settings(fake), env={})
    bad = PdlClient(_settings(fake), env={"JOBSHIFT_PDL_API_KEY": "wrong"})
    with bad, pytest.raises(FatalError, match="401"):
        bad.enrich(PersonLookup(email="jane@newco.com"), observed_at=date.today())


def test_429_retry_after_is_honoured() -> None:
    with FakePdl([JANE], share_429=0.5, retry_after="2", seed=1) as fake:
        waits: list[float] = []
        with PdlClient(_settings(fake, max_attempts=20), env=KEY, sleep=waits.append) as client:
            for _ in range(10):
                assert (
                    client.enrich(PersonLookup(email="jane@newco.com"), observed_at=date.today()).status
                    == "matched"
                )
        assert fake.calls["429"] > 0 and client.stats.rate_limited == fake.calls["429"]
        assert waits.count(2.0) == fake.calls["429"]  # exactly the server's Retry-After, each time


def test_5xx_backoff_is_bounded_then_retryable() -> None:
    with FakePdl([JANE], share_503=1.0) as fake:
        waits: list[float] = []
        settings = _settings(fake, max_attempts=4, backoff_base_seconds=1.0, backoff_max_seconds=2.0)
        client = PdlClient(settings, env=KEY, sleep=waits.append)
        with client, pytest.raises(RetryableError, match="503"):
            client.enrich(PersonLookup(email="jane@newco.com"), observed_at=date.today())
        assert fake.calls["503"] == 4 and len(waits) == 3
        assert (
            0.5 <= waits[0] <= 1.0 and 1.0 <= waits[1] <= 2.0 and 1.0 <= waits[2] <= 2.0
        )  # capped, jittered


def test_rate_limit_spaces_requests() -> None:
    clock = [0.0]
    waits: list[float] = []

    def sleep(s: float) -> None:
        waits.append(s)
        clock[0] += s

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Api-Key"] == "k" and request.url.params["min_likelihood"] == "6"
        return httpx.Response(404, json={"status": 404})

    settings = PdlSection(rate_per_minute=120)
    transport = httpx.MockTransport(handler)
    with PdlClient(settings, api_key="k", transport=transport, sleep=sleep, clock=lambda: clock[0]) as client:
        for _ in range(3):
            client.enrich(PersonLookup(email="a@b.com"), observed_at=date.today())
    assert waits == [0.5, 0.5]
