/* Renders an /etc/hosts file from the infrac IR:
 *
 *     ADDRESS NAME.DOMAIN NAME        every address of every host, hosts in IR order
 *     VIP FQDN                        every load balancer with an `fqdn`, in IR order
 *
 * Everything it writes comes from the IR and is checked first, so a name with a space, a
 * newline or a `#` can never produce a misleading line: it is an error diagnostic instead.
 */
#include "hosts.h"

#include "json.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Stop collecting errors after this many: one broken field usually repeats. */
#define MAX_ERRORS 50

typedef struct {
    const json_doc *doc;
    hosts_result *out;
    size_t errors;
    int oom;
} ctx;

static char *dup_n(const char *s, size_t n) {
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Adds a diagnostic, taking `message` and `path` (freed here either way). */
static void add_diag(hosts_result *out, int *oom, uint8_t severity, const char *code,
                     text *message, text *path) {
    char *m = text_take(message, NULL);
    char *p = text_take(path, NULL);
    char *c = dup_n(code, strlen(code));
    if (!m || !p || !c) {
        goto fail;
    }
    if (out->ndiags == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 4;
        hosts_diag *d = realloc(out->diags, cap * sizeof *d);
        if (!d) {
            goto fail;
        }
        out->diags = d;
        out->cap = cap;
    }
    out->diags[out->ndiags].severity = severity;
    out->diags[out->ndiags].code = c;
    out->diags[out->ndiags].message = m;
    out->diags[out->ndiags].ir_path = p;
    out->ndiags++;
    return;
fail:
    free(m);
    free(p);
    free(c);
    *oom = 1;
}

static void report(ctx *c, uint8_t severity, const char *code, text *message, text *path) {
    if (severity == HOSTS_ERROR) {
        c->errors++;
        if (c->errors > MAX_ERRORS) {
            text_free(message);
            text_free(path);
            return;
        }
    }
    add_diag(c->out, &c->oom, severity, code, message, path);
}

/* A one-line error with a static message and a static path. */
static void simple_error(hosts_result *out, int *oom, const char *code, const char *message,
                         const char *path) {
    text m = {0}, p = {0};
    text_str(&m, message);
    text_str(&p, path);
    add_diag(out, oom, HOSTS_ERROR, code, &m, &p);
}

/* "/hosts/3/addresses/0/address" and the like: a prefix, an index, optional more. */
static void path_index(text *p, const char *prefix, uint32_t i) {
    text_str(p, prefix);
    text_char(p, '/');
    text_uint(p, i);
}

static int is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* A DNS name as a hosts file accepts it: letters, digits, '-', '_' and dots between labels. */
static int valid_name(const char *s, size_t n) {
    if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.') {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(is_alnum(c) || c == '-' || c == '_' || c == '.')) {
            return 0;
        }
        if (c == '.' && s[i + 1] == '.') {
            return 0;
        }
    }
    return 1;
}

/* A dotted-quad IPv4 address. */
static int valid_ipv4(const char *s, size_t n) {
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.') {
                return 0;
            }
            i++;
        }
        size_t start = i;
        unsigned value = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
            value = value * 10 + (unsigned)(s[i] - '0');
            i++;
        }
        if (i == start || value > 255 || (i - start > 1 && s[start] == '0')) {
            return 0;
        }
    }
    return i == n;
}

/* An IPv6 address, checked for its alphabet and shape (hex groups, one "::" at most, an IPv4
 * tail allowed); the checker has already validated every address, this only guards the file. */
static int valid_ipv6(const char *s, size_t n) {
    if (n < 2 || n > 45) {
        return 0;
    }
    int colons = 0, double_colon = 0;
    size_t group = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ':') {
            colons++;
            if (i + 1 < n && s[i + 1] == ':') {
                if (double_colon) {
                    return 0;
                }
                double_colon = 1;
            }
            group = 0;
        } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
            if (++group > 4) {
                return 0;
            }
        } else if (c == '.') {
            /* An embedded IPv4 address ends the address. */
            size_t start = i - group;
            return colons >= 2 && valid_ipv4(s + start, n - start);
        } else {
            return 0;
        }
    }
    return colons >= 2 && colons <= 7;
}

