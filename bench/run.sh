#!/usr/bin/env bash
# `make bench` (issue #4): spotauth's speed and memory, as ratios to nginx measured in the same run.
# Usage: bench/run.sh BUILD_DIR      (BUILD_DIR holds spotauth and spotauth_bench)
#
# Everything runs on 127.0.0.1: nginx as the ceiling (a small static page) and as a fast
# Spotify upstream (static JSON), and spotauth with the memory, SQLite and Redis stores (Redis
# also with one and two instances behind an nginx balancer). Load comes from
# wrk (keep-alive, 64 connections, 2 threads) in short interleaved rounds (ceiling, spotauth,
# ceiling, ...); the table shows medians. Writes bench/results/latest.md and prints it.
# A second table (issue #13) compares at equal resources: one nginx process answering from
# memory (bench/nginx-strict.conf.in) against spotauth with one event loop, one wrk thread;
# it also counts allocations per request (bench/alloc_counter.c, LD_PRELOAD) and, given an
# older build, runs it in the same rounds as the current one.
#
# Knobs (environment): BENCH_ROUND_SECONDS (5), BENCH_ROUNDS (3), BENCH_FILL_SECONDS (60, the
# longest a session fill may run), BENCH_FLOOD (100000 /login requests), BENCH_OUT (the .md file),
# BENCH_BASELINE (an older spotauth binary to compare with; none by default),
# BENCH_ALLOC_COUNTER (libspotauth_alloc_counter.so; default: the one in BUILD_DIR).
set -euo pipefail

build_dir=${1:?usage: bench/run.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build_dir=$(cd "$build_dir" && pwd)
spotauth=$build_dir/spotauth
micro=$build_dir/bench/spotauth_bench
[ -x "$micro" ] || micro=$build_dir/spotauth_bench
round_s=${BENCH_ROUND_SECONDS:-5}
rounds=${BENCH_ROUNDS:-3}
fill_s=${BENCH_FILL_SECONDS:-60}
flood_n=${BENCH_FLOOD:-100000}
out=${BENCH_OUT:-$repo/bench/results/latest.md}
connections=64
wrk_threads=2  # WRK_THREADS, when set, overrides it for one wrk_once (the equal-resource rounds)
baseline=${BENCH_BASELINE:-}
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "bench: BENCH_BASELINE=$baseline is not an executable" >&2; exit 2; }
alloc_lib=${BENCH_ALLOC_COUNTER:-$build_dir/bench/libspotauth_alloc_counter.so}
[ -f "$alloc_lib" ] || alloc_lib=$build_dir/libspotauth_alloc_counter.so
[ -f "$alloc_lib" ] || alloc_lib=""
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in wrk nginx curl redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh bench)" >&2; exit 2; }
done
[ -x "$spotauth" ] || { echo "bench: no $spotauth; build first" >&2; exit 2; }
nginx_bin=$(command -v nginx)

tmp=$(mktemp -d /tmp/spotauth-bench.XXXXXX)
chmod 755 "$tmp"  # nginx workers may run as another user when started by root
mkdir -p "$tmp/res" "$tmp/raw"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

# --- small helpers -----------------------------------------------------------------------------

