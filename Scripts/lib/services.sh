# Test servers on loopback for StackKit's backend suites. Sourced by Scripts/test.sh.
#
# Each start_<name> function installs the server from Debian's packages when it is missing, starts a private
# instance (its own data directory under $STACKKIT_TEST_STATE, its own port), waits until it answers, exports
# the variable the test suites read, and registers itself with stop_services. Nothing touches a system-wide
# cluster or service.
#
#   start_postgres  -> STACKKIT_TEST_POSTGRES_URL=postgres://stackkit:stackkit@127.0.0.1:$port/stackkit_test
#   start_redis     -> STACKKIT_TEST_REDIS_URL=redis://default:stackkit@127.0.0.1:$port/0

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

# Stops every server started above (in reverse order) and removes their data.
stop_services() {
  local i
  for (( i=${#STACKKIT_STOP_ACTIONS[@]}-1; i>=0; i-- )); do
    eval "${STACKKIT_STOP_ACTIONS[$i]}" >/dev/null 2>&1 || true
  done
  STACKKIT_STOP_ACTIONS=()
  rm -rf "$STACKKIT_TEST_STATE"
}
