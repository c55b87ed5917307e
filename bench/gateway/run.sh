#!/usr/bin/env bash
# Load benchmark of the gateway as users run it: the assembled distribution's `bin/switchboard serve` with the
# launcher's default JVM options, against nginx playing the provider, all on 127.0.0.1 and every step bounded in time.
# In one run, nginx alone and the gateway back to back (ROUNDS times, so machine load hits both alike):
#   1. non-streaming requests/s at 16 connections;
#   2. median and p99 latency at 1 connection (the differences are what the gateway adds), by wrk, whose percentiles
#      are corrected for coordinated omission (at one connection its p99 is where stalls add up to 1 % of the time),
#      and by OneConnection.java, whose raw p99 is each request's own latency;
# then
#   3. STREAMS concurrent streams held open through the gateway while its RSS is sampled from /proc;
#   4. bytes allocated per non-streamed request through the gateway (JFR's per-thread allocation counters).
# It prints the ratios against the targets of issue 12. For reference, each round also measures nginx as a reverse proxy
# in front of the same nginx (keep-alive to the upstream, no body processing): what an event-loop proxy in C reaches on
# the same machine in the same minute. nginx serves a fixed OpenAI chat completion, and a fixed SSE
# stream sent slowly (limit_rate) so that streams stay open. Installs wrk and nginx from Debian packages when missing.
# With DIST_B, a second distribution (a change, against DIST as its baseline) runs beside the first, both measured in
# each round (in alternating order), and the summary gives B's figures over A's from the same rounds.
#
# Usage: bench/gateway/run.sh
#   DIST=path/to/unpacked/distribution   skip the build and use that one (default: build distribution/target/switchboard)
#   DIST_B=path/to/another/distribution  measure it too, against DIST, in the same rounds (port GATEWAY_B_PORT, 18082)
#   ROUNDS=3 DURATION=5s WARMUP=10s WARMUP_RUNS=8 STREAMS=1000 STREAM_SECONDS=15 NGINX_PORT=18081 GATEWAY_PORT=18080
#   PROFILE=1                            record a JFR profile (profile.jfc) of each gateway under load, last;
#   PROFILE=settings.jfc                 the same with other JFR settings (e.g. the JDK's own "profile")
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
[[ $DURATION =~ ^[0-9]+s$ ]] || { printf 'run.sh: DURATION must be whole seconds such as 5s, not %s\n' "$DURATION" >&2; exit 2; }
WARMUP=${WARMUP:-10s}
WARMUP_RUNS=${WARMUP_RUNS:-8}
STREAMS=${STREAMS:-1000}
STREAM_SECONDS=${STREAM_SECONDS:-15}

