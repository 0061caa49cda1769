#!/usr/bin/env bash
# Set up jobshift and run the one-command tour: a demo workspace on SQLite with generated data,
# detection, and the web UI on http://127.0.0.1:8000 (Ctrl-C to stop).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jobshift demo "$@"
