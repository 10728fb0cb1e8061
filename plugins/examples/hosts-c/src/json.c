/* A small, strict JSON reader: see json.h. */
#include "json.h"

#include <stdlib.h>
#include <string.h>

#define JSON_MAX_INPUT ((size_t)1 << 30)

typedef struct {
    const unsigned char *src;
    size_t len;
    size_t pos;
    json_doc *doc;
} parser;

static int fail(parser *p, const char *message) {
    p->doc->error = message;
    p->doc->error_at = p->pos;
    return 0;
}

static void skip_ws(parser *p) {
    while (p->pos < p->len) {
        unsigned char c = p->src[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        p->pos++;
    }
}

/* A new node of `kind`; returns 0 when memory runs out. */
static json_ref new_node(parser *p, json_kind kind) {
    json_doc *d = p->doc;
    if (d->len == d->cap) {
        uint32_t cap = d->cap ? d->cap : 64;
        if (cap > UINT32_MAX / 2 || (size_t)cap * 2 > SIZE_MAX / sizeof(json_node)) {
            return 0;
        }
        cap *= 2;
        json_node *nodes = realloc(d->nodes, (size_t)cap * sizeof(json_node));
        if (!nodes) {
            return 0;
        }
        d->nodes = nodes;
        d->cap = cap;
    }
    json_ref r = d->len++;
    memset(&d->nodes[r], 0, sizeof(json_node));
    d->nodes[r].kind = (uint8_t)kind;
    return r;
}

/* Appends one byte to the decoded text; the buffer was sized so this cannot overflow, but it
 * is checked anyway. */
static int put(parser *p, unsigned char c) {
    json_doc *d = p->doc;
    if (d->text_len >= p->len + 1) {
        return fail(p, "internal error: decoded text overflow");
    }
    d->text[d->text_len++] = (char)c;
    return 1;
}

static int put_utf8(parser *p, uint32_t cp) {
    if (cp < 0x80) {
        return put(p, (unsigned char)cp);
    }
    if (cp < 0x800) {
        return put(p, (unsigned char)(0xC0 | (cp >> 6))) &&
               put(p, (unsigned char)(0x80 | (cp & 0x3F)));
    }
    if (cp < 0x10000) {
        return put(p, (unsigned char)(0xE0 | (cp >> 12))) &&
               put(p, (unsigned char)(0x80 | ((cp >> 6) & 0x3F))) &&
               put(p, (unsigned char)(0x80 | (cp & 0x3F)));
    }
    return put(p, (unsigned char)(0xF0 | (cp >> 18))) &&
           put(p, (unsigned char)(0x80 | ((cp >> 12) & 0x3F))) &&
           put(p, (unsigned char)(0x80 | ((cp >> 6) & 0x3F))) &&
           put(p, (unsigned char)(0x80 | (cp & 0x3F)));
}

/* Four hex digits at the current position. */
static int hex4(parser *p, uint32_t *out) {
    if (p->len - p->pos < 4) {
        return fail(p, "truncated \\u escape");
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p->src[p->pos];
        uint32_t digit;
        if (c >= '0' && c <= '9') {
            digit = (uint32_t)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = (uint32_t)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            digit = (uint32_t)(c - 'A' + 10);
        } else {
            return fail(p, "bad hex digit in \\u escape");
        }
        v = v * 16 + digit;
        p->pos++;
    }
    *out = v;
    return 1;
}

/* One UTF-8 sequence starting at the current position, copied as is (well-formed only: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static int copy_utf8(parser *p) {
    const unsigned char *s = p->src;
    unsigned char c = s[p->pos];
    size_t need;
    uint32_t cp;
    if (c < 0x80) {
        need = 0;
        cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
    } else {
        return fail(p, "invalid UTF-8");
    }
    if (p->len - p->pos - 1 < need) {
        return fail(p, "truncated UTF-8 sequence");
    }
    for (size_t i = 1; i <= need; i++) {
        unsigned char cc = s[p->pos + i];
        if ((cc & 0xC0) != 0x80) {
            return fail(p, "invalid UTF-8");
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        return fail(p, "invalid UTF-8");
    }
    for (size_t i = 0; i <= need; i++) {
        if (!put(p, s[p->pos + i])) {
            return 0;
        }
    }
    p->pos += need + 1;
    return 1;
}

/* A string at the current position (which holds the opening quote). Stores the decoded text's
 * place in *off and *len. */
static int parse_string(parser *p, size_t *off, size_t *len) {
    json_doc *d = p->doc;
    p->pos++; /* the opening quote */
    *off = d->text_len;
    for (;;) {
        if (p->pos >= p->len) {
            return fail(p, "unterminated string");
        }
        unsigned char c = p->src[p->pos];
        if (c == '"') {
            p->pos++;
            break;
        }
        if (c < 0x20) {
            return fail(p, "control character in string");
        }
        if (c != '\\') {
            if (!copy_utf8(p)) {
                return 0;
            }
            continue;
        }
        p->pos++;
        if (p->pos >= p->len) {
            return fail(p, "unterminated string");
        }
        unsigned char e = p->src[p->pos++];
        unsigned char out;
        switch (e) {
        case '"': out = '"'; break;
        case '\\': out = '\\'; break;
        case '/': out = '/'; break;
        case 'b': out = '\b'; break;
        case 'f': out = '\f'; break;
        case 'n': out = '\n'; break;
        case 'r': out = '\r'; break;
        case 't': out = '\t'; break;
        case 'u': {
            uint32_t cp;
            if (!hex4(p, &cp)) {
                return 0;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                return fail(p, "unpaired surrogate in \\u escape");
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                uint32_t lo;
                if (p->len - p->pos < 2 || p->src[p->pos] != '\\' || p->src[p->pos + 1] != 'u') {
                    return fail(p, "unpaired surrogate in \\u escape");
                }
                p->pos += 2;
                if (!hex4(p, &lo)) {
                    return 0;
                }
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    return fail(p, "unpaired surrogate in \\u escape");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (!put_utf8(p, cp)) {
                return 0;
            }
            continue;
        }
        default:
            p->pos--;
            return fail(p, "unknown escape in string");
        }
        if (!put(p, out)) {
            return 0;
        }
    }
    *len = d->text_len - *off;
    return put(p, 0);
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* A number at the current position, checked against the JSON grammar and kept as written. */
static int parse_number(parser *p, size_t *off, size_t *len) {
    size_t start = p->pos;
    const unsigned char *s = p->src;
    if (p->pos < p->len && s[p->pos] == '-') {
        p->pos++;
    }
    if (p->pos >= p->len || !is_digit(s[p->pos])) {
        return fail(p, "bad number");
    }
    if (s[p->pos] == '0') {
        p->pos++;
    } else {
        while (p->pos < p->len && is_digit(s[p->pos])) {
            p->pos++;
        }
    }
    if (p->pos < p->len && s[p->pos] == '.') {
        p->pos++;
        if (p->pos >= p->len || !is_digit(s[p->pos])) {
            return fail(p, "bad number: digits must follow '.'");
        }
        while (p->pos < p->len && is_digit(s[p->pos])) {
            p->pos++;
        }
    }
    if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-')) {
            p->pos++;
        }
        if (p->pos >= p->len || !is_digit(s[p->pos])) {
            return fail(p, "bad number: digits must follow the exponent");
        }
        while (p->pos < p->len && is_digit(s[p->pos])) {
            p->pos++;
        }
    }
    *off = p->doc->text_len;
    for (size_t i = start; i < p->pos; i++) {
        if (!put(p, s[i])) {
            return 0;
        }
    }
    *len = p->pos - start;
    return put(p, 0);
}

static int literal(parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->src + p->pos, word, n) != 0) {
        return fail(p, "unexpected character");
    }
    p->pos += n;
    return 1;
}