# whether something already listens on 127.0.0.1:$1 (another run's gateway would answer this run's requests)
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
log() { printf '\n== %s\n' "$*"; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

# shellcheck source=common.sh
. "$HERE/common.sh"
install_wrk_and_nginx
require_tools java jcmd jstat curl

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

GATEWAY_B_PORT=${GATEWAY_B_PORT:-18082}
PROXY_PORT=${PROXY_PORT:-18083}
GATEWAY_PIDS=()
cleanup() {
  for pid in "${GATEWAY_PIDS[@]}"; do
    if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  done
  if [ -f "$WORK/nginx.pid" ]; then nginx -p "$WORK" -c "$WORK/nginx.conf" -s stop 2>/dev/null || true; fi
  if [ -f "$WORK/proxy.pid" ]; then nginx -p "$WORK" -c "$WORK/proxy.conf" -s stop 2>/dev/null || true; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- the distribution
use_distribution
if [ -n "${DIST_B:-}" ]; then
  [ -x "$DIST_B/bin/switchboard" ] || die "no launcher at $DIST_B/bin/switchboard: set DIST_B to an unpacked distribution"
  DIST=$(cd "$DIST" && pwd); DIST_B=$(cd "$DIST_B" && pwd)
fi

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
in_use "$NGINX_PORT" && die "port $NGINX_PORT is in use: set NGINX_PORT"
nginx -p "$WORK" -c "$WORK/nginx.conf"

# ---------------------------------------------------------------- the reference proxy: nginx in front of nginx
cat > "$WORK/proxy.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile 65536;
pid $WORK/proxy.pid;
error_log $WORK/logs/proxy-error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/proxy-body;
  proxy_temp_path $WORK/tmp/proxy-proxy;
  fastcgi_temp_path $WORK/tmp/proxy-fastcgi;
  uwsgi_temp_path $WORK/tmp/proxy-uwsgi;
  scgi_temp_path $WORK/tmp/proxy-scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  upstream provider { server 127.0.0.1:$NGINX_PORT; keepalive 64; }
  server {
    listen 127.0.0.1:$PROXY_PORT backlog=4096;
    location / { proxy_pass http://provider; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
in_use "$PROXY_PORT" && die "port $PROXY_PORT is in use: set PROXY_PORT"
nginx -p "$WORK" -c "$WORK/proxy.conf"
PROXY_URL="http://127.0.0.1:$PROXY_PORT/v1/chat/completions"

# ---------------------------------------------------------------- the gateways, as shipped
# GATEWAYS: the names of the gateways measured (A, and B with DIST_B); PID_x, PORT_x and URL_x for each.
start_gateway() { # name dist port
  local name=$1 dist=$2 port=$3
  in_use "$port" && die "port $port is in use: set $([ "$name" = A ] && echo GATEWAY_PORT || echo GATEWAY_B_PORT)"
  sed "s/port = GATEWAY_PORT/port = $port/" "$WORK/switchboard.conf.in" >"$WORK/switchboard-$name.conf"
  SWITCHBOARD_STATE_BACKEND=${STATE_BACKEND:-embedded} SWITCHBOARD_DATA_DIR=$WORK/data-$name \
  JAVA_OPTS=${GATEWAY_JAVA_OPTS:-} "$dist/bin/switchboard" --config "$WORK/switchboard-$name.conf" serve \
    >"$WORK/logs/gateway-$name.log" 2>&1 &
  local pid=$!
  GATEWAY_PIDS+=("$pid")
  for _ in $(seq 1 150); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health" && break
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/logs/gateway-$name.log"; die "gateway $name exited"; }
    sleep 0.2
  done
  curl -sf -o /dev/null "http://127.0.0.1:$port/health" \
    || { cat "$WORK/logs/gateway-$name.log"; die "gateway $name did not start"; }
  printf -v "PID_$name" '%s' "$pid"
  printf -v "PORT_$name" '%s' "$port"
  printf -v "URL_$name" '%s' "http://127.0.0.1:$port/v1/chat/completions"
  echo "gateway $name: $dist/bin/switchboard serve (pid $pid, port $port, JVM options:" \
    "$(jcmd "$pid" VM.command_line 2>/dev/null | sed -n 's/^jvm_args: //p'), state backend: ${STATE_BACKEND:-embedded})"
}
pid_of() { local v="PID_$1"; echo "${!v}"; }
port_of() { local v="PORT_$1"; echo "${!v}"; }
url_of() { local v="URL_$1"; echo "${!v}"; }

cat > "$WORK/switchboard.conf.in" <<CONF
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
  gateway { port = GATEWAY_PORT, shutdown-grace = 1s }
}
CONF
GATEWAYS=(A)
start_gateway A "$DIST" "$GATEWAY_PORT"
if [ -n "${DIST_B:-}" ]; then
  GATEWAYS=(A B)
  start_gateway B "$DIST_B" "$GATEWAY_B_PORT"
fi
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -n 1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

NGINX_URL="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
# wrk's latency column (58.00us, 1.02ms, 1.10s) in microseconds
to_us() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) print n; else if (v ~ /ms$/) print n * 1000; else if (v ~ /m$/) print n * 60000000; else print n * 1000000 }'; }
pct_us() { to_us "$(awk -v p="$2%" '$1 == p {print $2}' "$1")"; }
# a process's CPU time so far, user and system, in clock ticks (fields 14 and 15 of /proc/PID/stat, after the name)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12, $13}'; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
rps() { awk '/^Requests\/sec/ {printf "%.0f", $2}' "$1"; }
requests() { awk '/requests in/ {print $1}' "$1"; }
# runs wrk into $1 and refuses to go on when any answer was not a 2xx (a benchmark of errors means nothing)
load() {
  local out=$1; shift
  wrk "$@" -s "$HERE/chat.lua" >"$out"
  if grep -q 'Non-2xx' "$out"; then cat "$out"; tail -n 20 "$WORK"/logs/gateway-*.log; die "errors during $*"; fi
}
# OneConnection's raw percentile $2 (99 for p99) from its output $1, in microseconds
raw_pct() { awk -v p="p$2=" '$1 == "raw" {for (i = 2; i <= NF; i++) if (index($i, p) == 1) print substr($i, length(p) + 1)}' "$1"; }
# OneConnection's share of the run's time (in %) spent in requests slower than $2 us (500, 1000 or 2000), from $1
stall_pct() { awk -v k="over$2us=" '$1 == "stalls" {for (i = 2; i <= NF; i++) if (index($i, k) == 1) {v = substr($i, length(k) + 1); sub(/%/, "", v); print v}}' "$1"; }
# the median of the numbers on stdin
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# usage-log rows the gateway's state store has dropped since it started (its queue full: the writer behind)
dropped_rows() { curl -s "http://127.0.0.1:$(port_of "$1")/metrics" | awk '/^switchboard_usage_log_dropped_total / {printf "%d", $2; f = 1} END {if (!f) print 0}'; }

# The CPU time a request takes until the JIT has compiled the hot paths is several times what it takes after; on a
# loaded machine the compiler threads get little CPU, so a fixed warm-up may end long before. Each gateway is warmed
# up in WARMUP-long runs at 16 connections until the JIT compiled fewer than 50 methods during a run and its CPU time
# per request changed by less than 10 % from the run before (WARMUP_RUNS at most), then for WARMUP at 1 connection.
compiled() { jstat -compiler "$1" 2>/dev/null | awk 'NR == 2 {print $1}'; }
cpu_per_request() { # pid "ticks before" wrk-output: user+system microseconds per request
  local after; after=$(cpu_ticks "$1")
  echo "$2 $after $(requests "$3")" | awk -v t="$TICK_US" '{printf "%.0f", (($3 + $4) - ($1 + $2)) * t / $5}'
}
for g in "${GATEWAYS[@]}"; do
  log "warm-up of gateway $g (JIT): $WARMUP runs at 16 connections until the JIT is done, then $WARMUP at 1"
  pid=$(pid_of "$g")
  previous=""
  for run in $(seq 1 "$WARMUP_RUNS"); do
    before=$(cpu_ticks "$pid")
    methods=$(compiled "$pid")
    load "$WORK/warmup-16-$g-$run.txt" -t2 -c16 -d"$WARMUP" "$(url_of "$g")"
    cpu=$(cpu_per_request "$pid" "$before" "$WORK/warmup-16-$g-$run.txt")
    methods=$(( $(compiled "$pid") - methods ))
    echo "warm-up run $run: $(rps "$WORK/warmup-16-$g-$run.txt") r/s, $cpu us of CPU per request, $methods methods compiled"
    if [ -n "$previous" ] && [ "$methods" -lt 50 ] \
        && awk -v a="$previous" -v b="$cpu" 'BEGIN {d = b - a; exit !(d < 0.1 * a && -d < 0.1 * a)}'; then
      break
    fi
    previous=$cpu
  done
  load "$WORK/warmup-1-$g.txt" -t1 -c1 -d"$WARMUP" "$(url_of "$g")"
  printf -v "DROPPED_WARMUP_$g" '%s' "$(dropped_rows "$g")"
done

log "$ROUNDS rounds of $DURATION each: nginx alone, then through the gateway${DIST_B:+s (A and B in alternating order)}"
# rounds-X.txt: one line per round for gateway X: round, nginx r/s, X r/s, ratio, nginx p50, p99, X p50, p99, added
for round in $(seq 1 "$ROUNDS"); do
  order=("${GATEWAYS[@]}")
  if [ "${#GATEWAYS[@]}" -eq 2 ] && [ $((round % 2)) -eq 0 ]; then order=(B A); fi
  load "$WORK/nginx-16-$round.txt" -t2 -c16 -d"$DURATION" "$NGINX_URL"
  load "$WORK/proxy-16-$round.txt" -t2 -c16 -d"$DURATION" "$PROXY_URL"
  for g in "${order[@]}"; do
    before=$(cpu_ticks "$(pid_of "$g")")
    load "$WORK/gateway-$g-16-$round.txt" -t2 -c16 -d"$DURATION" "$(url_of "$g")"
    echo "$before $(cpu_ticks "$(pid_of "$g")")" >"$WORK/gateway-$g-16-$round.cpu"
  done
  load "$WORK/nginx-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$NGINX_URL"
  load "$WORK/proxy-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$PROXY_URL"
  for g in "${order[@]}"; do load "$WORK/gateway-$g-1-$round.txt" -t1 -c1 -d"$DURATION" --latency "$(url_of "$g")"; done
  one_connection "$WORK/nginx-raw-$round.txt" "$NGINX_URL"
  for g in "${order[@]}"; do one_connection "$WORK/gateway-$g-raw-$round.txt" "$(url_of "$g")"; done
  N=$(rps "$WORK/nginx-16-$round.txt")
  N50=$(pct_us "$WORK/nginx-1-$round.txt" 50); N99=$(pct_us "$WORK/nginx-1-$round.txt" 99)
  # proxy-rounds.txt: round, nginx r/s, proxy r/s, ratio, added p50, added p99
  awk -v r="$round" -v n="$N" -v p="$(rps "$WORK/proxy-16-$round.txt")" -v n50="$N50" -v n99="$N99" \
    -v p50="$(pct_us "$WORK/proxy-1-$round.txt" 50)" -v p99="$(pct_us "$WORK/proxy-1-$round.txt" 99)" \
    'BEGIN {printf "%s %d %d %.3f %.0f %.0f\n", r, n, p, p / n, p50 - n50, p99 - n99}' >>"$WORK/proxy-rounds.txt"
  awk '$1 == '"$round"' {printf "round %-3s nginx as a proxy: %6d r/s vs nginx %6d: %.3fx   1 conn added %+d / %+d us\n", $1, $3, $2, $4, $5, $6}' \
    "$WORK/proxy-rounds.txt"
  for g in "${GATEWAYS[@]}"; do
    G=$(rps "$WORK/gateway-$g-16-$round.txt")
    G50=$(pct_us "$WORK/gateway-$g-1-$round.txt" 50); G99=$(pct_us "$WORK/gateway-$g-1-$round.txt" 99)
    # the gateway's CPU time per request at 16 connections, user and system: unlike a rate, it hardly depends on
    # what else the machine runs
    read -r u0 s0 u1 s1 <"$WORK/gateway-$g-16-$round.cpu"
    n=$(requests "$WORK/gateway-$g-16-$round.txt")
    awk -v r="$round" -v n="$N" -v g="$G" -v n50="$N50" -v n99="$N99" -v g50="$G50" -v g99="$G99" \
      -v cu=$(( (u1 - u0) * TICK_US )) -v cs=$(( (s1 - s0) * TICK_US )) -v req="$n" \
      'BEGIN {printf "%s %d %d %.3f %s %s %s %s %.0f %.0f %.0f %.0f\n", r, n, g, g / n, n50, n99, g50, g99, g50 - n50,
        g99 - n99, cu / req, cs / req}' >>"$WORK/rounds-$g.txt"
    # rounds-raw-X.txt: round, nginx raw p99, X raw p99, added (each request's own latency, not corrected)
    nr=$(raw_pct "$WORK/nginx-raw-$round.txt" 99); gr=$(raw_pct "$WORK/gateway-$g-raw-$round.txt" 99)
    echo "$round $nr $gr $((gr - nr)) $(stall_pct "$WORK/nginx-raw-$round.txt" 1000) $(stall_pct "$WORK/gateway-$g-raw-$round.txt" 1000)" \
      >>"$WORK/rounds-raw-$g.txt"
  done
  for g in "${GATEWAYS[@]}"; do
    awk -v g="$g" '$1 == '"$round"' {printf "round %-3s gateway %s: %6d r/s vs nginx %6d: %.3fx (CPU %d+%d us/request)   1 conn p50/p99 %s / %s us vs nginx %s / %s: added %+d / %+d us\n", $1, g, $3, $2, $4, $11, $12, $7, $8, $5, $6, $9, $10}' \
      "$WORK/rounds-$g.txt"
  done
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done

