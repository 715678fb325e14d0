/*
 * unicode.c — the string conversions ntdll's Rtl routines do between the
 * UTF-16 of the API and the UTF-8 ntmm's object names and host paths use.
 *
 * (1) UTF-16 to UTF-8 joins surrogate pairs and refuses a lone surrogate
 *     (*bad set); UTF-8 to UTF-16 takes a byte that does not start a valid
 *     sequence as the Latin-1 character of that value, so every string
 *     converts.
 */
#include <stdlib.h>

#include "rtl/rtl.h"

char *rtl_utf16_to_utf8(const WCHAR *w, size_t n, bool *bad)
{
    *bad = false;
    if (!w)
        return NULL;
    char *s = malloc(n * 3 + 1);
    if (!s)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = w[i];
        if (c >= 0xD800 && c < 0xDC00 && i + 1 < n && w[i + 1] >= 0xDC00 && w[i + 1] < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (uint32_t)(w[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xD800 && c < 0xE000) {
            free(s);
            *bad = true;
            return NULL;
        }
        if (c < 0x80) {
            s[o++] = (char)c;
        } else if (c < 0x800) {
            s[o++] = (char)(0xC0 | (c >> 6));
            s[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            s[o++] = (char)(0xE0 | (c >> 12));
            s[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            s[o++] = (char)(0xF0 | (c >> 18));
            s[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            s[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            s[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    s[o] = '\0';
    return s;
}


char *rtl_utf16z_to_utf8(const WCHAR *w, bool *bad)
{
    size_t n = 0;
    while (w && w[n])
        n++;
    return rtl_utf16_to_utf8(w, n, bad);
}

/* The length of a valid UTF-8 sequence at s and its code point, or 0. */
static unsigned utf8_sequence(const unsigned char *s, uint32_t *c)
{
    unsigned n = s[0] >= 0xF0 && s[0] < 0xF5 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (s[0] >= 0xF5 || !n)
        return 0;
    uint32_t v = s[0] & (0x7F >> n);
    for (unsigned i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    static const uint32_t lowest[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    if (v < lowest[n] || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))
        return 0;
    *c = v;
    return n;
}

WCHAR *rtl_utf8_to_utf16(const char *s, size_t *count)
{
    size_t n = 0;
    while (s[n])
        n++;
    WCHAR *w = malloc((n + 1) * sizeof *w);
    if (!w)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c = (unsigned char)s[i];
        unsigned len = c < 0x80 ? 1 : utf8_sequence((const unsigned char *)s + i, &c);
        i += len ? len : 1;
        if (c >= 0x10000) {
            w[o++] = (WCHAR)(0xD800 + ((c - 0x10000) >> 10));
            w[o++] = (WCHAR)(0xDC00 + ((c - 0x10000) & 0x3FF));
        } else {
            w[o++] = (WCHAR)c;
        }
    }
    w[o] = 0;
    *count = o;
    return w;
}
