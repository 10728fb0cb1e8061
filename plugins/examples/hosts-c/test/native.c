/* Native tests of the hosts-c logic, meant to run under AddressSanitizer and
 * UndefinedBehaviorSanitizer (see test.sh):
 *   - the JSON reader accepts and rejects what RFC 8259 says, on a table of cases;
 *   - rendering test/fixture.json gives the expected file and diagnostics;
 *   - bad models give error diagnostics with the right codes and JSON pointers;
 *   - 200,000 deterministic mutations of the fixture (byte flips, insertions, deletions,
 *     truncations, splices) never crash, and every result is well formed: ok with a file, or
 *     at least one error; every diagnostic string valid UTF-8.
 * Usage: native FIXTURE.json [ITERATIONS]
 */
#include "../src/hosts.h"
#include "../src/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            failures++;                                                                       \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);          \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
        }                                                                                     \
    } while (0)

static int valid_utf8(const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        unsigned cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i - 1 < k) {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            unsigned char cc = (unsigned char)s[i + j];
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += k + 1;
    }
    return 1;
}

/* The invariants every result must satisfy, whatever the input. */
static void check_result(const hosts_result *r, const char *what) {
    if (r->ok) {
        CHECK(r->text != NULL, "%s: ok without text", what);
        CHECK(r->text && valid_utf8(r->text, r->text_len), "%s: text not UTF-8", what);
    } else {
        int errors = 0;
        for (size_t i = 0; i < r->ndiags; i++) {
            errors += r->diags[i].severity == HOSTS_ERROR;
        }
        CHECK(errors > 0, "%s: failed without an error", what);
        CHECK(r->text == NULL, "%s: failed with text", what);
    }
    for (size_t i = 0; i < r->ndiags; i++) {
        const hosts_diag *d = &r->diags[i];
        CHECK(d->severity <= HOSTS_NOTE, "%s: bad severity", what);
        CHECK(d->code && d->message && d->ir_path, "%s: NULL diagnostic string", what);
        if (d->code && d->message && d->ir_path) {
            CHECK(valid_utf8(d->message, strlen(d->message)), "%s: message not UTF-8", what);
            CHECK(d->ir_path[0] == 0 || d->ir_path[0] == '/', "%s: bad pointer %s", what,
                  d->ir_path);
        }
    }
}

static void json_cases(void) {
    static const char *valid[] = {
        "{}", "[]", "0", "-0", "1.5e10", "-1E-2", "\"\"", "true", "false", "null",
        " \t\r\n[1, 2 ,3 ] ", "{\"a\":{\"b\":[{}]}}", "\"\\u0000\"", "\"\\ud83d\\ude00\"",
        "\"caf\xC3\xA9\"", "\"\xF0\x9F\x98\x80\"", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
    };
    static const char *invalid[] = {
        "", " ", "{", "[", "[1,]", "{\"a\":1,}", "{\"a\"}", "{a:1}", "01", "1.", ".5", "1e",
        "-", "+1", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
        "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\x01\"", "\"\xC0\x80\"", "\"\xED\xA0\x80\"",
        "\"\xF5\x80\x80\x80\"", "\"\xE2\x82\"", "[1] 2", "[1 2]", "{\"a\" 1}", "\xEF\xBB\xBF{}",
        "[\"\xFF\"]", "NaN", "[Infinity]",
    };
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        json_doc d;
        int ok = json_parse(&d, valid[i], strlen(valid[i]));
        CHECK(ok, "valid JSON rejected: %s (%s at %zu)", valid[i], d.error, d.error_at);
        json_free(&d);
    }
    for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
        json_doc d;
        int ok = json_parse(&d, invalid[i], strlen(invalid[i]));
        CHECK(!ok, "invalid JSON accepted: %s", invalid[i]);
        CHECK(ok || d.error != NULL, "no message for: %s", invalid[i]);
        json_free(&d);
    }
    /* Nesting: JSON_MAX_DEPTH levels parse, one more does not. */
    char deep[2 * (JSON_MAX_DEPTH + 1) + 1];
    for (size_t levels = JSON_MAX_DEPTH; levels <= JSON_MAX_DEPTH + 1; levels++) {
        memset(deep, '[', levels);
        memset(deep + levels, ']', levels);
        json_doc d;
        int ok = json_parse(&d, deep, 2 * levels);
        CHECK(ok == (levels == JSON_MAX_DEPTH), "nesting %zu: %d", levels, ok);
        json_free(&d);
    }
    /* Decoding and lookups. */
    const char *doc = "{\"k\":\"a\\u00e9\\n\",\"n\":-12.5,\"a\":[1,{\"x\":null}],\"k\":2}";
    json_doc d;
    CHECK(json_parse(&d, doc, strlen(doc)), "lookup document");
    size_t len = 0;
    const char *k = json_string(&d, json_get(&d, JSON_ROOT, "k"), &len);
    CHECK(k && len == 4 && memcmp(k, "a\xC3\xA9\n", 4) == 0, "decoded string");
    const char *n = json_text(&d, json_get(&d, JSON_ROOT, "n"), &len);
    CHECK(n && len == 5 && memcmp(n, "-12.5", 5) == 0, "number text");
    CHECK(json_string(&d, json_get(&d, JSON_ROOT, "n"), NULL) == NULL, "a number is no string");
    json_ref a = json_get(&d, JSON_ROOT, "a");
    CHECK(json_count(&d, a) == 2, "array count");
    CHECK(json_kind_of(&d, json_get(&d, json_at(&d, a, 1), "x")) == JSON_NULL, "nested null");
    CHECK(json_at(&d, a, 2) == 0, "out of range");
    CHECK(json_get(&d, json_get(&d, JSON_ROOT, "missing"), "x") == 0, "chained missing");
    CHECK(json_kind_of(&d, 999999) == JSON_NONE, "bad ref");
    json_free(&d);
}