/* An open array or object: its node and its last child so far. */
typedef struct {
    json_ref node;
    json_ref last;
} frame;

static int parse_document(parser *p) {
    frame stack[JSON_MAX_DEPTH];
    size_t depth = 0;
    json_doc *d = p->doc;

    /* Node 0: the "none" sentinel. */
    if (new_node(p, JSON_NONE) != 0) {
        return fail(p, "internal error: sentinel");
    }

    for (;;) {
        /* Here a value is expected: at the top level, after '[' or ',' in an array, or after
         * "key": in an object. For objects, the key was already read into key_off/key_len. */
        size_t key_off = 0, key_len = 0;
        skip_ws(p);
        if (depth > 0 && d->nodes[stack[depth - 1].node].kind == JSON_OBJECT) {
            if (p->pos >= p->len || p->src[p->pos] != '"') {
                return fail(p, "expected a string key");
            }
            if (!parse_string(p, &key_off, &key_len)) {
                return 0;
            }
            skip_ws(p);
            if (p->pos >= p->len || p->src[p->pos] != ':') {
                return fail(p, "expected ':' after key");
            }
            p->pos++;
            skip_ws(p);
        }
        if (p->pos >= p->len) {
            return fail(p, "unexpected end of input");
        }

        unsigned char c = p->src[p->pos];
        json_kind kind;
        switch (c) {
        case '{': kind = JSON_OBJECT; break;
        case '[': kind = JSON_ARRAY; break;
        case '"': kind = JSON_STRING; break;
        case 't': kind = JSON_TRUE; break;
        case 'f': kind = JSON_FALSE; break;
        case 'n': kind = JSON_NULL; break;
        default:
            if (c == '-' || is_digit(c)) {
                kind = JSON_NUMBER;
            } else {
                return fail(p, "unexpected character");
            }
        }
        json_ref r = new_node(p, kind);
        if (r == 0) {
            return fail(p, "out of memory");
        }
        d->nodes[r].key_off = key_off;
        d->nodes[r].key_len = key_len;
        if (depth > 0) {
            frame *f = &stack[depth - 1];
            if (f->last == 0) {
                d->nodes[f->node].child = r;
            } else {
                d->nodes[f->last].next = r;
            }
            f->last = r;
            d->nodes[f->node].count++;
        }

        int ok = 1;
        switch (kind) {
        case JSON_STRING:
            ok = parse_string(p, &d->nodes[r].text_off, &d->nodes[r].text_len);
            break;
        case JSON_NUMBER:
            ok = parse_number(p, &d->nodes[r].text_off, &d->nodes[r].text_len);
            break;
        case JSON_TRUE: ok = literal(p, "true"); break;
        case JSON_FALSE: ok = literal(p, "false"); break;
        case JSON_NULL: ok = literal(p, "null"); break;
        default: {
            /* An array or object: open it. */
            if (depth == JSON_MAX_DEPTH) {
                return fail(p, "nested too deeply");
            }
            p->pos++;
            stack[depth].node = r;
            stack[depth].last = 0;
            depth++;
            skip_ws(p);
            unsigned char close = kind == JSON_ARRAY ? ']' : '}';
            if (p->pos < p->len && p->src[p->pos] == close) {
                p->pos++;
                depth--;
                break; /* empty: closed at once, fall through to "after a value" */
            }
            continue; /* read the first element or member */
        }
        }
        if (!ok) {
            return 0;
        }

        /* After a value: close finished containers, or move on to the next element. */
        for (;;) {
            skip_ws(p);
            if (depth == 0) {
                if (p->pos != p->len) {
                    return fail(p, "unexpected data after the document");
                }
                return 1;
            }
            if (p->pos >= p->len) {
                return fail(p, "unexpected end of input");
            }
            unsigned char close = d->nodes[stack[depth - 1].node].kind == JSON_ARRAY ? ']' : '}';
            unsigned char n = p->src[p->pos];
            if (n == ',') {
                p->pos++;
                break; /* the next element or member */
            }
            if (n == close) {
                p->pos++;
                depth--;
                continue;
            }
            return fail(p, close == ']' ? "expected ',' or ']'" : "expected ',' or '}'");
        }
    }
}

