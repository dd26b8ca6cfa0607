#!/usr/bin/env bash
# Soak test for `wasmesh run` (not run in CI): two proxies side by side on loopback, one with the seed filter and
# one with the c-all filter (every host-function family), each at saturation with wrk for DURATION, in front of one
# nginx upstream, while their filter files are replaced every RELOAD_EVERY seconds (`--watch` reloads them). Every
# 30 s it prints each proxy's requests, errors, reloads and RSS; at the end the RSS growth from minute 2 to the end
# (target < 5 %) and the error count (target 0). See bench/README.md ("Soak"). Settings (environment):
#   DURATION      seconds of load (default 600)
#   RELOAD_EVERY  seconds between two replacements of a proxy's filter file (default 20)
#   CONNECTIONS   wrk -c per proxy (default 16); one wrk thread per proxy
#   WORKERS       proxy workers (default 1 each: two proxies, wrk and nginx share the cores)
#   JAVA_OPTS     the proxies' JVM (default -Xmx512m)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-600}"
RELOAD_EVERY="${RELOAD_EVERY:-20}"
CONNECTIONS="${CONNECTIONS:-16}"
WORKERS="${WORKERS:-1}"
export JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
SLICE=30
FILTERS=(seed c-all)

missing=()
for tool in wrk nginx curl ss java; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "bench/soak: missing ${missing[*]}; install with:" >&2
  echo "  apt-get update && apt-get install -y wrk nginx curl iproute2 openjdk-17-jdk-headless" >&2
  exit 2
fi
if ((DURATION < 2 * SLICE)); then
  echo "bench/soak: DURATION must be at least $((2 * SLICE)) s" >&2
  exit 2
fi

work="$(mktemp -d /tmp/wasmesh-soak.XXXXXX)"
pids=()
cleanup() {
  local status=$? pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  echo "bench/soak: logs in $work" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sets variable $1 to a loopback port no socket uses and this run has not handed out yet.
taken=" "
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ "$taken" == *" $p "* ]] && continue
    if [[ -z "$(ss -Htan "sport = :$p")" ]]; then
      taken+="$p "
      printf -v "$1" '%s' "$p"
      return
    fi
  done
}

wait_for() { # URL, seconds, what
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench/soak: $3 did not answer at $1 within $2 s" >&2
  exit 1
}

rss_mib() {
  awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0
}

# The upstream: a fixed 200 with a small body, as in bench/load/run.sh.
free_port up_port
mkdir -p "$work/upstream"
cat >"$work/upstream/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $work/upstream/nginx.pid;
error_log $work/upstream/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path $work/upstream/body;
  proxy_temp_path $work/upstream/proxy;
  fastcgi_temp_path $work/upstream/fastcgi;
  uwsgi_temp_path $work/upstream/uwsgi;
  scgi_temp_path $work/upstream/scgi;
  keepalive_requests 1000000;
  access_log off;
  server {
    listen 127.0.0.1:$up_port;
    location / { default_type text/plain; return 200 "hello from upstream\n"; }
  }
}
NGINX
nginx -p "$work/upstream" -c "$work/upstream/nginx.conf" >"$work/upstream/stdout.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$up_port/" 10 "upstream nginx"

# One proxy per filter, on a copy of the filter file that the reloads replace. Its stdout (an access-log line per
# request) is kept only for its own lines (wasmesh: ...), which include the reloads; its log (stderr) from warn up.
declare -A pid port
for f in "${FILTERS[@]}"; do
  mkdir -p "$work/$f"
  cp "$root/examples/$f/filter.wasm" "$work/$f/filter.wasm"
  free_port "port[$f]"
  free_port admin_port
  "$root/wasmesh" run "$work/$f/filter.wasm" --watch --upstream "http://127.0.0.1:$up_port" \
    --listen "127.0.0.1:${port[$f]}" --admin "127.0.0.1:$admin_port" --workers "$WORKERS" --log-level warn \
    > >(grep --line-buffered -v '^\[' >"$work/$f/stdout.log") \
    2>"$work/$f/stderr.log" &
  pid[$f]=$!
  pids+=("${pid[$f]}")
done
for f in "${FILTERS[@]}"; do
  wait_for "http://127.0.0.1:${port[$f]}/" 60 "wasmesh ($f)"
