#!/usr/bin/env bash
# The whole test suite, as CI runs it: install, lint, type-check, then pytest in real headless Chromium.
# pytest exits 5 when it collects no test; with `set -e` that fails the run instead of passing silently.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check rpa flows tests benchmarks
.venv/bin/ruff format --check rpa flows tests benchmarks
.venv/bin/mypy
source scripts/ci-postgres.sh  # a fresh PostgreSQL database for the ledger's and the workers' tests
# Two workers: the chaos soak (tests/chaos, mostly waiting on back-offs and kills) runs beside the rest.
status=0
.venv/bin/python -m pytest -n 2 "$@" || status=$?
exit $status  # the EXIT trap drops the run's database
