"""``kill -9`` of ``jobshift push`` while its Bulk API 2.0 job runs: the next push finishes the work and
every lead exists exactly once (creates are upserts by the idempotency key), with one audit entry each."""

from __future__ import annotations

import json
import os
import signal as sig
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fakes.salesforce import FakeSalesforce
from fakes.salesforce_setup import ENV, ORG_EXTERNAL_IDS, ORG_FIELDS
from jobshift.cli.main import main
from jobshift.services.workspace import Workspace
from jobshift.store.schema import audit_log, outbox, signals
from program_data import add_signals, signal

N = 300


def test_kill_9_during_a_bulk_job_resumes_exactly_once(
    workspace_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    with FakeSalesforce(
        tmp_path, custom_fields=ORG_FIELDS, external_ids=ORG_EXTERNAL_IDS, bulk_in_progress_polls=10**9
    ) as fake:
        (workspace_env / "jobshift.toml").write_text(
            f"""
[push]
crm = "salesforce"
batch_size = 1000
[salesforce]
login_url = "{fake.url}"
username = "integration@example.com"
client_id = "test-client"
ca_bundle = "{fake.cert}"
bulk_threshold = 50
bulk_poll_seconds = 0.05
dedupe_in_org = false
""",
            encoding="utf-8",
        )
        ws = Workspace.open(workspace_env)
        add_signals(
            ws.store,
            [
                signal(f"s-{i}", type="new_hire", contact_id=None, past_account_id=None, email=None,
                       person_key=f"li:q-{i}", linkedin_url=f"linkedin.com/in/q-{i}", full_name=f"Q L{i}")
                for i in range(N)
            ],
        )  # fmt: skip
        ws.close()
        env = {**os.environ, "JOBSHIFT_WORKSPACE": str(workspace_env)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "jobshift.cli.main", "push"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the job was uploaded and closed: the server works on it
            if any(j["state"] in ("UploadComplete", "InProgress") for j in list(fake.jobs.values())):
                break
            time.sleep(0.02)
        else:
            proc.kill()
            pytest.fail(f"the push never closed its bulk job: {proc.communicate()[1][-2000:]!r}")
        os.kill(proc.pid, sig.SIGKILL)
        proc.wait(timeout=10)
        assert fake.records("Lead") == []  # killed before the org processed anything
        fake.bulk_in_progress_polls = 1
        capsys.readouterr()
        assert main(["-w", str(workspace_env), "push", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["applied"]["created"] == N and out["applied"]["failed"] == 0
        keys = Counter(r["Jobshift_Key__c"] for r in fake.records("Lead"))
        assert len(keys) == N and set(keys.values()) == {1}  # the orphaned job and the new one: once each
        assert len(fake.jobs) == 2
        ws = Workspace.open(workspace_env)
        with ws.store.connect() as conn:
            statuses = Counter(r for (r,) in conn.execute(select(outbox.c.status)))
            audited = conn.execute(select(func.count()).select_from(audit_log)).scalar_one()
            lead_ids = {r for (r,) in conn.execute(select(signals.c.lead_id))}
        ws.close()
        assert statuses == {"applied": N} and audited == N
        assert lead_ids == {r["Id"] for r in fake.records("Lead")}
