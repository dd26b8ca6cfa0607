#!/usr/bin/env bash
# Rebuilds every committed examples/*/filter.wasm from the sources next to it.
# Run examples/setup-toolchains.sh first (once per machine).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

# Debian's toolchains, called by absolute path: a rustup install in PATH (e.g. ~/.cargo/bin)
# may shadow /usr/bin/rustc and lack the wasm32 target.
CLANG=/usr/bin/clang
CARGO=/usr/bin/cargo
RUSTC=/usr/bin/rustc
for tool in "$CLANG" "$CARGO" "$RUSTC" node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool: run examples/setup-toolchains.sh" >&2; exit 1; }
done

outputs=()

# C filters: wasi-libc reactor (exports _initialize); debug info stripped, names kept.
build_c() {
  local dir="$1"
  "$CLANG" --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor -O2 -Wall -Wextra -Werror \
    -I"$here/include" -Wl,--strip-debug -o "$dir/filter.wasm" "$dir/filter.c"
  outputs+=("$dir/filter.wasm")
}
build_c seed
build_c c-all

# Rust: cdylib for wasm32-unknown-unknown (no WASI imports); no external crates, so offline.
(
  cd rust
  RUSTC="$RUSTC" CARGO_TARGET_DIR="$here/rust/target" \
    RUSTFLAGS="--remap-path-prefix=$here=examples" \
    "$CARGO" build --release --offline --locked --target wasm32-unknown-unknown --quiet
)
cp rust/target/wasm32-unknown-unknown/release/wasmesh_example_rust.wasm rust/filter.wasm
outputs+=(rust/filter.wasm)

# AssemblyScript: the compilers and SDKs are the exact versions in each package-lock.json.
for dir in as-solo as-gcore; do
  if [ ! -d "$dir/node_modules" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
# The asc command line of each lives in its package.json "build" script. (asc 0.14 prints an
# AS201 warning about the SDK's own code; it is harmless.)
for dir in as-solo as-gcore; do
  (cd "$dir" && npm run --silent build)
  outputs+=("$dir/filter.wasm")
done

for f in "${outputs[@]}"; do
  printf '%-30s %8d bytes\n' "examples/$f" "$(stat -c %s "$f")"
done

# Sanity check of the fresh binaries against a tiny JavaScript host (not the contract tests).
node smoke-test.mjs >/dev/null || { node smoke-test.mjs; exit 1; }
echo "smoke-test.mjs: all checks passed"