static int valid_address(const char *s, size_t n) {
    return valid_ipv4(s, n) || valid_ipv6(s, n);
}

/* The string at `r`, or an error (missing or not a string) reported at `path`. */
static const char *need_string(ctx *c, json_ref r, size_t *len, text *path) {
    const char *s = json_string(c->doc, r, len);
    if (!s) {
        text m = {0};
        text_str(&m, json_kind_of(c->doc, r) == JSON_NONE ? "missing field" : "expected a string");
        report(c, HOSTS_ERROR, "HOSTSC003", &m, path);
        return NULL;
    }
    text_free(path);
    return s;
}

/* The array at `r`, or an error reported at `path`. */
static int need_array(ctx *c, json_ref r, text *path) {
    if (json_kind_of(c->doc, r) != JSON_ARRAY) {
        text m = {0};
        text_str(&m, json_kind_of(c->doc, r) == JSON_NONE ? "missing field" : "expected an array");
        report(c, HOSTS_ERROR, "HOSTSC003", &m, path);
        return 0;
    }
    text_free(path);
    return 1;
}

static void bad_value(ctx *c, const char *what, const char *s, size_t n, text *path) {
    text m = {0};
    text_str(&m, what);
    text_char(&m, ' ');
    text_quote(&m, s, n, 80);
    text_str(&m, " cannot be written to a hosts file");
    report(c, HOSTS_ERROR, "HOSTSC004", &m, path);
}

static void render_hosts(ctx *c, text *file, const char *domain, size_t domain_len) {
    const json_doc *d = c->doc;
    json_ref hosts = json_get(d, JSON_ROOT, "hosts");
    text p = {0};
    text_str(&p, "/hosts");
    if (!need_array(c, hosts, &p)) {
        return;
    }
    if (json_count(d, hosts) > 0) {
        text_str(file, "\n# Hosts\n");
    }
    uint32_t i = 0;
    for (json_ref h = json_first(d, hosts); h != 0; h = json_next(d, h), i++) {
        size_t name_len;
        text np = {0};
        path_index(&np, "/hosts", i);
        text_str(&np, "/name");
        const char *name = need_string(c, json_get(d, h, "name"), &name_len, &np);
        if (!name) {
            continue;
        }
        if (!valid_name(name, name_len) || memchr(name, '.', name_len)) {
            text bp = {0};
            path_index(&bp, "/hosts", i);
            text_str(&bp, "/name");
            bad_value(c, "host name", name, name_len, &bp);
            continue;
        }
        text ap = {0};
        path_index(&ap, "/hosts", i);
        text_str(&ap, "/addresses");
        json_ref addresses = json_get(d, h, "addresses");
        if (!need_array(c, addresses, &ap)) {
            continue;
        }
        if (json_count(d, addresses) == 0) {
            text m = {0}, wp = {0};
            text_str(&m, "host ");
            text_quote(&m, name, name_len, 80);
            text_str(&m, " has no address and is not listed");
            path_index(&wp, "/hosts", i);
            text_str(&wp, "/addresses");
            report(c, HOSTS_WARNING, "HOSTSC011", &m, &wp);
            continue;
        }
        uint32_t j = 0;
        for (json_ref a = json_first(d, addresses); a != 0; a = json_next(d, a), j++) {
            size_t addr_len;
            text xp = {0};
            path_index(&xp, "/hosts", i);
            path_index(&xp, "/addresses", j);
            text_str(&xp, "/address");
            const char *addr = need_string(c, json_get(d, a, "address"), &addr_len, &xp);
            if (!addr) {
                continue;
            }
            if (!valid_address(addr, addr_len)) {
                text bp = {0};
                path_index(&bp, "/hosts", i);
                path_index(&bp, "/addresses", j);
                text_str(&bp, "/address");
                bad_value(c, "address", addr, addr_len, &bp);
                continue;
            }
            text_bytes(file, addr, addr_len);
            text_char(file, ' ');
            text_bytes(file, name, name_len);
            text_char(file, '.');
            text_bytes(file, domain, domain_len);
            text_char(file, ' ');
            text_bytes(file, name, name_len);
            text_char(file, '\n');
        }
    }
}