for g in "${GATEWAYS[@]}"; do printf -v "DROPPED_ROUNDS_$g" '%s' "$(dropped_rows "$g")"; done

IN_FLIGHT=""; MAX_RSS=""; MAX_OPEN=""; RSS_BEFORE=""
if [ "$STREAMS" -gt 0 ]; then
  for g in "${GATEWAYS[@]}"; do
    log "gateway $g: $STREAMS concurrent streams (each ~${STREAM_SECONDS} s long), RSS sampled every second"
    pid=$(pid_of "$g"); port=$(port_of "$g")
    before=$(rss_mb "$pid")
    max_rss=0
    max_open=0
    MODEL=stream STREAM=1 wrk -t2 -c"$STREAMS" -d"$((STREAM_SECONDS + 5))s" --timeout 60s -s "$HERE/chat.lua" \
      "$(url_of "$g")" >"$WORK/streams-$g.txt" &
    WRK_PID=$!
    while kill -0 "$WRK_PID" 2>/dev/null; do
      R=$(rss_mb "$pid"); [ "$R" -gt "$max_rss" ] && max_rss=$R
      O=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^switchboard_gateway_open_streams / {printf "%d", $2}')
      O=${O:-0}; [ "$O" -gt "$max_open" ] && max_open=$O
      sleep 1
    done
    wait "$WRK_PID" || true
    cat "$WORK/streams-$g.txt"
    # wrk left mid-stream; the upstream streams it started end within STREAM_SECONDS, and their requests with them
    sleep $((STREAM_SECONDS + 2))
    # (the /metrics request that asks is in flight itself)
    left=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^switchboard_gateway_requests_in_flight / {printf "%d", $2 - 1}')
    echo "RSS before: $before MB, at most $max_rss MB; requests in flight ${STREAM_SECONDS}+2 s after wrk left: $left"
    printf -v "STREAMS_$g" '%s' "at most $max_open open at once, RSS at most $max_rss MB (before: $before MB)   (target <= 400); $left left in flight"
  done