int json_parse(json_doc *doc, const char *src, size_t len) {
    memset(doc, 0, sizeof *doc);
    parser p = {(const unsigned char *)src, len, 0, doc};
    if (len > JSON_MAX_INPUT) {
        return fail(&p, "input too large");
    }
    if (src == NULL && len > 0) {
        return fail(&p, "no input");
    }
    /* Decoded text never exceeds the input: every string loses its quotes, which pays for its
     * terminating NUL; every number is followed by a byte that pays for its NUL, except a
     * top-level number, paid for by the extra byte. */
    doc->text = malloc(len + 1);
    if (!doc->text) {
        return fail(&p, "out of memory");
    }
    if (!parse_document(&p)) {
        const char *error = doc->error;
        size_t at = doc->error_at;
        json_free(doc);
        doc->error = error;
        doc->error_at = at;
        return 0;
    }
    return 1;
}

void json_free(json_doc *doc) {
    free(doc->nodes);
    free(doc->text);
    memset(doc, 0, sizeof *doc);
}

static const json_node *node(const json_doc *doc, json_ref r) {
    if (r == 0 || r >= doc->len) {
        return NULL;
    }
    return &doc->nodes[r];
}

json_kind json_kind_of(const json_doc *doc, json_ref r) {
    const json_node *n = node(doc, r);
    return n ? (json_kind)n->kind : JSON_NONE;
}

