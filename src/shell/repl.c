/*
 * repl.c — the interactive loop, at WinDbg's prompt "kd> ". A line whose
 * first word is a debugger command (tools_is_command) runs as one and its
 * output is printed; any other line is Lua: first as an expression
 * ("return <line>", results shown as a debugger shows them, echo.c), else as a
 * statement, continued on ">> " lines while it is incomplete. q, quit or end
 * of input leave.
 *
 * (1) On a terminal, lines are edited with libedit, with Tab completion
 *     (complete.c) and a history kept across sessions (history.c).
 *     Otherwise lines are read plainly, with no prompt, so piped input gives
 *     only the output of its commands.
 * (2) An error prints one line on stderr and the loop goes on.
 * (3) A line that assigns to a name that is also a command ("x = 1",
 *     "db, n = ...", "x == 2") is Lua: no debugger command has an "=" or ","
 *     right after its name. A line starting with "!", "?" (WinDbg's ?, also
 *     written "?1+2") or "." and a letter is never Lua, so an unknown one
 *     gets the debugger's "Unknown command".
 * (4) .reboot at the prompt starts a new session (session.c (2)).
 * (5) Ctrl-C at a terminal's prompt cancels the line (a statement being
 *     continued is dropped, "interrupted"); Ctrl-C while a line runs stops
 *     it (limits.c). Neither leaves the REPL.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>
#include <lauxlib.h>

#include "shell/shell.h"
#include "tools/tools.h"

struct repl {
    struct shell *shell;
    bool terminal; /* stdin is a terminal: libedit, prompts, history */
    char *more;    /* the ">> " line being joined (freed if an error unwinds) */
    bool cancelled; /* the last read_line ended with Ctrl-C, not end of input */
};

