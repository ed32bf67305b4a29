#!/usr/bin/env bash
# Sourced by scripts/test.sh: a PostgreSQL server on 127.0.0.1:5432 (started, or installed from Debian's
# packages, when missing) and a fresh database for this run, dropped when the run ends. Exports
# RPA_TEST_POSTGRES_URL, and RPA_REQUIRE_POSTGRES=1 so that the PostgreSQL tests fail, never skip.
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! command -v pg_isready >/dev/null || ! pg_up; then
    if ! command -v pg_ctlcluster >/dev/null; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql
    fi
    version=$(ls /etc/postgresql | sort -V | tail -1)
    conf=/etc/postgresql/$version/main
    # Trust on loopback, as on the project's machines: the tests connect as postgres without a password.
    grep -q "^host all all 127.0.0.1/32 trust" "$conf/pg_hba.conf" ||
        sed -i '1i host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 30); do pg_up && break; sleep 1; done
fi
RPA_CI_DATABASE="rpa_ci_$(date +%s)_$$"
.venv/bin/python - "$RPA_CI_DATABASE" <<'PY'
import sys, psycopg
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
    db.execute(f'CREATE DATABASE "{sys.argv[1]}"')
PY
export RPA_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$RPA_CI_DATABASE"
export RPA_REQUIRE_POSTGRES=1
drop_ci_database() {
    .venv/bin/python - "$RPA_CI_DATABASE" <<'PY' || true
import sys, psycopg
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
    db.execute(f'DROP DATABASE IF EXISTS "{sys.argv[1]}" WITH (FORCE)')
PY
}
trap drop_ci_database EXIT
echo "PostgreSQL for this run: $RPA_TEST_POSTGRES_URL" >&2
