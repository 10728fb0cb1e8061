/* A small, strict JSON (RFC 8259) reader for plugin input.
 *
 * `json_parse` reads a whole document into a flat array of nodes (no recursion: nesting is
 * tracked on an explicit, bounded stack). It never reads outside the input, checks every
 * allocation, validates UTF-8 and escapes, and on any problem returns 0 with a message and the
 * byte offset of the problem. Strings are decoded (escapes resolved) into one buffer owned by
 * the document; a decoded string may contain NUL bytes, so it always comes with its length.
 *
 * Node 0 is a sentinel meaning "none"; the root is node 1. Lookups accept 0 and return 0, so
 * they chain without checks: `json_get(d, json_get(d, JSON_ROOT, "project"), "domain")`.
 */
#ifndef INFRAC_JSON_H
#define INFRAC_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    JSON_NONE = 0, /* the sentinel: a missing value */
    JSON_NULL,
    JSON_FALSE,
    JSON_TRUE,
    JSON_NUMBER, /* text holds the number as written */
    JSON_STRING, /* text holds the decoded string */
    JSON_ARRAY,
    JSON_OBJECT,
} json_kind;

typedef uint32_t json_ref;

#define JSON_ROOT ((json_ref)1)

/* Deepest nesting of arrays and objects accepted. */
#define JSON_MAX_DEPTH 128

typedef struct {
    uint8_t kind;      /* a json_kind */
    json_ref next;     /* next element or member of the parent, 0 at the end */
    json_ref child;    /* first element or member of an array or object, 0 if empty */
    uint32_t count;    /* number of elements or members */
    size_t key_off;    /* object members: the key, in `text` */
    size_t key_len;
    size_t text_off;   /* numbers and strings: the text, in `text` */
    size_t text_len;
} json_node;

typedef struct {
    json_node *nodes;
    uint32_t len, cap;
    char *text; /* decoded strings and numbers, back to back (never longer than the input) */
    size_t text_len;
    /* On failure: */
    const char *error; /* a static message, e.g. "unterminated string" */
    size_t error_at;   /* byte offset in the input */
} json_doc;

/* Parses `len` bytes at `src`. Returns 1 on success; 0 with `error` and `error_at` set (and
 * nothing left allocated) otherwise. Inputs longer than 1 GiB are refused. */
int json_parse(json_doc *doc, const char *src, size_t len);

/* Frees what json_parse allocated. Safe on a zeroed or already freed document. */
void json_free(json_doc *doc);

/* The kind of node `r` (JSON_NONE for 0 or out of range). */
json_kind json_kind_of(const json_doc *doc, json_ref r);

/* The member `key` of object `obj` (the first, if repeated), or 0. */
json_ref json_get(const json_doc *doc, json_ref obj, const char *key);

/* Element `i` of array `arr`, or 0. Linear in i: walk with json_first/json_next instead. */
json_ref json_at(const json_doc *doc, json_ref arr, uint32_t i);

/* First element or member of `r`, and the one after `r` in its parent; 0 at the end. */
json_ref json_first(const json_doc *doc, json_ref r);
json_ref json_next(const json_doc *doc, json_ref r);

/* Number of elements or members of `r` (0 for anything else). */
uint32_t json_count(const json_doc *doc, json_ref r);

/* The text of a string (decoded) or number (as written), or NULL if `r` is neither.
 * The text is NUL-terminated, but may also contain NUL bytes: use `*len`. */
const char *json_text(const json_doc *doc, json_ref r, size_t *len);

/* The text of a string node only (NULL for anything else, including numbers). */
const char *json_string(const json_doc *doc, json_ref r, size_t *len);

/* Whether `r` is a string equal to the NUL-terminated `s`. */
int json_string_is(const json_doc *doc, json_ref r, const char *s);

#endif
