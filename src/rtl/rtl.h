/*
 * rtl.h — ntdll's user-mode runtime (Rtl*) as far as ntmm has it: string
 * conversions (unicode.c).
 */
#ifndef NTMM_RTL_H
#define NTMM_RTL_H

#include <stdbool.h>
#include <stddef.h>

#include "ntmm/winnt.h"

/* UTF-16 (n code units) to a malloc'd UTF-8 string; NULL for a lone
 * surrogate (*bad true) or no host memory (*bad false). */
char *rtl_utf16_to_utf8(const WCHAR *w, size_t n, bool *bad);
/* The same for a NUL-terminated string; NULL for w NULL. */
char *rtl_utf16z_to_utf8(const WCHAR *w, bool *bad);
/* UTF-8 to a malloc'd NUL-terminated UTF-16 string of *count code units;
 * NULL without host memory. */
WCHAR *rtl_utf8_to_utf16(const char *s, size_t *count);

#endif
