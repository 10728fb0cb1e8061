#!/usr/bin/env bash
# Times whole `infrac build` runs on generated models, as a user runs them (a fresh process,
# compiled components in a warm cache): wall time, CPU time and peak memory (GNU time), the
# phase timings `infrac build` prints with INFRAC_TIMINGS=1, with 1 and with 2 threads, and
# checks that both thread counts write byte-identical trees.
#
#   bench/run.sh                      every preset
#   bench/run.sh policy topology      some of them
#   RUNS=5 bench/run.sh sites-100     best of 5 (default 3)
#   BENCH_TMP=/dev/shm bench/run.sh   models and outputs on a memory filesystem: the figures
#                                     then leave out the disk, whose speed varies far more
#
# Presets: policy (2,000 terms over 500 objects, targets ios, opnsense and nftables), topology
# (20 devices), sites-10, sites-100, sites-1000 (every backend). Needs GNU time
# (`apt-get install time`). Figures and their reading: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd -P)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
runs="${RUNS:-3}"
presets=("$@")
[[ ${#presets[@]} -eq 0 ]] && presets=(policy topology sites-10 sites-100 sites-1000)

if [[ ! -x /usr/bin/time ]]; then
    echo "bench/run.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi
cargo build --release --locked --quiet -p infrac-cli -p infrac-gen
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d -p "${BENCH_TMP:-${TMPDIR:-/tmp}}")"
trap 'rm -rf "$work"' EXIT
export INFRAC_CACHE_DIR="$work/cache"

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-11s %8s %6s %7s %7s %9s %9s %9s %9s\n' \
    preset "input" units files output threads "wall s" "CPU s" "peak MiB"
for preset in "${presets[@]}"; do
    model="$work/$preset.infra"
    "$bin/infrac-gen" preset "$preset" >"$model" 2>/dev/null
    only=()
    [[ "$preset" == policy ]] && only=(--only ios --only opnsense --only nftables)
    # Warm the compiled-component cache (and the page cache) once.
    "$bin/infrac" build "$model" -o "$work/out" "${only[@]}" >/dev/null 2>&1
    for threads in 1 2; do
        best=""
        for _ in $(seq "$runs"); do
            rm -rf "$work/out-$threads"
            RAYON_NUM_THREADS=$threads /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
                "$bin/infrac" build "$model" -o "$work/out-$threads" "${only[@]}" \
                2>"$work/log" >/dev/null || { cat "$work/log" >&2; exit 1; }
            read -r wall user sys rss <"$work/time"
            if [[ -z "$best" ]] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
                best="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') $rss"
            fi
        done
        read -r wall cpu rss <<<"$best"
        summary="$(grep -o 'wrote [0-9]* files ([^)]*)' "$work/log" || true)"
        files="$(echo "$summary" | awk '{print $2}')"
        size="$(echo "$summary" | sed 's/.*(\(.*\))/\1/' | tr -d ' ')"
        units="$(grep -o 'from [0-9]* units' "$work/log" | awk '{print $2}')"
        printf '%-11s %7sK %6s %7s %7s %9s %9s %9s %9d\n' "$preset" \
            "$(( $(wc -c <"$model") / 1024 ))" "$units" "$files" "$size" "$threads" \
            "$wall" "$cpu" "$(( rss / 1024 ))"
    done
    if ! diff -r "$work/out-1" "$work/out-2" >/dev/null; then
        echo "$preset: the outputs of 1 and 2 threads differ" >&2
        exit 1
    fi
    # One more run for the phases.
    rm -rf "$work/out-2"
    INFRAC_TIMINGS=1 "$bin/infrac" build "$model" -o "$work/out-2" "${only[@]}" 2>&1 \
        | sed -n '/^timings:/,/^  write/p' | sed "s/^/    /"
done
echo "outputs identical with 1 and 2 threads: yes"
