#!/usr/bin/env bash
# Installs what plugins/examples/build.sh (and hosts-c/test.sh) need, on a Debian 12 machine
# with rustup's cargo and CPython 3 with pip. Idempotent: whatever is already installed at the
# pinned version is skipped. Says what it does.
#
#   apt      clang lld wasi-libc libclang-rt-dev-wasm32   C for wasm32-wasi (clang 14)
#            libclang-rt-dev                              sanitizers for hosts-c/test.sh
#   cargo    wit-bindgen-cli 0.63.0 (feature c only)      C bindings from WIT     -> ~/.cargo/bin
#            wasm-tools 1.263.0 (component, validate)     core module -> component -> ~/.cargo/bin
#   crate    wasi-preview1-component-adapter-provider 48.0.8: its wasip1 reactor adapter, copied
#            to $INFRAC_TOOLCHAINS (default ~/.local/share/infrac-toolchains)
#   pip      componentize-py 0.25.1                       Python -> component
#
# Both cargo tools are built with --debug: on 2 cores that halves their build (wit-bindgen-cli
# 2.4 min of CPU instead of 5.3, wasm-tools 1.9 instead of 4.7), and they only ever handle a few
# tens of KB here (component new: 80 ms instead of 20; identical output).
# Cold, on 2 busy cores: apt ~15 s, wit-bindgen-cli ~3 min, wasm-tools ~3 min, adapter ~1 s,
# componentize-py ~10 s.
set -euo pipefail

WIT_BINDGEN_VERSION=0.63.0
WASM_TOOLS_VERSION=1.263.0
ADAPTER_VERSION=48.0.8
COMPONENTIZE_PY_VERSION=0.25.1
APT_PACKAGES=(clang lld wasi-libc libclang-rt-dev-wasm32 libclang-rt-dev)

toolchains="${INFRAC_TOOLCHAINS:-$HOME/.local/share/infrac-toolchains}"
say() { printf 'install-toolchains: %s\n' "$*"; }
timed() {
    local start=$SECONDS
    "$@"
    say "  done in $((SECONDS - start)) s"
}

# --- Debian packages -------------------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    if [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done
if ((${#missing[@]})); then
    sudo=()
    [[ $(id -u) == 0 ]] || sudo=(sudo)
    say "apt-get install ${missing[*]}"
    timed env DEBIAN_FRONTEND=noninteractive bash -c \
        "${sudo[*]} apt-get update -qq && ${sudo[*]} apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null"
else
    say "apt: ${APT_PACKAGES[*]}: installed"
fi

# --- cargo-installed tools (into ~/.cargo/bin, on PATH with rustup) ----------------------------
# `cargo install` would also skip a crate installed at the same version with the same features,
# but it re-resolves the index first; checking the binary is instant and works offline.
# (Outputs are captured before matching: `grep -q` in a pipeline can fail it under pipefail.)
if [[ "$(wit-bindgen --version 2>/dev/null || true)" == "wit-bindgen-cli $WIT_BINDGEN_VERSION"* ]] &&
    wit-bindgen c --help >/dev/null 2>&1; then
    say "wit-bindgen-cli $WIT_BINDGEN_VERSION (with c): installed"
else
    say "cargo install wit-bindgen-cli $WIT_BINDGEN_VERSION (feature c only)"
    timed cargo install --quiet --locked --debug wit-bindgen-cli --version "$WIT_BINDGEN_VERSION" \
        --no-default-features --features c --force
fi

if [[ "$(wasm-tools --version 2>/dev/null || true)" == "wasm-tools $WASM_TOOLS_VERSION"* ]] &&
    wasm-tools component new --help >/dev/null 2>&1 && wasm-tools validate --help >/dev/null 2>&1; then
    say "wasm-tools $WASM_TOOLS_VERSION: installed"
else
    say "cargo install wasm-tools $WASM_TOOLS_VERSION (features component, validate)"
    timed cargo install --quiet --locked --debug wasm-tools --version "$WASM_TOOLS_VERSION" \
        --no-default-features --features component,validate --force
fi

# --- the WASI preview 1 reactor adapter -------------------------------------------------------
# Shipped inside a crates.io crate: a throwaway cargo project depending on it makes cargo fetch
# and unpack it (checksum-verified), and `cargo metadata` says where.
adapter="$toolchains/wasi_snapshot_preview1.reactor.wasm"
stamp="$toolchains/adapter-version"
if [[ -f "$adapter" && "$(cat "$stamp" 2>/dev/null)" == "$ADAPTER_VERSION" ]]; then
    say "wasip1 reactor adapter $ADAPTER_VERSION: installed ($adapter)"
else
    say "wasi-preview1-component-adapter-provider $ADAPTER_VERSION -> $adapter"
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/src" "$toolchains"
    : >"$tmp/src/lib.rs"
    cat >"$tmp/Cargo.toml" <<EOF
[package]
name = "adapter-fetch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
wasi-preview1-component-adapter-provider = "=$ADAPTER_VERSION"
EOF
    manifest="$(cd "$tmp" && cargo metadata --quiet --format-version 1 | python3 -c '
import json, sys
meta = json.load(sys.stdin)
print(next(p["manifest_path"] for p in meta["packages"]
           if p["name"] == "wasi-preview1-component-adapter-provider"))')"
    cp "$(dirname "$manifest")/artefacts/wasi_snapshot_preview1.reactor.wasm" "$adapter.tmp"
    mv "$adapter.tmp" "$adapter"
    echo "$ADAPTER_VERSION" >"$stamp"
    say "  sha256 $(sha256sum "$adapter" | cut -d' ' -f1)"
fi

# --- componentize-py --------------------------------------------------------------------------
if [[ "$(python3 -m pip show componentize-py 2>/dev/null || true)" == *$'\nVersion: '"$COMPONENTIZE_PY_VERSION"$'\n'* ]]; then
    say "componentize-py $COMPONENTIZE_PY_VERSION: installed"
else
    say "pip install componentize-py==$COMPONENTIZE_PY_VERSION"
    timed python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        "componentize-py==$COMPONENTIZE_PY_VERSION"
fi
say "ready"