used_ports=" "
# Below the ephemeral range, so that no outgoing connection holds the port we pick.
ephemeral_low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
((ephemeral_low > 12000)) || ephemeral_low=32768
# Sets PORT to a loopback port nobody listens on (and that this run has not handed out).
free_port() {
  local p
  while :; do
    p=$((10000 + RANDOM % (ephemeral_low - 10000)))
    [[ $used_ports == *" $p "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports+="$p "
      PORT=$p
      return
    fi
  done
}

# Polls until 127.0.0.1:port accepts (at most 10 s) or the process dies. Connects from this
# shell, not a subshell: a fork costs milliseconds on a loaded machine, a refused connect ~0.1 ms.
wait_listening() {
  local port=$1 pid=$2 deadline=$((SECONDS + 10))
  until { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
  done
  exec 3>&-
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
median() { sort -g | awk '{v[NR] = $1} END {if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
# field FILE KEY: the KEY=value of every BENCH line in FILE, one per line.
field() { sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" "$1"; }
med() { field "$tmp/res/$1" "$2" | median; }
fmt() { awk -v v="$1" -v d="${2:-1}" 'BEGIN {if (v == "nan" || v == "") print "n/a"; else printf "%.*f", d, v}'; }

# CPU time (user + system, all threads) of the given processes, in clock ticks.
cpu_ticks() {
  local p t=0
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$t"
}
# The processes whose CPU a round of LABEL is charged with: nginx's workers for the ceiling,
# the spotauth server otherwise.
# CPU_PIDS, when set, names them instead (instances and their balancer).
cpu_pids_for() {
  if [[ $1 == ceiling-* ]]; then
    pgrep -P "$nginx_pid" | tr '\n' ' '
  elif [[ $1 == proxyref-* ]]; then
    pgrep -P "$proxyref_pid" | tr '\n' ' '
  elif [[ $1 == strict-* ]]; then
    echo "$strict_pid"  # one process, no master
  else
    echo "${CPU_PIDS:-$SRV_PID}"
  fi
}

# wrk_once LABEL URL SCRIPT [wrk args...]: one round; appends its BENCH line to res/LABEL,
# with cpu_ms: the CPU time the server under test used during the round.
wrk_once() {
  local label=$1 url=$2 script=$3
  shift 3
  local raw="$tmp/raw/$label" cpu_pids c0 c1
  read -r -a cpu_pids <<<"$(cpu_pids_for "$label")"
  c0=$(cpu_ticks "${cpu_pids[@]}")
  wrk -t"${WRK_THREADS:-$wrk_threads}" -c"$connections" -d"${round_s}s" --latency -s "$here/$script" "$@" "$url" >>"$raw" 2>&1 ||
    die "wrk failed for $label (see below)"$'\n'"$(tail -20 "$raw")"
  c1=$(cpu_ticks "${cpu_pids[@]}")
  local line
  line="$(grep '^BENCH ' "$raw" | tail -1) cpu_ms=$(((c1 - c0) * 1000 / $(getconf CLK_TCK)))"
  echo "$line" >>"$tmp/res/$label"
  log "  $label: ${line#BENCH }"
}

# measure LABEL URL SCRIPT [wrk args...]: interleaved rounds, ceiling first. With BASE_URL (the
# baseline server's URL in place of URL) and BASE_PID set, a round of the baseline (label
# base-LABEL, the same wrk arguments, so no per-server cookie) follows each spotauth round.
measure() {
  local label=$1 url=$2
  shift 2
  log "measuring $label ($rounds rounds of ${round_s} s each, interleaved with the ceiling)"
  for ((r = 1; r <= rounds; r++)); do
    wrk_once "ceiling-$label" "$ceiling_url" wrk_report.lua
    wrk_once "$label" "$url" "$@"
    [ -z "${BASE_URL:-}" ] || CPU_PIDS=$BASE_PID wrk_once "base-$label" "$BASE_URL" "$@"
  done
}

# --- references: nginx -------------------------------------------------------------------------

free_port; ceiling_port=$PORT
free_port; upstream_port=$PORT
mkdir -p "$tmp/nginx/html"
cp "$here/index.html" "$tmp/nginx/html/index.html"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@CEILING_PORT@|$ceiling_port|g" \
  -e "s|@UPSTREAM_PORT@|$upstream_port|g" "$here/nginx.conf.in" >"$tmp/nginx/nginx.conf"
"$nginx_bin" -p "$tmp/nginx/" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
nginx_pid=$!
pids+=("$nginx_pid")
wait_listening "$ceiling_port" "$nginx_pid" && wait_listening "$upstream_port" "$nginx_pid" ||
  die "nginx did not start: $(cat "$tmp/nginx/error.log" 2>/dev/null)"
ceiling_url="http://127.0.0.1:$ceiling_port/"
upstream_url="http://127.0.0.1:$upstream_port"
curl -fsS -X POST -d 'grant_type=authorization_code' "$upstream_url/api/token" | grep -q access_token ||
  die "the fast upstream does not answer the token endpoint"
ceiling_bytes=$(curl -fsS "$ceiling_url" | wc -c)

# --- spotauth ----------------------------------------------------------------------------------

secret=$("$spotauth" gen-secret)
declare -A startup_ms=() listen_ms=()

# start_server NAME STORE CACHE_SECONDS [SETTING=VALUE...]: sets SRV_PID, SRV_PORT, SRV_URL and
# records the start-up time (spawn to accepting) and the idle RSS half a second later. Extra
# settings win over the defaults (e.g. the redirect URI of a balancer in front). SPOTAUTH_BIN,
# when set, is the binary to start (the baseline) instead of this build's.
start_server() {
  local name=$1 store=$2 cache=$3
  shift 3
  free_port
  local port=$PORT
  local -a environment=(PATH="$PATH"
    SPOTIFY_CLIENT_ID=bench-client SPOTIFY_CLIENT_SECRET=bench-secret
    SPOTIFY_REDIRECT_URI="http://127.0.0.1:$port/callback" SPOTAUTH_SECRET="$secret"
    SPOTAUTH_PORT="$port" SPOTAUTH_STORE="$store"
    SPOTAUTH_ACCOUNTS_URL="$upstream_url" SPOTAUTH_API_URL="$upstream_url"
    SPOTAUTH_NOW_PLAYING_CACHE="$cache" SPOTAUTH_ACCESS_LOG=0 "$@")
  # The clock starts in the child, just before exec, so the fork's delay is not counted.
  (
    echo "$EPOCHREALTIME" >"$tmp/$name.t0"
    exec env -i "${environment[@]}" "${SPOTAUTH_BIN:-$spotauth}" serve
  ) >"$tmp/$name.log" 2>&1 &
  SRV_PID=$!
  pids+=("$SRV_PID")
  # Two times: until the port accepts connections, and until the first answer. They differ:
  # the kernel queues connections from listen() on, before the event loops are ready.
  local deadline=$((SECONDS + 10)) t1 t2 status=""
  until { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; do
    kill -0 "$SRV_PID" 2>/dev/null && ((SECONDS < deadline)) || die "spotauth ($name) did not start: $(cat "$tmp/$name.log")"
  done
  t1=$EPOCHREALTIME
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "${HEALTH_PATH:-/healthz}" "$port" >&3
  read -r -t 10 status <&3 || true
  t2=$EPOCHREALTIME
  exec 3>&-
  [[ $status == "HTTP/1.1 200"* ]] || die "spotauth ($name) did not answer /healthz: $status $(cat "$tmp/$name.log")"
  listen_ms[$name]=$(awk -v a="$(<"$tmp/$name.t0")" -v b="$t1" 'BEGIN {printf "%.1f", (b - a) * 1000}')
  startup_ms[$name]=$(awk -v a="$(<"$tmp/$name.t0")" -v b="$t2" 'BEGIN {printf "%.1f", (b - a) * 1000}')
  SRV_PORT=$port
  SRV_URL="http://127.0.0.1:$port"
  sleep 0.5
  idle_kb[$name]=$(rss_kb "$SRV_PID")
  log "started $name on $SRV_URL (pid $SRV_PID, ${listen_ms[$name]} ms to listening, ${startup_ms[$name]} ms to the first answer, idle RSS ${idle_kb[$name]} kB)"
}
declare -A idle_kb=()

stop_server() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Logs in once as a browser would (the authorize step scripted) and prints the session cookie.
login_once() {
  local url=$1 headers state login session
  headers=$(curl -fsS -o /dev/null -D - "$url/login" | tr -d '\r')
  state=$(sed -n 's/^[Ll]ocation: .*[?&]state=\([^&]*\).*/\1/p' <<<"$headers")
  login=$(sed -n 's/^[Ss]et-[Cc]ookie: \(spotauth_login=[^;]*\).*/\1/p' <<<"$headers")
  [ -n "$state" ] && [ -n "$login" ] || die "no state or login cookie from $url/login: $headers"
  headers=$(curl -fsS -o /dev/null -D - -H "Cookie: $login" "$url/callback?code=bench-code&state=$state" | tr -d '\r')
  session=$(sed -n 's/^[Ss]et-[Cc]ookie: \(spotauth=[^;]*\).*/\1/p' <<<"$headers")
  [ -n "$session" ] || die "no session cookie from the callback: $headers"
  curl -fsS -H "Cookie: $session" "$url/" | grep -q 'bench-user' || die "the session cookie does not sign in"
  echo "$session"
}

check_signed_in() {
  curl -fsS -H "Cookie: $2" "$1/" | grep -q 'id="track">Windowlicker' ||
    die "GET / does not show the signed-in page with the track any more"
}

# 1. memory store, default now-playing cache (5 s). Beside it, a server with the access log on
# (a line per request into its log file): what the log costs per request. Its rounds follow the
# page's own in every round, so both see the same phase of the machine (measured minutes apart,
# the two once differed by a third with nothing changed).
start_server logged memory 5 SPOTAUTH_ACCESS_LOG=1
logged_pid=$SRV_PID logged_url=$SRV_URL
logged_cookie=$(login_once "$logged_url")
start_server memory memory 5
mem_pid=$SRV_PID mem_url=$SRV_URL
cookie=$(login_once "$mem_url")
page_bytes=$(curl -fsS -H "Cookie: $cookie" "$mem_url/" | wc -c)
log "measuring home and home-logged ($rounds rounds of ${round_s} s each, interleaved with the ceiling)"
for ((r = 1; r <= rounds; r++)); do
  wrk_once ceiling-home "$ceiling_url" wrk_report.lua
  wrk_once home "$mem_url/" wrk_report.lua -H "Cookie: $cookie"
  wrk_once ceiling-home-logged "$ceiling_url" wrk_report.lua
  CPU_PIDS=$logged_pid wrk_once home-logged "$logged_url/" wrk_report.lua -H "Cookie: $logged_cookie"
done
stop_server "$logged_pid"
check_signed_in "$mem_url" "$cookie"
measure login "$mem_url/login" wrk_report.lua
# Full logins of the baseline build, if given, in the same rounds (the same settings).
if [ -n "$baseline" ]; then
  SPOTAUTH_BIN=$baseline start_server base-memory memory 5
  # SRV_PID is the baseline's now: charge the current build's rounds to its own server.
  CPU_PIDS=$mem_pid BASE_URL=$SRV_URL BASE_PID=$SRV_PID measure logins "$mem_url" wrk_login.lua
  stop_server "$SRV_PID"
else
  measure logins "$mem_url" wrk_login.lua
fi
stop_server "$mem_pid"

# start_proxy_nginx NAME PORT WORKERS UPSTREAM_PORT...: an nginx of its own (so that its CPU is
# counted apart) passing everything on 127.0.0.1:PORT to the upstream ports round-robin, with
# keep-alive both ways and the Host passed through; sets PROXY_PID once it listens.
start_proxy_nginx() {
  local name=$1 port=$2 workers=$3 t p
  shift 3
  mkdir -p "$tmp/$name"
  {
    # One worker: no master, so that PROXY_PID is the process doing the work (CPU_PIDS).
    [ "$workers" = 1 ] && echo "master_process off;"
    echo "daemon off; worker_processes $workers; pid $tmp/$name/nginx.pid;"
    echo "error_log $tmp/$name/error.log warn; events { worker_connections 4096; }"
    echo "http { access_log off; keepalive_requests 10000000; keepalive_timeout 120s;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "  ${t}_temp_path $tmp/$name;"; done
    echo "  upstream backends {"
    for p in "$@"; do echo "    server 127.0.0.1:$p;"; done
    echo "    keepalive 64; }"
    echo "  server { listen 127.0.0.1:$port; location / { proxy_pass http://backends;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_set_header Host \$http_host; } } }"
  } >"$tmp/$name/nginx.conf"
  "$nginx_bin" -p "$tmp/$name/" -c "$tmp/$name/nginx.conf" -e "$tmp/$name/error.log" &
  PROXY_PID=$!
  pids+=("$PROXY_PID")
  wait_listening "$port" "$PROXY_PID" || die "nginx ($name) did not start: $(cat "$tmp/$name/error.log")"
}

# 1c. Gateway mode: a signed-in request through spotauth to a fast app (nginx's /app/ on the
# upstream port), beside nginx proxy_pass to the same app in the same rounds (its own nginx, as
# many workers as spotauth has loops, keep-alive to the app like spotauth's pool).
free_port
proxyref_port=$PORT
start_proxy_nginx proxyref "$proxyref_port" "$(nproc)" "$upstream_port"
proxyref_pid=$PROXY_PID
HEALTH_PATH=/spotauth/healthz start_server gateway memory 5 SPOTAUTH_UPSTREAM="$upstream_url"
headers=$(curl -fsS -o /dev/null -D - "$SRV_URL/spotauth/login" | tr -d '\r')
state=$(sed -n 's/^[Ll]ocation: .*[?&]state=\([^&]*\).*/\1/p' <<<"$headers")
login=$(sed -n 's/^[Ss]et-[Cc]ookie: \(spotauth_login=[^;]*\).*/\1/p' <<<"$headers")
headers=$(curl -fsS -o /dev/null -D - -H "Cookie: $login" "$SRV_URL/callback?code=bench-code&state=$state" | tr -d '\r')
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: \(spotauth=[^;]*\).*/\1/p' <<<"$headers")
curl -fsS -H "Cookie: $cookie" "$SRV_URL/app/page" | grep -q 'Hello from the app' || die "gateway: the app's page does not come through"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$SRV_URL/app/page")" = 401 ] || die "gateway: an anonymous request was not refused"
log "measuring gateway ($rounds rounds of ${round_s} s each, interleaved with nginx proxy_pass)"
for ((r = 1; r <= rounds; r++)); do
  wrk_once proxyref-gateway "http://127.0.0.1:$proxyref_port/app/page" wrk_report.lua
  wrk_once gateway "$SRV_URL/app/page" wrk_report.lua -H "Cookie: $cookie"
done
stop_server "$SRV_PID"
kill -TERM "$proxyref_pid" 2>/dev/null || true
wait "$proxyref_pid" 2>/dev/null || true

# 2. memory store, now-playing cache off: every page asks the upstream.
start_server nocache memory 0
cookie=$(login_once "$SRV_URL")
measure home-nocache "$SRV_URL/" wrk_report.lua -H "Cookie: $cookie"
check_signed_in "$SRV_URL" "$cookie"
stop_server "$SRV_PID"

# 3. SQLite store (fresh file): GET /, then as many full logins as fit (sessions on disk).
db="$tmp/spotauth.db"
start_server sqlite "sqlite://$db" 5
sqlite_pid=$SRV_PID sqlite_url=$SRV_URL
cookie=$(login_once "$sqlite_url")
measure home-sqlite "$sqlite_url/" wrk_report.lua -H "Cookie: $cookie"
check_signed_in "$sqlite_url" "$cookie"

# Sessions fill: full logins until BENCH_FLOOD sessions or the time limit.
login_rate=$(med logins logins_per_s)
fill_duration() {  # seconds for $1 items at rate $2 per second, with headroom, at most fill_s
  awk -v n="$1" -v r="$2" -v cap="$fill_s" 'BEGIN {if (r + 0 <= 0) d = cap; else d = int(n / r * 1.25) + 2; if (d > cap) d = cap; if (d < 3) d = 3; print d}'
}
disk_bytes() { local s=0 f; for f in "$1" "$1-wal"; do [ -f "$f" ] && s=$((s + $(stat -c %s "$f"))); done; echo $s; }
per_thread=$(((flood_n + wrk_threads - 1) / wrk_threads))

fill() {  # fill LABEL URL PID RATE: sets FILL_LOGINS, FILL_SECONDS, FILL_DELTA_KB
  local label=$1 url=$2 pid=$3 rate=$4 before after d
  d=$(fill_duration "$flood_n" "$rate")
  before=$(rss_kb "$pid")
  log "filling $label with up to $flood_n sessions through full logins (at most $d s)"
  wrk -t"$wrk_threads" -c"$connections" -d"${d}s" -s "$here/wrk_login.lua" "$url" -- "$per_thread" >"$tmp/raw/$label" 2>&1 ||
    die "wrk failed for $label: $(tail -20 "$tmp/raw/$label")"
  grep '^BENCH ' "$tmp/raw/$label" >"$tmp/res/$label"
  log "  $label: $(sed 's/^BENCH //' "$tmp/res/$label")"
  sleep 1
  after=$(rss_kb "$pid")
  FILL_LOGINS=$(field "$tmp/res/$label" logins)
  FILL_SECONDS=$d
  FILL_DELTA_KB=$((after - before))
}

db_before=$(disk_bytes "$db")
fill fill-sqlite "$sqlite_url" "$sqlite_pid" 0  # full time: SQLite logins are slower
sqlite_logins=$FILL_LOGINS sqlite_fill_s=$FILL_SECONDS sqlite_rss_delta_kb=$FILL_DELTA_KB
db_after=$(disk_bytes "$db")
stop_server "$sqlite_pid"
db_closed=$(stat -c %s "$db")  # after the checkpoint at close

# 4. memory store sessions fill on a fresh server.
start_server fill memory 5
fill fill-memory "$SRV_URL" "$SRV_PID" "$login_rate"
mem_logins=$FILL_LOGINS mem_fill_s=$FILL_SECONDS mem_rss_delta_kb=$FILL_DELTA_KB
stop_server "$SRV_PID"

# 5. A /login flood: /login stores nothing on the server (the pending login travels sealed in
# the browser's cookie), so the flood should cost CPU only, not memory.
login_rps=$(med login rps)
start_server flood memory 5
d=$(fill_duration "$flood_n" "$login_rps")
before=$(rss_kb "$SRV_PID")
log "flooding with $flood_n GET /login (at most $d s)"
wrk -t"$wrk_threads" -c"$connections" -d"${d}s" -s "$here/wrk_flood.lua" "$SRV_URL/login" -- "$per_thread" >"$tmp/raw/flood" 2>&1 ||
  die "wrk failed for the flood: $(tail -20 "$tmp/raw/flood")"
grep '^BENCH ' "$tmp/raw/flood" >"$tmp/res/flood"
log "  flood: $(sed 's/^BENCH //' "$tmp/res/flood")"
sleep 1
after=$(rss_kb "$SRV_PID")
flood_delta_kb=$((after - before))
flood_statuses=$(field "$tmp/res/flood" statuses)
flood_requests=$(awk -v s="$flood_statuses" 'BEGIN {n = split(s, a, ","); t = 0; for (i = 1; i <= n; i++) {split(a[i], b, ":"); t += b[2]} print t}')
stop_server "$SRV_PID"

# 6. Redis store: one instance, then instances with one event loop each behind an nginx balancer
# (one, then two), so that the balancer's cost and the scaling show.
free_port; redis_port=$PORT
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  >"$tmp/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
wait_listening "$redis_port" "$redis_pid" || die "redis-server did not start: $(cat "$tmp/redis.log")"
rcli() { redis-cli -p "$redis_port" "$@"; }
redis_store="redis://127.0.0.1:$redis_port/0"
start_server redis "$redis_store" 5
redis_srv_pid=$SRV_PID redis_srv_url=$SRV_URL
cookie=$(login_once "$redis_srv_url")
measure home-redis "$redis_srv_url/" wrk_report.lua -H "Cookie: $cookie"
check_signed_in "$redis_srv_url" "$cookie"
redis_mem_before=$(rcli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
redis_sessions_before=$(rcli --scan --pattern 'spotauth:{*}:s' | wc -l)
measure logins-redis "$redis_srv_url" wrk_login.lua
redis_mem_after=$(rcli info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
redis_sessions_after=$(rcli --scan --pattern 'spotauth:{*}:s' | wc -l)
redis_session_key=$(rcli --scan --pattern 'spotauth:{*}:s' | awk 'NR == 1')
redis_session_usage=$(rcli memory usage "$redis_session_key")
redis_per_login=$(awk -v a="$redis_mem_before" -v b="$redis_mem_after" -v n=$((redis_sessions_after - redis_sessions_before)) \
  'BEGIN {if (n > 0) printf "%.0f", (b - a) / n; else print "n/a"}')
stop_server "$redis_srv_pid"

# The balancer: nginx, one process, round-robin over the instances' ports.
free_port; balancer_port=$PORT
start_balancer() {  # start_balancer PORT...: sets BAL_PID
  start_proxy_nginx balancer "$balancer_port" 1 "$@"
  BAL_PID=$PROXY_PID
}
stop_balancer() { kill -TERM "$BAL_PID" 2>/dev/null || true; wait "$BAL_PID" 2>/dev/null || true; }
balancer_url="http://127.0.0.1:$balancer_port"
behind=(SPOTIFY_REDIRECT_URI="$balancer_url/callback" SPOTAUTH_THREADS=1)
start_server lb1 "$redis_store" 5 "${behind[@]}"
lb1_pid=$SRV_PID lb1_port=$SRV_PORT
start_server lb2 "$redis_store" 5 "${behind[@]}"
lb2_pid=$SRV_PID lb2_port=$SRV_PORT
start_balancer "$lb1_port"
cookie=$(login_once "$balancer_url")
CPU_PIDS="$lb1_pid $BAL_PID" measure home-redis-lb1 "$balancer_url/" wrk_report.lua -H "Cookie: $cookie"
stop_balancer
start_balancer "$lb1_port" "$lb2_port"
check_signed_in "$balancer_url" "$cookie"
CPU_PIDS="$lb1_pid $lb2_pid $BAL_PID" measure home-redis-lb2 "$balancer_url/" wrk_report.lua -H "Cookie: $cookie"
check_signed_in "$balancer_url" "$cookie"
stop_balancer
stop_server "$lb1_pid"
stop_server "$lb2_pid"

# 7. Equal resources (issue #13): one nginx process answering a page of about the signed-in
# page's size from memory, against spotauth with one event loop, one wrk thread for each, so
# that neither side has a core more than the other. Access logs off on both sides but where said.
free_port; strict_port=$PORT
mkdir -p "$tmp/strict"
sed -e "s|@PREFIX@|$tmp/strict|g" -e "s|@PORT@|$strict_port|g" "$here/nginx-strict.conf.in" >"$tmp/strict/nginx.conf"
"$nginx_bin" -p "$tmp/strict/" -c "$tmp/strict/nginx.conf" -e "$tmp/strict/error.log" &
strict_pid=$!
pids+=("$strict_pid")
wait_listening "$strict_port" "$strict_pid" || die "nginx (strict) did not start: $(cat "$tmp/strict/error.log")"
strict_url="http://127.0.0.1:$strict_port/"
strict_bytes=$(curl -fsS "$strict_url" | wc -c)

# strict_rounds PATH TARGET...: BENCH_ROUNDS rounds of wrk -t1, each the strict ceiling (label
# strict-LABEL, after the first target) and then every TARGET in turn. A TARGET is "LABEL PID
# URL [COOKIE]": its label, the server charged with the CPU, its URL (PATH is appended) and
# the session cookie to send, if any.
strict_rounds() {
  local path=$1 ref r t label pid url cookie
  local -a hdr
  shift
  ref="strict-${1%% *}"
  log "measuring $path at equal resources ($rounds rounds of ${round_s} s each: the 1-process nginx, then ${*%% *})"
  for ((r = 1; r <= rounds; r++)); do
    WRK_THREADS=1 wrk_once "$ref" "$strict_url" wrk_report.lua
    for t in "$@"; do
      read -r label pid url cookie <<<"$t"
      hdr=()
      [ -z "$cookie" ] || hdr=(-H "Cookie: $cookie")
      WRK_THREADS=1 CPU_PIDS=$pid wrk_once "$label" "$url$path" wrk_report.lua "${hdr[@]}"
    done
  done
}
one_loop=SPOTAUTH_THREADS=1

# 7a. Memory store, one loop: GET / and GET /login; in the same rounds of GET /, the same server
# with the access log on and with the SQLite store (their targets compare them with the memory
# row, so they must share its rounds: the machine's speed moves between rounds), and the baseline
# build, if given.
start_server strict-memory memory 5 "$one_loop"
s1_pid=$SRV_PID s1_url=$SRV_URL
s1_cookie=$(login_once "$s1_url")
home_targets=("home-1loop $s1_pid $s1_url $s1_cookie")
login_targets=("login-1loop $s1_pid $s1_url")
# The access log's lines go to the server's log file under $tmp.
start_server strict-logged memory 5 "$one_loop" SPOTAUTH_ACCESS_LOG=1
logged_pid=$SRV_PID
home_targets+=("home-logged-1loop $logged_pid $SRV_URL $(login_once "$SRV_URL")")
start_server strict-sqlite "sqlite://$tmp/strict.db" 5 "$one_loop"
sqlite1_pid=$SRV_PID
home_targets+=("home-sqlite-1loop $sqlite1_pid $SRV_URL $(login_once "$SRV_URL")")
if [ -n "$baseline" ]; then
  SPOTAUTH_BIN=$baseline start_server strict-baseline memory 5 "$one_loop"
  b1_pid=$SRV_PID b1_url=$SRV_URL
  home_targets+=("base-home-1loop $b1_pid $SRV_URL $(login_once "$SRV_URL")")
  login_targets+=("base-login-1loop $b1_pid $SRV_URL")
fi
strict_rounds / "${home_targets[@]}"
check_signed_in "$s1_url" "$s1_cookie"
stop_server "$logged_pid"
stop_server "$sqlite1_pid"
strict_rounds /login "${login_targets[@]}"
# Full logins at equal resources: one loop each, wrk -t1, the current build's rounds and the
# baseline's interleaved. With one loop, the server is what limits logins/s; with the default
# loops (the row of the first table) wrk and the upstream share its two cores and take a
# varying part of them.
log "measuring full logins at one loop ($rounds rounds of ${round_s} s each${baseline:+, with the baseline build in the same rounds})"
for ((r = 1; r <= rounds; r++)); do
  WRK_THREADS=1 CPU_PIDS=$s1_pid wrk_once logins-1loop "$s1_url" wrk_login.lua
  [ -z "$baseline" ] || WRK_THREADS=1 CPU_PIDS=$b1_pid wrk_once base-logins-1loop "$b1_url" wrk_login.lua
done
stop_server "$s1_pid"
[ -z "$baseline" ] || stop_server "$b1_pid"

# strict_one NAME LABEL STORE [SETTING=VALUE...]: a server of its own (cache 5 s), logged in,
# GET / at equal resources.
strict_one() {
  local name=$1 label=$2 store=$3
  shift 3
  start_server "$name" "$store" 5 "$@"
  strict_rounds / "$label $SRV_PID $SRV_URL $(login_once "$SRV_URL")"
  stop_server "$SRV_PID"
}
# 7b. Two loops.
strict_one strict-2loops home-2loops memory SPOTAUTH_THREADS=2

# 7c. Allocations per request: the server under bench/alloc_counter.c (LD_PRELOAD), which
# counts malloc and its kin in a file mapped shared; the count before and after one round.
declare -A allocs=()
read_counter() { od -An -tu8 -N8 "$1" | tr -d ' '; }
# count_allocs LABEL FILE URL [wrk args...]: warms up, then one wrk -t1 round (label
# alloc-LABEL); sets allocs[LABEL] to the allocations over wrk's requests.
count_allocs() {
  local label=$1 file=$2 url=$3 a0 a1 n
  shift 3
  # What a server builds once (connections, buffers, the now-playing cache) is not per request.
  wrk -t1 -c"$connections" -d1s "$@" "$url" >/dev/null 2>&1 || die "wrk failed warming up for $label"
  a0=$(read_counter "$file")
  WRK_THREADS=1 wrk_once "alloc-$label" "$url" wrk_report.lua "$@"
  a1=$(read_counter "$file")
  ((a1 > a0)) || die "the allocation counter did not move for $label ($file): is $alloc_lib preloaded?"
  n=$(field "$tmp/res/alloc-$label" requests | tail -1)
  allocs[$label]=$(awk -v d=$((a1 - a0)) -v n="$n" 'BEGIN {if (n > 0) printf "%.2f", d / n; else print "nan"}')
  log "  $label: $((a1 - a0)) allocations in $n requests"
}
# alloc_server PREFIX [BINARY]: memory store, one loop, under the counter; counts logged-in
# GET / and GET /login (allocs[PREFIXhome], allocs[PREFIXlogin]).
alloc_server() {
  local file="$tmp/${1}allocs.count" cookie
  SPOTAUTH_BIN=${2:-} start_server "${1}allocs" memory 5 "$one_loop" LD_PRELOAD="$alloc_lib" ALLOC_COUNTER_FILE="$file"
  cookie=$(login_once "$SRV_URL")
  count_allocs "${1}home" "$file" "$SRV_URL/" -H "Cookie: $cookie"
  count_allocs "${1}login" "$file" "$SRV_URL/login"
  stop_server "$SRV_PID"
}
if [ -n "$alloc_lib" ]; then
  log "counting allocations per request with $alloc_lib"
  alloc_server ""
  [ -z "$baseline" ] || alloc_server base- "$baseline"
else
  log "no libspotauth_alloc_counter.so in $build_dir (nor BENCH_ALLOC_COUNTER): not counting allocations"
fi
kill -TERM "$strict_pid" 2>/dev/null || true
wait "$strict_pid" 2>/dev/null || true

# --- micro-benchmarks --------------------------------------------------------------------------

micro_csv="$tmp/micro.csv"
if [ -x "$micro" ]; then
  log "running the micro-benchmarks"
  "$micro" --benchmark_min_time=0.3 --benchmark_format=csv >"$micro_csv" 2>"$tmp/micro.err" ||
    die "spotauth_bench failed: $(cat "$tmp/micro.err")"
else
  log "no $micro: skipping the micro-benchmarks"
fi

# --- the table ---------------------------------------------------------------------------------

kill -TERM "$nginx_pid" 2>/dev/null || true
wait "$nginx_pid" 2>/dev/null || true

# LABEL KEY: "value ratio ceiling": medians of the rounds, and the median of the per-round
# ratios (each spotauth round over the ceiling round just before it), which cancels most of
# the drift of a shared machine.
ratio_row() {  # LABEL KEY [REFERENCE_LABEL, default ceiling-LABEL]
  local v c r ref=${3:-ceiling-$1}
  v=$(med "$1" "$2")
  c=$(med "$ref" rps)
  r=$(round_ratio "$1" "$ref" "$2" rps)
  echo "$v $r $c"
}
# CPU per request (per UNIT_KEY, e.g. logins) of each round of LABEL, in microseconds.
cpu_rounds() {  # LABEL [UNIT_KEY]
  paste <(field "$tmp/res/$1" cpu_ms) <(field "$tmp/res/$1" "${2:-requests}") |
    awk '$2 > 0 {printf "%.3f\n", $1 * 1000 / $2}'
}
# per_round LABEL KEY: KEY of each round of LABEL, one a line; cpu_us is CPU µs per request,
# cpu_us_login CPU µs per full login.
per_round() {
  case $2 in
    cpu_us) cpu_rounds "$1" ;;
    cpu_us_login) cpu_rounds "$1" logins ;;
    *) field "$tmp/res/$1" "$2" ;;
  esac
}
# round_ratio A B KEY [KEY_B]: the median of the per-round ratios A's KEY / B's KEY_B (default
# KEY), round i of A with round i of B: the rounds were interleaved, so drift mostly cancels.
round_ratio() {
  paste <(per_round "$2" "${4:-$3}") <(per_round "$1" "$3") |
    awk '$1 > 0 {printf "%.6f\n", $2 / $1}' | median
}
verdict() {  # VALUE OP LIMIT -> held | missed
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {if (v == "nan" || v == "") {print "n/a"; exit}
    ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0); print ok ? "held" : "**missed**"}'
}

read -r home_rps home_ratio home_ceiling < <(ratio_row home rps)
read -r nocache_rps nocache_ratio nocache_ceiling < <(ratio_row home-nocache rps)
read -r sqlite_rps sqlite_ratio sqlite_ceiling < <(ratio_row home-sqlite rps)
read -r login_rps login_ratio login_ceiling < <(ratio_row login rps)
read -r logins_ps logins_ratio logins_ceiling < <(ratio_row logins logins_per_s)
read -r redis_rps redis_ratio redis_ceiling < <(ratio_row home-redis rps)
read -r redis_logins_ps redis_logins_ratio redis_logins_ceiling < <(ratio_row logins-redis logins_per_s)
read -r lb1_rps lb1_ratio lb1_ceiling < <(ratio_row home-redis-lb1 rps)
read -r lb2_rps lb2_ratio lb2_ceiling < <(ratio_row home-redis-lb2 rps)
read -r logged_rps logged_ratio logged_ceiling < <(ratio_row home-logged rps)
read -r gateway_rps gateway_ratio gateway_ref < <(ratio_row gateway rps proxyref-gateway)
redis_vs_sqlite=$(awk -v r="$redis_ratio" -v s="$sqlite_ratio" 'BEGIN {if (s + 0 > 0) printf "%.2f", r / s; else print "nan"}')
lb2_vs_lb1=$(awk -v a="$lb2_ratio" -v b="$lb1_ratio" 'BEGIN {if (b + 0 > 0) printf "%.2f", a / b; else print "nan"}')
# CPU per request (per login for logins), medians over rounds, in microseconds; and the ratio
# nginx / spotauth of the same rounds: what the throughput ratio would be if each server had the
# CPU to itself. Far steadier than requests/s on a shared machine.
cpu_us() { cpu_rounds "$@" | median; }  # LABEL [UNIT_KEY]
cpu_cell() {  # LABEL [UNIT_KEY] [REFERENCE_LABEL]: "X µs (nginx Y µs: Z×)"
  local s c
  s=$(cpu_us "$1" "${2:-requests}")
  c=$(cpu_us "${3:-ceiling-$1}")
  awk -v s="$s" -v c="$c" 'BEGIN {if (s == "nan" || c == "nan" || s + 0 == 0) print "n/a"; else printf "%.1f µs (nginx %.1f µs: %.2f×)", s, c, c / s}'
}

log_cost=$(round_ratio home-logged home cpu_us)
all_ceiling=$(cat "$tmp"/res/ceiling-* | field /dev/stdin rps | median)
home_p99=$(awk -v u="$(med home p99_us)" 'BEGIN {print u / 1000}')
login_p99=$(awk -v u="$(med login p99_us)" 'BEGIN {print u / 1000}')
nocache_p99=$(awk -v u="$(med home-nocache p99_us)" 'BEGIN {print u / 1000}')
sqlite_p99=$(awk -v u="$(med home-sqlite p99_us)" 'BEGIN {print u / 1000}')
ceiling_p99=$(cat "$tmp"/res/ceiling-* | field /dev/stdin p99_us | median | awk '{print $1 / 1000}')
bad_total=$(cat "$tmp"/res/home "$tmp"/res/home-logged "$tmp"/res/home-nocache "$tmp"/res/home-sqlite "$tmp"/res/home-redis "$tmp"/res/home-redis-lb1 "$tmp"/res/home-redis-lb2 "$tmp"/res/login | field /dev/stdin bad | awk '{s += $1} END {print s + 0}')
login_failures=$(cat "$tmp/res/logins" "$tmp/res/logins-redis" | field /dev/stdin failures | awk '{s += $1} END {print s + 0}')
idle_mb=$(awk -v k="${idle_kb[memory]}" 'BEGIN {print k / 1024}')
idle_sqlite_mb=$(awk -v k="${idle_kb[sqlite]}" 'BEGIN {print k / 1024}')
mem_startups=$(for n in memory logged nocache fill flood; do echo "${startup_ms[$n]}"; done | median)
mem_listens=$(for n in memory logged nocache fill flood; do echo "${listen_ms[$n]}"; done | median)
flood_mb=$(awk -v k="$flood_delta_kb" 'BEGIN {print k / 1024}')
mem_per_session=$(awk -v k="$mem_rss_delta_kb" -v n="$mem_logins" 'BEGIN {if (n > 0) printf "%.0f", k * 1024 / n; else print "n/a"}')
sqlite_rss_per_session=$(awk -v k="$sqlite_rss_delta_kb" -v n="$sqlite_logins" 'BEGIN {if (n > 0) printf "%.0f", k * 1024 / n; else print "n/a"}')
sqlite_disk_per_session=$(awk -v a="$db_before" -v b="$db_after" -v n="$sqlite_logins" 'BEGIN {if (n > 0) printf "%.0f", (b - a) / n; else print "n/a"}')
sqlite_file_per_session=$(awk -v b="$db_closed" -v n="$sqlite_logins" 'BEGIN {if (n > 0) printf "%.0f", b / n; else print "n/a"}')

# Equal resources (section 7). Cells of a row: req/s, CPU µs per request and p99, each with its
# ratio to the strict ceiling's rounds just before (REF).
ms() { awk -v u="$1" 'BEGIN {if (u == "nan" || u == "") print "nan"; else print u / 1000}'; }
strict_cells() {  # LABEL REF
  echo "$(fmt "$(med "$1" rps)" 0) | $(fmt "$(round_ratio "$1" "$2" rps)" 2)× | $(fmt "$(cpu_us "$1")" 1) µs |" \
    "$(fmt "$(round_ratio "$1" "$2" cpu_us)" 2)× | $(fmt "$(ms "$(med "$1" p99_us)")" 2) ms | $(fmt "$(round_ratio "$1" "$2" p99_us)" 2)×"
}
strict_all() { cat "$tmp"/res/strict-* | field /dev/stdin "$1"; }
strict_cpu_all=$(for f in "$tmp"/res/strict-*; do cpu_rounds "${f##*/}"; done | median)
strict_spread=$(strict_all rps | sort -g | awk 'NR == 1 {lo = $1} {hi = $1}
  END {if (NR && lo > 0) printf "min %.0f, max %.0f req/s over its %d rounds (max %.2f× min)", lo, hi, NR, hi / lo; else print "n/a"}')
# nginx's code is the same in every round, so its CPU per request moving is the machine's phase
# (a VM's slow phases raise the cost of waking the other CPU; docs/design-notes.md).
strict_cpu_spread=$(for f in "$tmp"/res/strict-*; do cpu_rounds "${f##*/}"; done | sort -g | awk 'NR == 1 {lo = $1} {hi = $1}
  END {if (NR && lo > 0) printf "min %.1f, max %.1f µs (max %.2f× min)", lo, hi, hi / lo; else print "n/a"}')
home1_cpu_x=$(round_ratio home-1loop strict-home-1loop cpu_us)
home1_rps_x=$(round_ratio home-1loop strict-home-1loop rps)
home1_p99_x=$(round_ratio home-1loop strict-home-1loop p99_us)
login1_cpu_x=$(round_ratio login-1loop strict-login-1loop cpu_us)
login1_p99_x=$(round_ratio login-1loop strict-login-1loop p99_us)
# The access log and SQLite against the memory row of the same rounds, round by round.
log1_cost=$(round_ratio home-logged-1loop home-1loop cpu_us)
sqlite1_vs_mem=$(round_ratio home-sqlite-1loop home-1loop rps)
strict_bad=$(cat "$tmp"/res/*-1loop "$tmp"/res/home-2loops "$tmp"/res/alloc-* 2>/dev/null | field /dev/stdin bad | awk '{s += $1} END {print s + 0}')
none="no baseline given"
# base_cells LABEL: the baseline's CPU µs per request of the 1-loop rows and current ÷ baseline.
base_cells() {  # LABEL (of the current build's rows; the baseline's is base-LABEL)
  if [ -z "$baseline" ]; then echo "$(fmt "$(cpu_us "$1")" 1) µs | $none | $none"; return; fi
  echo "$(fmt "$(cpu_us "$1")" 1) µs | $(fmt "$(cpu_us "base-$1")" 1) µs | $(fmt "$(round_ratio "$1" "base-$1" cpu_us)" 2)×"
}
alloc_cells() {  # KEY: allocations per request, current | baseline | current ÷ baseline
  local c=${allocs[$1]:-nan} b=${allocs[base-$1]:-nan}
  [ -n "$alloc_lib" ] || { echo "no alloc counter built | no alloc counter built | –"; return; }
  [ -n "$baseline" ] || { echo "$(fmt "$c" 2) | $none | $none"; return; }
  echo "$(fmt "$c" 2) | $(fmt "$b" 2) | $(awk -v c="$c" -v b="$b" 'BEGIN {if (b + 0 > 0) printf "%.2f×", c / b; else print "n/a"}')"
}
if [ -n "$baseline" ]; then
  logins_vs_base=$(round_ratio logins base-logins logins_per_s)
  logins_base_cells="$(fmt "$(med logins logins_per_s)" 0) logins/s | $(fmt "$(med base-logins logins_per_s)" 0) logins/s | $(fmt "$logins_vs_base" 2)×"
  logins_base_verdict=$(verdict "$logins_vs_base" ">=" 1.5)
  logins1_vs_base=$(round_ratio logins-1loop base-logins-1loop logins_per_s)
  logins1_base_cells="$(fmt "$(med logins-1loop logins_per_s)" 0) logins/s | $(fmt "$(med base-logins-1loop logins_per_s)" 0) logins/s | $(fmt "$logins1_vs_base" 2)×"
  logins1_base_verdict=$(verdict "$logins1_vs_base" ">=" 1.5)
  login_cpu_cells="$(fmt "$(cpu_us logins-1loop logins)" 1) µs | $(fmt "$(cpu_us base-logins-1loop logins)" 1) µs | $(fmt "$(round_ratio logins-1loop base-logins-1loop cpu_us_login)" 2)×"
else
  logins_base_cells="$(fmt "$(med logins logins_per_s)" 0) logins/s | $none | $none"
  logins_base_verdict=$none
  logins1_base_cells="$(fmt "$(med logins-1loop logins_per_s)" 0) logins/s | $none | $none"
  logins1_base_verdict=$none
  login_cpu_cells="$(fmt "$(cpu_us logins-1loop logins)" 1) µs | $none | $none"
fi

rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$repo" diff --quiet HEAD -- src 2>/dev/null || rev="$rev (src/ modified)"
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
ram_gb=$(awk '/^MemTotal:/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)
nginx_version=$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')
wrk_version=$({ wrk -v 2>&1 || true; } | awk 'NR == 1 {print $2}')

x() { fmt "$1" 2; }
{
  echo "# spotauth benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(nproc) cores, ${cpu_model:-unknown CPU}, ${ram_gb} GB RAM; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared; ratios come from interleaved rounds)"
  echo "- how noisy the machine was: load average $load_before before the run, $(cut -d' ' -f1-3 /proc/loadavg) after; the strict ceiling (the same nginx, the same page, every time) did $strict_spread, and its CPU per request was $strict_cpu_spread (nginx's code does not change between rounds: a wide spread means the machine went through slow phases, which the ratios do not cancel)"
  echo "- versions: nginx ${nginx_version}, wrk ${wrk_version}, spotauth ${rev} (${build_type:-unknown} build); baseline: ${baseline:-none}"
  echo "- method: wrk, keep-alive, $connections connections, $wrk_threads threads; $rounds rounds of ${round_s} s for each figure, interleaved with the ceiling; a figure is the median of its rounds, its ratio the median of the per-round ratios to the ceiling round just before (nginx serving a ${ceiling_bytes}-byte static page; spotauth's signed-in page is ${page_bytes} bytes). spotauth runs with its default threads (one event loop per core) and SPOTAUTH_ACCESS_LOG=0 (but in the access-log row, whose server runs in the rounds of the memory-store \`GET /\` row, its target a per-round ratio to it); the Spotify upstream is nginx answering static JSON on loopback."
  echo "- method, equal resources (the second table): one nginx process (worker_processes 1, no master) answering a ${strict_bytes}-byte page from memory (\`return 200\`; spotauth's signed-in page is ${page_bytes} bytes) against spotauth with one event loop (SPOTAUTH_THREADS=1), wrk with one thread (-t1) and $connections connections for both; access logs off on both sides (but in the access-log row), GET / with a logged-in session cookie and the now-playing answer cached (5 s). Each round of the strict ceiling is followed by a round of each server compared with it (the baseline's too), $rounds rounds of ${round_s} s; figures are medians, ratios medians of the per-round ratios. The access-log and SQLite servers run in the rounds of the memory-store \`GET /\` row, and their targets are per-round ratios to it. CPU per request is the server's CPU time (/proc) over wrk's requests. Allocations: bench/alloc_counter.c preloaded into a server of its own (memory store, one loop) counts malloc, calloc, realloc and the aligned allocators over one wrk -t1 round after a 1 s warm-up, divided by the round's requests."
  echo
  echo "| figure | measured | × nginx (same rounds) | target | | CPU per request (× nginx) |"
  echo "|---|---|---|---|---|---|"
  echo "| nginx static page (the ceiling) | $(fmt "$all_ceiling" 0) req/s, p99 $(fmt "$ceiling_p99" 2) ms | 1 | | | $(cat "$tmp"/res/ceiling-* | awk '{r = c = ""; for (i = 1; i <= NF; i++) {split($i, kv, "="); if (kv[1] == "requests") r = kv[2]; if (kv[1] == "cpu_ms") c = kv[2]} if (r > 0) printf "%.3f\n", c * 1000 / r}' | median | awk '{printf "%.1f µs", $1}') |"
  echo "| logged-in \`GET /\`, memory store, now-playing cache 5 s | $(fmt "$home_rps" 0) req/s | $(x "$home_ratio") (nginx $(fmt "$home_ceiling" 0)) | ≥ 0.5× | $(verdict "$home_ratio" ">=" 0.5) | $(cpu_cell home) |"
  echo "| logged-in \`GET /\`, memory store, access log on | $(fmt "$logged_rps" 0) req/s | $(x "$logged_ratio") (nginx $(fmt "$logged_ceiling" 0)) | CPU ≤ 1.1× the log off | $(verdict "$log_cost" "<=" 1.1) ($(fmt "$log_cost" 2)× the CPU per request of the row above, round by round) | $(cpu_cell home-logged) |"
  echo "| gateway: a signed-in request through spotauth to a fast app | $(fmt "$gateway_rps" 0) req/s, p99 $(fmt "$(med gateway p99_us | awk '{print $1 / 1000}')" 2) ms | $(x "$gateway_ratio") (nginx \`proxy_pass\` to the same app: $(fmt "$gateway_ref" 0) req/s, p99 $(fmt "$(med proxyref-gateway p99_us | awk '{print $1 / 1000}')" 2) ms) | – | | $(cpu_cell gateway requests proxyref-gateway) |"
  echo "| logged-in \`GET /\`, memory store, cache off | $(fmt "$nocache_rps" 0) req/s, p99 $(fmt "$nocache_p99" 2) ms | $(x "$nocache_ratio") (nginx $(fmt "$nocache_ceiling" 0)) | – | | $(cpu_cell home-nocache) |"
  echo "| logged-in \`GET /\`, SQLite store | $(fmt "$sqlite_rps" 0) req/s, p99 $(fmt "$sqlite_p99" 2) ms | $(x "$sqlite_ratio") (nginx $(fmt "$sqlite_ceiling" 0)) | ≥ 0.45× | $(verdict "$sqlite_ratio" ">=" 0.45) | $(cpu_cell home-sqlite) |"
  echo "| \`GET /login\` (memory store) | $(fmt "$login_rps" 0) req/s | $(x "$login_ratio") (nginx $(fmt "$login_ceiling" 0)) | ≥ 0.6× | $(verdict "$login_ratio" ">=" 0.6) | $(cpu_cell login) |"
  echo "| p99 latency, \`GET /\` | $(fmt "$home_p99" 2) ms | nginx p99 $(fmt "$(med ceiling-home p99_us | awk '{print $1 / 1000}')" 2) ms in the same rounds | ≤ 5 ms | $(verdict "$home_p99" "<=" 5) |"
  echo "| p99 latency, \`GET /login\` | $(fmt "$login_p99" 2) ms | nginx p99 $(fmt "$(med ceiling-login p99_us | awk '{print $1 / 1000}')" 2) ms in the same rounds | ≤ 5 ms | $(verdict "$login_p99" "<=" 5) |"
  echo "| full logins (\`/login\` → \`/callback\` → token + \`/v1/me\` upstream) | $(fmt "$logins_ps" 0) logins/s | $(fmt "$logins_ratio" 3) (logins per nginx request) | ≥ 3000/s | $(verdict "$logins_ps" ">=" 3000) | $(cpu_cell logins logins) per login |"
  echo "| idle RSS after start (memory store) | $(fmt "$idle_mb" 1) MB (SQLite store: $(fmt "$idle_sqlite_mb" 1) MB) | | ≤ 20 MB | $(verdict "$idle_mb" "<=" 20) |"
  echo "| RSS added by $(fmt "$flood_requests" 0) \`GET /login\` (nothing is stored per login) | $(fmt "$flood_mb" 1) MB (statuses $flood_statuses) | | ≤ 32 MB | $(verdict "$flood_mb" "<=" 32) |"
  echo "| memory store: $(fmt "$mem_logins" 0) sessions through full logins (≤ ${mem_fill_s} s) | ${mem_per_session} B of RSS per session | | – | |"
  echo "| SQLite store: $(fmt "$sqlite_logins" 0) sessions through full logins (≤ ${sqlite_fill_s} s) | ${sqlite_disk_per_session} B on disk (db + WAL) and ${sqlite_rss_per_session} B of RSS per session; file after close $(fmt "$sqlite_file_per_session" 0) B per session | | – | |"
  echo "| logged-in \`GET /\`, Redis store (one instance) | $(fmt "$redis_rps" 0) req/s, p99 $(fmt "$(med home-redis p99_us | awk '{print $1 / 1000}')" 2) ms | $(x "$redis_ratio") (nginx $(fmt "$redis_ceiling" 0)); $(x "$redis_vs_sqlite")× the SQLite store's | ≥ 0.8× SQLite's | $(verdict "$redis_vs_sqlite" ">=" 0.8) | $(cpu_cell home-redis) |"
  echo "| full logins, Redis store | $(fmt "$redis_logins_ps" 0) logins/s | $(fmt "$redis_logins_ratio" 3) (logins per nginx request) | – | | $(cpu_cell logins-redis logins) per login |"
  echo "| Redis memory per session | \`MEMORY USAGE\` of a session hash: ${redis_session_usage} B; used_memory grew $(fmt "$redis_per_login" 0) B per login (session, the user's index, the used state) | | – | |"
  echo "| \`GET /\` through nginx, Redis store, 1 instance × 1 loop | $(fmt "$lb1_rps" 0) req/s | $(x "$lb1_ratio") (nginx $(fmt "$lb1_ceiling" 0)) | – | | $(cpu_cell home-redis-lb1) (instance + balancer) |"
  echo "| \`GET /\` through nginx, Redis store, 2 instances × 1 loop | $(fmt "$lb2_rps" 0) req/s | $(x "$lb2_ratio") (nginx $(fmt "$lb2_ceiling" 0)); $(x "$lb2_vs_lb1")× one instance's | > 1× one instance's | $(verdict "$lb2_vs_lb1" ">=" 1.01) | $(cpu_cell home-redis-lb2) (instances + balancer) |"
  echo "| start-up: exec to the first answer (\`GET /healthz\`) | $(fmt "$mem_startups" 1) ms (memory, median of its 5 starts; port accepting after $(fmt "$mem_listens" 1) ms); $(fmt "${startup_ms[sqlite]}" 1) ms (SQLite, new file) | | – | |"
  echo
  echo "Errors during the timed runs: $bad_total (GET / and /login rounds); full-login rounds: $login_failures unexpected answers."
  echo
  echo "## Equal resources: 1 nginx process vs 1 spotauth event loop (issue #13)"
  echo
  echo "| figure | req/s | × nginx | CPU per request | × nginx's | p99 | × nginx's | target | |"
  echo "|---|---|---|---|---|---|---|---|---|"
  echo "| nginx, 1 process, ${strict_bytes}-byte page from memory (the strict ceiling, all its rounds) | $(fmt "$(strict_all rps | median)" 0) | 1 | $(fmt "$strict_cpu_all" 1) µs | 1 | $(fmt "$(ms "$(strict_all p99_us | median)")" 2) ms | 1 | – | – |"
  echo "| logged-in \`GET /\`, memory store, now-playing cache 5 s, 1 loop | $(strict_cells home-1loop strict-home-1loop) | CPU ≤ 2.5×, req/s ≥ 0.4×, p99 ≤ 2× | CPU $(verdict "$home1_cpu_x" "<=" 2.5), req/s $(verdict "$home1_rps_x" ">=" 0.4), p99 $(verdict "$home1_p99_x" "<=" 2) |"
  echo "| \`GET /login\`, memory store, 1 loop | $(strict_cells login-1loop strict-login-1loop) | CPU ≤ 3×, p99 ≤ 2× | CPU $(verdict "$login1_cpu_x" "<=" 3), p99 $(verdict "$login1_p99_x" "<=" 2) |"
  echo "| logged-in \`GET /\`, memory store, access log on, 1 loop | $(strict_cells home-logged-1loop strict-home-1loop) | CPU ≤ 1.10× the log-off 1-loop row | $(verdict "$log1_cost" "<=" 1.10) ($(fmt "$log1_cost" 2)×) |"
  echo "| logged-in \`GET /\`, SQLite store, 1 loop | $(strict_cells home-sqlite-1loop strict-home-1loop) | req/s ≥ 0.8× the memory-store 1-loop row | $(verdict "$sqlite1_vs_mem" ">=" 0.8) ($(fmt "$sqlite1_vs_mem" 2)×) |"
  echo "| logged-in \`GET /\`, memory store, 2 loops (vs the 1-process nginx) | $(strict_cells home-2loops strict-home-2loops) | – (informative) | – |"
  if [ -n "$baseline" ]; then
    echo "| baseline: logged-in \`GET /\`, memory store, 1 loop | $(strict_cells base-home-1loop strict-home-1loop) | – (same rounds as the current build's) | – |"
    echo "| baseline: \`GET /login\`, memory store, 1 loop | $(strict_cells base-login-1loop strict-login-1loop) | – (same rounds as the current build's) | – |"
  else
    echo "| baseline: logged-in \`GET /\` and \`GET /login\`, 1 loop | $none | $none | $none | $none | $none | $none | – | – |"
  fi
  echo
  echo "Errors during these rounds (allocation rounds included): $strict_bad."
  echo
  echo "## The current build against the baseline, and allocations per request"
  echo
  echo "| figure | current | baseline | current ÷ baseline | target | |"
  echo "|---|---|---|---|---|---|"
  echo "| full logins, memory store, default loops (same rounds; wrk and the upstream share the two cores) | $logins_base_cells | ≥ 1.5× | $logins_base_verdict |"
  echo "| full logins, memory store, 1 loop each, wrk -t1 (same rounds; the server is the limit) | $logins1_base_cells | ≥ 1.5× | $logins1_base_verdict |"
  echo "| CPU per full login, 1 loop (same rounds) | $login_cpu_cells | – | – |"
  echo "| CPU per request, logged-in \`GET /\`, 1 loop (same rounds) | $(base_cells home-1loop) | – | – |"
  echo "| CPU per request, \`GET /login\`, 1 loop (same rounds) | $(base_cells login-1loop) | – | – |"
  echo "| allocations per request, logged-in \`GET /\` (memory store, 1 loop) | $(alloc_cells home) | ≤ 10 (current) | $(verdict "${allocs[home]:-nan}" "<=" 10) |"
  echo "| allocations per request, \`GET /login\` (memory store, 1 loop) | $(alloc_cells login) | – | – |"
  if [ -s "$micro_csv" ]; then
    echo
    echo "## Micro-benchmarks (Google Benchmark, per call)"
    echo
    echo "| benchmark | time | CPU | iterations | note |"
    echo "|---|---|---|---|---|"
    awk -F, 'NR > 1 && $1 ~ /^"?BM_/ {gsub(/"/, "", $1); gsub(/"/, "", $8); printf "| %s | %.0f %s | %.0f %s | %s | %s |\n", $1, $3, $5, $4, $5, $2, $8}' "$micro_csv"
    echo
    echo "BM_RunAwaitableOverhead is the cost of driving an awaitable on a reused io_context (plus one key hash): subtract it from the store figures."
  fi
  echo
  echo "## Per-round figures"
  echo
  echo '```'
  for f in ceiling-home home ceiling-home-logged home-logged proxyref-gateway gateway ceiling-home-nocache home-nocache ceiling-home-sqlite home-sqlite ceiling-login login ceiling-logins logins fill-sqlite fill-memory flood \
    ceiling-home-redis home-redis ceiling-logins-redis logins-redis ceiling-home-redis-lb1 home-redis-lb1 ceiling-home-redis-lb2 home-redis-lb2 \
    base-logins strict-home-1loop home-1loop base-home-1loop strict-login-1loop login-1loop base-login-1loop \
    logins-1loop base-logins-1loop \
    home-logged-1loop home-sqlite-1loop strict-home-2loops home-2loops \
    alloc-home alloc-login alloc-base-home alloc-base-login; do
    [ -f "$tmp/res/$f" ] && sed "s/^BENCH /$f: /" "$tmp/res/$f"
  done
  echo '```'
} >"$out.tmp"

# A "where the time goes" note kept by hand under the table survives re-runs.
if [ -f "$out" ] && grep -q '^## Where the time goes' "$out"; then
  { echo; sed -n '/^## Where the time goes/,$p' "$out"; } >>"$out.tmp"
fi
mv "$out.tmp" "$out"
cat "$out"
