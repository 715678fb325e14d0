/*
 * output.c — struct tool_output, the growing text buffer every command prints
 * into (what WinDbg's command window or a script's dbg() receives).
 *
 * (1) text is NUL-terminated whenever it is not NULL; length excludes the NUL.
 * (2) A host allocation failure truncates the output (what fits is kept, the
 *     rest dropped); it never crashes and never leaves text inconsistent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tools/tools.h"

/* Makes room for need more bytes plus the NUL; false if the host refuses. */
static bool output_reserve(struct tool_output *out, size_t need)
{
    if (out->length + need + 1 <= out->capacity)
        return true;
    size_t capacity = out->capacity ? out->capacity : 256;
    while (capacity < out->length + need + 1) {
        if (capacity > SIZE_MAX / 2)
            return false;
        capacity *= 2;
    }
    char *text = realloc(out->text, capacity);
    if (!text)
        return false;
    out->text = text;
    out->capacity = capacity;
    return true;
}

void tool_printf(struct tool_output *out, const char *format, ...)
{
    if (!out || !format)
        return;
    va_list args;
    va_start(args, format);
    char probe[1];
    va_list copy;
    va_copy(copy, args);
    int need = vsnprintf(probe, sizeof probe, format, copy);
    va_end(copy);
    if (need > 0 && output_reserve(out, (size_t)need)) {
        vsnprintf(out->text + out->length, (size_t)need + 1, format, args);
        out->length += (size_t)need;
    } else if (need > 0 && out->capacity > out->length + 1) {
        /* Truncated: keep what fits in the buffer we already have. */
        size_t room = out->capacity - out->length;
        vsnprintf(out->text + out->length, room, format, args);
        out->length += room - 1;
    }
    va_end(args);
}

void tool_output_free(struct tool_output *out)
{
    if (!out)
        return;
    free(out->text);
    *out = (struct tool_output){ 0 };
}
