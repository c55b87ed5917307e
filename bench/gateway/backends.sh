#!/usr/bin/env bash
# What each state backend adds per request: one gateway per backend (the assembled distribution's
# `bin/switchboard serve`, launcher defaults), all running at once against one nginx playing the provider, measured
# in interleaved rounds so that machine load hits them alike. Each round: requests/s at 16 connections and the median
# latency at 1 connection, for every backend in turn; the summary gives each backend's medians and its ratio to
# `memory` (target for `embedded`: throughput >= 0.90x memory). Everything on 127.0.0.1, every step bounded in time.
# The `redis` gateway runs against a redis-server this script starts on a free loopback port (skipped, and said so,
# when redis-server is not installed and cannot be).
#
# Usage: bench/gateway/backends.sh
#   DIST=path/to/unpacked/distribution   skip the build and use that one (default: build distribution/target/switchboard)
#   BACKENDS="memory embedded redis"     which backends, in this order (memory first: the baseline)
#   ROUNDS=5 DURATION=5s WARMUP=10s NGINX_PORT=18091 FIRST_GATEWAY_PORT=18092 REDIS_PORT=18099
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/switchboard-backends-bench.XXXXXX)
NGINX_PORT=${NGINX_PORT:-18091}
FIRST_GATEWAY_PORT=${FIRST_GATEWAY_PORT:-18092}
REDIS_PORT=${REDIS_PORT:-18099}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-10s}
read -r -a WANTED <<<"${BACKENDS:-memory embedded redis}"

log() { printf '\n== %s\n' "$*"; }
die() { printf 'backends.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=common.sh
. "$HERE/common.sh"
install_wrk_and_nginx
export DEBIAN_FRONTEND=noninteractive
if [[ " ${WANTED[*]} " == *" redis "* ]] && ! command -v redis-server >/dev/null 2>&1; then
  log "installing redis-server (Debian package)"
  apt-get install -y -q redis-server >/dev/null 2>&1 || true
  (service redis-server stop >/dev/null 2>&1 || true)
fi
require_tools java curl
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  done
  if [ -f "$WORK/nginx.pid" ]; then nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true; fi
}
trap cleanup EXIT

use_distribution

# ---------------------------------------------------------------- the fake provider
mkdir -p "$WORK/logs" "$WORK/tmp"
chmod 755 "$WORK"
COMPLETION=$(cat "$HERE/completion.json")
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/body;
  proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi;
  scgi_temp_path $WORK/tmp/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 '$COMPLETION';
    }
  }
}
CONF
nginx -p "$WORK" -c "$WORK/nginx.conf"

# ---------------------------------------------------------------- redis, when asked for
BACKENDS=()
for backend in "${WANTED[@]}"; do
  if [ "$backend" = redis ]; then
    if ! command -v redis-server >/dev/null 2>&1; then
      echo "skipping redis: redis-server is not installed and could not be (apt-get install redis-server)"
      continue
    fi
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
      >"$WORK/logs/redis.log" 2>&1 &
    PIDS+=($!)
  fi
  BACKENDS+=("$backend")
done

# ---------------------------------------------------------------- one gateway per backend
declare -A PORT
port=$FIRST_GATEWAY_PORT
for backend in "${BACKENDS[@]}"; do
  PORT[$backend]=$port
  cat > "$WORK/$backend.conf" <<CONF
switchboard {
  providers.upstream { type = openai, base-url = "http://127.0.0.1:$NGINX_PORT/v1", api-key = "bench-key-not-real", model = "gpt-4o-mini" }
  routes.default.targets = [ upstream ]
  http { max-connections = 1024, max-connections-per-route = 1024 }
  gateway { port = $port, shutdown-grace = 1s }
  state.redis { uri = "redis://127.0.0.1:$REDIS_PORT", key-prefix = "bench:" }
}
CONF
  SWITCHBOARD_STATE_BACKEND=$backend SWITCHBOARD_DATA_DIR=$WORK/data-$backend \
    "$DIST/bin/switchboard" --config "$WORK/$backend.conf" serve >"$WORK/logs/gateway-$backend.log" 2>&1 &
  PIDS+=($!)
  port=$((port + 1))
