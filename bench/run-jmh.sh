#!/usr/bin/env bash
# Builds bench/target/benchmarks.jar, runs the JMH benchmarks with bounded settings (about 5 minutes on 2 cores)
# and prints the results as Markdown tables, wasmesh and roastedroot side by side.
#
# Usage: bench/run-jmh.sh [more JMH options, e.g. -prof gc or -p engine=COMPILER]
# Env:   JMH_STEADY  settings of the steady-state benchmarks (default: -f 1 -wi 4 -w 2s -i 5 -r 1s; c-all needs the longer warm-up)
#        SKIP_BUILD=1 reuses an existing benchmarks.jar
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/benchmarks.jar"
out="$here/target/jmh"
steady=${JMH_STEADY:--f 1 -wi 4 -w 2s -i 5 -r 1s}

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "building $jar" >&2
    (cd "$root" && mvn -q -B -pl bench -am package -DskipTests)
fi
[[ -f "$jar" ]] || { echo "run-jmh.sh: $jar is missing; run without SKIP_BUILD=1" >&2; exit 1; }
mkdir -p "$out"
# As the wasmesh launcher runs the JVM; JMH's forks inherit these.
java_opts=(-Duser.language=en -Duser.country=US -XX:-DontCompileHugeMethods)

# Runs JMH, keeping its full output in a log and showing one line per benchmark as progress.
run() {
    local name=$1
    shift
    echo "JMH $name: $* (log: $out/$name.log)" >&2
    java "${java_opts[@]}" -jar "$jar" "$@" -rf csv -rff "$out/$name.csv" >"$out/$name.log" 2>&1 &
    local pid=$!
    tail -n +1 -f --pid="$pid" "$out/$name.log" | grep --line-buffered -E '^# (Benchmark|Parameters):' >&2 || true
    wait "$pid" || { echo "run-jmh.sh: JMH $name failed, see $out/$name.log" >&2; exit 1; }
}

# Steady state: per-request lifecycle and worker start-up, both hosts in the same run.
# shellcheck disable=SC2086 # $steady is a list of options
run steady 'RequestLifecycleBench|InstantiationBench' $steady "$@"
# Module load: one cold load per fresh JVM; forks and single shot come from CompileBench's annotations.
run compile CompileBench "$@"

echo
echo "## JMH results: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(java -version 2>&1 | head -n 1)"
echo
echo "Command: bench/run-jmh.sh $* (steady state: $steady; CompileBench: 3 forks × 1 cold shot)"
echo
java "${java_opts[@]}" -cp "$jar" dev.wasmesh.bench.ResultTable "$out/steady.csv" "$out/compile.csv"
