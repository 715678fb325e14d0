/*
 * help.c — help, .help and apropos over the one source of help (help.h):
 * `help` lists every name by group, `help NAME` prints its entry, `apropos
 * WORD` the entries that mention WORD; a name with no entry gets the known
 * names nearest to it ("did you mean").
 *
 * (1) Lookups are exact and case-sensitive, as WinDbg's commands and Lua's
 *     names are; suggestions ignore case.
 */
#include <ctype.h>
#include <string.h>

#include "tools/help.h"
#include "tools/tool_internal.h"

static const struct {
    const struct help_entry *entries;
    const size_t *count;
} tables[] = {
    { help_command_entries, &help_command_entry_count },
    { help_function_entries, &help_function_entry_count },
};
#define TABLES (sizeof tables / sizeof tables[0])

size_t help_entry_count(void)
{
    size_t n = 0;
    for (size_t t = 0; t < TABLES; t++)
        n += *tables[t].count;
    return n;
}

const struct help_entry *help_entry_at(size_t index)
{
    for (size_t t = 0; t < TABLES; t++) {
        if (index < *tables[t].count)
            return &tables[t].entries[index];
        index -= *tables[t].count;
    }
    return NULL;
}

const struct help_entry *help_next_by_group(size_t *cursor)
{
    size_t n = help_entry_count();
    while (*cursor < (size_t)HELP_GROUP_COUNT * n) {
        size_t at = (*cursor)++;
        const struct help_entry *e = help_entry_at(at % n);
        if ((size_t)e->group == at / n)
            return e;
    }
    return NULL;
}

const struct help_entry *help_find(const char *name)
{
    for (size_t i = 0, n = help_entry_count(); i < n; i++)
        if (!strcmp(help_entry_at(i)->name, name))
            return help_entry_at(i);
    return NULL;
}

const char *help_group_title(enum help_group group)
{
    static const char *const titles[HELP_GROUP_COUNT] = {
        [HELP_DEBUGGER] = "Debugger commands",
        [HELP_TOOLS] = "Tools",
        [HELP_WIN32_MEMORY] = "Win32 memory",
        [HELP_FILES_SECTIONS] = "Files, sections and images",
        [HELP_PROCESSES] = "Processes and handles",
        [HELP_MACHINE] = "The machine",
        [HELP_HELPERS] = "Helpers",
        [HELP_NOT_MODELLED] = "Windows names ntmm does not model yet",
    };
    return group < HELP_GROUP_COUNT ? titles[group] : "";
}

/* Optimal string alignment distance, ignoring case, capped at 9. */
static unsigned distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 40 || m > 40)
        return 9;
    unsigned d[41][41];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            unsigned cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            unsigned best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m] < 9 ? d[n][m] : 9;
}

/* A case-insensitive prefix of at least four characters counts as near. */
static bool is_prefix(const char *prefix, const char *name)
{
    size_t n = strlen(prefix);
    return n >= 4 && strlen(name) > n && !strncasecmp(prefix, name, n);
}

size_t help_suggest(const char *name, const char **out, size_t max)
{
    unsigned limit = strlen(name) <= 4 ? 1 : strlen(name) <= 8 ? 2 : 3;
    size_t found = 0;
    for (unsigned d = 0; d <= limit && found < max; d++)
        for (size_t i = 0, n = help_entry_count(); i < n && found < max; i++) {
            const char *candidate = help_entry_at(i)->name;
            unsigned e = is_prefix(name, candidate) ? 1 : distance(name, candidate);
            if (e == d && strcmp(candidate, name))
                out[found++] = candidate;
        }
    return found;
}

void help_print_suggestions(struct tool_output *out, const char *name)
{
    const char *near[4];
    size_t n = help_suggest(name, near, 4);
    if (!n)
        return;
    tool_printf(out, "Did you mean ");
    for (size_t i = 0; i < n; i++)
        tool_printf(out, "%s%s", i ? (i + 1 == n ? " or " : ", ") : "", near[i]);
    tool_printf(out, "?\n");
}

void help_print_entry(struct tool_output *out, const struct help_entry *e)
{
    tool_printf(out, "%s\n\n  %s\n\n%s", e->synopsis, e->summary, e->text);
    if (e->seeds)
        tool_printf(out, "\nSeed experiments: %s\n", e->seeds);
}

static void list(struct tool_output *out)
{
    tool_printf(out, "ntmm: WinDbg's commands and the Win32 API on a simulated Windows.\n"
                     "help NAME for one of these, apropos WORD to search; numbers in\n"
                     "commands are hexadecimal (0n10 is decimal), in Lua decimal (0x10 hex).\n");
    const struct help_entry *e, *previous = NULL;
    for (size_t cursor = 0; (e = help_next_by_group(&cursor)); previous = e) {
        if (!previous || previous->group != e->group)
            tool_printf(out, "\n%s:\n", help_group_title(e->group));
        tool_printf(out, "  %-26s %s\n", e->name, e->summary);
    }
}

NTSTATUS tool_help(struct tool_context *context, const char *name, const char *args,
                   struct tool_output *out)
{
    (void)context;
    (void)name;
    if (!*args) {
        list(out);
        return STATUS_SUCCESS;
    }
    const struct help_entry *e = help_find(args);
    if (!e) {
        tool_printf(out, "help: no help for '%s'\n", args);
        help_print_suggestions(out, args);
        return STATUS_OBJECT_NAME_NOT_FOUND;
    }
    help_print_entry(out, e);
    return STATUS_SUCCESS;
}

static bool mentions(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = text; p && *p; p++)
        if (!strncasecmp(p, word, n))
            return true;
    return false;
}

NTSTATUS tool_apropos(struct tool_context *context, const char *name, const char *args,
                      struct tool_output *out)
{
    (void)context;
    if (!*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: which word? (apropos WORD)", name);
    size_t found = 0;
    for (size_t i = 0, n = help_entry_count(); i < n; i++) {
        const struct help_entry *e = help_entry_at(i);
        if (mentions(e->name, args) || mentions(e->synopsis, args) ||
            mentions(e->summary, args) || mentions(e->text, args) ||
            (e->seeds && mentions(e->seeds, args))) {
            tool_printf(out, "  %-26s %s\n", e->name, e->summary);
            found++;
        }
    }
    if (!found)
        tool_printf(out, "apropos: nothing mentions '%s'\n", args);
    return STATUS_SUCCESS;
}
