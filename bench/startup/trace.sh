#!/usr/bin/env bash
# Where `wasmesh run FILTER --workers 2` spends its start-up: one launch with the JVM's class-loading, GC and JIT
# logs (uptime-stamped), the proxy's "ready" line and the first proxied 200 stamped from outside, printed as
# milestones with the time since launch. See bench/README.md ("Startup breakdown").
# Usage: bench/startup/trace.sh FILTER.wasm   Settings (environment):
#   CACHE      warm (default: the module cache is filled by an untraced launch first) or cold
#   LAUNCHER   the wasmesh launcher (default: this checkout's ./wasmesh)
#   JAVA_OPTS  passed on (added to the logging options)
#   KEEP       a directory to copy the logs to
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAUNCHER="${LAUNCHER:-$root/wasmesh}"
CACHE="${CACHE:-warm}"
PORT="${PORT:-10396}"
ADMIN="${ADMIN:-10397}"
(($# == 1)) || { echo "usage: bench/startup/trace.sh FILTER.wasm" >&2; exit 2; }
filter=$1

work="$(mktemp -d /tmp/wasmesh-trace.XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export WASMESH_CACHE_DIR="$work/cache"
user_opts="${JAVA_OPTS:-}"

launch() { # log options...: starts the proxy, stamps its output lines, waits for the first 200
  JAVA_OPTS="$user_opts $*" "$LAUNCHER" run "$filter" --listen "127.0.0.1:$PORT" --admin "127.0.0.1:$ADMIN" \
    --workers 2 > >(while IFS= read -r line; do echo "$(date +%s%N) $line"; done >"$work/out.log") 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; do
    kill -0 "$pid" 2>/dev/null || { echo "bench/startup: wasmesh exited" >&2; cat "$work/out.log" >&2; exit 1; }
    sleep 0.005
  done
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

if [[ $CACHE == warm ]]; then
  launch
  stop
fi

start=$(date +%s%N)
launch "-Xlog:class+load:file=$work/class.log:uptime" "-Xlog:gc:file=$work/gc.log:uptime" \
  "-Xlog:startuptime:file=$work/vm.log:uptime"
first=$(date +%s%N)
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat")
sleep 0.5
stop
if [[ -n "${KEEP:-}" ]]; then mkdir -p "$KEEP" && cp "$work"/*.log "$KEEP/"; fi

ms() { awk -v t="$1" -v s="$start" 'BEGIN { printf "%6d", (t - s) / 1e6 }'; }
# The uptime (seconds, JVM clock) of the first line of a log that matches a pattern, as ms since launch: the JVM's
# clock starts a few ms after the launch, which the "JVM created" row shows against the launcher's.
at() { # log pattern
  awk -v p="$2" '$0 ~ p { gsub(/[\[\]s]/, "", $1); printf "%6d", $1 * 1000; exit }' "$work/$1"
}
last() { # log pattern
  awk -v p="$2" '$0 ~ p { t = $1 } END { gsub(/[\[\]s]/, "", t); printf "%6d", t * 1000 }' "$work/$1"
}
count() { grep -c -E "$2" "$work/$1" || true; }

ready=$(awk '/wasmesh proxy ready/ { print $1; exit }' "$work/out.log")
echo "bench/startup/trace: $(basename "$filter"), $CACHE cache, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "| milestone | ms since launch (JVM uptime for the class, GC and VM rows) |"
echo "|---|---:|"
echo "| JVM created (first class loaded) | $(at class.log 'java.lang.Object ') |"
echo "| wasmesh's main class loaded | $(at class.log 'dev.wasmesh.cli.Wasmesh ') |"
echo "| first proxy class loaded | $(at class.log 'dev.wasmesh.proxy') |"
echo "| first Chicory class (module load starts) | $(at class.log 'com.dylibso.chicory') |"
echo "| first compiled-module class defined (\$gen) | $(at class.log 'chicory.\\$gen') |"
echo "| last compiled-module class defined | $(last class.log 'chicory.\\$gen') |"
echo "| first Netty class | $(at class.log 'io.netty') |"
echo "| \"ready\" line printed | $(ms "$ready") |"
echo "| first proxied 200 | $(ms "$first") |"
echo
echo "JVM CPU by then: $cpu ms (user + system, all threads)."
echo "Classes loaded by the first 200: $(count class.log ' source: ') in all; $(count class.log 'shared objects file') from the CDS archive;" \
  "by package: java/jdk/sun $(count class.log '\] (java|jdk|sun)\.'), picocli $(count class.log 'picocli'), Netty $(count class.log 'io\.netty')," \
  "Chicory $(count class.log 'com\.dylibso\.chicory\.[a-z]'), compiled module $(count class.log 'chicory\.\$gen'), wasmesh $(count class.log 'dev\.wasmesh')," \
  "other $(grep -c -v -E '\] (java|jdk|sun)\.|picocli|io\.netty|com\.dylibso|dev\.wasmesh' "$work/class.log" || true)."
echo "GC pauses by then: $(count gc.log 'Pause'), $(awk '/Pause/ { sub(/ms$/, "", $NF); s += $NF } END { printf "%.0f", s }' "$work/gc.log") ms in all" \
  "($(count gc.log 'Pause Full') full)."
