#!/usr/bin/env bash
# A response-cache hit through the gateway against a static nginx answer, as users run it: the assembled
# distribution's `bin/switchboard serve` with the launcher's defaults, nginx from Debian, all on 127.0.0.1.
# The gateway's route `cached` has a cache and sits in front of nginx playing the provider; after the first request
# fills the cache every request is a hit that sends nothing upstream. In one run, ROUNDS times back to back:
#   1. median and p99 latency at 1 connection of nginx's own answer and of a cache hit through the gateway;
#   2. requests/s at 16 connections of both.
# It prints what a hit adds (p50/p99, in microseconds) against the issue's bound: no more than nginx + 50 us.
#
# Usage: bench/gateway/cache.sh
#   DIST=path/to/unpacked/distribution   skip the build and use that one (default: build distribution/target/switchboard)
#   ROUNDS=3 DURATION=5s WARMUP=10s NGINX_PORT=18091 GATEWAY_PORT=18090
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/switchboard-cache-bench.XXXXXX)
NGINX_PORT=${NGINX_PORT:-18091}
GATEWAY_PORT=${GATEWAY_PORT:-18090}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-10s}

log() { printf '\n== %s\n' "$*"; }
die() { printf 'cache.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=common.sh
. "$HERE/common.sh"
install_wrk_and_nginx
require_tools java curl

GATEWAY_PID=""
cleanup() {
  if [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null; then wait "$GATEWAY_PID" 2>/dev/null || true; fi
  if [ -f "$WORK/nginx.pid" ]; then nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true; fi
}
trap cleanup EXIT

use_distribution

# ---------------------------------------------------------------- nginx: the provider, and the baseline
mkdir -p "$WORK/logs" "$WORK/tmp"
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

# ---------------------------------------------------------------- the gateway, as shipped, with a caching route
cat > "$WORK/switchboard.conf" <<CONF
switchboard {
  providers.upstream { type = openai, base-url = "http://127.0.0.1:$NGINX_PORT/v1", api-key = "bench-key-not-real", model = "gpt-4o-mini" }
  routes.default.targets = [ upstream ]
  routes.cached { targets = [ upstream ], cache { ttl = 1h } }
  gateway { port = $GATEWAY_PORT, shutdown-grace = 1s }
}
CONF
SWITCHBOARD_DATA_DIR=$WORK/data "$DIST/bin/switchboard" --config "$WORK/switchboard.conf" serve \
  >"$WORK/logs/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$WORK/logs/gateway.log"; die "the gateway exited"; }
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" || { cat "$WORK/logs/gateway.log"; die "the gateway did not start"; }
echo "gateway: $DIST/bin/switchboard serve (pid $GATEWAY_PID); machine: $(nproc) cores, $(java -version 2>&1 | head -n 1)," \
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

NGINX_URL="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
export MODEL=cached TEMPERATURE=0
HIT=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d "$(printf '{"model":"cached","stream":false,"temperature":0,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello!"}]}')" "$GATEWAY_URL" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-switchboard-cache" {print $2}')
[ "$HIT" = "miss" ] || die "the first request was not a cache miss (x-switchboard-cache: '$HIT')"

to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60000000; else print n * 1000000 }'; }
pct_us() { to_us "$(awk -v p="$2%" '$1 == p {print $2}' "$1")"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
load() {
  local out=$1; shift
  wrk "$@" -s "$HERE/chat.lua" >"$out"
  if grep -q 'Non-2xx' "$out"; then cat "$out"; tail -n 20 "$WORK/logs/gateway.log"; die "errors during $*"; fi
}

log "warm-up (JIT): $WARMUP at 16 connections and $WARMUP at 1 through the gateway (cache hits)"
load "$WORK/warmup-16.txt" -t2 -c16 -d"$WARMUP" "$GATEWAY_URL"
load "$WORK/warmup-1.txt" -t1 -c1 -d"$WARMUP" "$GATEWAY_URL"
HITS=$(curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '/^switchboard_gateway_cache_lookups_total\{route="cached",result="hit"\}/ {printf "%d", $2}')
echo "cache hits so far: $HITS (upstream asked once)"

log "$ROUNDS rounds of $DURATION each: nginx alone, then a cache hit through the gateway"
printf '%-6s %-22s %-22s %-20s %12s %12s %7s\n' round "nginx p50/p99 (us)" "hit p50/p99 (us)" "added p50/p99 (us)" \
  "nginx r/s" "hit r/s" ratio | tee "$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  load "$WORK/nginx-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$NGINX_URL"
  load "$WORK/gateway-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$GATEWAY_URL"
  load "$WORK/nginx-16-$round.txt" -t2 -c16 -d"$DURATION" "$NGINX_URL"
  load "$WORK/gateway-16-$round.txt" -t2 -c16 -d"$DURATION" "$GATEWAY_URL"
  N50=$(pct_us "$WORK/nginx-1-$round.txt" 50); N99=$(pct_us "$WORK/nginx-1-$round.txt" 99)
  G50=$(pct_us "$WORK/gateway-1-$round.txt" 50); G99=$(pct_us "$WORK/gateway-1-$round.txt" 99)
  N=$(rps "$WORK/nginx-16-$round.txt"); G=$(rps "$WORK/gateway-16-$round.txt")
  awk -v r="$round" -v n="$N" -v g="$G" -v n50="$N50" -v n99="$N99" -v g50="$G50" -v g99="$G99" 'BEGIN {
    printf "%-6s %-22s %-22s %-20s %12d %12d %7.3f\n", r, n50 " / " n99, g50 " / " g99,
      sprintf("%+.0f / %+.0f", g50 - n50, g99 - n99), n, g, g / n }' | tee -a "$WORK/rounds.txt"
done
UPSTREAM=$(curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '/^switchboard_gateway_cache_lookups_total\{route="cached",result="miss"\}/ {printf "%d", $2}')
echo "cache misses over the whole run: $UPSTREAM"
awk 'NR > 1 { split($2, n, "/"); split($5, g, "/"); a = $5 - $2; s += a; k++ } END {
  printf "\nmedian added by a hit, mean over rounds: %+.0f us (bound: +50 us) -> %s\n", s / k, (s / k <= 50 ? "holds" : "does not hold") }' \
  "$WORK/rounds.txt"