static const char EXPECTED[] =
    "# /etc/hosts for demo.example, generated by infrac (plugin hosts-c 0.1.0).\n"
    "# Do not edit: change the model and rebuild.\n"
    "127.0.0.1 localhost\n"
    "::1 localhost ip6-localhost ip6-loopback\n"
    "\n"
    "# Hosts\n"
    "10.0.1.5 db1.demo.example db1\n"
    "2001:db8::5 db1.demo.example db1\n"
    "10.1.2.3 web1.demo.example web1\n"
    "\n"
    "# Load balancers (virtual addresses)\n"
    "10.1.0.100 www.demo.example\n";

static void fixture_case(const char *ir, size_t len) {
    hosts_result r;
    hosts_render(ir, len, &r);
    check_result(&r, "fixture");
    CHECK(r.ok, "fixture failed: %s", r.ndiags ? r.diags[0].message : "?");
    if (r.ok) {
        CHECK(r.text_len == strlen(EXPECTED) && memcmp(r.text, EXPECTED, r.text_len) == 0,
              "fixture output:\n%s", r.text);
    }
    CHECK(r.ndiags == 2, "fixture: %zu diagnostics", r.ndiags);
    if (r.ndiags == 2) {
        CHECK(r.diags[0].severity == HOSTS_WARNING && !strcmp(r.diags[0].code, "HOSTSC011") &&
                  !strcmp(r.diags[0].ir_path, "/hosts/2/addresses"),
              "warning: %s %s", r.diags[0].code, r.diags[0].ir_path);
        CHECK(r.diags[1].severity == HOSTS_NOTE && !strcmp(r.diags[1].code, "HOSTSC010") &&
                  !strcmp(r.diags[1].ir_path, "/load_balancers/1"),
              "note: %s %s", r.diags[1].code, r.diags[1].ir_path);
    }
    hosts_result_free(&r);
}

/* `ir` must fail, its first error being `code` at `path`. */
static void expect_error(const char *ir, const char *code, const char *path) {
    hosts_result r;
    hosts_render(ir, strlen(ir), &r);
    check_result(&r, ir);
    CHECK(!r.ok, "accepted: %s", ir);
    size_t i = 0;
    while (i < r.ndiags && r.diags[i].severity != HOSTS_ERROR) {
        i++;
    }
    if (!r.ok && i < r.ndiags) {
        CHECK(!strcmp(r.diags[i].code, code) && !strcmp(r.diags[i].ir_path, path),
              "%s: got %s at `%s`: %s", ir, r.diags[i].code, r.diags[i].ir_path,
              r.diags[i].message);
    }
    hosts_result_free(&r);
}

