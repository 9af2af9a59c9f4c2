#!/usr/bin/env bash
# Builds StackKit and runs every test target, starting the servers the backend suites need on loopback
# (installing them from Debian's packages when missing) and stopping them afterwards.
#
#   Scripts/test.sh                          # everything
#   Scripts/test.sh --filter StorageRefsTests  # extra arguments go to `swift test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source Scripts/lib/services.sh

# Servers the suites need; each name has a start_<name> function in Scripts/lib/services.sh.
SERVICES=(postgres redis)

# The SQLite C API module (CSQLite) needs the system header.
[ -f /usr/include/sqlite3.h ] || apt_install libsqlite3-dev

trap stop_services EXIT
for service in "${SERVICES[@]}"; do "start_$service"; done

swift build --build-tests
swift test --skip-build --disable-xctest "$@"
