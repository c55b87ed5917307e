#!/usr/bin/env bash
# Load benchmark of the gateway, all on this machine (127.0.0.1 only, every run bounded in time):
#   1. non-streaming requests/s at 16 connections, nginx alone and through the gateway;
#   2. median latency at 1 connection, nginx alone and through the gateway (the difference is what the gateway adds);
#   3. 1,000 concurrent streams held open through the gateway while its RSS is sampled from /proc.
# nginx plays the provider: a fixed OpenAI chat completion, and a fixed SSE stream sent slowly (limit_rate) so that
# streams stay open. Installs wrk and nginx from Debian packages when missing (needs root for that).
#
# Usage: bench/gateway/run.sh            (DURATION=10s STREAMS=1000 JAVA_OPTS=... to change)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/switchboard-gateway-bench.XXXXXX)
NGINX_PORT=${NGINX_PORT:-18081}
GATEWAY_PORT=${GATEWAY_PORT:-18080}
DURATION=${DURATION:-10s}
STREAMS=${STREAMS:-1000}
STREAM_SECONDS=${STREAM_SECONDS:-15}
JAVA_OPTS=${JAVA_OPTS:-"-Xms64m -Xmx256m -XX:+UseParallelGC -XX:TieredStopAtLevel=4"}

log() { printf '\n== %s\n' "$*"; }

if ! command -v wrk >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
  log "installing wrk and nginx (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q wrk nginx-light >/dev/null 2>&1 || apt-get install -y -q wrk nginx >/dev/null
  # the package may start a default site on port 80; this benchmark runs its own instance
  (service nginx stop >/dev/null 2>&1 || true)
fi

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

GATEWAY_PID=""
cleanup() {
  [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null && wait "$GATEWAY_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true
}
trap cleanup EXIT

# ---------------------------------------------------------------- the fake provider
mkdir -p "$WORK/logs" "$WORK/tmp"
COMPLETION=$(cat "$HERE/completion.json")
cp "$HERE/stream.sse" "$WORK/stream.sse"
chmod 755 "$WORK" && chmod 644 "$WORK/stream.sse" # nginx's workers run unprivileged
STREAM_BYTES=$(wc -c < "$HERE/stream.sse")
RATE=$(( STREAM_BYTES / STREAM_SECONDS + 1 ))
cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
worker_rlimit_nofile 65536;
pid $WORK/nginx.pid;
error_log $WORK/logs/error.log warn;
events { worker_connections 16384; }
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
    # a static file, so nginx paces it (limit_rate); a POST to a file is a 405 that error_page turns into the file
    location = /slow/v1/chat/completions {
      alias $WORK/stream.sse;
      default_type text/event-stream;
      limit_rate $RATE;
      error_page 405 =200 \$uri;
    }
  }
}
EOF
nginx -p "$WORK" -c "$WORK/nginx.conf"

# ---------------------------------------------------------------- the gateway
cat > "$WORK/switchboard.conf" <<EOF
switchboard {
  providers {
    upstream { type = openai, base-url = "http://127.0.0.1:$NGINX_PORT/v1", api-key = "bench-key-not-real", model = "gpt-4o-mini" }
    slow { type = openai, base-url = "http://127.0.0.1:$NGINX_PORT/slow/v1", api-key = "bench-key-not-real", model = "gpt-4o-mini" }
  }
  routes {
    default.targets = [ upstream ]
    stream.targets = [ slow ]
  }
  http { max-connections = 4096, max-connections-per-route = 4096 }
  gateway { port = $GATEWAY_PORT }
}
EOF
log "building the gateway"
(cd "$ROOT" && mvn -B -ntp -q -pl gateway -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/classpath.txt" >"$WORK/logs/build.log" 2>&1) \
  || { cat "$WORK/logs/build.log"; exit 1; }
CP="$ROOT/gateway/target/test-classes:$ROOT/gateway/target/classes:$(cat "$WORK/classpath.txt")"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" dev.switchboard.gateway.BenchGatewayMain "$WORK/switchboard.conf" >"$WORK/logs/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 100); do grep -q READY "$WORK/logs/gateway.log" && break; sleep 0.2; done
grep -q READY "$WORK/logs/gateway.log" || { cat "$WORK/logs/gateway.log"; exit 1; }
echo "gateway pid $GATEWAY_PID on 127.0.0.1:$GATEWAY_PORT, nginx on 127.0.0.1:$NGINX_PORT, $(nproc) cores"

NGINX_URL="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$GATEWAY_PID/status"; }

log "warm-up (JIT): 2 x 5 s through the gateway"
wrk -t2 -c16 -d5s -s "$HERE/chat.lua" "$GATEWAY_URL" >/dev/null
wrk -t1 -c1 -d5s -s "$HERE/chat.lua" "$GATEWAY_URL" >/dev/null

log "1. throughput, 16 connections, $DURATION: nginx alone"
wrk -t2 -c16 -d"$DURATION" -s "$HERE/chat.lua" "$NGINX_URL" | tee "$WORK/nginx-16.txt"
log "1. throughput, 16 connections, $DURATION: through the gateway"
wrk -t2 -c16 -d"$DURATION" -s "$HERE/chat.lua" "$GATEWAY_URL" | tee "$WORK/gateway-16.txt"

log "2. latency, 1 connection, $DURATION: nginx alone"
wrk -t1 -c1 -d"$DURATION" --latency -s "$HERE/chat.lua" "$NGINX_URL" | tee "$WORK/nginx-1.txt"
log "2. latency, 1 connection, $DURATION: through the gateway"
wrk -t1 -c1 -d"$DURATION" --latency -s "$HERE/chat.lua" "$GATEWAY_URL" | tee "$WORK/gateway-1.txt"

log "3. $STREAMS concurrent streams (each ~${STREAM_SECONDS} s long), RSS sampled every second"
echo "RSS before: $(rss_mb) MB"
MAX_RSS=0
MAX_OPEN=0
MODEL=stream STREAM=1 wrk -t2 -c"$STREAMS" -d"$((STREAM_SECONDS + 5))s" --timeout 60s -s "$HERE/chat.lua" "$GATEWAY_URL" \
  > "$WORK/streams.txt" &
WRK_PID=$!
while kill -0 "$WRK_PID" 2>/dev/null; do
  R=$(rss_mb); [ "$R" -gt "$MAX_RSS" ] && MAX_RSS=$R
  O=$(curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '/^switchboard_gateway_open_streams / {print $2}')
  O=${O:-0}; [ "$O" -gt "$MAX_OPEN" ] && MAX_OPEN=$O
  sleep 1
done
wait "$WRK_PID" || true
cat "$WORK/streams.txt"

median_us() { awk '/^ +50%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); print v} else if (v ~ /ms$/) {sub(/ms/,"",v); print v*1000} else {sub(/s$/,"",v); print v*1000000}}' "$1"; }
rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
N50=$(median_us "$WORK/nginx-1.txt")
G50=$(median_us "$WORK/gateway-1.txt")
log "summary"
echo "nginx alone,        16 connections: $(rps "$WORK/nginx-16.txt") req/s"
echo "through the gateway, 16 connections: $(rps "$WORK/gateway-16.txt") req/s   (target >= 10000)"
echo "median latency at 1 connection: nginx ${N50} us, gateway ${G50} us, added $(awk -v g="$G50" -v n="$N50" 'BEGIN {print g-n}') us   (target <= 150)"
echo "streams: at most $MAX_OPEN open at once, gateway RSS at most $MAX_RSS MB   (target: $STREAMS streams under 512 MB)"
echo "logs and wrk output: $WORK"
