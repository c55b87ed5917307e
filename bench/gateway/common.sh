# Steps the gateway benchmarks share (run.sh, cache.sh, backends.sh, tail.sh). Sourced once each script has set
# HERE, ROOT and WORK (and DURATION, for one_connection) and defined its own log and die.

# Installs wrk and nginx from Debian's packages when either is missing.
install_wrk_and_nginx() {
  if ! command -v wrk >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
    log "installing wrk and nginx (Debian packages)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q wrk nginx-light >/dev/null 2>&1 || apt-get install -y -q wrk nginx >/dev/null
    # the package may start a default site on port 80; the benchmarks run their own instances
    (service nginx stop >/dev/null 2>&1 || true)
  fi
}

# Runs OneConnection.java against URL $2 for DURATION (whole seconds) after 2 s of warm-up, its output into file $1;
# dies, showing that output, when it fails (an answer that is not a 2xx among them).
one_connection() {
  java "$HERE/OneConnection.java" "$2" "$HERE/chat.json" "${DURATION%s}" 2 >"$1" \
    || { cat "$1"; die "OneConnection.java failed against $2"; }
}

# Dies unless every command named is on the PATH.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || die "needs $tool on the PATH (a JDK 17 or newer, and curl)"
  done
}

# Leaves DIST naming an unpacked distribution with its launcher: the one DIST names, or else the one the build makes.
use_distribution() {
  if [ -z "${DIST:-}" ]; then
    log "building the distribution"
    (cd "$ROOT" && mvn -B -ntp -q -pl distribution -am package -DskipTests >"$WORK/build.log" 2>&1) \
      || { cat "$WORK/build.log"; exit 1; }
    DIST=$ROOT/distribution/target/switchboard
  fi
  [ -x "$DIST/bin/switchboard" ] || die "no launcher at $DIST/bin/switchboard: set DIST to an unpacked distribution"
}
