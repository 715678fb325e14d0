/*
 * sandbox.c — which of Lua's standard libraries a script gets. By default
 * nothing reaches the host: no io, os, package/require, debug, loadfile or
 * dofile; load accepts text chunks only (no bytecode); collectgarbage answers
 * "count" only. --unsafe opens every standard library.
 *
 * Both modes make Lua deterministic, as rule (1) of shell.h requires:
 * (1) math.random starts from the machine's seed, not from the clock;
 * (2) pairs visits numbers, then strings, then booleans, each in order, then
 *     functions by their global name (string.len), then other keys by the
 *     order tostring first saw them, so a table prints the same way in every
 *     run (Lua's string hashes are salted per run, so next's order is not);
 * (3) tostring and print never show a host address: a function reachable
 *     from the globals shows its name, another table, function or userdata
 *     a number in the order tostring first saw it.
 */
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "shell/shell.h"

static const char deterministic_pairs[] =
    "local next, type, sort, getmetatable, rawget = next, type, table.sort, getmetatable, rawget\n"
    "local select, unpack, format, rawtostring, rawprint = select, table.unpack, string.format, tostring, print\n"
    "local ids, count = setmetatable({}, { __mode = 'k' }), 0\n"
    "local function id(v)\n"
    "  local i = ids[v]\n"
    "  if not i then count = count + 1; i = count; ids[v] = i end\n"
    "  return i\n"
    "end\n"
    "local names\n"
    "local function function_names()\n"
    "  if names then return names end\n"
    "  names = setmetatable({}, { __mode = 'k' })\n"
    "  local function walk(t, prefix, deep)\n"
    "    local keys = {}\n"
    "    for k in next, t do if type(k) == 'string' then keys[#keys + 1] = k end end\n"
    "    sort(keys)\n"
    "    for _, k in ipairs(keys) do\n"
    "      local v = rawget(t, k)\n"
    "      if type(v) == 'function' and names[v] == nil then names[v] = prefix .. k\n"
    "      elseif type(v) == 'table' and not deep and k ~= '_G' then walk(v, prefix .. k .. '.', true) end\n"
    "    end\n"
    "  end\n"
    "  walk(_G, '', false)\n"
    "  return names\n"
    "end\n"
    "local rank = { number = 1, string = 2, boolean = 3 }\n"
    "local function before(a, b)\n"
    "  local ta, tb = type(a), type(b)\n"
    "  if ta ~= tb then return (rank[ta] or 4) < (rank[tb] or 4) end\n"
    "  if ta == 'number' or ta == 'string' then return a < b end\n"
    "  if ta == 'boolean' then return b and not a end\n"
    "  local n = ta == 'function' and function_names() or {}\n"
    "  if n[a] and n[b] then return n[a] < n[b] end\n"
    "  if n[a] or n[b] then return n[a] ~= nil end\n"
    "  local ia, ib = ids[a], ids[b]\n"
    "  if ia and ib then return ia < ib end\n"
    "  return ia ~= nil and ib == nil\n"
    "end\n"
    "function pairs(t)\n"
    "  local mt = getmetatable(t)\n"
    "  if type(mt) == 'table' and mt.__pairs then return mt.__pairs(t) end\n"
    "  if type(t) ~= 'table' then\n"
    "    error(\"bad argument #1 to 'pairs' (table expected, got \" .. type(t) .. ')', 2)\n"
    "  end\n"
    "  local keys = {}\n"
    "  for k in next, t do keys[#keys + 1] = k end\n"
    "  sort(keys, before)\n"
    "  local i = 0\n"
    "  return function(tt)\n"
    "    i = i + 1\n"
    "    local k = keys[i]\n"
    "    if k ~= nil then return k, tt[k] end\n"
    "  end, t, nil\n"
    "end\n"
    "local plain = { table = true, ['function'] = true, userdata = true, thread = true }\n"
    "function tostring(v)\n"
    "  local mt = getmetatable(v)\n"
    "  if plain[type(v)] and not (type(mt) == 'table' and (mt.__tostring or mt.__name)) then\n"
    "    local n = type(v) == 'function' and function_names()[v]\n"
    "    if n then return 'function: ' .. n end\n"
    "    return format('%s: %08x', type(v), id(v))\n"
    "  end\n"
    "  return rawtostring(v)\n"
    "end\n"
    "function print(...)\n"
    "  local n, out = select('#', ...), {}\n"
    "  for i = 1, n do out[i] = tostring((select(i, ...))) end\n"
    "  rawprint(unpack(out, 1, n))\n"
    "end\n";

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
    if (luaL_loadbufferx(L, deterministic_pairs, sizeof deterministic_pairs - 1, "=ntmm", "t"))
        lua_error(L);
    lua_call(L, 0, 0);
}
