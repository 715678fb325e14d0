/*
 * complete.c — Tab completion at the kd> prompt (libedit's readline
 * interface). What the word can be depends on where it is:
 *   - "a.b.c": the fields of the Lua table a.b whose names start with c;
 *   - the first word: debugger commands and Lua globals (functions,
 *     constants, variables);
 *   - after help or apropos: every name the help knows;
 *   - after dt: its type names, then symbols;
 *   - after another debugger command: symbols (MmZeroedPageListHead …,
 *     also written nt!MmZeroedPageListHead) and Lua globals;
 *   - elsewhere on a Lua line: Lua globals.
 *
 * (1) Never host file names: no command at the prompt takes a host path
 *     (the C: drive's paths are strings inside the machine).
 * (2) Candidates are sorted and unique, so a Tab gives the same list each
 *     time.
 */
#include <stdlib.h>
#include <string.h>

#include <editline/readline.h>
#include <lauxlib.h>

#include "shell/shell.h"
#include "tools/help.h"
#include "tools/tools.h"

static struct shell *completing; /* the session whose prompt is reading */

struct candidates {
    char **names;
    size_t count, capacity;
    const char *prefix;
    size_t prefix_length;
};

static void add(struct candidates *c, const char *head, const char *name)
{
    if (strncmp(name, c->prefix + strlen(head), c->prefix_length - strlen(head)))
        return;
    if (c->count == c->capacity) {
        size_t capacity = c->capacity ? 2 * c->capacity : 64;
        char **names = realloc(c->names, capacity * sizeof *names);
        if (!names)
            return;
        c->names = names;
        c->capacity = capacity;
    }
    size_t n = strlen(head) + strlen(name) + 1;
    char *full = malloc(n);
    if (!full)
        return;
    snprintf(full, n, "%s%s", head, name);
    c->names[c->count++] = full;
}

/* The string keys of the table on top of the stack, popped. */
static void add_keys(struct candidates *c, lua_State *L, const char *head)
{
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) == LUA_TSTRING)
                add(c, head, lua_tostring(L, -1));
        }
    }
    lua_pop(L, 1);
}

static void add_globals(struct candidates *c, lua_State *L)
{
    lua_pushglobaltable(L);
    add_keys(c, L, "");
}

/* "a.b.c": the fields of a.b (rawget only: completion runs no metamethod). */
static void add_fields(struct candidates *c, lua_State *L, const char *text)
{
    const char *dot = strrchr(text, '.');
    char head[256];
    size_t n = (size_t)(dot - text) + 1;
    if (n >= sizeof head)
        return;
    memcpy(head, text, n);
    head[n] = 0;
    lua_pushglobaltable(L);
    for (const char *p = text; p < dot;) {
        const char *end = memchr(p, '.', (size_t)(dot - p));
        end = end ? end : dot;
        if (lua_type(L, -1) != LUA_TTABLE) {
            lua_pop(L, 1);
            return;
        }
        lua_pushlstring(L, p, (size_t)(end - p));
        lua_rawget(L, -2);
        lua_remove(L, -2);
        p = end + 1;
    }
    add_keys(c, L, head);
}

static void add_symbols(struct candidates *c, const struct ntmm_machine *m)
{
    const char *head = strncmp(c->prefix, "nt!", 3) ? "" : "nt!";
    struct ntmm_symbol symbol;
    for (unsigned i = 0; ntmm_symbol_at(m, i, &symbol); i++)
        add(c, head, symbol.name);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The first word of the line, into word (empty if the line has none yet). */
static void first_word(char *word, size_t size)
{
    const char *p = rl_line_buffer + strspn(rl_line_buffer, " \t");
    size_t n = strcspn(p, " \t");
    if (n >= size)
        n = size - 1;
    memcpy(word, p, n);
    word[n] = 0;
}

static struct candidates gather(const char *text, int start)
{
    struct candidates c = { NULL, 0, 0, text, strlen(text) };
    lua_State *L = completing->L;
    char command[32];
    first_word(command, sizeof command);
    bool first = start <= (int)strspn(rl_line_buffer, " \t");
    if (strchr(text, '.') && text[0] != '.' && text[0] != '!') {
        add_fields(&c, L, text);
    } else if (first) {
        for (size_t i = 0; tools_command_name(i); i++)
            add(&c, "", tools_command_name(i));
        add_globals(&c, L);
    } else if (!strcmp(command, "help") || !strcmp(command, ".help") ||
               !strcmp(command, "apropos")) {
        for (size_t i = 0; i < help_entry_count(); i++)
            add(&c, "", help_entry_at(i)->name);
    } else if (!strcmp(command, "dt")) {
        for (size_t i = 0; tools_dt_type_name(i); i++)
            add(&c, strncmp(text, "nt!", 3) ? "" : "nt!", tools_dt_type_name(i));
        add_symbols(&c, completing->machine);
    } else if (tools_is_command(command)) {
        add_symbols(&c, completing->machine);
        add_globals(&c, L);
    } else {
        add_globals(&c, L);
    }
    if (c.count)
        qsort(c.names, c.count, sizeof *c.names, by_name);
    size_t unique = 0;
    for (size_t i = 0; i < c.count; i++) {
        if (unique && !strcmp(c.names[unique - 1], c.names[i]))
            free(c.names[i]);
        else
            c.names[unique++] = c.names[i];
    }
    c.count = unique;
    return c;
}

static struct candidates current;
static size_t next;

static char *generate(const char *text, int state)
{
    (void)text;
    (void)state;
    if (next < current.count)
        return current.names[next++]; /* libedit frees it */
    free(current.names);
    current = (struct candidates){ 0 };
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1; /* rule (1) */
    for (size_t i = next; i < current.count; i++)
        free(current.names[i]);
    free(current.names);
    current = gather(text, start);
    next = 0;
    return rl_completion_matches(text, generate);
}

void complete_open(struct shell *shell)
{
    completing = shell;
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = " \t\n\"'`@$><=;|&{(,)+-*/[]";
}
