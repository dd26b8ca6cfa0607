#!/usr/bin/env bash
# Startup time of `wasmesh run`: milliseconds from launching the command to the first proxied response (a 200 from
# the built-in echo through the filter), side by side in one run. See bench/README.md ("Startup").
# Usage: bench/startup/run.sh FILTER.wasm|SCENARIO.yaml...   Settings (environment):
#   ROUNDS     launches per case (default 5); the table shows the median, min and max
#   CACHES     "cold warm" (default): cold clears the module cache before every launch, warm fills it once first
#   LAUNCHERS  wasmesh launchers to compare (default: this checkout's ./wasmesh)
#   JAVA_OPTS  passed on to the launcher
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${ROUNDS:-5}"
CACHES="${CACHES:-cold warm}"
LAUNCHERS="${LAUNCHERS:-$root/wasmesh}"
PORT="${PORT:-10390}"
ADMIN="${ADMIN:-10391}"
(($# > 0)) || { echo "usage: bench/startup/run.sh FILTER.wasm|SCENARIO.yaml..." >&2; exit 2; }

work="$(mktemp -d /tmp/wasmesh-startup.XXXXXX)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export WASMESH_CACHE_DIR="$work/cache"

# One launch: prints the milliseconds until the first 200, and the CPU milliseconds (user + system, all threads)
# the JVM had used by then: on a shared machine the second says more about the work done than the first.
# A scenario file (.yaml) instead times `wasmesh test FILE` from launch to exit.
first_response() {
  local launcher=$1 filter=$2 start now cpu
  start=$(date +%s%N)
  if [[ $filter == *.yaml ]]; then
    /usr/bin/time -o "$work/time" -f '%U %S' "$launcher" test "$filter" >"$work/out.log" 2>&1 \
      || { echo "bench/startup: wasmesh test failed:" >&2; cat "$work/out.log" >&2; exit 1; }
    now=$(date +%s%N)
    echo "$(((now - start) / 1000000)) $(awk '{ print int(($1 + $2) * 1000) }' "$work/time")"
    return
  fi
  "$launcher" run "$filter" --listen "127.0.0.1:$PORT" --admin "127.0.0.1:$ADMIN" --workers 2 \
    >"$work/out.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench/startup: wasmesh exited:" >&2; cat "$work/out.log" >&2; exit 1
    fi
    sleep 0.01
  done
  now=$(date +%s%N)
  # The launcher execs java, so $pid is the JVM; fields 14 and 15 of stat are its user and system ticks.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  echo "$(((now - start) / 1000000)) $cpu"
}

# A launcher's name in the table: its directory, or the script's own name for a wrapper in /tmp.
label() {
  case $(basename "$1") in
    wasmesh) basename "$(dirname "$1")" ;;
    *) basename "$1" ;;
  esac
}

printf '| launcher | filter | cache | wall ms, median | min | max | CPU ms, median |\n|---|---|---|---:|---:|---:|---:|\n'
for launcher in $LAUNCHERS; do
  for filter in "$@"; do
    for cache in $CACHES; do
      rm -rf "$WASMESH_CACHE_DIR"
      [[ $cache == warm ]] && first_response "$launcher" "$filter" >/dev/null
      walls=() cpus=()
      for ((i = 0; i < ROUNDS; i++)); do
        [[ $cache == cold ]] && rm -rf "$WASMESH_CACHE_DIR"
        read -r wall cpu < <(first_response "$launcher" "$filter")
        [[ -n "${cpu:-}" ]] || exit 1
        walls+=("$wall") cpus+=("$cpu")
      done
      mapfile -t walls < <(printf '%s\n' "${walls[@]}" | sort -n)
      mapfile -t cpus < <(printf '%s\n' "${cpus[@]}" | sort -n)
      printf '| %s | %s | %s | %d | %d | %d | %d |\n' "$(label "$launcher")" "$filter" "$cache" \
        "${walls[$((ROUNDS / 2))]}" "${walls[0]}" "${walls[$((ROUNDS - 1))]}" "${cpus[$((ROUNDS / 2))]}"
    done
  done
done
