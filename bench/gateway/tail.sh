#!/usr/bin/env bash
# The latency tail at one connection, finer than run.sh's p99: nginx alone, nginx as a reverse proxy in front of it
# (keep-alive to it, no body processing) and the gateway as shipped (`bin/switchboard serve`, launcher defaults) in
# front of it, back to back in each of ROUNDS rounds, each printing p50 to p99.99 and max in microseconds. It tells
# whether the gateway's p99 is its own or the machine's: a tail that all three share (the same start, reached at a
# higher percentile by the shorter paths) is the machine's, and how much more often the gateway reaches it than the
# proxy is the gateway's part.
#
# Each target is measured twice a round: by wrk (percentiles.lua), whose percentiles are corrected for coordinated
# omission (at one connection a stall of D counts about D / mean-latency times), and by OneConnection.java, which
# prints the same requests' percentiles both as each request saw them ("raw") and corrected as wrk corrects them, and
# the share of the run's time spent in requests over 0.5, 1 and 2 ms ("stalls": what the corrected p99 is made of).
#
# Usage: bench/gateway/tail.sh
#   DIST=path/to/unpacked/distribution   skip the build and use that one (default: build distribution/target/switchboard)
#   STATE_BACKEND=embedded|memory        the gateway's state backend (default: embedded, as shipped)
#   ROUNDS=3 DURATION=8s WARMUP=5s NGINX_PORT=18191 PROXY_PORT=18192 GATEWAY_PORT=18190
#   SCHED_TRACE=5                        after the rounds, trace the scheduler for that many seconds at one connection
#                                        through the gateway (`perf sched record`, all CPUs; needs perf and the right
#                                        to trace, e.g. root) and print SchedStalls.java's account of it: each time a
#                                        request's thread waited more than 0.5 ms for a CPU, and what ran meanwhile
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d /tmp/switchboard-tail-bench.XXXXXX)
NGINX_PORT=${NGINX_PORT:-18191}
PROXY_PORT=${PROXY_PORT:-18192}
GATEWAY_PORT=${GATEWAY_PORT:-18190}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-8s}
[[ $DURATION =~ ^[0-9]+s$ ]] || { printf 'tail.sh: DURATION must be whole seconds such as 8s, not %s\n' "$DURATION" >&2; exit 2; }
SCHED_TRACE=${SCHED_TRACE:-0}
[[ $SCHED_TRACE =~ ^[0-9]+$ ]] || { printf 'tail.sh: SCHED_TRACE must be whole seconds such as 5, not %s\n' "$SCHED_TRACE" >&2; exit 2; }
WARMUP=${WARMUP:-5s}