static void render_load_balancers(ctx *c, text *file) {
    const json_doc *d = c->doc;
    json_ref lbs = json_get(d, JSON_ROOT, "load_balancers");
    text p = {0};
    text_str(&p, "/load_balancers");
    if (!need_array(c, lbs, &p)) {
        return;
    }
    int heading = 0;
    uint32_t i = 0;
    for (json_ref lb = json_first(d, lbs); lb != 0; lb = json_next(d, lb), i++) {
        json_ref fqdn_ref = json_get(d, lb, "fqdn");
        if (json_kind_of(d, fqdn_ref) == JSON_NULL || json_kind_of(d, fqdn_ref) == JSON_NONE) {
            size_t name_len = 0;
            const char *name = json_string(d, json_get(d, lb, "name"), &name_len);
            text m = {0}, np = {0};
            text_str(&m, "load balancer ");
            text_quote(&m, name ? name : "?", name ? name_len : 1, 80);
            text_str(&m, " has no fqdn: its virtual address is not listed");
            path_index(&np, "/load_balancers", i);
            report(c, HOSTS_NOTE, "HOSTSC010", &m, &np);
            continue;
        }
        size_t fqdn_len, vip_len;
        text fp = {0}, vp = {0};
        path_index(&fp, "/load_balancers", i);
        text_str(&fp, "/fqdn");
        const char *fqdn = need_string(c, fqdn_ref, &fqdn_len, &fp);
        path_index(&vp, "/load_balancers", i);
        text_str(&vp, "/vip");
        const char *vip = need_string(c, json_get(d, lb, "vip"), &vip_len, &vp);
        if (!fqdn || !vip) {
            continue;
        }
        if (!valid_name(fqdn, fqdn_len)) {
            text bp = {0};
            path_index(&bp, "/load_balancers", i);
            text_str(&bp, "/fqdn");
            bad_value(c, "name", fqdn, fqdn_len, &bp);
            continue;
        }
        if (!valid_address(vip, vip_len)) {
            text bp = {0};
            path_index(&bp, "/load_balancers", i);
            text_str(&bp, "/vip");
            bad_value(c, "address", vip, vip_len, &bp);
            continue;
        }
        if (!heading) {
            text_str(file, "\n# Load balancers (virtual addresses)\n");
            heading = 1;
        }
        text_bytes(file, vip, vip_len);
        text_char(file, ' ');
        text_bytes(file, fqdn, fqdn_len);
        text_char(file, '\n');
    }
}

/* Leaves `out` holding a single "out of memory" error, freeing everything else first so that
 * the error itself can be allocated. */
static void out_of_memory(hosts_result *out) {
    hosts_result_free(out);
    int oom = 0;
    simple_error(out, &oom, "HOSTSC006", "out of memory", "");
}

