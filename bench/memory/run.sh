#!/usr/bin/env bash
# Resident memory of `wasmesh run FILTER --workers 2` under load, with the launcher's default settings, side by side
# for several launchers. See bench/README.md ("Memory").
# Usage: bench/memory/run.sh FILTER.wasm...   Settings (environment):
#   LAUNCHERS  wasmesh launchers to compare (default: this checkout's ./wasmesh); JAVA_OPTS is unset for them
#   DURATION   seconds of wrk load per launch (default 10); RSS is read every second and at the end
#   ROUNDS     launches per case (default 3); cases alternate within a round
#   THREADS, CONNECTIONS   wrk -t and -c (default 2 and 16)
# The module cache (a temporary WASMESH_CACHE_DIR) is filled before the first measured launch: a warm start.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LAUNCHERS="${LAUNCHERS:-$root/wasmesh}"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-3}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
PORT="${PORT:-10392}"
ADMIN="${ADMIN:-10393}"
(($# > 0)) || { echo "usage: bench/memory/run.sh FILTER.wasm..." >&2; exit 2; }
for tool in wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench/memory: needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done

work="$(mktemp -d /tmp/wasmesh-memory.XXXXXX)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export WASMESH_CACHE_DIR="$work/cache"
unset JAVA_OPTS

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

rss_mib() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }

start() { # launcher filter: starts the proxy, waits for its first 200
  "$1" run "$2" --listen "127.0.0.1:$PORT" --admin "127.0.0.1:$ADMIN" --workers 2 >"$work/out.log" 2>&1 &
  pid=$!
  local tries=0
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/"; do
    kill -0 "$pid" 2>/dev/null || { echo "bench/memory: wasmesh exited:" >&2; cat "$work/out.log" >&2; exit 1; }
    ((++tries < 6000)) || { echo "bench/memory: no response after 60 s" >&2; exit 1; }
    sleep 0.01
  done
}

stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

# One launch: requests/s over the load, RSS at start, peak during the load, and at its end.
measure() { # launcher filter
  start "$1" "$2"
  local before peak=0 now i rps
  before=$(rss_mib "$pid")
  local cpu0
  cpu0=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/" >"$work/wrk.out" &
  local wrk_pid=$!
  for ((i = 0; i < DURATION; i++)); do
    sleep 1
    now=$(rss_mib "$pid")
    ((now > peak)) && peak=$now
  done
  wait "$wrk_pid"
  now=$(rss_mib "$pid")
  ((now > peak)) && peak=$now
  local cpu requests
  cpu=$(($(cpu_ticks "$pid") - cpu0))
  rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$work/wrk.out")
  requests=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
  stop
  # CPU per request (µs, user + system of the whole JVM): steadier than requests/s on a shared machine.
  echo "$rps $(awk -v t="$cpu" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }') $before $peak $now"
}

for filter in "$@"; do
  for launcher in $LAUNCHERS; do # fills the cache for this filter
    start "$launcher" "$filter"
    stop
    break
  done
done

declare -A rows
for ((round = 1; round <= ROUNDS; round++)); do
  for filter in "$@"; do
    for launcher in $LAUNCHERS; do
      result=$(measure "$launcher" "$filter")
      echo "round $round $launcher $(basename "$(dirname "$filter")"): req/s, CPU µs/req, RSS at start, peak, end (MiB): $result" >&2
      rows["$launcher $filter"]+="$result"$'\n'
    done
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "| launcher | filter | requests/s | CPU µs/request | RSS at start (MiB) | peak | after ${DURATION} s of load |"
echo "|---|---|---:|---:|---:|---:|---:|"
for filter in "$@"; do
  for launcher in $LAUNCHERS; do
    data="${rows["$launcher $filter"]}"
    cols=()
    for c in 1 2 3 4 5; do
      cols+=("$(awk -v c="$c" 'NF { print $c }' <<<"$data" | median)")
    done
    echo "| $launcher | $(basename "$(dirname "$filter")") | ${cols[0]} | ${cols[1]} | ${cols[2]} | ${cols[3]} | ${cols[4]} |"
  done
done
echo "(medians of $ROUNDS launches; wrk -t$THREADS -c$CONNECTIONS for ${DURATION} s; $(nproc) cores)"
