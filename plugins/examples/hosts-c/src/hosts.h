/* The hosts-c backend's logic, free of WebAssembly and WIT types so that it also builds and is
 * tested natively (test/native.c). plugin.c adapts it to the WIT world. */
#ifndef INFRAC_HOSTS_H
#define INFRAC_HOSTS_H

#include <stddef.h>
#include <stdint.h>

#define HOSTS_NAME "hosts-c"
#define HOSTS_VERSION "0.1.0"
#define HOSTS_TARGET "hosts-c"
#define HOSTS_IR_VERSION "0.1"
#define HOSTS_PATH "hosts/hosts"

/* Same order as the WIT `severity` enum. */
enum { HOSTS_ERROR = 0, HOSTS_WARNING = 1, HOSTS_NOTE = 2 };

typedef struct {
    uint8_t severity;
    char *code; /* each string malloc'd, NUL-terminated, valid UTF-8 */
    char *message;
    char *ir_path;
} hosts_diag;

typedef struct {
    int ok;          /* 1: `text` is the file; 0: `diags` holds at least one error */
    char *text;      /* malloc'd (NULL when not ok) */
    size_t text_len;
    hosts_diag *diags;
    size_t ndiags, cap;
} hosts_result;

/* Checks `target` and `unit`; on failure fills `out` (ok = 0) with an error and returns 0. */
int hosts_check_request(const char *target, size_t target_len, const char *unit,
                        size_t unit_len, hosts_result *out);

/* Renders the hosts file from the IR document `ir` (`len` bytes, any bytes at all). Always
 * returns a result, never traps on bad input; when memory runs out, the result is one error
 * (or, if even that cannot be allocated, ok = 0 with no diagnostic). */
void hosts_render(const char *ir, size_t len, hosts_result *out);

/* Frees everything in `r` and zeroes it. */
void hosts_result_free(hosts_result *r);

#endif
