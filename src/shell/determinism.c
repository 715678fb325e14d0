/*
 * determinism.c — the same script and seed print the same bytes, as rule (1)
 * of shell.h requires, in the sandbox and with --unsafe. Lua itself salts
 * its string hashes per run (so next's raw order changes) and prints host
 * addresses (tostring, %p, "NAME: 0x…"); this file replaces what shows them.
 *
 * (1) pairs and next visit numbers, then strings, then booleans, each in
 *     order, then functions by their global name (string.len), then other
 *     keys by the order tostring first saw them, so a table prints the same
 *     way in every run. next follows the order the traversal's next(t, nil)
 *     found (each key then costs a table lookup); pairs keeps its own list.
 *     Keys that are tables, userdata or unnamed functions never printed and
 *     met first in the same traversal keep the host's order among themselves.
 * (2) tostring and print never show a host address: a function reachable
 *     from the globals shows its name, another table, function or userdata
 *     its type (or its metatable's __name) and a number in the order tostring
 *     first saw it ("table: 0000000b", "PROCESS: 0000000c"). __tostring is
 *     found as Lua finds it, in the metatable itself (not __metatable).
 * (3) string.format gives %s a table, function, userdata or thread as
 *     tostring shows it, and %p (for any value that has an address: tables,
 *     functions, userdata, threads, strings) the number of (2) ("0000000b");
 *     other values and every other conversion are Lua's own. A string's
 *     number stays for the session (a weak table keeps string keys).
 */
#include <string.h>

#include <lauxlib.h>

#include "shell/shell.h"

/* Called with the raw getmetatable; returns tostring and the number text of (2). */
static const char deterministic_lua[] =
    "local rawmetatable = ...\n"
    "local rawnext, type, sort, rawget, select, ipairs = next, type, table.sort, rawget, select, ipairs\n"
    "local unpack, format, rawtostring, rawprint = table.unpack, string.format, tostring, print\n"
    "local ids, count = setmetatable({}, { __mode = 'k' }), 0\n"
    "local function id(v)\n"
    "  local i = ids[v]\n"
    "  if not i then count = count + 1; i = count; ids[v] = i end\n"
    "  return i\n"
    "end\n"
    "local function number_text(v) return format('%08x', id(v)) end\n"
    "local names\n"
    "local function function_names()\n"
    "  if names then return names end\n"
    "  names = setmetatable({}, { __mode = 'k' })\n"
    "  local function walk(t, prefix, deep)\n"
    "    local keys = {}\n"
    "    for k in rawnext, t do if type(k) == 'string' then keys[#keys + 1] = k end end\n"
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
    "local function sorted_keys(t)\n"
    "  local keys = {}\n"
    "  for k in rawnext, t do keys[#keys + 1] = k end\n"
    "  sort(keys, before)\n"
    "  return keys\n"
    "end\n"
    "local function check_table(name, n, t)\n"
    "  if type(t) == 'table' then return end\n"
    "  local mt = rawmetatable(t)\n"
    "  local got = n == 0 and 'no value' or type(mt) == 'table' and type(rawget(mt, '__name')) == 'string'\n"
    "    and rawget(mt, '__name') or type(t)\n"
    "  error(format(\"bad argument #1 to '%s' (table expected, got %s)\", name, got), 3)\n"
    "end\n"
    "function pairs(...)\n"
    "  local t = ...\n"
    "  local mt = rawmetatable(t)\n"
    "  if type(mt) == 'table' and rawget(mt, '__pairs') then return rawget(mt, '__pairs')(t) end\n"
    "  check_table('pairs', select('#', ...), t)\n"
    "  local keys, i = sorted_keys(t), 0\n"
    "  return function(tt)\n"
    "    i = i + 1\n"
    "    local k = keys[i]\n"
    "    if k ~= nil then return k, tt[k] end\n"
    "  end, t, nil\n"
    "end\n"
    "local orders = setmetatable({}, { __mode = 'k' })\n"
    "local function order_of(t)\n"
    "  local sorted = sorted_keys(t)\n"
    "  local keys = setmetatable({}, { __mode = 'v' })\n"
    "  local at = setmetatable({}, { __mode = 'k' })\n"
    "  for i, k in ipairs(sorted) do keys[i] = k; at[k] = i end\n"
    "  local o = { keys = keys, at = at, n = #sorted }\n"
    "  orders[t] = o\n"
    "  return o\n"
    "end\n"
    "next = function(...)\n"
    "  local t, k = ...\n"
    "  check_table('next', select('#', ...), t)\n"
    "  local o, i = orders[t], 0\n"
    "  if k == nil or not (o and o.at[k]) then o = order_of(t) end\n"
    "  if k ~= nil then\n"
    "    i = o.at[k]\n"
    "    if not i then error(\"invalid key to 'next'\", 0) end\n"
    "  end\n"
    "  local keys = o.keys\n"
    "  for j = i + 1, o.n do\n"
    "    local key = keys[j]\n"
    "    local v = key ~= nil and rawget(t, key)\n"
    "    if key ~= nil and v ~= nil then return key, v end\n"
    "  end\n"
    "  orders[t] = nil\n"
    "  return nil\n"
    "end\n"
    "local plain = { table = true, ['function'] = true, userdata = true, thread = true }\n"
    "local function stable_tostring(...)\n"
    "  if select('#', ...) == 0 then error(\"bad argument #1 to 'tostring' (value expected)\", 2) end\n"
    "  local v = ...\n"
    "  local mt = rawmetatable(v)\n"
    "  if not plain[type(v)] or (mt and rawget(mt, '__tostring') ~= nil) then return rawtostring(v) end\n"
    "  local name = mt and rawget(mt, '__name')\n"
    "  if type(name) == 'string' then return name .. ': ' .. number_text(v) end\n"
    "  local n = type(v) == 'function' and function_names()[v]\n"
    "  if n then return 'function: ' .. n end\n"
    "  return type(v) .. ': ' .. number_text(v)\n"
    "end\n"
    "tostring = stable_tostring\n"
    "function print(...)\n"
    "  local n, out = select('#', ...), {}\n"
    "  for i = 1, n do out[i] = stable_tostring((select(i, ...))) end\n"
    "  rawprint(unpack(out, 1, n))\n"
    "end\n"
    "return stable_tostring, number_text\n";