static void error_cases(void) {
    expect_error("{\"ir_version\":", "HOSTSC001", "");
    expect_error("[]", "HOSTSC003", "");
    expect_error("{\"ir_version\":\"9.0\"}", "HOSTSC002", "/ir_version");
    expect_error("{\"ir_version\":1}", "HOSTSC002", "/ir_version");
    expect_error("{\"ir_version\":\"0.1\"}", "HOSTSC003", "/project/domain");
    expect_error("{\"ir_version\":\"0.1\",\"project\":{\"domain\":\"a b\"}}", "HOSTSC004",
                 "/project/domain");
    const char *base = "{\"ir_version\":\"0.1\",\"project\":{\"domain\":\"d.example\"},"
                       "\"load_balancers\":[],";
    char buf[512];
    snprintf(buf, sizeof buf, "%s\"hosts\":{}}", base);
    expect_error(buf, "HOSTSC003", "/hosts");
    snprintf(buf, sizeof buf, "%s\"hosts\":[{\"name\":\"a\",\"addresses\":[]},{\"name\":7}]}",
             base);
    expect_error(buf, "HOSTSC003", "/hosts/1/name");
    snprintf(buf, sizeof buf, "%s\"hosts\":[{\"name\":\"evil\\n10.0.0.1 bank\"}]}", base);
    expect_error(buf, "HOSTSC004", "/hosts/0/name");
    snprintf(buf, sizeof buf,
             "%s\"hosts\":[{\"name\":\"a\",\"addresses\":[{\"address\":\"10.0.0.1\"},"
             "{\"address\":\"10.0.0.256\"}]}]}",
             base);
    expect_error(buf, "HOSTSC004", "/hosts/0/addresses/1/address");
    snprintf(buf, sizeof buf, "%s\"hosts\":[{\"name\":\"a\",\"addresses\":[{}]}]}", base);
    expect_error(buf, "HOSTSC003", "/hosts/0/addresses/0/address");
    snprintf(buf, sizeof buf,
             "{\"ir_version\":\"0.1\",\"project\":{\"domain\":\"d.example\"},\"hosts\":[],"
             "\"load_balancers\":[{\"name\":\"x\",\"fqdn\":\"w#x\",\"vip\":\"1.2.3.4\"}]}");
    expect_error(buf, "HOSTSC004", "/load_balancers/0/fqdn");

    /* Target and unit checks. */
    hosts_result r;
    CHECK(hosts_check_request("hosts-c", 7, "", 0, &r), "good request");
    hosts_result_free(&r);
    CHECK(!hosts_check_request("haproxy", 7, "", 0, &r), "wrong target");
    check_result(&r, "wrong target");
    hosts_result_free(&r);
    CHECK(!hosts_check_request("hosts-c", 7, "sw1", 3, &r), "a unit");
    check_result(&r, "a unit");
    hosts_result_free(&r);

    /* Many errors are capped, with a closing summary. */
    size_t cap = 1 << 16, len = 0;
    char *many = malloc(cap);
    len += (size_t)snprintf(many, cap, "%s\"hosts\":[", base);
    for (int i = 0; i < 200; i++) {
        len += (size_t)snprintf(many + len, cap - len, "%s{\"name\":\"bad name\"}", i ? "," : "");
    }
    snprintf(many + len, cap - len, "]}");
    hosts_render(many, strlen(many), &r);
    check_result(&r, "many");
    CHECK(!r.ok && r.ndiags == 51, "many errors: %zu diagnostics", r.ndiags);
    hosts_result_free(&r);
    free(many);
}

/* xorshift64*: deterministic, so a failure reproduces. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static void mutation_cases(const char *seed, size_t seed_len, long iterations) {
    static const char *tokens[] = {"{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800",
                                   "null", "1e999", "-", "\"hosts\"", "\"name\"", "\xFF",
                                   "\xC3", "\x00", "\n", " ", "\"address\":\"::\""};
    size_t cap = seed_len * 2 + 64;
    char *buf = malloc(cap);
    long ok = 0;
    for (long it = 0; it < iterations; it++) {
        size_t len = seed_len;
        memcpy(buf, seed, seed_len);
        int edits = 1 + (int)(rng() % 4);
        for (int e = 0; e < edits; e++) {
            size_t at = len ? (size_t)(rng() % len) : 0;
            switch (rng() % 6) {
            case 0: /* flip a byte */
                if (len) {
                    buf[at] = (char)(rng() & 0xFF);
                }
                break;
            case 1: { /* insert a token */
                const char *t = tokens[rng() % (sizeof tokens / sizeof *tokens)];
                size_t tl = t[0] ? strlen(t) : 1;
                if (len + tl <= cap) {
                    memmove(buf + at + tl, buf + at, len - at);
                    memcpy(buf + at, t, tl);
                    len += tl;
                }
                break;
            }
            case 2: { /* delete a range */
                size_t n = len - at < 16 ? len - at : (size_t)(rng() % 16);
                memmove(buf + at, buf + at + n, len - at - n);
                len -= n;
                break;
            }
            case 3: /* truncate */
                len = at;
                break;
            case 4: { /* duplicate a range (splice) */
                size_t n = (size_t)(rng() % 64);
                if (n > len - at) {
                    n = len - at;
                }
                if (len + n <= cap) {
                    memmove(buf + at + n, buf + at, len - at);
                    len += n;
                }
                break;
            }
            default: /* swap two bytes */
                if (len) {
                    size_t other = (size_t)(rng() % len);
                    char t = buf[at];
                    buf[at] = buf[other];
                    buf[other] = t;
                }
            }
        }
        /* Exact-size copy, so the sanitizer sees any read past the end. */
        char *input = malloc(len ? len : 1);
        memcpy(input, buf, len);
        hosts_result r;
        hosts_render(input, len, &r);
        check_result(&r, "mutation");
        ok += r.ok;
        hosts_result_free(&r);
        free(input);
        if (failures > 20) {
            break;
        }
    }
    free(buf);
    printf("mutations: %ld inputs, %ld rendered, the rest refused with errors\n", iterations,
           ok);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FIXTURE.json [ITERATIONS]\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char seed[1 << 16];
    size_t seed_len = fread(seed, 1, sizeof seed, f);
    fclose(f);
    long iterations = argc > 2 ? atol(argv[2]) : 200000;

    json_cases();
    fixture_case(seed, seed_len);
    error_cases();
    mutation_cases(seed, seed_len, iterations);
    if (failures) {
        printf("native tests: %d check(s) failed\n", failures);
        return 1;
    }
    printf("native tests: all checks passed\n");
    return 0;
}