json_ref json_first(const json_doc *doc, json_ref r) {
    const json_node *n = node(doc, r);
    return n && (n->kind == JSON_ARRAY || n->kind == JSON_OBJECT) ? n->child : 0;
}

json_ref json_next(const json_doc *doc, json_ref r) {
    const json_node *n = node(doc, r);
    return n ? n->next : 0;
}

uint32_t json_count(const json_doc *doc, json_ref r) {
    const json_node *n = node(doc, r);
    return n && (n->kind == JSON_ARRAY || n->kind == JSON_OBJECT) ? n->count : 0;
}

json_ref json_get(const json_doc *doc, json_ref obj, const char *key) {
    const json_node *o = node(doc, obj);
    if (!o || o->kind != JSON_OBJECT) {
        return 0;
    }
    size_t klen = strlen(key);
    for (json_ref m = o->child; m != 0; m = doc->nodes[m].next) {
        const json_node *n = &doc->nodes[m];
        if (n->key_len == klen && memcmp(doc->text + n->key_off, key, klen) == 0) {
            return m;
        }
    }
    return 0;
}

json_ref json_at(const json_doc *doc, json_ref arr, uint32_t i) {
    const json_node *a = node(doc, arr);
    if (!a || a->kind != JSON_ARRAY || i >= a->count) {
        return 0;
    }
    json_ref e = a->child;
    while (i-- > 0 && e != 0) {
        e = doc->nodes[e].next;
    }
    return e;
}

const char *json_text(const json_doc *doc, json_ref r, size_t *len) {
    const json_node *n = node(doc, r);
    if (!n || (n->kind != JSON_STRING && n->kind != JSON_NUMBER)) {
        return NULL;
    }
    if (len) {
        *len = n->text_len;
    }
    return doc->text + n->text_off;
}

const char *json_string(const json_doc *doc, json_ref r, size_t *len) {
    return json_kind_of(doc, r) == JSON_STRING ? json_text(doc, r, len) : NULL;
}

int json_string_is(const json_doc *doc, json_ref r, const char *s) {
    size_t len;
    const char *t = json_string(doc, r, &len);
    return t && len == strlen(s) && memcmp(t, s, len) == 0;
}
