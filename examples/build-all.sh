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

# Go (>= 1.24, wasip1 reactors) and rustup's cargo with the wasm32-wasip1 target build the SDK examples.
GO="$(command -v go || echo /usr/local/go/bin/go)"
RUSTUP_CARGO="$HOME/.cargo/bin/cargo"
[ -x "$GO" ] || { echo "missing go (>= 1.24): see examples/README.md" >&2; exit 1; }
[ -x "$RUSTUP_CARGO" ] || { echo "missing rustup's cargo: see examples/README.md" >&2; exit 1; }

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

# Go on the official SDK: the SDK version is pinned in go.mod/go.sum, fetched through the Go module proxy.
# -trimpath and -buildvcs=false keep paths and the commit out of the module, so a rebuild is byte-identical.
(
  cd go
  GOOS=wasip1 GOARCH=wasm "$GO" build -buildmode=c-shared -trimpath -buildvcs=false -o filter.wasm .
)
outputs+=(go/filter.wasm)

# Rust on the proxy-wasm crate (pinned in Cargo.lock, from crates.io), for wasm32-wasip1 with rustup's toolchain.
(
  cd rust-sdk
  CARGO_TARGET_DIR="$here/rust-sdk/target" RUSTFLAGS="--remap-path-prefix=$here=examples" \
    "$RUSTUP_CARGO" build --release --locked --target wasm32-wasip1 --quiet
)
cp rust-sdk/target/wasm32-wasip1/release/wasmesh_example_rust_sdk.wasm rust-sdk/filter.wasm
outputs+=(rust-sdk/filter.wasm)

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
