#!/usr/bin/env bash
# Records the API baseline: api/src/api-baseline/switchboard-api-baseline.jar, the class files of switchboard-api as
# built from the current sources. `mvn verify` compares the api jar against it with japicmp and fails on a binary
# or source incompatible change (see README, "API compatibility").
#
# Re-record only to acknowledge an incompatible change on purpose, and say in the commit which change and why.
#
#   scripts/record-api-baseline.sh            builds the api module (tests skipped) and records its classes
#   MVN=mvn scripts/record-api-baseline.sh    with another Maven than ./mvnw; extra arguments go to Maven (e.g. -o)
set -euo pipefail
cd "$(dirname "$0")/.."

mvn_cmd=${MVN:-./mvnw}
baseline=api/src/api-baseline/switchboard-api-baseline.jar
jar_tool=${JAVA_HOME:+$JAVA_HOME/bin/}jar

"$mvn_cmd" -B -ntp -q -pl api -DskipTests -Djapicmp.skip -Dmaven.source.skip -Dmaven.javadoc.skip package "$@"

built=$(ls api/target/switchboard-api-*.jar | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/classes"
(cd "$work/classes" && "$jar_tool" xf "$OLDPWD/$built")
# Class files only, in a fixed order with a fixed time: the same API always gives the same bytes. Without
# module-info.class, which the jar tool would rewrite with the current time (japicmp compares classes, not modules).
find "$work/classes" -type f \( ! -name '*.class' -o -name module-info.class \) -delete
find "$work/classes" -type d -empty -delete
find "$work/classes" -exec touch -d '2026-01-01T00:00:00Z' {} +
mkdir -p "$(dirname "$baseline")"
(cd "$work/classes" && find . -type f | LC_ALL=C sort | sed 's|^\./||' > "$work/list"
 "$jar_tool" --create --no-manifest --file "$work/baseline.jar" @"$work/list")
mv "$work/baseline.jar" "$baseline"
echo "recorded $baseline ($(wc -c < "$baseline") bytes, $(wc -l < "$work/list") classes) from $built"
