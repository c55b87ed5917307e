#!/usr/bin/env sh
# Startup time of the distribution's launcher: runs `bin/switchboard --version` N times (after 3 warm-up runs that
# fill the OS file cache) and prints each wall time and the median, in milliseconds. Uses hyperfine when installed.
#
#   scripts/startup-time.sh [N] [path/to/bin/switchboard] [-- extra args instead of --version]
#
# Build the distribution first: mvn -B -ntp -pl distribution -am package -DskipTests
set -eu
cd "$(dirname "$0")/.."
n=${1:-21}
bin=${2:-distribution/target/switchboard/bin/switchboard}
[ -x "$bin" ] || { echo "no launcher at $bin: build the distribution first" >&2; exit 2; }

if command -v hyperfine >/dev/null 2>&1; then
  exec hyperfine --warmup 3 --runs "$n" --export-json /dev/null "$bin --version"
fi

# Milliseconds since the epoch: GNU date has %N; elsewhere ask perl or python3.
now_ms() {
  ns=$(date +%s%N)
  case $ns in
    *N) if command -v perl >/dev/null 2>&1; then perl -MTime::HiRes=time -e 'printf "%d\n", time()*1000'
        else python3 -c 'import time; print(int(time.time()*1000))'; fi ;;
    *) echo $((ns / 1000000)) ;;
  esac
}

for _ in 1 2 3; do "$bin" --version >/dev/null; done
times=""
i=0
while [ "$i" -lt "$n" ]; do
  start=$(now_ms)
  "$bin" --version >/dev/null
  end=$(now_ms)
  times="$times $((end - start))"
  i=$((i + 1))
done
echo "runs (ms):$times"
# shellcheck disable=SC2086
printf '%s\n' $times | sort -n | awk '{ t[NR] = $1 } END {
  m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
  printf "median: %d ms over %d runs (min %d, max %d)\n", m, NR, t[1], t[NR] }'
