#!/usr/bin/env bash
# The seed demo: run the example filter in the wasmesh proxy in front of the built-in echo upstream,
# send one request, and show that the filter added `hello: world` to the response.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${PORT:-10000}"
admin="${ADMIN_PORT:-9901}"
log="$(mktemp)"

"$root/wasmesh" run "$root/examples/seed/filter.wasm" --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" \
  >"$log" 2>&1 &
proxy=$!
trap 'kill "$proxy" 2>/dev/null; wait "$proxy" 2>/dev/null; rm -f "$log"' EXIT

for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$admin/ready" >/dev/null 2>&1 && break
  kill -0 "$proxy" 2>/dev/null || { cat "$log"; echo "demo: the proxy did not start" >&2; exit 1; }
  sleep 0.2
done
head -n 1 "$log"
echo "\$ curl -si http://127.0.0.1:$port/hello"
response="$(curl -si "http://127.0.0.1:$port/hello")"
echo "$response"
grep -qi '^hello: world' <<<"$response" || { echo "demo: no 'hello: world' header in the response" >&2; exit 1; }
echo "demo: the filter added 'hello: world'"