/* getmetatable without __metatable: what Lua itself consults. */
static int raw_metatable(lua_State *L)
{
    if (!lua_getmetatable(L, 1))
        lua_pushnil(L);
    return 1;
}

static bool has_address(int type)
{
    return type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TUSERDATA ||
           type == LUA_TTHREAD || type == LUA_TLIGHTUSERDATA;
}

/* Replaces argument arg by what upvalue fn (tostring or the number text) gives it. */
static void replace_by(lua_State *L, int fn, int arg)
{
    lua_pushvalue(L, lua_upvalueindex(fn));
    lua_pushvalue(L, arg);
    lua_call(L, 1, 1);
    lua_replace(L, arg);
}

/* Rule (3). Upvalues: Lua's string.format (a light C function, called in
 * this frame so that its errors name string.format as before), tostring,
 * the number text. Argument 1 is rewritten only where a %p changes to %s. */
static int stable_format(lua_State *L)
{
    size_t length;
    const char *f = luaL_checklstring(L, 1, &length);
    char *copy = NULL;
    int arg = 1, top = lua_gettop(L);
    for (size_t i = 0; i < length && arg < top; i++) {
        if (f[i] != '%' || f[++i] == '%')
            continue;
        size_t spec = i;
        while (i < length && strchr("-+ #0123456789.", f[i]))
            i++;
        if (i == length)
            break;
        int type = lua_type(L, ++arg);
        if (f[i] == 's' && has_address(type)) {
            replace_by(L, 2, arg);
        } else if (f[i] == 'p' && (has_address(type) || type == LUA_TSTRING) &&
                   strspn(f + spec, "-0123456789") == i - spec) {
            if (!copy) {
                copy = lua_newuserdatauv(L, length, 0);
                memcpy(copy, f, length);
            }
            copy[i] = 's';
            replace_by(L, 3, arg);
        }
    }
    if (copy) {
        lua_pushlstring(L, copy, length);
        lua_replace(L, 1);
        lua_settop(L, top);
    }
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

void determinism_open(lua_State *L)
{
    if (luaL_loadbufferx(L, deterministic_lua, sizeof deterministic_lua - 1, "=ntmm", "t"))
        lua_error(L);
    lua_pushcfunction(L, raw_metatable);
    lua_call(L, 1, 2);
    lua_getglobal(L, "string");
    lua_getfield(L, -1, "format");
    lua_rotate(L, -4, 1); /* format, tostring, number text, string */
    lua_insert(L, -4);
    lua_pushcclosure(L, stable_format, 3);
    lua_setfield(L, -2, "format");
    lua_pop(L, 1);
}
