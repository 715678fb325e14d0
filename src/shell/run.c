/*
 * run.c — running Lua chunks under a message handler and reporting their
 * errors as lua(1) does: "ntmm: file:line: message" on stderr, with a stack
 * traceback for scripts and -e chunks (not in the REPL).
 *
 * (1) An exception raised by a memory access (a table, see lua_memory.c)
 *     is reported with the place that made the access:
 *     "ntmm: x.lua:3: EXCEPTION_ACCESS_VIOLATION (0xc0000005) writing 0x00000000".
 * (2) Calling a name no one bound says what the name is when Windows has it
 *     (help.h (2)), or which known names are near it.
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "shell/shell.h"
#include "tools/help.h"

/* The error value as text, with a traceback or without. */
static int message_handler(lua_State *L, bool traceback)
{
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            int text = lua_gettop(L);
            const char *where = "";
            if (lua_type(L, 1) == LUA_TTABLE && lua_getfield(L, 1, "where") == LUA_TSTRING)
                where = lua_tostring(L, -1);
            msg = lua_pushfstring(L, "%s%s", where, lua_tostring(L, text));
        } else {
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    if (traceback)
        luaL_traceback(L, L, msg, 1);
    else
        lua_pushstring(L, msg);
    return 1;
}

/* Light C functions: pushing one allocates nothing, so a chunk can start
 * however full the state's memory is (limits.c). */
static int message_with_traceback(lua_State *L) { return message_handler(L, true); }
static int message_alone(lua_State *L) { return message_handler(L, false); }

int run_chunk(lua_State *L, int nargs, int nresults, bool traceback)
{
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, traceback ? message_with_traceback : message_alone);
    lua_insert(L, base);
    struct shell *shell = shell_from_lua(L);
    limits_enter(shell);
    int status = lua_pcall(L, nargs, nresults, base);
    limits_leave(shell);
    lua_remove(L, base);
    return status;
}

/* (2) After "attempt to call a nil value (global 'Name')": what Name is, if
 * Windows has it and ntmm does not model it yet, or the names near it. */
static void explain_nil_call(const char *msg)
{
    static const char marker[] = "attempt to call a nil value (global '";
    const char *at = msg ? strstr(msg, marker) : NULL;
    if (!at)
        return;
    char name[80];
    size_t n = 0;
    for (at += sizeof marker - 1; *at && *at != '\'' && n + 1 < sizeof name; at++)
        name[n++] = *at;
    name[n] = 0;
    const struct help_entry *e = help_find(name);
    if (e && e->group == HELP_NOT_MODELLED) {
        fprintf(stderr, "ntmm: %s: %s; ntmm does not model it yet (help %s)\n", name, e->summary,
                name);
        return;
    }
    const char *near[4];
    size_t count = help_suggest(name, near, 4);
    for (size_t i = 0; i < count; i++)
        fprintf(stderr, "%s%s%s", i ? (i + 1 == count ? " or " : ", ") : "ntmm: did you mean ",
                near[i], i + 1 == count ? "?\n" : "");
}

void run_report(lua_State *L, int status)
{
    if (status == LUA_OK)
        return;
    const char *msg = lua_tostring(L, -1);
    fflush(stdout);
    fprintf(stderr, "ntmm: %s\n", msg ? msg : "(error object is not a string)");
    explain_nil_call(msg);
    fflush(stderr);
    lua_pop(L, 1);
}

int run_string(lua_State *L, const char *code, const char *name)
{
    int status = luaL_loadbufferx(L, code, strlen(code), name, "t");
    if (status == LUA_OK)
        status = run_chunk(L, 0, 0, true);
    run_report(L, status);
    return status;
}

int run_script(lua_State *L, const char *path, int argc, char **argv)
{
    bool unsafe = shell_from_lua(L)->options->unsafe;
    bool from_stdin = !strcmp(path, "-"); /* as lua(1): "-" is standard input */
    int status = luaL_loadfilex(L, from_stdin ? NULL : path, unsafe ? "bt" : "t");
    if (status == LUA_OK) {
        if (!lua_checkstack(L, argc + 3)) {
            lua_pop(L, 1);
            lua_pushliteral(L, "too many arguments to the script");
            status = LUA_ERRMEM;
        }
    }
    if (status == LUA_OK) {
        for (int i = 0; i < argc; i++)
            lua_pushstring(L, argv[i]);
        status = run_chunk(L, argc, 0, true);
    }
    run_report(L, status);
    return status;
}
