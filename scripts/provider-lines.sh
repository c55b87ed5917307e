#!/usr/bin/env sh
# Lines of code per provider module and of the shared code they reuse: non-blank lines of main Java sources,
# without comments, imports and module-info.java. Prints the Markdown table used in README.md.
set -eu
cd "$(dirname "$0")/.."
count() {
  find "$@" -name '*.java' ! -name module-info.java -print0 2>/dev/null | xargs -0 cat 2>/dev/null \
    | grep -v '^[[:space:]]*$' | grep -v '^[[:space:]]*//' | grep -Ev '^[[:space:]]*(/\*|\*)' \
    | grep -v '^import ' | grep -v '^package ' | wc -l | tr -d ' '
}
echo "| module | lines | builds on |"
echo "|---|---:|---|"
for m in provider-*; do
  [ -d "$m/src/main/java" ] || continue
  if grep -rqs 'OpenAiCompatibleProvider' "$m/src/main/java"; then base="OpenAI-compatible base"; else base="HttpProviderClient, readers, error mapping"; fi
  echo "| $m | $(count "$m/src/main/java") | $base |"
done
echo "| shared: dev.switchboard.openai | $(count api/src/main/java/dev/switchboard/openai) | |"
echo "| shared: dev.switchboard.http | $(count api/src/main/java/dev/switchboard/http) | |"
