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
SERVICES=(postgres postgres_fault redis llama)

# The SQLite C API module (CSQLite) needs the system header; MemoryPDF needs poppler's GLib API (CPoppler).
[ -f /usr/include/sqlite3.h ] || apt_install libsqlite3-dev
pkg-config --exists poppler-glib 2>/dev/null || apt_install libpoppler-glib-dev pkg-config

trap stop_services EXIT
for service in "${SERVICES[@]}"; do "start_$service"; done

swift build --build-tests
COMPUTE_SUITES='LocalEmbeddingsTests|StackKitTests'
log="$STACKKIT_TEST_STATE/swift-test.log"
status=0
if [ "$#" -gt 0 ]; then
  swift test --skip-build --disable-xctest "$@" 2>&1 | tee "$log" || status=$?
else
  # Two runs: the local-embedding suites keep both cores busy for half a minute (their C kernels are unoptimised in
  # debug builds), which starves the timing-bounded suites (write deadlines, Redis expiry) running beside them.
  swift test --skip-build --disable-xctest --skip "$COMPUTE_SUITES" 2>&1 | tee "$log" || status=$?
  swift test --skip-build --disable-xctest --filter "$COMPUTE_SUITES" 2>&1 | tee -a "$log" || status=$?
fi

# One line per backend: how many conformance cases ran against it and whether they passed.
echo
echo "Conformance suites by backend:"
grep -E 'Test "[a-z -]+ conformance" ' "$log" | grep -E 'passed|failed|skipped' \
  | sed -E 's/^.*Test "([a-z -]+) conformance"( with ([0-9]+) test cases?)? (passed|failed|skipped).*$/  \1: \3 cases \4/' \
  || echo "  (none ran)"
# End with the test runner's own closing line.
echo
grep -E 'Test run with [0-9]+ tests?' "$log" | awk '!seen[$0]++' || true
exit "$status"