done

# Replaces each filter file in turn with a fresh copy (new modification time: --watch reloads it).
(
  i=0
  while :; do
    sleep "$RELOAD_EVERY"
    f="${FILTERS[i % ${#FILTERS[@]}]}"
    cp "$root/examples/$f/filter.wasm" "$work/$f/filter.wasm.new"
    mv "$work/$f/filter.wasm.new" "$work/$f/filter.wasm"
    i=$((i + 1))
  done
) &
pids+=($!)

# wrk's errors in one slice: non-2xx responses and socket errors (connect, read, write, timeout).
wrk_errors() {
  awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10}
       END {print n + 0}' "$1"
}
wrk_requests() {
  awk '/ requests in / {print $1}' "$1"
}

echo "bench/soak: $(nproc) cores; ${DURATION}s, proxies seed and c-all (workers $WORKERS, JAVA_OPTS='$JAVA_OPTS')," \
  "wrk -t1 -c$CONNECTIONS each, a filter file replaced every ${RELOAD_EVERY}s" >&2
declare -A requests errors rss_base rss_last
baseline_at=$((DURATION >= 240 ? 120 : (DURATION / 2 / SLICE) * SLICE))
for f in "${FILTERS[@]}"; do
  requests[$f]=0 errors[$f]=0
done
printf '%6s' "t(s)"
for f in "${FILTERS[@]}"; do
  printf ' | %-6s %9s %6s %7s %8s' "$f" "requests" "errors" "reloads" "RSS MiB"
done
echo
elapsed=0
while ((elapsed < DURATION)); do
  slice=$((DURATION - elapsed < SLICE ? DURATION - elapsed : SLICE))
  wrk_pids=()
  for f in "${FILTERS[@]}"; do
    wrk -t1 -c"$CONNECTIONS" -d"${slice}s" --timeout 5s "http://127.0.0.1:${port[$f]}/" >"$work/$f/wrk.txt" 2>&1 &
    wrk_pids+=($!)
  done
  wait "${wrk_pids[@]}"
  elapsed=$((elapsed + slice))
  printf '%6d' "$elapsed"
  for f in "${FILTERS[@]}"; do
    kill -0 "${pid[$f]}" 2>/dev/null || { echo; echo "bench/soak: the $f proxy exited" >&2; exit 1; }
    n="$(wrk_requests "$work/$f/wrk.txt")" e="$(wrk_errors "$work/$f/wrk.txt")"
    requests[$f]=$((requests[$f] + ${n:-0})) errors[$f]=$((errors[$f] + e))
    rss_last[$f]="$(rss_mib "${pid[$f]}")"
    ((elapsed == baseline_at)) && rss_base[$f]="${rss_last[$f]}"
    reloads="$(grep -c 'wasmesh: reloaded' "$work/$f/stdout.log" || true)"
    printf ' | %-6s %9s %6s %7s %8s' "$f" "${n:-0}" "$e" "$reloads" "${rss_last[$f]}"
  done
  echo
done

echo
echo "| proxy | requests | errors | logged errors | reloads | failed reloads | RSS at ${baseline_at}s (MiB) |" \
  "RSS at ${DURATION}s (MiB) | growth |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
status=0
for f in "${FILTERS[@]}"; do
  reloads="$(grep -c 'wasmesh: reloaded' "$work/$f/stdout.log" || true)"
  failed="$(grep -c 'reload of .* failed' "$work/$f/stdout.log" || true)"
  logged="$(grep -cE '^\[(error|critical)\]' "$work/$f/stderr.log" || true)"
  growth="$(awk -v a="${rss_base[$f]}" -v b="${rss_last[$f]}" 'BEGIN { printf "%+.1f %%", (b - a) * 100 / a }')"
  echo "| $f | ${requests[$f]} | ${errors[$f]} | $logged | $reloads | $failed | ${rss_base[$f]} | ${rss_last[$f]} |" \
    "$growth |"
  ((errors[$f] == 0 && failed == 0 && logged == 0)) || status=1
  awk -v a="${rss_base[$f]}" -v b="${rss_last[$f]}" 'BEGIN { exit !((b - a) * 100 / a < 5) }' || status=1
done
echo "(targets: 0 errors, RSS growth < 5 %)"
exit "$status"
