#include "text.h"

#include <stdlib.h>
#include <string.h>

static int reserve(text *t, size_t extra) {
    if (t->oom) {
        return 0;
    }
    /* Room for `extra` bytes and a terminating NUL. */
    if (extra > SIZE_MAX - 1 - t->len) {
        t->oom = 1;
        return 0;
    }
    size_t need = t->len + extra + 1;
    if (need <= t->cap) {
        return 1;
    }
    size_t cap = t->cap ? t->cap : 256;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    char *p = realloc(t->ptr, cap);
    if (!p) {
        t->oom = 1;
        return 0;
    }
    t->ptr = p;
    t->cap = cap;
    return 1;
}

void text_bytes(text *t, const char *s, size_t n) {
    if (n == 0 || !reserve(t, n)) {
        return;
    }
    memcpy(t->ptr + t->len, s, n);
    t->len += n;
    t->ptr[t->len] = 0;
}

void text_str(text *t, const char *s) { text_bytes(t, s, strlen(s)); }

void text_char(text *t, char c) { text_bytes(t, &c, 1); }

void text_uint(text *t, uint64_t v) {
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n] = (char)('0' + v % 10);
        v /= 10;
        n++;
    } while (v != 0);
    text_bytes(t, digits + sizeof digits - n, n);
}

static size_t utf8_len(unsigned char c) {
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xF0) {
        return 4;
    }
    if (c >= 0xE0) {
        return 3;
    }
    return 2;
}

void text_quote(text *t, const char *s, size_t n, size_t max) {
    static const char hex[] = "0123456789abcdef";
    size_t i = 0;
    text_char(t, '`');
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t k = utf8_len(c);
        if (k > n - i) {
            break; /* not valid UTF-8: stop rather than cut a character */
        }
        if (i + k > max) {
            text_str(t, "\xE2\x80\xA6"); /* … */
            break;
        }
        if (c == '\n') {
            text_str(t, "\\n");
        } else if (c == '\t') {
            text_str(t, "\\t");
        } else if (c < 0x20 || c == 0x7F) {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            text_bytes(t, esc, 4);
        } else {
            text_bytes(t, s + i, k);
        }
        i += k;
    }
    text_char(t, '`');
}

void text_pointer_token(text *t, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~') {
            text_str(t, "~0");
        } else if (s[i] == '/') {
            text_str(t, "~1");
        } else {
            text_char(t, s[i]);
        }
    }
}

char *text_take(text *t, size_t *len) {
    if (!reserve(t, 0)) {
        text_free(t);
        return NULL;
    }
    char *p = t->ptr;
    p[t->len] = 0; /* an empty text has never been terminated */
    if (len) {
        *len = t->len;
    }
    t->ptr = NULL;
    t->len = t->cap = 0;
    return p;
}

void text_free(text *t) {
    free(t->ptr);
    t->ptr = NULL;
    t->len = t->cap = 0;
    t->oom = 0;
}
