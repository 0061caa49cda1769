#!/usr/bin/env bash
# Create .venv and install jobshift (with the dev and distributed extras when given "dev"). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install -q -e '.[dev,distributed]'
else
  .venv/bin/python -m pip install -q -e .
fi