done
for backend in "${BACKENDS[@]}"; do
  url="http://127.0.0.1:${PORT[$backend]}/health"
  for _ in $(seq 1 150); do curl -sf -o /dev/null "$url" && break; sleep 0.2; done
  curl -sf -o /dev/null "$url" || { cat "$WORK/logs/gateway-$backend.log"; die "the $backend gateway did not start"; }
done
echo "backends: ${BACKENDS[*]}; machine: $(nproc) cores, $(java -version 2>&1 | head -n 1), load average: $(cut -d' ' -f1-3 /proc/loadavg)"

chat_url() { echo "http://127.0.0.1:${PORT[$1]}/v1/chat/completions"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else print n * 1000000 }'; }
p50_us() { to_us "$(awk '$1 == "50%" {print $2}' "$1")"; }
load() {
  local out=$1; shift
  wrk "$@" -s "$HERE/chat.lua" >"$out"
  if grep -q 'Non-2xx' "$out"; then cat "$out"; die "errors during $*"; fi
}

log "warm-up: $WARMUP at 16 connections and $WARMUP at 1 on each gateway"
for backend in "${BACKENDS[@]}"; do
  load "$WORK/warmup-16-$backend.txt" -t2 -c16 -d"$WARMUP" "$(chat_url "$backend")"
  load "$WORK/warmup-1-$backend.txt" -t1 -c1 -d"$WARMUP" "$(chat_url "$backend")"
done

log "$ROUNDS rounds of $DURATION per backend: requests/s at 16 connections, median latency at 1"
: >"$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  for backend in "${BACKENDS[@]}"; do
    load "$WORK/r$round-16-$backend.txt" -t2 -c16 -d"$DURATION" "$(chat_url "$backend")"
    load "$WORK/r$round-1-$backend.txt" -t1 -c1 -d"$DURATION" --latency "$(chat_url "$backend")"
    printf '%s %s %s %s\n' "$round" "$backend" "$(rps "$WORK/r$round-16-$backend.txt")" \
      "$(p50_us "$WORK/r$round-1-$backend.txt")" | tee -a "$WORK/rounds.txt"
  done
done

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
log "summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
BASE_RPS=$(awk -v b="${BACKENDS[0]}" '$2 == b {print $3}' "$WORK/rounds.txt" | median)
BASE_P50=$(awk -v b="${BACKENDS[0]}" '$2 == b {print $4}' "$WORK/rounds.txt" | median)
printf '%-10s %14s %10s %22s %s\n' backend "median r/s" "ratio" "median p50 at 1 (us)" "added p50 (us)"
for backend in "${BACKENDS[@]}"; do
  R=$(awk -v b="$backend" '$2 == b {print $3}' "$WORK/rounds.txt" | median)
  P=$(awk -v b="$backend" '$2 == b {print $4}' "$WORK/rounds.txt" | median)
  # the ratio of each round against the baseline's same round, then the median of those
  RR=$(awk -v b="$backend" -v base="${BACKENDS[0]}" '$2 == base {m[$1] = $3} $2 == b {r[$1] = $3}
    END {for (k in r) printf "%.3f\n", r[k] / m[k]}' "$WORK/rounds.txt" | median)
  printf '%-10s %14d %9sx %22s %+.0f\n' "$backend" "$R" "$RR" "$P" "$(awk -v p="$P" -v b="$BASE_P50" 'BEGIN {print p - b}')"
done
echo "(ratio: median over rounds of this backend's r/s / ${BACKENDS[0]}'s r/s in the same round; target for embedded >= 0.90)"
echo "logs and wrk output: $WORK"
