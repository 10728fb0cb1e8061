/* The WIT glue: adapts hosts.c to the `infrac:backend/backend` world through the bindings that
 * `wit-bindgen c` generates (backend.h, backend.c, backend_component_type.o).
 *
 * Ownership, as wit-bindgen's C bindings define it: arguments belong to the callee (free them);
 * everything returned must be heap memory, because the generated `cabi_post_*` functions free
 * every returned pointer after the host has copied the result. So no string literal may be
 * returned as is: `dup` copies it. */
#include "backend.h"
#include "hosts.h"

#include <stdlib.h>
#include <string.h>

/* A heap copy of a NUL-terminated string as a WIT string. Traps if memory runs out: these are
 * a few bytes in `info`, which takes no input. */
static void dup(backend_string_t *ret, const char *s) {
    size_t n = strlen(s);
    ret->ptr = malloc(n ? n : 1);
    if (!ret->ptr) {
        __builtin_trap();
    }
    memcpy(ret->ptr, s, n);
    ret->len = n;
}

static void one_string(backend_list_string_t *ret, const char *s) {
    ret->ptr = malloc(sizeof *ret->ptr);
    if (!ret->ptr) {
        __builtin_trap();
    }
    ret->len = 1;
    dup(&ret->ptr[0], s);
}

void exports_backend_info(backend_plugin_info_t *ret) {
    dup(&ret->name, HOSTS_NAME);
    dup(&ret->version, HOSTS_VERSION);
    one_string(&ret->targets, HOSTS_TARGET);
    one_string(&ret->ir_versions, HOSTS_IR_VERSION);
}

/* Moves the diagnostics of `r` into a WIT list (their strings change owner, not place).
 * wit-bindgen declares two identical list types (`backend_list_diagnostic_t` for results and
 * `infrac_backend_types_list_diagnostic_t` in records), hence the pointer and length. */
static void take_diags(hosts_result *r, backend_diagnostic_t **ptr, size_t *len) {
    *len = 0;
    *ptr = NULL;
    if (r->ndiags == 0) {
        return;
    }
    backend_diagnostic_t *list = malloc(r->ndiags * sizeof *list);
    if (!list) {
        /* Free everything else; a single static-free fallback is not possible (post-return
         * frees every string), so trap: the host reports it as a plugin failure. */
        hosts_result_free(r);
        __builtin_trap();
    }
    for (size_t i = 0; i < r->ndiags; i++) {
        hosts_diag *d = &r->diags[i];
        backend_diagnostic_t *w = &list[i];
        w->severity = d->severity;
        w->code.ptr = (uint8_t *)d->code;
        w->code.len = strlen(d->code);
        w->message.ptr = (uint8_t *)d->message;
        w->message.len = strlen(d->message);
        w->ir_path.ptr = (uint8_t *)d->ir_path;
        w->ir_path.len = strlen(d->ir_path);
        d->code = d->message = d->ir_path = NULL;
    }
    *ptr = list;
    *len = r->ndiags;
    r->ndiags = 0;
}

/* An error result for `r`; when `r` holds no diagnostic (memory ran out before one could be
 * made), the empty list makes the host report "the plugin failed without saying why". */
static bool fail(hosts_result *r, backend_list_diagnostic_t *err) {
    take_diags(r, &err->ptr, &err->len);
    hosts_result_free(r);
    return false;
}

bool exports_backend_units(backend_string_t *ir, backend_string_t *target,
                           backend_list_string_t *ret, backend_list_diagnostic_t *err) {
    hosts_result r;
    int ok = hosts_check_request((const char *)target->ptr, target->len, "", 0, &r);
    backend_string_free(ir);
    backend_string_free(target);
    if (!ok) {
        return fail(&r, err);
    }
    hosts_result_free(&r);
    one_string(ret, ""); /* the whole model, in one call */
    return true;
}

bool exports_backend_compile(backend_string_t *ir, backend_compile_options_t *options,
                             backend_compile_output_t *ret, backend_list_diagnostic_t *err) {
    hosts_result r;
    int ok = hosts_check_request((const char *)options->target.ptr, options->target.len,
                                 (const char *)options->unit.ptr, options->unit.len, &r);
    backend_compile_options_free(options);
    if (!ok) {
        backend_string_free(ir);
        return fail(&r, err);
    }
    hosts_result_free(&r);
    hosts_render((const char *)ir->ptr, ir->len, &r);
    backend_string_free(ir);
    if (!r.ok) {
        return fail(&r, err);
    }

    infrac_backend_types_file_t *file = malloc(sizeof *file);
    if (!file) {
        hosts_result_free(&r);
        __builtin_trap();
    }
    dup(&file->path, HOSTS_PATH);
    file->contents.ptr = (uint8_t *)r.text;
    file->contents.len = r.text_len;
    r.text = NULL;
    ret->files.ptr = file;
    ret->files.len = 1;
    take_diags(&r, &ret->diagnostics.ptr, &ret->diagnostics.len);
    hosts_result_free(&r);
    return true;
}