fi

# JFR's first recording in a JVM re-instruments JDK classes, so compiled code that uses them starts over: this one
# runs through a second warm-up, and the allocation phase's own recording, started after it, costs nothing.
for g in "${GATEWAYS[@]}"; do
  pid=$(pid_of "$g")
  jcmd "$pid" JFR.start name=bench-init settings="$HERE/allocation.jfc" >/dev/null
  load "$WORK/warmup-jfr-$g.txt" -t2 -c16 -d"$WARMUP" "$(url_of "$g")"
done
for g in "${GATEWAYS[@]}"; do
  log "gateway $g, allocation: $DURATION at 16 connections, JFR counting each thread's allocated bytes"
  pid=$(pid_of "$g")
  jcmd "$pid" JFR.start name=bench-allocation settings="$HERE/allocation.jfc" >/dev/null
  load "$WORK/allocation-$g.txt" -t2 -c16 -d"$DURATION" "$(url_of "$g")"
  jcmd "$pid" JFR.stop name=bench-allocation filename="$WORK/allocation-$g.jfr" >/dev/null
  allocated=$(java "$HERE/AllocatedBytes.java" "$WORK/allocation-$g.jfr")
  n=$(requests "$WORK/allocation-$g.txt")
  echo "$allocated bytes for $n requests"
  printf -v "BYTES_$g" '%s' "$(awk -v a="$allocated" -v n="$n" 'BEGIN {printf "%.0f", a / n}')"
  jcmd "$pid" JFR.stop name=bench-init >/dev/null
  printf -v "DROPPED_END_$g" '%s' "$(dropped_rows "$g")"
