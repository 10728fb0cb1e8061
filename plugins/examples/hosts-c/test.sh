#!/usr/bin/env bash
# Native tests of the hosts-c logic under AddressSanitizer and UndefinedBehaviorSanitizer:
# the JSON reader's conformance cases, the fixture, error cases and 200,000 mutated inputs.
#
#   plugins/examples/hosts-c/test.sh            run them (a few seconds)
#   plugins/examples/hosts-c/test.sh --fuzz [S] also run libFuzzer for S seconds (default 60)
#
# Needs: clang (Debian's clang 14 ships the sanitizer and libFuzzer runtimes).
set -euo pipefail
cd "$(dirname "$0")"
out="${TMPDIR:-/tmp}/infrac-hosts-c-test"
mkdir -p "$out"
flags=(-std=c11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer
       -fsanitize=address,undefined -fno-sanitize-recover=all)
clang "${flags[@]}" -o "$out/native" test/native.c src/json.c src/text.c src/hosts.c
"$out/native" test/fixture.json "${ITERATIONS:-200000}"
if [[ "${1:-}" == "--fuzz" ]]; then
    clang "${flags[@]}" -fsanitize=fuzzer -o "$out/fuzz" test/fuzz.c src/json.c src/text.c src/hosts.c
    mkdir -p "$out/corpus"
    cp test/fixture.json "$out/corpus/"
    "$out/fuzz" -max_total_time="${2:-60}" -max_len=4096 "$out/corpus"
fi
