#!/usr/bin/env bash
# Capirca and infrac side by side on equivalent inputs, in one run.
#
# `infrac-gen policy` writes one generated policy twice: as .infra (rendered by infrac to IOS
# ACLs, OPNsense filter rules and nftables host firewalls) and as a Capirca policy with its
# NETWORK and SERVICES definitions (rendered by Capirca's aclgen to Cisco, Juniper and
# iptables), the same terms over the same objects and ports. Capirca is installed from PyPI
# into a virtualenv (once).
#
#   bench/capirca.sh                          2,000 terms over 500 objects, seed 1
#   bench/capirca.sh --rules 500 --seed 7     any `infrac-gen policy` flags
#   CAPIRCA_VERSION=2.0.9 CAPIRCA_VENV=DIR RUNS=3 bench/capirca.sh
#   BENCH_TMP=/dev/shm bench/capirca.sh       inputs and outputs of both on a memory filesystem
#
# Needs python3 with venv, network access to PyPI the first time, and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd -P)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
version="${CAPIRCA_VERSION:-2.0.9}"
venv="${CAPIRCA_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/infrac-bench/capirca-$version}"
runs="${RUNS:-3}"
targets="${CAPIRCA_TARGETS:-cisco INFRAC mixed;juniper INFRAC mixed;iptables INPUT DROP}"

if [[ ! -x /usr/bin/time ]]; then
    echo "bench/capirca.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
    exit 2
fi
if [[ ! -x "$venv/bin/aclgen" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "capirca==$version"
fi
cargo build --release --locked --quiet -p infrac-cli -p infrac-gen
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d -p "${BENCH_TMP:-${TMPDIR:-/tmp}}")"
trap 'rm -rf "$work"' EXIT
export INFRAC_CACHE_DIR="$work/cache"

"$bin/infrac-gen" policy --capirca "$work/capirca" --capirca-targets "$targets" "$@" \
    >"$work/policy.infra" 2>"$work/gen.log"
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# input: $(sed 's/^infrac-gen: //' "$work/gen.log")"
echo "# Capirca $version targets: $targets; infrac targets: ios, opnsense, nftables"

# Best wall time of $runs runs of a command (its CPU time and peak memory with it).
measure() {
    local best=""
    for _ in $(seq "$runs"); do
        "$@" # the command cleans its own output directory
        read -r wall user sys rss <"$work/time"
        if [[ -z "$best" ]] || awk -v a="$wall" -v b="${best%% *}" 'BEGIN{exit !(a<b)}'; then
            best="$wall $(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}') $((rss / 1024))"
        fi
    done
    echo "$best"
}

run_capirca() {
    rm -rf "$work/capirca/out" && mkdir -p "$work/capirca/out"
    (cd "$work/capirca" && /usr/bin/time -f '%e %U %S %M' -o "$work/time" \
        "$venv/bin/aclgen" --base_directory=policies --definitions_directory=def \
        --output_directory=out --max_renderers=1 >"$work/capirca.log" 2>&1) \
        || { tail -20 "$work/capirca.log" >&2; exit 1; }
}

run_infrac() {
    rm -rf "$work/out"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$bin/infrac" build "$work/policy.infra" \
        -o "$work/out" --only ios --only opnsense --only nftables >/dev/null 2>"$work/infrac.log" \
        || { cat "$work/infrac.log" >&2; exit 1; }
}

run_infrac # fills the compiled-component cache
read -r c_wall c_cpu c_rss <<<"$(measure run_capirca)"
read -r i_wall i_cpu i_rss <<<"$(measure run_infrac)"
c_lines=$(cat "$work/capirca/out"/* | wc -l)
c_bytes=$(cat "$work/capirca/out"/* | wc -c)
i_lines=$(find "$work/out" -type f ! -name '.infrac-manifest.json' -exec cat {} + | wc -l)
i_bytes=$(find "$work/out" -type f ! -name '.infrac-manifest.json' -exec cat {} + | wc -c)
printf '%-8s %8s %8s %9s %9s %10s\n' tool "wall s" "CPU s" "peak MiB" lines bytes
printf '%-8s %8s %8s %9s %9s %10s\n' capirca "$c_wall" "$c_cpu" "$c_rss" "$c_lines" "$c_bytes"
printf '%-8s %8s %8s %9s %9s %10s\n' infrac "$i_wall" "$i_cpu" "$i_rss" "$i_lines" "$i_bytes"
awk -v cw="$c_wall" -v iw="$i_wall" -v cc="$c_cpu" -v ic="$i_cpu" 'BEGIN {
    printf "infrac is %.1fx faster in wall time and uses %.1fx less CPU\n",
        cw / (iw > 0 ? iw : 0.001), cc / (ic > 0 ? ic : 0.001) }'
