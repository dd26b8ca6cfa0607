#!/usr/bin/env bash
# Per-request cost of the example filters on wasmesh's host (Chicory) and on V8 (Node's WebAssembly with the small
# host in bench/v8/host.mjs), the same lifecycle on the same .wasm files, side by side. See bench/README.md
# ("Per request on real filters").
# Usage: bench/v8/run.sh [FILTER...]   FILTER: seed c-all rust-sdk go (default: all four)
# Env:   SECONDS_PER   time per filter and host (default 20); the best round counts
#        JAVA_OPTS     JVM options (default: the launcher's: -XX:+UseParallelGC -XX:-DontCompileHugeMethods)
#        JAR           a benchmarks.jar to use instead of building this checkout's (e.g. another build's)
#        SKIP_BUILD=1  reuses bench/target/benchmarks.jar
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${SECONDS_PER:-20}
java_opts=${JAVA_OPTS:--XX:+UseParallelGC -XX:-DontCompileHugeMethods}
jar=${JAR:-$root/bench/target/benchmarks.jar}
filters=("$@")
((${#filters[@]} > 0)) || filters=(seed c-all rust-sdk go)

if [[ -z "${JAR:-}" && "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "building $jar" >&2
  (cd "$root" && mvn -q -B -ntp -pl bench -am package -DskipTests)
fi
work=$(mktemp -d /tmp/wasmesh-v8.XXXXXX)
trap 'rm -rf "$work"' EXIT
# The compiled modules are cached for this run only: the Go module takes seconds to compile.
export WASMESH_CACHE_DIR="$work/cache"

printf '| filter | wasmesh (Chicory), µs CPU | wall | V8 (Node %s), µs CPU | wall | Chicory ÷ V8 (CPU) | requests until within 1.2× of the best (Chicory) |\n' \
  "$(node --version)"
printf '|---|---:|---:|---:|---:|---:|---:|\n'
for f in "${filters[@]}"; do
  enum=$(tr 'a-z-' 'A-Z_' <<<"$f")
  # shellcheck disable=SC2086 # java_opts holds several options
  java $java_opts -cp "$jar" dev.wasmesh.bench.LifecycleCost "$seconds" "$enum" >"$work/$f.java" 2>&1 \
    || { cat "$work/$f.java" >&2; exit 1; }
  node --single-threaded "$here/host.mjs" "$root/examples/$f/filter.wasm" "$seconds" >"$work/$f.v8" 2>&1 \
    || { cat "$work/$f.v8" >&2; exit 1; }
  cpu=$(sed -n 's/^result .* best_cpu=\([0-9.]*\).*/\1/p' "$work/$f.java")
  wall=$(sed -n 's/^result .* best_wall=\([0-9.]*\).*/\1/p' "$work/$f.java")
  v8=$(sed -n 's/^result .* best_cpu=\([0-9.]*\).*/\1/p' "$work/$f.v8")
  v8wall=$(sed -n 's/^result .* best_wall=\([0-9.]*\).*/\1/p' "$work/$f.v8")
  # The JIT's warm-up: requests served before a round first came within 1.2× of the best CPU time.
  warm=$(awk -v best="$cpu" '/^round/ { if ($5 + 0 <= best * 1.2) { print $3; exit } }' "$work/$f.java")
  printf '| %s | %s | %s | %s | %s | %.2f× | %s |\n' "$f" "$cpu" "$wall" "$v8" "$v8wall" \
    "$(echo "$cpu / $v8" | bc -l)" "$warm"
  if [[ -n "${KEEP:-}" ]]; then cp "$work/$f.java" "$work/$f.v8" "$KEEP/"; fi
done
