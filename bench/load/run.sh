#!/usr/bin/env bash
# Load test for `wasmesh run`, side by side in one run on loopback: the upstream direct, nginx as reverse proxy,
# wasmesh without a filter, wasmesh with the seed filter. Same upstream, connections, threads and duration for all.
# See bench/README.md ("Load test"). Settings (environment):
#   DURATION     seconds measured per case (default 10)
#   WARMUP       seconds of load before that (default 10: the JIT's compile work must be over first)
#   THREADS, CONNECTIONS   wrk -t and -c (default 2 and 32)
#   WORKERS      proxy workers: nginx worker_processes and wasmesh --workers (default 2)
#   JAVA_OPTS    wasmesh's JVM (default -Xmx512m)
#   FILTER       the filter of the seed case (default examples/seed/filter.wasm)
#   CASES        default "direct nginx wasmesh-nofilter wasmesh-seed"; the TLS cases terminate TLS (a self-signed
#                P-256 certificate made with openssl for the run; wrk speaks HTTP/1.1 over keep-alive connections):
#                nginx-tls, wasmesh-seed-tls (BoringSSL) and wasmesh-seed-tls-jdk (the JDK's TLS), e.g.
#                CASES="nginx-tls wasmesh-seed-tls wasmesh-seed-tls-jdk"
#   BASELINE     another build's wasmesh launcher: adds the cases baseline-nofilter and baseline-seed, run with it,
#                for before/after comparisons in the same run
#   NEW_CONNECTIONS=1   every request on a new connection (wrk sends `Connection: close`): with the TLS cases, one
#                handshake per request
#   ROUNDS       runs of the whole list of cases, one after the other (default 1); the ratios use each case's
#                median over the rounds, so one disturbed run on a shared machine does not decide them
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
WORKERS="${WORKERS:-2}"
FILTER="${FILTER:-$root/examples/seed/filter.wasm}"
BASELINE="${BASELINE:-}"
ROUNDS="${ROUNDS:-1}"
CASES="${CASES:-direct nginx wasmesh-nofilter wasmesh-seed${BASELINE:+ baseline-nofilter baseline-seed}}"
export JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"

missing=()
for tool in wrk nginx curl ss java openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "bench/load: missing ${missing[*]}; install with:" >&2
  echo "  apt-get update && apt-get install -y wrk nginx curl iproute2 openjdk-17-jdk-headless openssl" >&2
  exit 2
fi
if [[ " $CASES " == *" baseline-"* && ! -x "$BASELINE" ]]; then
  echo "bench/load: the baseline cases need BASELINE=<path to another build's wasmesh launcher>" >&2
  exit 2
fi
if [[ ! -f "$FILTER" ]]; then
  echo "bench/load: no filter at $FILTER" >&2
  exit 2
fi

work="$(mktemp -d /tmp/wasmesh-load.XXXXXX)"
pids=()
cleanup() {
  local status=$? pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if ((status == 0)); then
    rm -rf "$work"
  else
    echo "bench/load: logs kept in $work" >&2
  fi
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
    if [[ -z "$(ss -Htan "sport = :$p")" ]]; then # no socket at all, listening or connected, has that port
      taken+="$p "
      printf -v "$1" '%s' "$p"
      return
    fi
  done
}

# The TLS cases' certificate and key (PKCS#8), for 127.0.0.1 and localhost; curl trusts it.
tls_dir="$work/tls"
mkdir -p "$tls_dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$tls_dir/key.pem" -out "$tls_dir/cert.pem" 2>/dev/null
curl_tls=(--cacert "$tls_dir/cert.pem")

wait_for() { # URL, seconds, what
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl "${curl_tls[@]}" -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench/load: $3 did not answer at $1 within $2 s" >&2
  exit 1
}

# VmRSS of a process and its children (nginx: master plus workers), in MiB.
rss_mib() {
  local total=0 pid kb
  for pid in "$1" $(pgrep -P "$1" || true); do
    kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    total=$((total + kb))
  done
  awk -v kb="$total" 'BEGIN { printf "%.0f", kb / 1024 }'
}

