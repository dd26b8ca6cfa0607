#!/usr/bin/env bash
# The hostile filter (proxy/src/test/resources/hostile.wat) in `wasmesh run`, one proxy per policy and attack, with a
# small heap by default: how long the attacked request took and what it got, what the next request got, the status a
# moment later (after a FAIL_RELOAD backoff), the proxy's peak RSS, and whether it is still alive.
#   bench/hostile/run.sh                       # every policy and attack, JAVA_OPTS=-Xmx256m
#   POLICIES=FAIL_CLOSE ATTACKS="g s" JAVA_OPTS= bench/hostile/run.sh
# Only loopback; one request per attack.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
policies=${POLICIES:-FAIL_CLOSE FAIL_OPEN FAIL_RELOAD}
attacks=${ATTACKS:-t l r g s n p h R L 0 x X}
export JAVA_OPTS=${JAVA_OPTS--Xmx256m}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[[ -f "$root/cli/target/wasmesh.jar" ]] || (cd "$root" && mvn -q -B -Dstyle.color=never -pl cli -am package -DskipTests)
(cd "$root" && mvn -q -B -Dstyle.color=never -pl proxy dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp" >/dev/null)
cat > "$work/Compile.java" <<'JAVA'
import com.dylibso.chicory.wabt.Wat2Wasm;
import java.nio.file.Files;
import java.nio.file.Path;

class Compile {
    public static void main(String[] a) throws Exception {
        Files.write(Path.of(a[1]), Wat2Wasm.parse(Files.readString(Path.of(a[0]))));
    }
}
JAVA
java -cp "$(cat "$work/cp")" "$work/Compile.java" "$root/proxy/src/test/resources/hostile.wat" "$work/hostile.wasm"

ready() {
  for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$1/ready" && return 0; sleep 0.1; done
  return 1
}

echo "JAVA_OPTS=$JAVA_OPTS"
printf '%-12s %-6s %-18s %-18s %-6s %-8s %s\n' policy attack attacked next later peak-RSS process
for policy in $policies; do
  for attack in $attacks; do
    port=$((20000 + RANDOM % 20000)); admin=$((port + 1))
    "$root/wasmesh" run "$work/hostile.wasm" --fail-strategy "$policy" --workers 1 \
      --listen "127.0.0.1:$port" --admin "127.0.0.1:$admin" >"$work/out" 2>&1 &
    launcher=$!
    ready "$admin" || { echo "proxy did not start:"; cat "$work/out"; exit 1; }
    pid=$(pgrep -P "$launcher" java || echo "$launcher")
    curl -s -o /dev/null "http://127.0.0.1:$port/warm-up"
    attacked=$(curl -s -o /dev/null -m 60 -w '%{http_code} %{time_total}s' -H "x-attack: $attack" \
      "http://127.0.0.1:$port/attack" || echo "none")
    next=$(curl -s -o /dev/null -m 30 -w '%{http_code} %{time_total}s' "http://127.0.0.1:$port/next" || echo "none")
    sleep 1.5
    later=$(curl -s -o /dev/null -m 30 -w '%{http_code}' "http://127.0.0.1:$port/later" || echo "none")
    rss=$(awk '/VmHWM/ {printf "%d MiB", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo "?")
    alive=$(kill -0 "$pid" 2>/dev/null && echo alive || echo DEAD)
    printf '%-12s %-6s %-18s %-18s %-6s %-8s %s\n' "$policy" "$attack" "$attacked" "$next" "$later" "$rss" "$alive"
    kill "$launcher" 2>/dev/null || true
    wait "$launcher" 2>/dev/null || true
  done
done
