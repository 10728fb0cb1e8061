/* A growable byte buffer that remembers running out of memory, so that a sequence of appends
 * needs one check at the end instead of one per call. No stdio: nothing here needs WASI. */
#ifndef INFRAC_TEXT_H
#define INFRAC_TEXT_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *ptr;
    size_t len, cap;
    int oom; /* set once an allocation failed; later appends do nothing */
} text;

void text_bytes(text *t, const char *s, size_t n);
void text_str(text *t, const char *s);
void text_char(text *t, char c);
void text_uint(text *t, uint64_t v);
/* `s` for a message: at most `max` bytes (cut at a character boundary, with "…" added),
 * control characters shown as \n, \t or \xHH. `s` must be valid UTF-8. */
void text_quote(text *t, const char *s, size_t n, size_t max);
/* `s` escaped as one JSON pointer (RFC 6901) reference token: `~` as `~0`, `/` as `~1`. */
void text_pointer_token(text *t, const char *s, size_t n);
/* Takes the buffer out (NUL-terminated; the caller frees it) and resets `t`. Returns NULL if
 * memory ran out at any point (and frees what there was). `*len` excludes the NUL. */
char *text_take(text *t, size_t *len);
void text_free(text *t);

#endif
