/* libFuzzer target for the hosts-c logic (not run in CI; see test.sh --fuzz):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined test/fuzz.c src/json.c src/text.c src/hosts.c
 *   ./a.out -dict=... test/corpus/ */
#include "../src/hosts.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    hosts_result r;
    hosts_render((const char *)data, size, &r);
    if (!r.ok && r.ndiags == 0) {
        abort(); /* a failure must say why */
    }
    hosts_result_free(&r);
    return 0;
}
