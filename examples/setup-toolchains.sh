#!/usr/bin/env bash
# Installs everything examples/build-all.sh needs. Idempotent: re-running only fills gaps.
#   - Debian packages: clang/lld + wasi-libc (C examples), Debian's rustc/cargo with the wasm32
#     std (Rust example), wabt (wasm-objdump for inspection), nodejs/npm (AssemblyScript).
#   - Go >= 1.24 (examples/go) and rustup's Rust (examples/rust-sdk) come with the machine; this adds rustup's
#     wasm32-wasip1 target. go and cargo fetch the pinned SDKs themselves on the first build.
#   - npm packages: installed locally in each AssemblyScript example with `npm ci`, i.e. the
#     exact versions pinned in its package-lock.json.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

apt_packages=(
  clang lld wasi-libc libc++-14-dev-wasm32 libclang-rt-14-dev-wasm32 wabt
  rustc cargo libstd-rust-dev-wasm32
)
command -v node >/dev/null 2>&1 || apt_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)

missing=()
for p in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "apt: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "apt: all packages present"
fi

if command -v rustup >/dev/null 2>&1; then
  rustup target add wasm32-wasip1
else
  echo "rustup not found: examples/rust-sdk needs rustup's Rust with the wasm32-wasip1 target (https://rustup.rs)"
fi

for dir in as-solo as-gcore; do
  lock="$here/$dir/package-lock.json"
  stamp="$here/$dir/node_modules/.package-lock.json"
  # npm ci writes node_modules/.package-lock.json; reinstall only when the lock file changed.
  if [ -f "$stamp" ] && [ "$stamp" -nt "$lock" ]; then
    echo "npm: $dir up to date"
  else
    echo "npm: installing $dir"
    (cd "$here/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
