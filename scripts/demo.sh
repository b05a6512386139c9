#!/usr/bin/env bash
# Runs the service on http://127.0.0.1:8080 with the embedded SQLite database (./chatroster.db) and a
# demo organisation; the sign-ins are printed on start.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/system-deps.sh
exec cargo run --release -- serve --demo "$@"
