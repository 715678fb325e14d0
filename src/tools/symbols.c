/*
 * symbols.c — WinDbg's x: the kernel symbols whose names match a pattern
 * (x nt!Mm*, x nt!Mm*List*; * and ? wildcards, case-insensitive as WinDbg
 * matches symbols), each with its address, name, value for pointer-sized
 * variables, and type.
 *
 * (1) Symbols come from ntmm_symbol_at in the table's (address) order;
 *     values are read with tool_read (no side effects).
 */
#include <ctype.h>
#include <string.h>

#include "tools/tool_internal.h"

static bool same_char(char p, char t)
{
    return p == '?' || tolower((unsigned char)p) == tolower((unsigned char)t);
}

/* * and ? matching, case-insensitive, without recursion: on a mismatch it
 * backtracks only to the last star, so the time stays linear in practice
 * whatever the number of stars. */
static bool wildcard_match(const char *pattern, const char *text)
{
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern && same_char(*pattern, *text)) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return !*pattern;
}

NTSTATUS tool_x(struct tool_context *context, const char *name, const char *args,
                struct tool_output *out)
{
    char buffer[512], *words[2];
    if (tool_split(args, buffer, words, 1) != 1)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: x nt!Pattern", name);
    const char *pattern = words[0];
    const char *bang = strchr(pattern, '!');
    if (bang) {
        size_t module = (size_t)(bang - pattern);
        if (!(module == 2 && strncmp(pattern, "nt", 2) == 0) &&
            !(module == 1 && pattern[0] == '*'))
            return STATUS_SUCCESS; /* no module of that name: no symbols, as WinDbg */
        pattern = bang + 1;
    }
    struct ntmm_symbol s;
    for (unsigned i = 0; ntmm_symbol_at(context->machine, i, &s); i++) {
        if (!wildcard_match(pattern, s.name))
            continue;
        tool_printf(out, "%s          nt!%s", tool_address_text(context, s.address, false).text,
                    s.name);
        uint64_t value;
        if (s.size == tool_pointer_size(context) &&
            tool_read_value(context, s.address, s.size, &value))
            tool_printf(out, " = 0x%llx", (unsigned long long)value);
        tool_printf(out, " <%s>\n", s.type);
    }
    return STATUS_SUCCESS;
}