done

if [ -n "${PROFILE:-}" ]; then
  settings=$HERE/profile.jfc
  [ "$PROFILE" = 1 ] || settings=$PROFILE
  for g in "${GATEWAYS[@]}"; do
    log "gateway $g, profile: $DURATION at 16 connections under $settings"
    pid=$(pid_of "$g")
    jcmd "$pid" JFR.start name=bench-profile settings="$settings" >/dev/null
    load "$WORK/profile-$g.txt" -t2 -c16 -d"$DURATION" "$(url_of "$g")"
    jcmd "$pid" JFR.stop name=bench-profile filename="$WORK/profile-$g.jfr" >/dev/null
    echo "$WORK/profile-$g.jfr: $(requests "$WORK/profile-$g.txt") requests"
  done
fi

log "summary ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "reference, nginx as a reverse proxy in front of nginx: $(awk '{print $4}' "$WORK/proxy-rounds.txt" | median)x nginx" \
  "at 16 connections, added p50 $(awk '{print $5}' "$WORK/proxy-rounds.txt" | median) us and p99" \
  "$(awk '{print $6}' "$WORK/proxy-rounds.txt" | median) us at 1 connection (median of $ROUNDS rounds)"
echo
for g in "${GATEWAYS[@]}"; do
  [ "${#GATEWAYS[@]}" -eq 1 ] || echo "gateway $g: $(if [ "$g" = A ]; then echo "$DIST"; else echo "$DIST_B"; fi)"
  printf '%-6s %10s %12s %7s %14s   %-20s %-22s %s\n' round "nginx r/s" "gateway r/s" ratio "CPU us/req" \
    "nginx p50/p99 (us)" "gateway p50/p99 (us)" "added p50/p99 (us)"
  awk '{printf "%-6s %10d %12d %7.3f %14s   %-20s %-22s %+d / %+d\n", $1, $2, $3, $4, $11 "+" $12, $5 " / " $6,
    $7 " / " $8, $9, $10}' "$WORK/rounds-$g.txt"
  echo
  bytes="BYTES_$g"; streams="STREAMS_$g"
  echo "gateway / nginx at 16 connections:   $(awk '{print $4}' "$WORK/rounds-$g.txt" | median)x, median of $ROUNDS rounds   (target >= 0.30)"
  echo "added latency at 1 connection:       median $(awk '{print $9}' "$WORK/rounds-$g.txt" | median) us, p99 $(awk '{print $10}' "$WORK/rounds-$g.txt" | median) us   (targets <= 100 and <= 500)"
  echo "  each request's own p99 (raw):      added $(awk '{print $4}' "$WORK/rounds-raw-$g.txt" | median) us, median of $ROUNDS rounds [$(awk '{printf "%+d ", $4}' "$WORK/rounds-raw-$g.txt")] (wrk's p99 above is corrected for coordinated omission)"
  echo "  time in requests over 1 ms:       $(awk '{print $6}' "$WORK/rounds-raw-$g.txt" | median) % of the run through the gateway, $(awk '{print $5}' "$WORK/rounds-raw-$g.txt" | median) % for nginx alone (median of $ROUNDS rounds: wrk's p99 is about the latency above which such time reaches 1 %)"
  echo "gateway CPU per request (16 conns):  $(awk '{print $11 + $12}' "$WORK/rounds-$g.txt" | median) us, user + system, median of $ROUNDS rounds"
  echo "allocated per non-streamed request:  ${!bytes} bytes   (target <= 8192)"
  [ "$STREAMS" -gt 0 ] && echo "$STREAMS streams:                        ${!streams}"
  # rows dropped mean the writer fell behind and then did less work than the requests asked: figures of such a
  # phase are not comparable with a phase that dropped none
  w="DROPPED_WARMUP_$g"; r="DROPPED_ROUNDS_$g"; e="DROPPED_END_$g"
  echo "usage-log rows dropped (queue full):  ${!w} in the warm-up, $(( ${!r} - ${!w} )) in the rounds," \
    "$(( ${!e} - ${!r} )) after them (streams, JFR steps)"
  echo
