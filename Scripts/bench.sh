#!/usr/bin/env bash
# Runs StackKit's benchmarks with PostgreSQL and Redis on loopback (started by Scripts/lib/services.sh, installing
# them from Debian's packages when missing, and stopped afterwards).
#
#   Scripts/bench.sh --json                          # every key-value backend, JSON lines on stdout
#   Scripts/bench.sh --backend sqlite --scale 0.1    # extra arguments go to `stackkit-bench kv`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source Scripts/lib/services.sh

# The SQLite C API module (CSQLite) needs the system header; redis-benchmark ships with redis-server's redis-tools.
[ -f /usr/include/sqlite3.h ] || apt_install libsqlite3-dev

trap stop_services EXIT
start_postgres
start_redis

# Build first, with its progress on stderr, so that stdout carries only the benchmark's results.
swift build -c release --product stackkit-bench >&2
swift run -c release --skip-build stackkit-bench kv "$@"
