/*
 * lua_process.c — process control for scripts (ntmm's own names; Windows
 * creates processes from images, ntmm from a name, a bitness and the
 * LARGE_ADDRESS_AWARE flag):
 *   CreateProcess{name="a.exe", bits=32|64, laa=true|false} -> p | nil, why
 *   SetCurrentProcess(p)       the process the Win32 calls and read/write use
 *   GetCurrentProcessObject()  -> p | nil
 *   TerminateProcess(p)        -> true
 *   Processes()                -> { p, ... } in creation order
 *
 * (1) CreateProcess does not make the new process current.
 */
#include <string.h>

#include <lauxlib.h>

#include "ntmm/introspect.h"
#include "ntmm/win32.h"
#include "shell/shell.h"

static void read_create_options(lua_State *L, struct ntmm_process_options *o, bool x64)
{
    o->image_name = "process.exe";
    o->is_64bit = x64;
    o->large_address_aware = false;
    o->image_path = NULL;
    if (lua_isnoneornil(L, 1))
        return;
    int image = lua_getfield(L, 1, "image");
    if (image != LUA_TNIL && image != LUA_TSTRING)
        luaL_error(L, "CreateProcess: image must be a path on the C: drive");
    if (image == LUA_TSTRING)
        o->image_path = lua_tostring(L, -1); /* stays alive: the table holds it */
    lua_pop(L, 1);
    luaL_checktype(L, 1, LUA_TTABLE);
    int type = lua_getfield(L, 1, "name");
    if (type != LUA_TNIL && type != LUA_TSTRING)
        luaL_error(L, "CreateProcess: name must be a string");
    if (type == LUA_TSTRING)
        o->image_name = lua_tostring(L, -1); /* stays alive: the table holds it */
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "bits") != LUA_TNIL) {
        lua_Integer bits = lua_tointeger(L, -1);
        if (bits != 32 && bits != 64)
            luaL_error(L, "CreateProcess: bits must be 32 or 64");
        o->is_64bit = bits == 64;
    }
    lua_pop(L, 1);
    /* 64-bit images are LARGE_ADDRESS_AWARE unless linked otherwise */
    o->large_address_aware = lua_getfield(L, 1, "laa") == LUA_TNIL ? o->is_64bit
                                                                  : lua_toboolean(L, -1);
    lua_pop(L, 1);
}

static int l_create_process(lua_State *L)
{
    struct shell *shell = shell_from_lua(L);
    struct ntmm_process_options o;
    read_create_options(L, &o, ntmm_machine_config(shell->machine)->arch == NTMM_ARCH_X64);
    struct ntmm_process *p;
    NTSTATUS st = ntmm_process_create(shell->machine, &o, &p);
    if (!NT_SUCCESS(st)) {
        SetLastError(RtlNtStatusToDosError(st));
        lua_pushnil(L);
        lua_pushfstring(L, "CreateProcess: %s%s", ntmm_status_name(st),
                        st == STATUS_NOT_SUPPORTED ? " (64-bit processes need --arch x64)" : "");
        return 2;
    }
    struct ntmm_process_info info;
    ntmm_process_info(p, &info); /* an image's header decides the flag */
    process_object_push(L, p, info.large_address_aware);
    return 1;
}

static int l_set_current_process(lua_State *L)
{
    ntmm_set_current_process(process_object_check(L, 1));
    return 0;
}

static int l_get_current_process_object(lua_State *L)
{
    process_object_push(L, ntmm_current_process(), false);
    return 1;
}

static int l_terminate_process(lua_State *L)
{
    if (lua_isinteger(L, 1)) {
        process_object_push(L, process_object_check(L, 1), false);
        lua_replace(L, 1);
    }
    process_object_terminate(L, 1);
    lua_pushboolean(L, 1);
    return 1;
}

static int l_processes(lua_State *L)
{
    struct shell *shell = shell_from_lua(L);
    unsigned count = 0;
    struct ntmm_process *p;
    while (ntmm_process_at(shell->machine, count, &p))
        count++;
    lua_createtable(L, (int)count, 0);
    for (unsigned i = 0; i < count; i++) {
        if (!ntmm_process_at(shell->machine, count - 1 - i, &p))
            break;
        process_object_push(L, p, false);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

void bind_process(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "CreateProcess", l_create_process },
        { "SetCurrentProcess", l_set_current_process },
        { "GetCurrentProcessObject", l_get_current_process_object },
        { "TerminateProcess", l_terminate_process },
        { "Processes", l_processes },
        { NULL, NULL },
    };
    process_object_register(L);
    shell_register(L, functions);
}
