#!/usr/bin/env bash
# Load benchmark of the gateway as users run it: the assembled distribution's `bin/switchboard serve` with the
# launcher's default JVM options, against nginx playing the provider, all on 127.0.0.1 and every step bounded in time.
# In one run, nginx alone and the gateway back to back (ROUNDS times, so machine load hits both alike):
#   1. non-streaming requests/s at 16 connections;
#   2. median and p99 latency at 1 connection (the differences are what the gateway adds);
# then
#   3. STREAMS concurrent streams held open through the gateway while its RSS is sampled from /proc;
#   4. bytes allocated per non-streamed request through the gateway (JFR's per-thread allocation counters).
# It prints the ratios against the targets of issue 12. nginx serves a fixed OpenAI chat completion, and a fixed SSE
# stream sent slowly (limit_rate) so that streams stay open. Installs wrk and nginx from Debian packages when missing.
#
# Usage: bench/gateway/run.sh
#   DIST=path/to/unpacked/distribution   skip the build and use that one (default: build distribution/target/switchboard)
#   ROUNDS=3 DURATION=5s WARMUP=10s STREAMS=1000 STREAM_SECONDS=15 NGINX_PORT=18081 GATEWAY_PORT=18080
#   GATEWAY_JAVA_OPTS=...                passed to the launcher as JAVA_OPTS (default: none, the shipped defaults)
#   STATE_BACKEND=embedded|memory        switchboard.state.backend of the gateway (default: the launcher's, embedded,
#                                        with its files in a fresh directory of this run)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/switchboard-gateway-bench.XXXXXX)
NGINX_PORT=${NGINX_PORT:-18081}
GATEWAY_PORT=${GATEWAY_PORT:-18080}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5s}
WARMUP=${WARMUP:-10s}
STREAMS=${STREAMS:-1000}
STREAM_SECONDS=${STREAM_SECONDS:-15}

log() { printf '\n== %s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

if ! command -v wrk >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
  log "installing wrk and nginx (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q wrk nginx-light >/dev/null 2>&1 || apt-get install -y -q wrk nginx >/dev/null
  # the package may start a default site on port 80; this benchmark runs its own instance
  (service nginx stop >/dev/null 2>&1 || true)
fi
for tool in java jcmd curl; do
  command -v "$tool" >/dev/null 2>&1 || die "needs $tool on the PATH (a JDK 17 or newer, and curl)"
done

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

GATEWAY_PID=""
cleanup() {
  if [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null; then wait "$GATEWAY_PID" 2>/dev/null || true; fi
  if [ -f "$WORK/nginx.pid" ]; then nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- the distribution
if [ -z "${DIST:-}" ]; then
  log "building the distribution"
  (cd "$ROOT" && mvn -B -ntp -q -pl distribution -am package -DskipTests >"$WORK/build.log" 2>&1) \
    || { cat "$WORK/build.log"; exit 1; }
  DIST=$ROOT/distribution/target/switchboard
fi
[ -x "$DIST/bin/switchboard" ] || die "no launcher at $DIST/bin/switchboard: set DIST to an unpacked distribution"

# ---------------------------------------------------------------- the fake provider
mkdir -p "$WORK/logs" "$WORK/tmp"
COMPLETION=$(cat "$HERE/completion.json")
cp "$HERE/stream.sse" "$WORK/stream.sse"
chmod 755 "$WORK" && chmod 644 "$WORK/stream.sse" # nginx's workers run unprivileged
STREAM_BYTES=$(wc -c < "$HERE/stream.sse")
RATE=$(( STREAM_BYTES / STREAM_SECONDS + 1 ))
cat > "$WORK/nginx.conf" <<CONF
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
CONF
nginx -p "$WORK" -c "$WORK/nginx.conf"

# ---------------------------------------------------------------- the gateway, as shipped
cat > "$WORK/switchboard.conf" <<CONF
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
  gateway { port = $GATEWAY_PORT, shutdown-grace = 1s }
}
CONF
SWITCHBOARD_STATE_BACKEND=${STATE_BACKEND:-embedded} SWITCHBOARD_DATA_DIR=$WORK/data \
JAVA_OPTS=${GATEWAY_JAVA_OPTS:-} "$DIST/bin/switchboard" --config "$WORK/switchboard.conf" serve \
  >"$WORK/logs/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$WORK/logs/gateway.log"; die "the gateway exited"; }
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" || { cat "$WORK/logs/gateway.log"; die "the gateway did not start"; }
JVM_FLAGS=$(jcmd "$GATEWAY_PID" VM.command_line 2>/dev/null | sed -n 's/^jvm_args: //p')
echo "gateway: $DIST/bin/switchboard serve (pid $GATEWAY_PID, JVM options: $JVM_FLAGS, state backend: ${STATE_BACKEND:-embedded})"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n 1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

NGINX_URL="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$GATEWAY_PID/status"; }
# wrk's latency column (58.00us, 1.02ms, 1.10s) in microseconds
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60000000; else print n * 1000000 }'; }
pct_us() { to_us "$(awk -v p="$2%" '$1 == p {print $2}' "$1")"; }
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# runs wrk into $1 and refuses to go on when any answer was not a 2xx (a benchmark of errors means nothing)
load() {
  local out=$1; shift
  wrk "$@" -s "$HERE/chat.lua" >"$out"
  if grep -q 'Non-2xx' "$out"; then cat "$out"; tail -n 20 "$WORK/logs/gateway.log"; die "errors during $*"; fi
}

log "warm-up (JIT): $WARMUP at 16 connections and $WARMUP at 1 through the gateway"
load "$WORK/warmup-16.txt" -t2 -c16 -d"$WARMUP" "$GATEWAY_URL"
load "$WORK/warmup-1.txt" -t1 -c1 -d"$WARMUP" "$GATEWAY_URL"

