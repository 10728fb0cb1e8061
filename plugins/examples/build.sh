#!/usr/bin/env bash
# Builds the example plugins (WebAssembly components) into plugins/examples/wasm/:
#
#   hosts-c.wasm        C (clang + wasi-libc + wit-bindgen c + wasm-tools + the wasip1 adapter);
#                       small and reproducible: committed
#   inventory-py.wasm   Python (componentize-py); ~19 MB: not committed (.gitignore), CI builds it
#
#   plugins/examples/build.sh            build both
#   plugins/examples/build.sh c          build only the C one (or: py)
#   plugins/examples/build.sh --check    build both, and fail if the committed hosts-c.wasm
#                                        differs from the fresh build (which is then kept
#                                        aside: the committed file is left as it is)
#
# The tools come from plugins/examples/install-toolchains.sh; the versions are pinned there.
set -euo pipefail
cd "$(dirname "$0")"
here="$(pwd -P)"
wit="$here/../wit"
toolchains="${INFRAC_TOOLCHAINS:-$HOME/.local/share/infrac-toolchains}"
adapter="${WASI_ADAPTER:-$toolchains/wasi_snapshot_preview1.reactor.wasm}"
scratch="$here/target"

check=0
which=()
for arg in "$@"; do
    case "$arg" in
        --check) check=1 ;;
        c | py) which+=("$arg") ;;
        *) echo "usage: $0 [--check] [c] [py]" >&2; exit 2 ;;
    esac
done
((${#which[@]})) || which=(c py)

need() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "build.sh: \`$1\` not found; run plugins/examples/install-toolchains.sh" >&2
    exit 1
}

# Runs a command, showing its output only if it fails.
quiet() {
    local log
    if ! log="$("$@" 2>&1)"; then
        printf '%s\n' "$log" >&2
        return 1
    fi
}

mkdir -p wasm "$scratch"
stale=0

build_c() {
    need clang
    need wit-bindgen
    need wasm-tools
    if [[ ! -f "$adapter" ]]; then
        echo "build.sh: adapter $adapter not found; run plugins/examples/install-toolchains.sh" >&2
        exit 1
    fi
    local out="$scratch/hosts-c"
    rm -rf "$out"
    mkdir -p "$out/gen"
    # 1. Bindings for the world: backend.c, backend.h, backend_component_type.o.
    quiet wit-bindgen c "$wit" --world backend --out-dir "$out/gen"
    # 2. A core module for wasm32-wasi (preview 1), as a reactor (a library: no main).
    #    --stack-first puts the C stack below the data, so an overflow traps instead of
    #    silently overwriting globals; --strip-all drops names (the component type stays).
    clang --target=wasm32-wasi --sysroot=/usr -I/usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi \
        -mexec-model=reactor -Os -std=c11 -Wall -Wextra -Werror \
        -I"$out/gen" -Ihosts-c/src \
        hosts-c/src/plugin.c hosts-c/src/hosts.c hosts-c/src/json.c hosts-c/src/text.c \
        "$out/gen/backend.c" "$out/gen/backend_component_type.o" \
        -Wl,--stack-first -Wl,--strip-all \
        -o "$out/core.wasm"
    # 3. The component: the core module plus the adapter that maps any wasi_snapshot_preview1
    #    imports onto WASI 0.2 (this plugin uses none; the step is the same for those that do).
    wasm-tools component new "$out/core.wasm" \
        --adapt "wasi_snapshot_preview1=$adapter" -o "$out/hosts-c.wasm"
    wasm-tools validate "$out/hosts-c.wasm"
    if [[ $check == 1 ]]; then
        if ! cmp -s "$out/hosts-c.wasm" wasm/hosts-c.wasm; then
            echo "stale: plugins/examples/wasm/hosts-c.wasm (run plugins/examples/build.sh c;" \
                "fresh build in $out/hosts-c.wasm)" >&2
            stale=1
        fi
    else
        cp "$out/hosts-c.wasm" wasm/hosts-c.wasm
    fi
    echo "hosts-c.wasm: $(wc -c <"$out/hosts-c.wasm") bytes"
}

componentize_py() {
    if command -v componentize-py >/dev/null 2>&1; then
        componentize-py "$@"
        return
    fi
    # Installed by pip into a scripts directory that is not on PATH.
    local scripts
    scripts="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
    if [[ -x "$scripts/componentize-py" ]]; then
        "$scripts/componentize-py" "$@"
        return
    fi
    echo "build.sh: componentize-py not found; run plugins/examples/install-toolchains.sh" >&2
    exit 1
}

build_py() {
    local out="$scratch/inventory-py"
    rm -rf "$out"
    mkdir -p "$out"
    # The bindings (wit_world/) are generated into the component; `app` is hosts-py/app.py.
    quiet componentize_py -d "$wit" -w backend componentize -p hosts-py app \
        -o "$out/inventory-py.wasm"
    cp "$out/inventory-py.wasm" wasm/inventory-py.wasm
    echo "inventory-py.wasm: $(wc -c <"$out/inventory-py.wasm") bytes"
}

for w in "${which[@]}"; do
    case "$w" in
        c) build_c ;;
        py) build_py ;;
    esac
done
exit $stale
