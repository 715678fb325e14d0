/*
 * lua_debug.c — the debugger from scripts, and helpers for printing:
 *   dbg("!vad") -> text, ok   runs one debugger command (tools_run) on the
 *                             current process, as typed at the kd> prompt
 *   kd("!vad") -> text        the same, printed as a session shows it
 *                             ("kd> !vad", then the output); a command that
 *                             fails raises an error
 *   idle() -> pages           the machine's idle moment (ntmm_machine_idle:
 *                             the zero page thread), pages processed
 *   hex(n) -> "00390000"      a number as WinDbg prints a pointer: 8 digits
 *                             in a 32-bit process, 00000000`00390000 in a
 *                             64-bit one
 *
 * (1) A command that switches process (.process) switches the current
 *     process of the scripts as well: the debugger and the scripts look at
 *     the same process.
 * (2) A command line may name Lua values: $name or @@name (name a global,
 *     or a field path such as p.handle) stands for the integer the value
 *     holds, so after lpAddress = VirtualAlloc(...) one types !pte
 *     $lpAddress. Values are read raw (no metamethod runs); a name whose
 *     value is not an integer fails the command with one line.
 */
#include <stdio.h>

#include <lauxlib.h>

#include "ntmm/introspect.h"
#include "shell/shell.h"
#include "tools/tools.h"

static bool name_char(char c, bool first)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
}

/* (2) The integer that the Lua path at text (length n: a.b.c) names. */
static bool lua_integer(lua_State *L, const char *text, size_t n, long long *value)
{
    int top = lua_gettop(L);
    lua_pushglobaltable(L);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && text[j] != '.')
            j++;
        if (lua_type(L, -1) != LUA_TTABLE)
            break;
        lua_pushlstring(L, text + i, j - i);
        lua_rawget(L, -2);
        lua_remove(L, -2);
        i = j + 1;
    }
    bool is_integer = lua_isinteger(L, -1);
    *value = is_integer ? lua_tointeger(L, -1) : 0;
    lua_settop(L, top);
    return is_integer;
}

/* (2) line with every $name and @@name replaced by its value, in hex. */
static bool expand_lua_values(lua_State *L, const char *line, char *expanded, size_t size,
                              struct tool_output *out)
{
    size_t o = 0;
    for (const char *p = line; *p;) {
        size_t marker = *p == '$' ? 1 : (p[0] == '@' && p[1] == '@') ? 2 : 0;
        if (marker && name_char(p[marker], true)) {
            const char *name = p + marker;
            size_t n = 0;
            while (name_char(name[n], n == 0) || (name[n] == '.' && name_char(name[n + 1], true)))
                n++;
            long long value;
            if (!lua_integer(L, name, n, &value)) {
                tool_printf(out, "%.*s: not a Lua integer\n", (int)(n + marker), p);
                return false;
            }
            int w = snprintf(expanded + o, size - o, "0x%llx", (unsigned long long)value);
            if (w < 0 || (size_t)w >= size - o)
                break;
            o += (size_t)w;
            p = name + n;
            continue;
        }
        if (o + 1 >= size)
            break;
        expanded[o++] = *p++;
    }
    if (o + 1 >= size) {
        tool_printf(out, "the command line is too long\n");
        return false;
    }
    expanded[o] = 0;
    return true;
}

NTSTATUS shell_command(struct shell *shell, const char *line, struct tool_output *out)
{
    char expanded[1024];
    if (!expand_lua_values(shell->L, line, expanded, sizeof expanded, out))
        return STATUS_INVALID_PARAMETER;
    struct tool_context context = { shell->machine, ntmm_current_process() };
    NTSTATUS st = tools_run(&context, expanded, out);
    if (context.process != ntmm_current_process())
        ntmm_set_current_process(context.process);
    return st;
}

/* The command's text as a Lua string; run protected, so that a string the
 * memory limit refuses does not lose the host buffer. */
static int push_output(lua_State *L)
{
    const struct tool_output *out = lua_touserdata(L, 1);
    lua_pushlstring(L, out->text ? out->text : "", out->text ? out->length : 0);
    return 1;
}

static int l_dbg(lua_State *L)
{
    const char *line = luaL_checkstring(L, 1);
    struct tool_output out = { NULL, 0, 0 };
    NTSTATUS st = shell_command(shell_from_lua(L), line, &out);
    lua_pushcfunction(L, push_output);
    lua_pushlightuserdata(L, &out);
    int pushed = lua_pcall(L, 1, 1, 0);
    tool_output_free(&out);
    if (pushed != LUA_OK)
        return lua_error(L);
    lua_pushboolean(L, NT_SUCCESS(st));
    return 2;
}

static int l_kd(lua_State *L)
{
    const char *line = luaL_checkstring(L, 1);
    lua_pushcfunction(L, l_dbg);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 2);
    bool ok = lua_toboolean(L, -1);
    lua_pop(L, 1);
    size_t length;
    const char *text = lua_tolstring(L, -1, &length);
    if (length && text[length - 1] == '\n')
        length--;
    lua_pushlstring(L, text, length); /* the text, its last newline dropped */
    lua_getglobal(L, "print");
    lua_pushfstring(L, "kd> %s", line);
    lua_call(L, 1, 0);
    lua_getglobal(L, "print");
    lua_pushvalue(L, -2);
    lua_call(L, 1, 0);
    if (!ok)
        return luaL_error(L, "the command failed: %s", line);
    return 1;
}

static int l_idle(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)ntmm_machine_idle(shell_from_lua(L)->machine));
    return 1;
}

/* Does the current process (or, with none, the machine) use 64-bit pointers? */
static bool wide_pointers(lua_State *L)
{
    struct ntmm_process *p = ntmm_current_process();
    if (!p)
        return ntmm_machine_config(shell_from_lua(L)->machine)->arch == NTMM_ARCH_X64;
    struct ntmm_process_info info;
    ntmm_process_info(p, &info);
    return info.is_64bit;
}

static int l_hex(lua_State *L)
{
    uint64_t v = (uint64_t)luaL_checkinteger(L, 1);
    char text[24];
    if (wide_pointers(L) || v > 0xffffffffu)
        snprintf(text, sizeof text, "%08x`%08x", (unsigned)(v >> 32), (unsigned)v);
    else
        snprintf(text, sizeof text, "%08x", (unsigned)v);
    lua_pushstring(L, text);
    return 1;
}

void bind_debug(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "dbg", l_dbg },
        { "kd", l_kd },
        { "idle", l_idle },
        { "hex", l_hex },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
