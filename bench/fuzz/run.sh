#!/usr/bin/env bash
# Long coverage-guided fuzzing runs of the Jazzer fuzz tests (the builds run only their seed corpora), one target
# after the other, each for DURATION. See docs/fuzzing.md. Settings (environment):
#   DURATION   per target, as Jazzer reads it: 30s, 10m, 1h (default 10m)
#   TARGETS    module:Class#method words (default: all of them, listed below)
# The corpus each run grows stays in <module>/.cifuzz-corpus/ (not committed), so later runs go on from it. A
# finding fails the run: Jazzer writes the input that reproduces it into the target's seed directory
# (<module>/src/test/resources/<the class's package as a path>/<Class>Inputs/<method>/crash-*, e.g.
# proxy/src/test/resources/dev/wasmesh/proxy/http1/Http1DecoderFuzzTestInputs/requests/), where `mvn verify` replays it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DURATION="${DURATION:-10m}"
TARGETS="${TARGETS:-host:HeaderPairsFuzzTest#decode host:HostCallFuzzTest#hostCalls host:ModuleLoadFuzzTest#load
  proxy:Http1DecoderFuzzTest#requests proxy:Http1DecoderFuzzTest#responses proxy:Http1DecoderFuzzTest#headResponses}"

command -v mvn >/dev/null 2>&1 || { echo "bench/fuzz: missing mvn" >&2; exit 2; }

# Coverage is measured in wasmesh's classes; module loading also in Chicory's parser and validator, which read the
# bytes first.
includes() {
  case "$1" in
    *ModuleLoadFuzzTest*) echo 'dev.wasmesh.**:com.dylibso.chicory.wasm.**' ;;
    *) echo 'dev.wasmesh.**' ;;
  esac
}

logs="$(mktemp -d /tmp/wasmesh-fuzz.XXXXXX)"
echo "bench/fuzz: $DURATION per target; logs in $logs" >&2
cd "$root"
failed=0
summary=()
for t in $TARGETS; do
  module="${t%%:*}" test="${t#*:}"
  log="$logs/${test//#/-}.log"
  status=ok
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="$DURATION" JAZZER_INSTRUMENTATION_INCLUDES="$(includes "$test")" \
    mvn -B -ntp -q -pl "$module" -am test -Djazzer.hooks=true -Dtest="$test" \
    -Dsurefire.failIfNoSpecifiedTests=false >"$log" 2>&1 || status=FAILED
  runs="$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 | awk '{print $2, $5}')"
  [[ "$status" == ok ]] || failed=1
  summary+=("$test|${runs% *}|${runs#* }|$status")
  printf '  %-40s %12s inputs in %6s s  %s\n' "$test" "${runs% *}" "${runs#* }" "$status" >&2
  if [[ "$status" != ok ]]; then
    grep -E '^(== Java Exception|Caused by|\s+at dev\.wasmesh)|crash-|timeout-|oom-|Test.*FAIL' "$log" | head -20 >&2 || true
  fi
done
echo
echo "| target | inputs | seconds | result |"
echo "|---|---:|---:|---|"
for s in "${summary[@]}"; do
  IFS='|' read -r name runs secs status <<<"$s"
  echo "| $name | $runs | $secs | $status |"
done
exit "$failed"
