/*
 * sandbox.c — which of Lua's standard libraries a script gets. By default
 * nothing reaches the host: no io, os, package/require, debug, loadfile or
 * dofile; load accepts text chunks only (no bytecode); collectgarbage answers
 * "count" only. --unsafe opens every standard library.
 *
 * Both modes make Lua deterministic, as rule (1) of shell.h requires:
 * (1) math.random starts from the machine's seed, not from the clock;
 * (2) pairs, next, tostring, print and string.format follow determinism.c.
 * Both bound the string library's pattern matcher (pattern.c).
 */
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "shell/shell.h"

/* load with mode "t" forced; the original load is upvalue 1. */
static int sandbox_load(lua_State *L)
{
    int n = lua_gettop(L);
    if (n < 3)
        lua_settop(L, 3);
    lua_pushstring(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n < 3 ? 3 : n, LUA_MULTRET);
    return lua_gettop(L);
}

/* collectgarbage("count") only; the original is upvalue 1. */
static int sandbox_collectgarbage(lua_State *L)
{
    const char *option = luaL_optstring(L, 1, "collect");
    if (strcmp(option, "count"))
        return luaL_error(L, "collectgarbage: only \"count\" in the sandbox (ntmm --unsafe lifts it)");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushstring(L, "count");
    lua_call(L, 1, 1);
    return 1;
}

/* Replaces global name by f with the original as its upvalue. */
static void wrap_global(lua_State *L, const char *name, lua_CFunction f)
{
    lua_getglobal(L, name);
    lua_pushcclosure(L, f, 1);
    lua_setglobal(L, name);
}

static void open_restricted(lua_State *L)
{
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },         { LUA_TABLIBNAME, luaopen_table },
        { LUA_STRLIBNAME, luaopen_string },  { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 },   { LUA_COLIBNAME, luaopen_coroutine },
    };
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    lua_pushnil(L);
    lua_setglobal(L, "loadfile");
    lua_pushnil(L);
    lua_setglobal(L, "dofile");
    wrap_global(L, "load", sandbox_load);
    wrap_global(L, "collectgarbage", sandbox_collectgarbage);
}

void sandbox_open(lua_State *L, bool unsafe, uint64_t seed)
{
    if (unsafe)
        luaL_openlibs(L);
    else
        open_restricted(L);
    lua_getglobal(L, "math");
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, (lua_Integer)seed);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
    determinism_open(L);
    pattern_open(L);
}