void hosts_render(const char *ir, size_t len, hosts_result *out) {
    memset(out, 0, sizeof *out);
    json_doc doc;
    if (!json_parse(&doc, ir, len)) {
        if (strcmp(doc.error, "out of memory") == 0) {
            out_of_memory(out);
            return;
        }
        text m = {0}, p = {0};
        text_str(&m, "the IR is not valid JSON: ");
        text_str(&m, doc.error);
        text_str(&m, " at byte ");
        text_uint(&m, doc.error_at);
        int oom = 0;
        add_diag(out, &oom, HOSTS_ERROR, "HOSTSC001", &m, &p);
        if (oom) {
            out_of_memory(out);
        }
        return;
    }

    ctx c = {&doc, out, 0, 0};
    text file = {0};
    if (json_kind_of(&doc, JSON_ROOT) != JSON_OBJECT) {
        text m = {0}, p = {0};
        text_str(&m, "the IR is not a JSON object");
        report(&c, HOSTS_ERROR, "HOSTSC003", &m, &p);
        goto done;
    }
    json_ref version = json_get(&doc, JSON_ROOT, "ir_version");
    if (!json_string_is(&doc, version, HOSTS_IR_VERSION)) {
        text m = {0}, p = {0};
        size_t vlen;
        const char *v = json_string(&doc, version, &vlen);
        text_str(&m, "this plugin reads IR version " HOSTS_IR_VERSION ", not ");
        if (v) {
            text_quote(&m, v, vlen, 40);
        } else {
            text_str(&m, "a document without a string `ir_version`");
        }
        text_str(&p, "/ir_version");
        report(&c, HOSTS_ERROR, "HOSTSC002", &m, &p);
        goto done;
    }

    size_t domain_len;
    text dp = {0};
    text_str(&dp, "/project/domain");
    const char *domain = need_string(
        &c, json_get(&doc, json_get(&doc, JSON_ROOT, "project"), "domain"), &domain_len, &dp);
    if (!domain) {
        goto done;
    }
    if (!valid_name(domain, domain_len)) {
        text bp = {0};
        text_str(&bp, "/project/domain");
        bad_value(&c, "domain", domain, domain_len, &bp);
        goto done;
    }

    text_str(&file, "# /etc/hosts for ");
    text_bytes(&file, domain, domain_len);
    text_str(&file, ", generated by infrac (plugin " HOSTS_NAME " " HOSTS_VERSION ").\n"
                    "# Do not edit: change the model and rebuild.\n"
                    "127.0.0.1 localhost\n"
                    "::1 localhost ip6-localhost ip6-loopback\n");
    render_hosts(&c, &file, domain, domain_len);
    render_load_balancers(&c, &file);

done:
    json_free(&doc);
    if (c.oom || file.oom) {
        text_free(&file);
        out_of_memory(out);
        return;
    }
    if (c.errors > MAX_ERRORS) {
        text m = {0}, p = {0};
        text_str(&m, "too many errors; ");
        text_uint(&m, c.errors - MAX_ERRORS);
        text_str(&m, " more not shown");
        add_diag(out, &c.oom, HOSTS_ERROR, "HOSTSC003", &m, &p);
    }
    if (c.errors > 0) {
        text_free(&file);
        if (c.oom) {
            out_of_memory(out);
        }
        return;
    }
    out->text = text_take(&file, &out->text_len);
    if (!out->text) {
        out_of_memory(out);
        return;
    }
    out->ok = 1;
}

int hosts_check_request(const char *target, size_t target_len, const char *unit,
                        size_t unit_len, hosts_result *out) {
    memset(out, 0, sizeof *out);
    int oom = 0;
    if (target_len != strlen(HOSTS_TARGET) || memcmp(target, HOSTS_TARGET, target_len) != 0) {
        text m = {0}, p = {0};
        text_str(&m, "this plugin renders target `" HOSTS_TARGET "`, not ");
        text_quote(&m, target, target_len, 64);
        add_diag(out, &oom, HOSTS_ERROR, "HOSTSC005", &m, &p);
        return 0;
    }
    if (unit_len != 0) {
        text m = {0}, p = {0};
        text_str(&m, "this plugin renders the whole model (unit \"\"), not unit ");
        text_quote(&m, unit, unit_len, 64);
        add_diag(out, &oom, HOSTS_ERROR, "HOSTSC005", &m, &p);
        return 0;
    }
    return 1;
}

void hosts_result_free(hosts_result *r) {
    free(r->text);
    for (size_t i = 0; i < r->ndiags; i++) {
        free(r->diags[i].code);
        free(r->diags[i].message);
        free(r->diags[i].ir_path);
    }
    free(r->diags);
    memset(r, 0, sizeof *r);
}
