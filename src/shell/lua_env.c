/*
 * lua_env.c — the Lua state of a session: the standard libraries (through
 * the sandbox), the bindings of every shell module, the constants, the arg
 * table and the link from the state back to its session.
 *
 * (1) arg follows lua(1): arg[0] is the script (or the program when there is
 *     none), arg[1..n] its arguments, negative indices what came before.
 * (2) Every bound global is a closure of its own, its name as upvalue 1, even
 *     where aliases share a C function (CreateFile, CreateFileA, CreateFileW):
 *     Lua names a function in errors and tracebacks by the first global
 *     holding the same value (package.loaded._G, in hash order), so a shared
 *     value would be named by any of its aliases, at random.
 */
#include <lauxlib.h>

#include "shell/shell.h"

static const char shell_key = 'S'; /* registry key of the session pointer */

struct shell *shell_from_lua(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &shell_key);
    struct shell *shell = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return shell;
}

void shell_register(lua_State *L, const luaL_Reg *functions)
{
    for (; functions->name; functions++) {
        lua_pushstring(L, functions->name);
        lua_pushcclosure(L, functions->func, 1);
        lua_setglobal(L, functions->name);
    }
}

static void create_arg_table(lua_State *L, const struct shell_options *o)
{
    int script = o->script_index;
    lua_createtable(L, o->argc - script, script + 1);
    for (int i = 0; i < o->argc; i++) {
        lua_pushstring(L, o->argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

/* Runs inside lua_pcall, so a memory error while registering is caught. */
static int open_all(lua_State *L)
{
    struct shell *shell = lua_touserdata(L, 1);
    lua_pushlightuserdata(L, shell);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &shell_key);
    sandbox_open(L, shell->options->unsafe, shell->options->config.seed);
    echo_open(L);
    limits_bind(L);
    bind_constants(L);
    bind_win32(L);
    bind_memory(L);
    bind_process(L);
    bind_debug(L);
    bind_file(L);
    bind_section(L);
    bind_module(L);
    process_object_push(L, ntmm_current_process(), false); /* the first process: handle 4 */
    lua_pop(L, 1);
    create_arg_table(L, shell->options);
    return 0;
}

bool shell_lua_open(struct shell *shell)
{
    shell->L = luaL_newstate();
    if (!shell->L)
        return false;
    limits_open(shell);
    lua_pushcfunction(shell->L, open_all);
    lua_pushlightuserdata(shell->L, shell);
    if (lua_pcall(shell->L, 1, 0, 0) != LUA_OK) {
        lua_close(shell->L);
        shell->L = NULL;
        return false;
    }
    return true;
}