done
if [ "${#GATEWAYS[@]}" -eq 2 ]; then
  # each figure's B/A (or B-A) in every round, then the median over rounds: both met the same load in a round
  paste -d' ' "$WORK/rounds-A.txt" "$WORK/rounds-B.txt" >"$WORK/rounds-AB.txt"
  echo "B against A, same rounds (median over $ROUNDS rounds; per round in brackets):"
  echo "  r/s at 16 connections, B/A:        $(awk '{printf "%.3f\n", $15 / $3}' "$WORK/rounds-AB.txt" | median)x   [$(awk '{printf "%.3f ", $15 / $3}' "$WORK/rounds-AB.txt")]"
  echo "  CPU per request, B/A:              $(awk '{printf "%.3f\n", ($23 + $24) / ($11 + $12)}' "$WORK/rounds-AB.txt" | median)x   [$(awk '{printf "%.3f ", ($23 + $24) / ($11 + $12)}' "$WORK/rounds-AB.txt")]"
  echo "  p50 at 1 connection, B-A:          $(awk '{print $19 - $7}' "$WORK/rounds-AB.txt" | median) us   [$(awk '{printf "%+d ", $19 - $7}' "$WORK/rounds-AB.txt")]"
  echo "  p99 at 1 connection, B-A:          $(awk '{print $20 - $8}' "$WORK/rounds-AB.txt" | median) us   [$(awk '{printf "%+d ", $20 - $8}' "$WORK/rounds-AB.txt")]"
  echo "  raw p99 at 1 connection, B-A:      $(paste -d' ' "$WORK/rounds-raw-A.txt" "$WORK/rounds-raw-B.txt" | awk '{print $9 - $3}' | median) us   [$(paste -d' ' "$WORK/rounds-raw-A.txt" "$WORK/rounds-raw-B.txt" | awk '{printf "%+d ", $9 - $3}')]"
  echo "  time over 1 ms at 1 connection, B-A: $(paste -d' ' "$WORK/rounds-raw-A.txt" "$WORK/rounds-raw-B.txt" | awk '{printf "%.2f\n", $12 - $6}' | median) points of %   [$(paste -d' ' "$WORK/rounds-raw-A.txt" "$WORK/rounds-raw-B.txt" | awk '{printf "%+.2f ", $12 - $6}')]"
  echo "  bytes per request, B/A:            $(awk -v a="$BYTES_A" -v b="$BYTES_B" 'BEGIN {printf "%.3f", b / a}')x   ($BYTES_B against $BYTES_A)"
fi
echo "logs and wrk output: $WORK"