/* The next line without its newline (malloc'd), or NULL at end of input. */
static char *read_line(struct repl *r, const char *prompt)
{
    if (r->terminal) {
        char *line = readline(prompt);
        if (!line && limits_take_interrupt()) {
            fputc('\n', stdout); /* rule (5): Ctrl-C cancelled the line */
            r->cancelled = true;
            return NULL;
        }
        if (line && *line)
            add_history(line);
        return line;
    }
    char *line = NULL;
    size_t capacity = 0;
    ssize_t n = getline(&line, &capacity, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return line;
}

static bool is_blank(const char *line)
{
    return line[strspn(line, " \t")] == '\0';
}

static bool is_word(const char *line, const char *word)
{
    line += strspn(line, " \t");
    size_t n = strlen(word);
    return strncmp(line, word, n) == 0 && is_blank(line + n);
}

static bool is_quit(const char *line)
{
    return is_word(line, "q") || is_word(line, "quit");
}

/* Rule (3): a name followed by "=" or ",". */
static bool is_lua_assignment(const char *line)
{
    line += strspn(line, " \t");
    if (!isalpha((unsigned char)*line) && *line != '_')
        return false;
    while (isalnum((unsigned char)*line) || *line == '_')
        line++;
    line += strspn(line, " \t");
    return *line == '=' || *line == ',';
}

static bool is_debugger_syntax(const char *line)
{
    line += strspn(line, " \t");
    return line[0] == '!' || line[0] == '?' || (line[0] == '.' && isalpha((unsigned char)line[1]));
}

static void run_command(struct repl *r, const char *line)
{
    struct tool_output out = { NULL, 0, 0 };
    shell_command(r->shell, line, &out);
    if (out.text && out.length) {
        fwrite(out.text, 1, out.length, stdout);
        if (out.text[out.length - 1] != '\n')
            fputc('\n', stdout);
    }
    fflush(stdout);
    tool_output_free(&out);
}

/* Compiles "return <line>;"; on failure nothing is left on the stack. */
static int load_expression(lua_State *L, const char *line)
{
    const char *code = lua_pushfstring(L, "return %s;", line);
    int status = luaL_loadbufferx(L, code, strlen(code), "=stdin", "t");
    lua_remove(L, -2);
    if (status != LUA_OK)
        lua_pop(L, 1);
    return status;
}

/* A syntax error at the end of the text: the statement goes on. Pops it. */
static bool incomplete(lua_State *L, int status)
{
    if (status != LUA_ERRSYNTAX)
        return false;
    size_t n;
    const char *msg = lua_tolstring(L, -1, &n);
    static const char eof_mark[] = "<eof>";
    size_t k = sizeof eof_mark - 1;
    if (!msg || n < k || strcmp(msg + n - k, eof_mark))
        return false;
    lua_pop(L, 1);
    return true;
}

/* Compiles the statement that starts with line, reading ">> " lines while
 * it is incomplete. Leaves the function or the error message. */
static int load_statement(struct repl *r, const char *line)
{
    lua_State *L = r->shell->L;
    lua_pushstring(L, line);
    for (;;) {
        size_t n;
        const char *code = lua_tolstring(L, -1, &n);
        int status = luaL_loadbufferx(L, code, n, "=stdin", "t");
        if (!incomplete(L, status)) {
            lua_remove(L, -2);
            return status;
        }
        r->more = read_line(r, ">> ");
        if (!r->more && r->cancelled) {
            lua_pop(L, 1);
            lua_pushliteral(L, "interrupted");
            return LUA_ERRRUN;
        }
        if (!r->more) {
            status = luaL_loadbufferx(L, code, n, "=stdin", "t");
            lua_remove(L, -2);
            return status;
        }
        lua_pushfstring(L, "%s\n%s", code, r->more);
        lua_remove(L, -2);
        free(r->more);
        r->more = NULL;
    }
}

/* Prints what the chunk returned, with the global print. */
static void print_results(lua_State *L, int base)
{
    int n = lua_gettop(L) - base;
    if (n <= 0)
        return;
    echo_push(L); /* echo.c */
    lua_insert(L, base + 1);
    run_report(L, run_chunk(L, n, 0, false));
}

/* Compiles and runs the Lua line (argument 1, a light userdata); the REPL
 * is argument 2. Runs under lua_pcall, so that a memory error while the
 * line is compiled is reported as the chunk's own errors are. */
static int lua_line(lua_State *L)
{
    const char *line = lua_touserdata(L, 1);
    struct repl *r = lua_touserdata(L, 2);
    lua_settop(L, 0);
    int status = load_expression(L, line);
    if (status != LUA_OK)
        status = load_statement(r, line);
    if (status == LUA_OK)
        status = run_chunk(L, 0, LUA_MULTRET, false);
    if (status == LUA_OK)
        print_results(L, 0);
    else
        run_report(L, status);
    return 0;
}

static void run_lua(struct repl *r, const char *line)
{
    lua_State *L = r->shell->L;
    int base = lua_gettop(L);
    lua_pushcfunction(L, lua_line);
    lua_pushlightuserdata(L, (void *)line);
    lua_pushlightuserdata(L, r);
    run_report(L, lua_pcall(L, 2, 0, 0));
    lua_settop(L, base);
    fflush(stdout);
}

/* One line typed at kd>: .reboot, a debugger command, Lua, or nothing.
 * False when the session cannot go on (a reboot that failed). */
static bool handle_line(struct repl *r, const char *line)
{
    if (is_blank(line))
        return true;
    if (is_word(line, ".reboot"))
        return shell_reboot(r->shell);
    if (is_debugger_syntax(line) || (!is_lua_assignment(line) && tools_is_command(line)))
        run_command(r, line);
    else
        run_lua(r, line);
    return true;
}

int repl_run(struct shell *shell)
{
    struct repl r = { shell, isatty(STDIN_FILENO) != 0, NULL, false };
    char *line = NULL;
    int status = 0;
    bool end_of_input = false;
    if (r.terminal) {
        complete_open(shell);
        history_open();
    }
    while (!status) {
        r.cancelled = false;
        line = read_line(&r, "kd> ");
        if (!line && r.cancelled)
            continue;
        if ((end_of_input = line == NULL) || is_quit(line)) {
            free(line);
            break;
        }
        status = handle_line(&r, line) ? 0 : 1;
        free(r.more);
        r.more = NULL;
        free(line);
    }
    if (r.terminal) {
        if (end_of_input)
            fputc('\n', stdout); /* leave the terminal's prompt on a new line */
        history_save();
        clear_history();
    }
    return status;
}
