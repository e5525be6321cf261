#!/usr/bin/env bash
# Several spotauth instances behind one balancer, all on loopback: redis-server, the stand-in
# Spotify, three `spotauth serve` sharing that Redis and one secret, and nginx balancing
# round-robin in front. `make demo-cluster` runs it; the cluster integration test too.
# Runs in the foreground until SIGINT/SIGTERM, then stops everything it started.
#
# Usage: scripts/cluster.sh SPOTAUTH_BINARY [DIR]
#   DIR (default: a new temp dir) gets the configs, logs (*.log), pids (*.pid) and, once every
#   part answers, a file `ready`.
# Ports (environment): CLUSTER_PORT (5000, the balancer: open http://127.0.0.1:5000/),
#   SPOTIFY_PORT (5001), REDIS_PORT (6390), INSTANCE_PORTS ("5011 5012 5013").
#   CLUSTER_AUTO_APPROVE=1 skips the stand-in's consent page.
set -euo pipefail
binary=$(realpath "$1")
dir=${2:-$(mktemp -d /tmp/spotauth-cluster-XXXXXX)}
mkdir -p "$dir"
dir=$(realpath "$dir")
cluster_port=${CLUSTER_PORT:-5000}
spotify_port=${SPOTIFY_PORT:-5001}
redis_port=${REDIS_PORT:-6390}
read -r -a instance_ports <<<"${INSTANCE_PORTS:-5011 5012 5013}"
origin=http://127.0.0.1:$cluster_port
spotify=http://127.0.0.1:$spotify_port

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

# $1 name, rest: the command; its pid goes to DIR/name.pid, its output to DIR/name.log.
start() {
  local name=$1
  shift
  "$@" >"$dir/$name.log" 2>&1 &
  pids+=($!)
  echo $! >"$dir/$name.pid"
}

# Waits up to 10 s until 127.0.0.1:$1 answers $2 (a path) with 200.
wait_http() {
  for _ in $(seq 200); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1$2" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "cluster: nothing answered on port $1; logs in $dir" >&2
  exit 1
}

start redis redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$dir" --daemonize no
for _ in $(seq 200); do
  [ "$(redis-cli -p "$redis_port" ping 2>/dev/null)" = PONG ] && break
  sleep 0.05
done

client_secret=$("$binary" gen-secret | head -c 32)
approve=()
[ "${CLUSTER_AUTO_APPROVE:-0}" = 1 ] && approve=(--auto-approve)
start spotify "$binary" fake-spotify --port "$spotify_port" --client-id spotauth-cluster \
  --client-secret "$client_secret" --redirect-uri "$origin/callback" "${approve[@]}"
wait_http "$spotify_port" /__control/stats

# One secret and one public redirect URI for every instance: any of them can open a cookie
# another one set, and finish a login another one started.
secret=$("$binary" gen-secret)
n=0
for port in "${instance_ports[@]}"; do
  n=$((n + 1))
  start "instance$n" env SPOTIFY_CLIENT_ID=spotauth-cluster SPOTIFY_CLIENT_SECRET="$client_secret" \
    SPOTIFY_REDIRECT_URI="$origin/callback" SPOTAUTH_SECRET="$secret" \
    SPOTAUTH_HOST=127.0.0.1 SPOTAUTH_PORT="$port" SPOTAUTH_THREADS=1 \
    SPOTAUTH_STORE="redis://127.0.0.1:$redis_port/0" \
    SPOTAUTH_ACCOUNTS_URL="$spotify" SPOTAUTH_API_URL="$spotify" "$binary" serve
done
for port in "${instance_ports[@]}"; do wait_http "$port" /readyz; done

upstreams=$(printf '    server 127.0.0.1:%s max_fails=1 fail_timeout=5s;\n' "${instance_ports[@]}")
mkdir -p "$dir/nginx-temp"
cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx-own.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $dir/nginx-temp;
  proxy_temp_path $dir/nginx-temp;
  fastcgi_temp_path $dir/nginx-temp;
  uwsgi_temp_path $dir/nginx-temp;
  scgi_temp_path $dir/nginx-temp;
  upstream spotauth {
$upstreams
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$cluster_port;
    location / {
      proxy_pass http://spotauth;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      # Which instance answered: for the cluster test and for seeing the balancing work.
      add_header X-Spotauth-Instance \$upstream_addr always;
    }
  }
}
EOF
start nginx /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/nginx-error.log"
wait_http "$cluster_port" /healthz

touch "$dir/ready"
echo "cluster: open $origin/ (instances on ports ${instance_ports[*]}, Redis on $redis_port," \
  "the stand-in Spotify on $spotify_port); logs in $dir; Ctrl-C stops it"
wait
