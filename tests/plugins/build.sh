#!/usr/bin/env bash
# Build the test plugins into tests/plugins/wasm/*.wasm, deterministically.
#
#   tests/plugins/build.sh          rebuild and update wasm/
#   tests/plugins/build.sh --check  rebuild and fail if wasm/ is stale
#
# Needs: rustup target add wasm32-wasip2 (the crates come from Cargo.lock).
set -euo pipefail
cd "$(dirname "$0")"
here="$(pwd -P)"
check=0
[[ "${1:-}" == "--check" ]] && check=1

plugins=(echo loop alloc recurse panic badpath big-output bad-utf8 wrong-ir evil-import stderr-flood probe)

# Reproducibility: no absolute paths of this machine in the output.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
export RUSTFLAGS="--remap-path-prefix=${here}=/infrac/tests/plugins --remap-path-prefix=${cargo_home}=/cargo"
export CARGO_TARGET_DIR="${here}/target"
export SOURCE_DATE_EPOCH=0
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

cargo build --quiet --locked --release --target wasm32-wasip2

out="wasm"
if [[ $check == 1 ]]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
for p in "${plugins[@]}"; do
    cp "target/wasm32-wasip2/release/${p//-/_}.wasm" "$out/$p.wasm"
done

if [[ $check == 1 ]]; then
    stale=0
    for p in "${plugins[@]}"; do
        if ! cmp -s "$out/$p.wasm" "wasm/$p.wasm"; then
            echo "stale: tests/plugins/wasm/$p.wasm (run tests/plugins/build.sh)" >&2
            stale=1
        fi
    done
    exit $stale
fi
echo "built ${#plugins[@]} plugins into tests/plugins/wasm/"
