#!/usr/bin/env bash
# Set up everything the tests need, then run lint, types and the test suite (SQLite and PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# Debian's Chromium for the browser tests (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
echo "== ruff"
.venv/bin/ruff check src tests benchmarks scripts
.venv/bin/ruff format --check src tests benchmarks scripts
echo "== mypy"
.venv/bin/mypy
echo "== pytest (SQLite and PostgreSQL at ${JOBSHIFT_TEST_PG_URL:-127.0.0.1:5432})"
export JOBSHIFT_REQUIRE_PG=1
.venv/bin/pytest -q -n 2 --dist loadfile --timeout 900 --durations 15 "$@"
