"""Peak memory of `jobshift serve` under N parallel failed sign-ins (argon2 uses 64 MiB per hash).

Starts a real server on a fresh SQLite workspace with one user, sends N sign-ins with wrong passwords
at once, and reads the server's resident memory before and its peak (VmHWM) after from /proc (Linux).
Usage: .venv/bin/python benchmarks/bench_login_memory.py [--src src] [--n 20] [--port 8765]
       (lockout thresholds raised through JOBSHIFT_WEB__* so that every attempt is hashed)
Writes benchmarks/out/bench_login_memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def _mib(pid: int) -> tuple[int, int]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=str(ROOT / "src"))
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--port", type=int, default=8765)
    args = ap.parse_args()
    env = {
        **os.environ,
        "PYTHONPATH": args.src,
        "JOBSHIFT_PASSWORD": "right-password-1",
        "JOBSHIFT_WEB__LOGIN_MAX_FAILURES": "1000",
        "JOBSHIFT_WEB__LOGIN_IP_MAX_FAILURES": "1000",
    }
    env.pop("JOBSHIFT_DATABASE_URL", None)
    ws = tempfile.mkdtemp(prefix="bench-login-")
    cli = [sys.executable, "-m", "jobshift.cli.main", "-w", ws]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "user", "add", "alice", "--role", "admin"], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(args.port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(150):
            try:
                httpx.get(base + "/healthz")
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        with httpx.Client(base_url=base) as client:
            token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
            cookies = dict(client.cookies)
        before, _ = _mib(server.pid)
        statuses: list[int] = []

        def attempt(i: int) -> None:
            r = httpx.post(
                base + "/login",
                cookies=cookies,
                data={"username": "alice", "password": f"wrong-{i}-password", "login_token": token},
                timeout=300,
            )
            statuses.append(r.status_code)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(args.n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - t0
        after, peak = _mib(server.pid)
    finally:
        server.terminate()
        server.wait()
    result = {
        "src": args.src,
        "parallel_sign_ins": args.n,
        "rss_before_mib": before,
        "peak_rss_mib": peak,
        "rss_after_mib": after,
        "seconds": round(seconds, 2),
        "statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench_login_memory.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
