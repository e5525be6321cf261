#!/usr/bin/env bash
# `make bench` (issue #4): spotauth's speed and memory, as ratios to nginx measured in the same run.
# Usage: bench/run.sh BUILD_DIR      (BUILD_DIR holds spotauth and spotauth_bench)
#
# Everything runs on 127.0.0.1: nginx as the ceiling (a small static page) and as a fast
# Spotify upstream (static JSON), and spotauth with the memory, SQLite and Redis stores (Redis
# also with one and two instances behind an nginx balancer). Load comes from
# wrk (keep-alive, 64 connections, 2 threads) in short interleaved rounds (ceiling, spotauth,
# ceiling, ...); the table shows medians. Writes bench/results/latest.md and prints it.
#
# Knobs (environment): BENCH_ROUND_SECONDS (5), BENCH_ROUNDS (3), BENCH_FILL_SECONDS (60, the
# longest a session fill may run), BENCH_FLOOD (100000 /login requests), BENCH_OUT (the .md file).
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
wrk_threads=2

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
  wrk -t"$wrk_threads" -c"$connections" -d"${round_s}s" --latency -s "$here/$script" "$@" "$url" >>"$raw" 2>&1 ||
    die "wrk failed for $label (see below)"$'\n'"$(tail -20 "$raw")"
  c1=$(cpu_ticks "${cpu_pids[@]}")
  local line
  line="$(grep '^BENCH ' "$raw" | tail -1) cpu_ms=$(((c1 - c0) * 1000 / $(getconf CLK_TCK)))"
  echo "$line" >>"$tmp/res/$label"
  log "  $label: ${line#BENCH }"
}

# measure LABEL URL SCRIPT [wrk args...]: interleaved rounds, ceiling first.
measure() {
  local label=$1 url=$2
  shift 2
  log "measuring $label ($rounds rounds of ${round_s} s each, interleaved with the ceiling)"
  for ((r = 1; r <= rounds; r++)); do
    wrk_once "ceiling-$label" "$ceiling_url" wrk_report.lua
    wrk_once "$label" "$url" "$@"
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
# settings win over the defaults (e.g. the redirect URI of a balancer in front).
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
    exec env -i "${environment[@]}" "$spotauth" serve
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

# 1. memory store, default now-playing cache (5 s).
start_server memory memory 5
mem_pid=$SRV_PID mem_url=$SRV_URL
cookie=$(login_once "$mem_url")
page_bytes=$(curl -fsS -H "Cookie: $cookie" "$mem_url/" | wc -c)
measure home "$mem_url/" wrk_report.lua -H "Cookie: $cookie"
check_signed_in "$mem_url" "$cookie"
measure login "$mem_url/login" wrk_report.lua
measure logins "$mem_url" wrk_login.lua
stop_server "$mem_pid"

# 1b. The same page with the access log on (a line per request into the server's log file):
# what the log costs per request.
start_server logged memory 5 SPOTAUTH_ACCESS_LOG=1
cookie=$(login_once "$SRV_URL")
measure home-logged "$SRV_URL/" wrk_report.lua -H "Cookie: $cookie"
stop_server "$SRV_PID"

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
  r=$(paste <(field "$tmp/res/$ref" rps) <(field "$tmp/res/$1" "$2") |
    awk '$1 > 0 {printf "%.6f\n", $2 / $1}' | median)
  echo "$v $r $c"
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
cpu_us() {  # LABEL [UNIT_KEY]
  paste <(field "$tmp/res/$1" cpu_ms) <(field "$tmp/res/$1" "${2:-requests}") |
    awk '$2 > 0 {printf "%.3f\n", $1 * 1000 / $2}' | median
}
cpu_cell() {  # LABEL [UNIT_KEY] [REFERENCE_LABEL]: "X µs (nginx Y µs: Z×)"
  local s c
  s=$(cpu_us "$1" "${2:-requests}")
  c=$(cpu_us "${3:-ceiling-$1}")
  awk -v s="$s" -v c="$c" 'BEGIN {if (s == "nan" || c == "nan" || s + 0 == 0) print "n/a"; else printf "%.1f µs (nginx %.1f µs: %.2f×)", s, c, c / s}'
}

log_cost=$(awk -v on="$(cpu_us home-logged)" -v off="$(cpu_us home)" 'BEGIN {if (off + 0 > 0 && on != "nan") printf "%.3f", on / off; else print "nan"}')
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
  echo "- versions: nginx ${nginx_version}, wrk ${wrk_version}, spotauth ${rev} (${build_type:-unknown} build)"
  echo "- method: wrk, keep-alive, $connections connections, $wrk_threads threads; $rounds rounds of ${round_s} s for each figure, interleaved with the ceiling; a figure is the median of its rounds, its ratio the median of the per-round ratios to the ceiling round just before (nginx serving a ${ceiling_bytes}-byte static page; spotauth's signed-in page is ${page_bytes} bytes). spotauth runs with its default threads (one event loop per core) and SPOTAUTH_ACCESS_LOG=0; the Spotify upstream is nginx answering static JSON on loopback."
  echo
  echo "| figure | measured | × nginx (same rounds) | target | | CPU per request (× nginx) |"
  echo "|---|---|---|---|---|---|"
  echo "| nginx static page (the ceiling) | $(fmt "$all_ceiling" 0) req/s, p99 $(fmt "$ceiling_p99" 2) ms | 1 | | | $(cat "$tmp"/res/ceiling-* | awk '{r = c = ""; for (i = 1; i <= NF; i++) {split($i, kv, "="); if (kv[1] == "requests") r = kv[2]; if (kv[1] == "cpu_ms") c = kv[2]} if (r > 0) printf "%.3f\n", c * 1000 / r}' | median | awk '{printf "%.1f µs", $1}') |"
  echo "| logged-in \`GET /\`, memory store, now-playing cache 5 s | $(fmt "$home_rps" 0) req/s | $(x "$home_ratio") (nginx $(fmt "$home_ceiling" 0)) | ≥ 0.5× | $(verdict "$home_ratio" ">=" 0.5) | $(cpu_cell home) |"
  echo "| logged-in \`GET /\`, memory store, access log on | $(fmt "$logged_rps" 0) req/s | $(x "$logged_ratio") (nginx $(fmt "$logged_ceiling" 0)) | CPU ≤ 1.1× the log off | $(verdict "$log_cost" "<=" 1.1) ($(fmt "$log_cost" 2)× the CPU per request of the row above) | $(cpu_cell home-logged) |"
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
    ceiling-home-redis home-redis ceiling-logins-redis logins-redis ceiling-home-redis-lb1 home-redis-lb1 ceiling-home-redis-lb2 home-redis-lb2; do
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
