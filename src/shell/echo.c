/*
 * echo.c — how the REPL shows the values a line gives back (lua(1) prints
 * them with print; ntmm shows them as a debugger would):
 *   - an integer from 0x1000 up as hex with its decimal value,
 *     "0x2000 (8192)", smaller and negative ones in decimal: addresses,
 *     statuses, PTEs and sizes read as WinDbg shows them, while counts,
 *     protections and error codes (87, as Windows' documentation writes
 *     them) stay decimal;
 *   - a table as its fields, "{ Protect = 4, RegionSize = 0x2000 }" (one
 *     per line when there are more than four), integers in hex as dt shows
 *     them, in the order pairs walks them (determinism.c (1)), nested
 *     tables one level deep;
 *   - anything else as print shows it (a string as it is, an exception or
 *     a process object by its own tostring).
 * print() itself is unchanged.
 *
 * (1) An echo shows at most ECHO_FIELDS fields of a table and says how
 *     many it left out, so a large result (QueryWorkingSet) stays readable.
 */
#include <lauxlib.h>

#include "shell/shell.h"

static const char echo_lua[] =
    "local rawmetatable = ...\n"
    "local print, tostring, type, mtype, format = print, tostring, type, math.type, string.format\n"
    "local pairs, rawget, concat, select, unpack = pairs, rawget, table.concat, select, table.unpack\n"
    "local FIELDS = 50\n"
    "local function integer(v, plain)\n"
    "  if mtype(v) ~= 'integer' or v < 0x1000 then return tostring(v) end\n"
    "  if plain then return format('0x%x', v) end\n"
    "  return format('0x%x (%d)', v, v)\n"
    "end\n"
    "local function own_text(v)\n"
    "  local mt = rawmetatable(v)\n"
    "  return mt and rawget(mt, '__tostring') ~= nil\n"
    "end\n"
    "local structure\n"
    "local function field_value(v, depth)\n"
    "  if type(v) == 'number' then return integer(v, true) end\n"
    "  if type(v) == 'string' then return format('%q', v) end\n"
    "  if type(v) == 'table' and not own_text(v) then\n"
    "    return depth > 0 and '{...}' or structure(v, depth + 1)\n"
    "  end\n"
    "  return tostring(v)\n"
    "end\n"
    "local function key_text(k)\n"
    "  if type(k) == 'string' and k:match('^[%a_][%w_]*$') then return k end\n"
    "  return '[' .. field_value(k, 1) .. ']'\n"
    "end\n"
    "structure = function(t, depth)\n"
    "  local parts, n, length, more = {}, #t, 0, 0\n"
    "  for k, v in pairs(t) do\n"
    "    if #parts == FIELDS then\n"
    "      more = more + 1\n"
    "    else\n"
    "      local text = field_value(v, depth)\n"
    "      if not (mtype(k) == 'integer' and k >= 1 and k <= n) then text = key_text(k) .. ' = ' .. text end\n"
    "      parts[#parts + 1] = text\n"
    "      length = length + #text + 2\n"
    "    end\n"
    "  end\n"
    "  if more > 0 then parts[#parts + 1] = format('... %d more', more) end\n"
    "  if #parts == 0 then return '{}' end\n"
    "  if depth > 0 or (#parts <= 4 and length <= 72) then return '{ ' .. concat(parts, ', ') .. ' }' end\n"
    "  return '{\\n  ' .. concat(parts, ',\\n  ') .. '\\n}'\n"
    "end\n"
    "return function(...)\n"
    "  local n, out = select('#', ...), {}\n"
    "  for i = 1, n do\n"
    "    local v = select(i, ...)\n"
    "    if type(v) == 'number' then out[i] = integer(v, false)\n"
    "    elseif type(v) == 'table' and not own_text(v) then out[i] = structure(v, 0)\n"
    "    else out[i] = v end\n"
    "  end\n"
    "  print(unpack(out, 1, n))\n"
    "end\n";

static int echo_key;

static int raw_metatable(lua_State *L)
{
    if (!lua_getmetatable(L, 1))
        lua_pushnil(L);
    return 1;
}

void echo_open(lua_State *L)
{
    if (luaL_loadbufferx(L, echo_lua, sizeof echo_lua - 1, "=echo", "t"))
        lua_error(L);
    lua_pushcfunction(L, raw_metatable);
    lua_call(L, 1, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &echo_key);
}

void echo_push(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &echo_key);
}