log "$ROUNDS rounds of $DURATION each: nginx alone, then through the gateway"
printf '%-6s %12s %12s %7s   %-22s %-22s %s\n' round "nginx r/s" "gateway r/s" ratio \
  "nginx p50/p99 (us)" "gateway p50/p99 (us)" "added p50/p99 (us)" | tee "$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  load "$WORK/nginx-16-$round.txt" -t2 -c16 -d"$DURATION" "$NGINX_URL"
  load "$WORK/gateway-16-$round.txt" -t2 -c16 -d"$DURATION" "$GATEWAY_URL"
  load "$WORK/nginx-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$NGINX_URL"
  load "$WORK/gateway-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$GATEWAY_URL"
  N=$(rps "$WORK/nginx-16-$round.txt"); G=$(rps "$WORK/gateway-16-$round.txt")
  N50=$(pct_us "$WORK/nginx-1-$round.txt" 50); N99=$(pct_us "$WORK/nginx-1-$round.txt" 99)
  G50=$(pct_us "$WORK/gateway-1-$round.txt" 50); G99=$(pct_us "$WORK/gateway-1-$round.txt" 99)
  awk -v r="$round" -v n="$N" -v g="$G" -v n50="$N50" -v n99="$N99" -v g50="$G50" -v g99="$G99" 'BEGIN {
    printf "%-6s %12d %12d %7.3f   %-22s %-22s %+.0f / %+.0f\n", r, n, g, g / n, n50 " / " n99, g50 " / " g99,
      g50 - n50, g99 - n99 }' | tee -a "$WORK/rounds.txt"
done

log "$STREAMS concurrent streams (each ~${STREAM_SECONDS} s long), RSS sampled every second"
RSS_BEFORE=$(rss_mb)
echo "RSS before: $RSS_BEFORE MB"
MAX_RSS=0
MAX_OPEN=0
MODEL=stream STREAM=1 wrk -t2 -c"$STREAMS" -d"$((STREAM_SECONDS + 5))s" --timeout 60s -s "$HERE/chat.lua" "$GATEWAY_URL" \
  >"$WORK/streams.txt" &
WRK_PID=$!
while kill -0 "$WRK_PID" 2>/dev/null; do
  R=$(rss_mb); [ "$R" -gt "$MAX_RSS" ] && MAX_RSS=$R
  O=$(curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '/^switchboard_gateway_open_streams / {printf "%d", $2}')
  O=${O:-0}; [ "$O" -gt "$MAX_OPEN" ] && MAX_OPEN=$O
  sleep 1
done
wait "$WRK_PID" || true
cat "$WORK/streams.txt"
# wrk left mid-stream; the upstream streams it started end within STREAM_SECONDS, and their requests with them
sleep $((STREAM_SECONDS + 2))
# (the /metrics request that asks is in flight itself)
IN_FLIGHT=$(curl -s "http://127.0.0.1:$GATEWAY_PORT/metrics" | awk '/^switchboard_gateway_requests_in_flight / {printf "%d", $2 - 1}')
echo "requests in flight ${STREAM_SECONDS}+2 s after wrk left: $IN_FLIGHT"

# JFR's first recording in a JVM re-instruments JDK classes, so compiled code that uses them starts over: this one
# runs through a second warm-up, and the allocation phase's own recording, started after it, costs nothing.
jcmd "$GATEWAY_PID" JFR.start name=bench-init settings="$HERE/allocation.jfc" >/dev/null
load "$WORK/warmup-jfr.txt" -t2 -c16 -d"$WARMUP" "$GATEWAY_URL"

log "allocation: $DURATION at 16 connections through the gateway, JFR counting each thread's allocated bytes"
jcmd "$GATEWAY_PID" JFR.start name=bench-allocation settings="$HERE/allocation.jfc" >/dev/null
load "$WORK/allocation.txt" -t2 -c16 -d"$DURATION" "$GATEWAY_URL"
jcmd "$GATEWAY_PID" JFR.stop name=bench-allocation filename="$WORK/allocation.jfr" >/dev/null
ALLOCATED=$(java "$HERE/AllocatedBytes.java" "$WORK/allocation.jfr")
ALLOC_REQUESTS=$(requests "$WORK/allocation.txt")
echo "$ALLOCATED bytes for $ALLOC_REQUESTS requests"
jcmd "$GATEWAY_PID" JFR.stop name=bench-init >/dev/null

# the median round of each figure (rounds sorted by that figure alone)
median_col() { awk 'NR > 1 {print $'"$1"'}' "$WORK/rounds.txt" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
RATIO=$(median_col 4)
ADDED50=$(awk 'NR > 1 {print $(NF - 2)}' "$WORK/rounds.txt" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
ADDED99=$(awk 'NR > 1 {print $NF}' "$WORK/rounds.txt" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
log "summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
cat "$WORK/rounds.txt"
echo
echo "gateway / nginx at 16 connections:   ${RATIO}x, median of $ROUNDS rounds   (target >= 0.30)"
echo "added latency at 1 connection:       median ${ADDED50} us, p99 ${ADDED99} us   (targets <= 100 and <= 500)"
echo "allocated per non-streamed request:  $(awk -v a="$ALLOCATED" -v n="$ALLOC_REQUESTS" 'BEGIN {printf "%.0f", a / n}') bytes   (target <= 8192)"
echo "$STREAMS streams:                        at most $MAX_OPEN open at once, RSS at most $MAX_RSS MB (before: $RSS_BEFORE MB)   (target <= 400); $IN_FLIGHT left in flight"
echo "logs and wrk output: $WORK"
