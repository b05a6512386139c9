#!/usr/bin/env bash
# The test suite. Every database test runs on SQLite; with TEST_DATABASE_URL set (as .ci/run does) the
# same tests also run against that PostgreSQL server, each in a database of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
if cargo nextest --version >/dev/null 2>&1; then
    exec cargo nextest run --lib --bins --tests --no-fail-fast "$@"
else
    exec cargo test --lib --bins --tests --no-fail-fast "$@"
fi
