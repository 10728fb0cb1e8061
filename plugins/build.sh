#!/usr/bin/env bash
# Builds the first-party backend plugins into plugins/wasm/NAME.wasm, which the infrac binary
# embeds with include_bytes!. The .wasm files are committed so a fresh clone builds with plain
# `cargo build`; CI runs `plugins/build.sh --check` to fail when they are stale.
#
#   plugins/build.sh          rebuild and update plugins/wasm/
#   plugins/build.sh --check  rebuild into a temporary directory and compare
#
# Needs: rustup target add wasm32-wasip2.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd -P)"
check=0
[[ "${1:-}" == "--check" ]] && check=1

# name:crate for every first-party plugin.
plugins=(
    compose:infrac-plugin-compose
    dns:infrac-plugin-dns
    frr:infrac-plugin-frr
    haproxy:infrac-plugin-haproxy
    ios:infrac-plugin-ios
    keepalived:infrac-plugin-keepalived
    mysql:infrac-plugin-mysql
    nftables:infrac-plugin-nftables
    opnsense:infrac-plugin-opnsense
    prometheus:infrac-plugin-prometheus
)

# Reproducible output: no absolute path of this machine ends up in the binaries.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
rustup_home="${RUSTUP_HOME:-$HOME/.rustup}"
export RUSTFLAGS="--remap-path-prefix=${root}=/infrac --remap-path-prefix=${cargo_home}=/cargo --remap-path-prefix=${rustup_home}=/rustup"
export CARGO_TARGET_DIR="${INFRAC_PLUGIN_TARGET_DIR:-${root}/target/plugins}"
export SOURCE_DATE_EPOCH=0
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

args=()
for p in "${plugins[@]}"; do args+=(-p "${p#*:}"); done
cargo build --quiet --locked --profile plugin --target wasm32-wasip2 "${args[@]}"

out="plugins/wasm"
if [[ $check == 1 ]]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
for p in "${plugins[@]}"; do
    name="${p%%:*}" crate="${p#*:}"
    cp "${CARGO_TARGET_DIR}/wasm32-wasip2/plugin/${crate//-/_}.wasm" "$out/$name.wasm"
done

if [[ $check == 1 ]]; then
    stale=0
    for p in "${plugins[@]}"; do
        name="${p%%:*}"
        if ! cmp -s "$out/$name.wasm" "plugins/wasm/$name.wasm"; then
            echo "stale: plugins/wasm/$name.wasm differs from a fresh build (run plugins/build.sh and commit)" >&2
            stale=1
        fi
    done
    exit $stale
fi
echo "built ${#plugins[@]} plugin(s) into plugins/wasm/"
