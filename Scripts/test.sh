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
# The KV and SQL backends add theirs here: SERVICES=(postgres redis)
SERVICES=()

trap stop_services EXIT
for service in "${SERVICES[@]}"; do "start_$service"; done

swift build --build-tests
swift test --skip-build --disable-xctest "$@"