# CPU time used so far by a process and its children (nginx: master plus workers): "user system", in clock ticks.
cpu_ticks() {
  local user=0 sys=0 pid u s
  for pid in "$1" $(pgrep -P "$1" || true); do
    read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat" 2>/dev/null || echo 0 0)
    user=$((user + u)) sys=$((sys + s))
  done
  echo "$user $sys"
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

mime_types="/etc/nginx/mime.types"
nginx_conf() { # name, worker_processes, server block
  mkdir -p "$work/$1"
  cat >"$work/$1/nginx.conf" <<EOF
daemon off;
worker_processes $2;
pid $work/$1/nginx.pid;
error_log $work/$1/error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path $work/$1/body;
  proxy_temp_path $work/$1/proxy;
  fastcgi_temp_path $work/$1/fastcgi;
  uwsgi_temp_path $work/$1/uwsgi;
  scgi_temp_path $work/$1/scgi;
  keepalive_requests 1000000;
$3
}
EOF
  echo "$work/$1/nginx.conf"
}

start_nginx() { # name, worker_processes, server block -> sets started_pid
  local conf
  conf="$(nginx_conf "$@")"
  nginx -p "$work/$1" -c "$conf" >"$work/$1/stdout.log" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
}

# The upstream: a fixed 200 with a small body, one nginx worker, no access log; the same for every case.
free_port up_port
start_nginx upstream 1 "  access_log off;
  server {
    listen 127.0.0.1:$up_port;
    location / { default_type text/plain; return 200 \"hello from upstream\n\"; }
  }"
wait_for "http://127.0.0.1:$up_port/" 10 "upstream nginx"

results=()
wrk_extra=()
[[ "${NEW_CONNECTIONS:-0}" == 1 ]] && wrk_extra=(-H "Connection: close")
run_wrk() { # case name, url, pid or "-"
  local name="$1" url="$2" pid="$3" out rps p50 p99 errors rss
  wrk "${wrk_extra[@]}" -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" >/dev/null
  local before after cpu="-"
  [[ "$pid" != "-" ]] && before="$(cpu_ticks "$pid")"
  out="$(wrk "${wrk_extra[@]}" -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")"
  [[ "$pid" != "-" ]] && after="$(cpu_ticks "$pid")"
  echo "$out" >"$work/wrk-$name.txt"
  rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10}
                 END {print n + 0}' <<<"$out")"
  rss="-"
  if [[ "$pid" != "-" ]]; then
    rss="$(rss_mib "$pid")"
    # The proxy's CPU per request: less sensitive than requests/s to what else the shared machine runs.
    # As "total (user + system)" microseconds.
    cpu="$(awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v n="$(awk '/ requests in / {print $1}' <<<"$out")" \
      'BEGIN { split(b, x, " "); split(a, y, " "); k = 1e6 / hz / n; u = (y[1] - x[1]) * k; s = (y[2] - x[2]) * k
               printf "%.1f (%.1f + %.1f)", u + s, u, s }')"
  fi
  results+=("$name|$rps|$p50|$p99|$errors|$cpu|$rss")
  printf '  %-18s %8s req/s  p50 %-9s p99 %-9s errors %s  CPU %s us/req  RSS %s MiB\n' "$name" "$rps" "$p50" "$p99" \
    "$errors" "$cpu" "$rss" >&2
}

# wrk reports latencies as 1.23ms / 456.78us / 1.02s: in microseconds for the ratios.
to_us() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 }
    else print "nan" }'
}

# Runs `LAUNCHER run ARGS... --workers N` (listening on $listen_port, admin on $admin_port) through one case; the
# scheme is https if the case name has -tls in it.
wasmesh_case() { # case name, launcher, args...
  local name="$1" launcher="$2" pid scheme=http
  shift 2
  [[ "$name" == *-tls* ]] && scheme=https
  "$launcher" run "$@" --workers "$WORKERS" >"$work/$name.stdout.log" 2>"$work/$name.stderr.log" &
  pid=$!
  pids+=("$pid")
  wait_for "$scheme://127.0.0.1:$listen_port/" 60 "wasmesh ($name)"
  check_response "$name" "$scheme://127.0.0.1:$listen_port/"
  run_wrk "$name" "$scheme://127.0.0.1:$listen_port/" "$pid"
  stop "$pid"
}

