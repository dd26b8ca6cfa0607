#!/usr/bin/env bash
# What a client that does not read costs `wasmesh run` (issue 12, flow control): an upstream sends a 2 GiB body as
# fast as it can; one client asks for it and never reads (HTTP/1.1, PROTOCOL=h1) or reads at 10 KB/s (h2c by prior
# knowledge, PROTOCOL=h2). Prints the proxy's RSS before and every 5 s, and the bytes it has queued for clients
# (http.ingress_http.downstream_cx_tx_bytes_buffered). Not part of CI; see bench/README.md ("Slow readers").
#   WASMESH    the launcher (default: this checkout's ./wasmesh; build with mvn -q package -DskipTests)
#   PROTOCOL   h1 (default) or h2
#   SECONDS_HELD  how long the client holds the stream (default 14: the route's 15 s timeout ends it after)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WASMESH="${WASMESH:-$root/wasmesh}"
PROTOCOL="${PROTOCOL:-h1}"
SECONDS_HELD="${SECONDS_HELD:-14}"
for tool in python3 curl ss; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/load: missing $tool" >&2; exit 2; }
done

work="$(mktemp -d /tmp/wasmesh-slow.XXXXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

port() { # a free loopback port
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
up="$(port)" listen="$(port)" admin="$(port)"

# The upstream: 2 GiB of zeros for any path but /small, which gets "ok".
cat >"$work/upstream.py" <<'EOF'
import socket, sys, threading
TOTAL = 2 * 1024**3
def serve(c):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            d = c.recv(65536)
            if not d:
                return
            head += d
        if b"/small" in head.split(b"\r\n")[0]:
            c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            return
        c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % TOTAL)
        chunk, sent = b"\0" * 65536, 0
        while sent < TOTAL:
            c.sendall(chunk)
            sent += len(chunk)
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(64)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
# The HTTP/1.1 client: a small receive buffer, one request, then nothing read.
cat >"$work/client.py" <<'EOF'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /big HTTP/1.1\r\nhost: t\r\n\r\n")
time.sleep(float(sys.argv[2]))
EOF

python3 "$work/upstream.py" "$up" & pids+=($!)
"$WASMESH" run "$root/examples/seed/filter.wasm" --upstream "http://127.0.0.1:$up" --listen "127.0.0.1:$listen" \
  --admin "127.0.0.1:$admin" >"$work/proxy.out" 2>"$work/proxy.err" & pids+=($!)
proxy=$!
for _ in $(seq 1 100); do grep -q ready "$work/proxy.out" 2>/dev/null && break; sleep 0.2; done
# The launcher execs java: $proxy is the JVM. A few small requests first, so that RSS is past start-up.
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$listen/small"; done
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$proxy/status"; }
queued() { curl -s "http://127.0.0.1:$admin/stats" | awk -F': ' '/downstream_cx_tx_bytes_buffered/ {print $2}'; }
echo "protocol $PROTOCOL; RSS before: $(rss) KiB"
if [[ "$PROTOCOL" == h2 ]]; then
  curl -s -o /dev/null --http2-prior-knowledge --limit-rate 10k --max-time "$SECONDS_HELD" \
    "http://127.0.0.1:$listen/big" & pids+=($!)
else
  python3 "$work/client.py" "$listen" "$SECONDS_HELD" & pids+=($!)
fi
for ((t = 5; t < SECONDS_HELD; t += 5)); do
  sleep 5
  echo "after ${t} s: RSS $(rss) KiB, queued for clients $(queued) bytes"
done