log() { printf '%s\n' "$*"; }
die() { printf 'tail.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=common.sh
. "$HERE/common.sh"
install_wrk_and_nginx
require_tools java curl
if [ "$SCHED_TRACE" -gt 0 ]; then
  command -v perf >/dev/null 2>&1 || die "SCHED_TRACE needs perf on the PATH (Debian: linux-perf)"
fi

GATEWAY_PID=""
cleanup() {
  if [ -n "$GATEWAY_PID" ] && kill "$GATEWAY_PID" 2>/dev/null; then wait "$GATEWAY_PID" 2>/dev/null || true; fi
  for conf in nginx proxy; do
    if [ -f "$WORK/$conf.pid" ]; then nginx -p "$WORK" -c "$WORK/$conf.conf" -s stop 2>/dev/null || true; fi
  done
}
trap cleanup EXIT

use_distribution

# ---------------------------------------------------------------- nginx as the provider, and nginx as a proxy
mkdir -p "$WORK/logs" "$WORK/tmp"
COMPLETION=$(cat "$HERE/completion.json")
nginx_conf() { # name, server block
  cat > "$WORK/$1.conf" <<CONF
worker_processes 1;
pid $WORK/$1.pid;
error_log $WORK/logs/$1-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/$1-body;
  proxy_temp_path $WORK/tmp/$1-proxy;
  fastcgi_temp_path $WORK/tmp/$1-fastcgi;
  uwsgi_temp_path $WORK/tmp/$1-uwsgi;
  scgi_temp_path $WORK/tmp/$1-scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  $2
}
CONF
  nginx -p "$WORK" -c "$WORK/$1.conf"
}
nginx_conf nginx "server { listen 127.0.0.1:$NGINX_PORT; location = /v1/chat/completions { default_type application/json; return 200 '$COMPLETION'; } }"
nginx_conf proxy "upstream provider { server 127.0.0.1:$NGINX_PORT; keepalive 32; }
  server { listen 127.0.0.1:$PROXY_PORT; location / { proxy_pass http://provider; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"

# ---------------------------------------------------------------- the gateway, as shipped
cat > "$WORK/switchboard.conf" <<CONF
switchboard {
  providers.upstream { type = openai, base-url = "http://127.0.0.1:$NGINX_PORT/v1", api-key = "bench-key-not-real", model = "gpt-4o-mini" }
  routes.default.targets = [ upstream ]
  gateway { port = $GATEWAY_PORT, shutdown-grace = 1s }
}
CONF
SWITCHBOARD_STATE_BACKEND=${STATE_BACKEND:-embedded} SWITCHBOARD_DATA_DIR=$WORK/data \
  "$DIST/bin/switchboard" --config "$WORK/switchboard.conf" serve >"$WORK/logs/gateway.log" 2>&1 &
GATEWAY_PID=$!
for _ in $(seq 1 150); do
  curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" && break
  kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$WORK/logs/gateway.log"; die "the gateway exited"; }
  sleep 0.2
done
curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" || { cat "$WORK/logs/gateway.log"; die "the gateway did not start"; }

CHAT=/v1/chat/completions
export BENCH_DIR=$HERE
measure() { # label, port, duration, connections; its wrk output stays in $WORK, by label and round
  local out="$WORK/$1-${round:-warmup}.txt"
  wrk -t1 -c"$4" -d"$3" -s "$HERE/percentiles.lua" "http://127.0.0.1:$2$CHAT" >"$out"
  if grep -q 'Non-2xx' "$out"; then cat "$out"; tail -n 20 "$WORK/logs/gateway.log"; die "errors from $1"; fi
  tail -n 1 "$out"
}
exact() { # label, port: OneConnection's lines (raw, corrected, stalls), prefixed with the round and label
  one_connection "$WORK/$1-exact-$round.txt" "http://127.0.0.1:$2$CHAT"
  sed "s/^/$round $(printf '%-8s' "$1") /" "$WORK/$1-exact-$round.txt"
}
echo "warm-up: 3 x $WARMUP at 16 connections through the gateway, $WARMUP at 1 through the gateway and the proxy"
for _ in 1 2 3; do
  wrk -t2 -c16 -d"$WARMUP" -s "$HERE/chat.lua" "http://127.0.0.1:$GATEWAY_PORT$CHAT" >/dev/null
done
measure gateway "$GATEWAY_PORT" "$WARMUP" 1 >/dev/null
measure proxy "$PROXY_PORT" "$WARMUP" 1 >/dev/null

echo "$ROUNDS rounds of $DURATION at 1 connection; latencies in microseconds" \
  "($(nproc) cores, $(java -version 2>&1 | head -n 1), state backend ${STATE_BACKEND:-embedded}, $(date -u '+%Y-%m-%d %H:%M UTC'))"
for round in $(seq 1 "$ROUNDS"); do
  printf '%s nginx    %s\n' "$round" "$(measure nginx "$NGINX_PORT" "$DURATION" 1)"
  printf '%s proxy    %s\n' "$round" "$(measure proxy "$PROXY_PORT" "$DURATION" 1)"
  printf '%s gateway  %s\n' "$round" "$(measure gateway "$GATEWAY_PORT" "$DURATION" 1)"
  exact nginx "$NGINX_PORT"
  exact proxy "$PROXY_PORT"
  exact gateway "$GATEWAY_PORT"
done

if [ "$SCHED_TRACE" -gt 0 ]; then
  echo "scheduler trace: $SCHED_TRACE s at 1 connection through the gateway"
  wrk -t1 -c1 -d"$((SCHED_TRACE + 2))s" -s "$HERE/chat.lua" "http://127.0.0.1:$GATEWAY_PORT$CHAT" >"$WORK/sched-wrk.txt" &
  wrk_pid=$!
  sleep 1
  (cd "$WORK" && perf sched record -a -o "$WORK/sched.data" -- sleep "$SCHED_TRACE" >"$WORK/sched-record.log" 2>&1) \
    || { cat "$WORK/sched-record.log"; die "perf sched record failed (it needs the right to trace: root, or perf_event_paranoid -1)"; }
  wait "$wrk_pid"
  if grep -q 'Non-2xx' "$WORK/sched-wrk.txt"; then
    cat "$WORK/sched-wrk.txt"; tail -n 20 "$WORK/logs/gateway.log"; die "errors during the scheduler trace"
  fi
  perf sched timehist -i "$WORK/sched.data" --state >"$WORK/sched.txt" 2>/dev/null
  java "$HERE/SchedStalls.java" "$WORK/sched.txt" 0.5
fi