# examples/envoy.yaml without its wasm filter: only the router, in front of the benchmark's upstream.
nofilter_yaml() {
  cat <<EOF
static_resources:
  listeners:
  - name: listener_0
    address:
      socket_address: { address: 127.0.0.1, port_value: $listen_port }
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          stat_prefix: ingress_http
          route_config:
            name: local_route
            virtual_hosts:
            - name: upstream
              domains: ["*"]
              routes:
              - match: { prefix: "/" }
                route: { cluster: upstream, timeout: 15s }
          http_filters:
          - name: envoy.filters.http.router
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
  clusters:
  - name: upstream
    type: STATIC
    connect_timeout: 1s
    load_assignment:
      cluster_name: upstream
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: { address: 127.0.0.1, port_value: $up_port }
admin:
  address:
    socket_address: { address: 127.0.0.1, port_value: $admin_port }
EOF
}

launcher() { # case name
  if [[ "$1" == baseline-* ]]; then echo "$BASELINE"; else echo "$root/wasmesh"; fi
}

# The seed filter adds `hello: world` to responses; the other cases must not.
check_response() { # case name, url
  local headers has=no want=no
  headers="$(curl "${curl_tls[@]}" -fsS -D - -o /dev/null "$2" | tr -d '\r')"
  [[ "$headers" == *$'\nhello: world'* ]] && has=yes
  [[ "$1" == *-seed || "$1" == *-seed-tls* ]] && want=yes
  if [[ "$has" != "$want" ]]; then
    echo "bench/load: $1: 'hello: world' in the response: $has, expected: $want" >&2
    exit 1
  fi
}

echo "bench/load: $(nproc) cores shared by wrk, the upstream and the proxy; wrk -t$THREADS -c$CONNECTIONS," \
  "${WARMUP}s warm-up + ${DURATION}s per case; proxy workers $WORKERS; wasmesh JAVA_OPTS='$JAVA_OPTS';" \
  "$ROUNDS round(s)" >&2
for ((round = 1; round <= ROUNDS; round++)); do
for c in $CASES; do
  case "$c" in
    direct)
      run_wrk direct "http://127.0.0.1:$up_port/" -
      ;;
    nginx)
      free_port port
      # An access-log line per request, buffered as wasmesh buffers its own (64 KiB or 100 ms).
      start_nginx proxy "$WORKERS" "  access_log $work/proxy/access.log combined buffer=64k flush=100ms;
  upstream backend {
    server 127.0.0.1:$up_port;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
      pid=$started_pid
      wait_for "http://127.0.0.1:$port/" 10 "nginx proxy"
      run_wrk nginx "http://127.0.0.1:$port/" "$pid"
      stop "$pid"
      ;;
    nginx-tls)
      free_port port
      start_nginx proxy-tls "$WORKERS" "  access_log $work/proxy-tls/access.log combined buffer=64k flush=100ms;
  upstream backend {
    server 127.0.0.1:$up_port;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $tls_dir/cert.pem;
    ssl_certificate_key $tls_dir/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
    }
  }"
      pid=$started_pid
      wait_for "https://127.0.0.1:$port/" 10 "nginx TLS proxy"
      run_wrk nginx-tls "https://127.0.0.1:$port/" "$pid"
      stop "$pid"
      ;;
    wasmesh-seed-tls | wasmesh-seed-tls-jdk)
      free_port listen_port; free_port admin_port
      provider=boringssl
      [[ "$c" == *-jdk ]] && provider=jdk
      JAVA_OPTS="$JAVA_OPTS -Dwasmesh.tls.provider=$provider" wasmesh_case "$c" "$root/wasmesh" "$FILTER" \
        --upstream "http://127.0.0.1:$up_port" --listen "127.0.0.1:$listen_port" --admin "127.0.0.1:$admin_port" \
        --tls-cert "$tls_dir/cert.pem" --tls-key "$tls_dir/key.pem"
      grep -q "(TLS: $([[ $provider == jdk ]] && echo JDK || echo BoringSSL))" "$work/$c.stdout.log" || {
        echo "bench/load: $c did not run with the $provider TLS provider" >&2
        exit 1
      }
      ;;
    wasmesh-nofilter | baseline-nofilter)
      free_port listen_port; free_port admin_port
      nofilter_yaml >"$work/$c.yaml"
      wasmesh_case "$c" "$(launcher "$c")" --config "$work/$c.yaml"
      ;;
    wasmesh-seed | baseline-seed)
      free_port listen_port; free_port admin_port
      wasmesh_case "$c" "$(launcher "$c")" "$FILTER" --upstream "http://127.0.0.1:$up_port" \
        --listen "127.0.0.1:$listen_port" --admin "127.0.0.1:$admin_port"
      ;;
    *)
      echo "bench/load: unknown case '$c' (direct, nginx, wasmesh-nofilter, wasmesh-seed," \
        "baseline-nofilter, baseline-seed, nginx-tls, wasmesh-seed-tls, wasmesh-seed-tls-jdk)" >&2
      exit 2
      ;;
  esac
done
done

declare -A rps p99
echo
declare -A cpu
echo "| case | requests/s | p50 | p99 | errors | proxy CPU per request, µs (user + system) | RSS after run (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for r in "${results[@]}"; do
  IFS='|' read -r name r_rps r_p50 r_p99 r_err r_cpu r_rss <<<"$r"
  rps[$name]+="$r_rps "
  p99[$name]+="$(to_us "$r_p99") "
  cpu[$name]+="${r_cpu%% *} "
  echo "| $name | $r_rps | $r_p50 | $r_p99 | $r_err | $r_cpu | $r_rss |"
done
echo
median() { # numbers as one space-separated word list
  tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
for name in "${!rps[@]}"; do
  rps[$name]=$(median "${rps[$name]}")
  p99[$name]=$(median "${p99[$name]}")
  cpu[$name]=$(median "${cpu[$name]}")
done
((ROUNDS > 1)) && echo "Ratios of the medians over $ROUNDS rounds:"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
if [[ -n "${rps[wasmesh-seed]:-}" && -n "${rps[nginx]:-}" ]]; then
  echo "seed / nginx requests/s: $(ratio "${rps[wasmesh-seed]}" "${rps[nginx]}") (target >= 1)"
  echo "seed / nginx p99: $(ratio "${p99[wasmesh-seed]}" "${p99[nginx]}") (target <= 1)"
  echo "seed / nginx CPU per request: $(ratio "${cpu[wasmesh-seed]}" "${cpu[nginx]}")"
fi
if [[ -n "${rps[wasmesh-seed]:-}" && -n "${rps[wasmesh-nofilter]:-}" ]]; then
  echo "seed / no filter requests/s: $(ratio "${rps[wasmesh-seed]}" "${rps[wasmesh-nofilter]}") (target >= 0.95)"
fi
if [[ -n "${rps[baseline-seed]:-}" && -n "${rps[wasmesh-seed]:-}" ]]; then
  echo "seed / baseline seed requests/s: $(ratio "${rps[wasmesh-seed]}" "${rps[baseline-seed]}")"
fi
for tls_case in wasmesh-seed-tls wasmesh-seed-tls-jdk; do
  if [[ -n "${rps[$tls_case]:-}" && -n "${rps[nginx-tls]:-}" ]]; then
    echo "$tls_case / nginx-tls requests/s: $(ratio "${rps[$tls_case]}" "${rps[nginx-tls]}")," \
      "CPU per request: $(ratio "${cpu[$tls_case]}" "${cpu[nginx-tls]}")"
  fi
done
if [[ -n "${rps[wasmesh-seed-tls]:-}" && -n "${rps[wasmesh-seed-tls-jdk]:-}" ]]; then
  echo "BoringSSL / JDK requests/s: $(ratio "${rps[wasmesh-seed-tls]}" "${rps[wasmesh-seed-tls-jdk]}")," \
    "CPU per request: $(ratio "${cpu[wasmesh-seed-tls]}" "${cpu[wasmesh-seed-tls-jdk]}")"
fi
if [[ -n "${rps[direct]:-}" && -n "${rps[wasmesh-seed]:-}" ]]; then
  echo "seed / direct requests/s: $(ratio "${rps[wasmesh-seed]}" "${rps[direct]}")"
fi
