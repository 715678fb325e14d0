/*
 * process_object.c — the process userdata Lua holds (p.pid, p.name,
 * p.handle, p.bits, p.laa, p.alive), its registry, and the conversion of a
 * Lua value (a process or a handle value) into a process or a HANDLE for the
 * *Ex calls. lua_process.c has the functions scripts call.
 *
 * (1) One userdata per process: the registry table maps a pid to it, so two
 *     lookups of the same process give the same (==) value.
 * (2) A handle is a small integer the shell assigns (4, 8, 12 … in creation
 *     order, as a handle table hands them out), never a host pointer; -1 is
 *     GetCurrentProcess()'s pseudo-handle. An unknown handle becomes NULL,
 *     which the library rejects with ERROR_INVALID_HANDLE.
 * (3) A terminated process's userdata stays, with alive = false; using it
 *     raises a Lua error.
 */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "ntmm/introspect.h"
#include "ntmm/win32.h"
#include "shell/shell.h"

#define PROCESS_TYPE "ntmm.process"

static const char registry_key = 'P'; /* pid -> userdata */

struct lua_process {
    struct ntmm_process *process; /* NULL once terminated */
    uint32_t pid;                 /* UniqueProcessId */
    lua_Integer handle;           /* the shell's handle value, rule (2) */
    bool large_address_aware;
    bool is_64bit;
    char name[32];                /* ImageFileName */
};

static void push_registry(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &registry_key) == LUA_TTABLE)
        return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &registry_key);
}

static void push_new(lua_State *L, struct ntmm_process *process, bool laa)
{
    struct ntmm_process_info info;
    ntmm_process_info(process, &info);
    struct lua_process *ud = lua_newuserdatauv(L, sizeof *ud, 0);
    memset(ud, 0, sizeof *ud);
    ud->process = process;
    ud->pid = info.cid;
    ud->is_64bit = info.is_64bit;
    ud->large_address_aware = laa;
    snprintf(ud->name, sizeof ud->name, "%s", info.image_name ? info.image_name : "");
    struct shell *shell = shell_from_lua(L);
    ud->handle = shell->next_handle;
    shell->next_handle += 4;
    luaL_setmetatable(L, PROCESS_TYPE);
}

/* Pushes the userdata of a live process, creating it on first sight. */
static void push_process(lua_State *L, struct ntmm_process *process, bool laa)
{
    struct ntmm_process_info info;
    ntmm_process_info(process, &info);
    push_registry(L);
    if (lua_rawgeti(L, -1, info.cid) == LUA_TUSERDATA) {
        lua_remove(L, -2);
        return;
    }
    lua_pop(L, 1);
    push_new(L, process, laa);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, info.cid);
    lua_remove(L, -2);
}

void process_object_push(lua_State *L, struct ntmm_process *process, bool laa)
{
    if (process)
        push_process(L, process, laa);
    else
        lua_pushnil(L);
}

struct ntmm_process *process_object_current(lua_State *L)
{
    struct ntmm_process *p = ntmm_current_process();
    if (!p)
        luaL_error(L, "no current process (SetCurrentProcess(p) chooses one)");
    return p;
}

/* The live process a handle value names, or NULL. */
static struct ntmm_process *process_from_handle_value(lua_State *L, lua_Integer value)
{
    struct ntmm_process *found = NULL;
    push_registry(L);
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        struct lua_process *ud = lua_touserdata(L, -1);
        if (ud && ud->handle == value)
            found = ud->process;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return found;
}

struct ntmm_process *process_object_check(lua_State *L, int index)
{
    if (lua_isinteger(L, index)) {
        lua_Integer value = lua_tointeger(L, index);
        struct ntmm_process *p = value == -1 ? ntmm_current_process()
                                             : process_from_handle_value(L, value);
        if (!p)
            luaL_argerror(L, index, "no live process has this handle");
        return p;
    }
    struct lua_process *ud = luaL_checkudata(L, index, PROCESS_TYPE);
    if (!ud->process)
        luaL_argerror(L, index, "the process has terminated");
    return ud->process;
}

HANDLE process_object_handle(lua_State *L, int index)
{
    if (lua_isinteger(L, index)) {
        lua_Integer value = lua_tointeger(L, index);
        if (value == -1)
            return NtCurrentProcess();
        struct ntmm_process *p = process_from_handle_value(L, value);
        return p ? ntmm_process_handle(p) : NULL;
    }
    struct lua_process *ud = luaL_testudata(L, index, PROCESS_TYPE);
    if (!ud)
        luaL_typeerror(L, index, "process handle");
    return ud->process ? ntmm_process_handle(ud->process) : NULL;
}

/* TerminateProcess: the process goes, its userdata stays (rule (3)). */
void process_object_terminate(lua_State *L, int index)
{
    struct lua_process *ud = luaL_checkudata(L, index, PROCESS_TYPE);
    if (!ud->process)
        return;
    ntmm_process_terminate(ud->process);
    ud->process = NULL;
    push_registry(L);
    lua_pushnil(L);
    lua_rawseti(L, -2, ud->pid);
    lua_pop(L, 1);
}

static int process_index(lua_State *L)
{
    struct lua_process *ud = luaL_checkudata(L, 1, PROCESS_TYPE);
    const char *key = luaL_checkstring(L, 2);
    if (!strcmp(key, "pid"))
        lua_pushinteger(L, ud->pid);
    else if (!strcmp(key, "name"))
        lua_pushstring(L, ud->name);
    else if (!strcmp(key, "handle"))
        lua_pushinteger(L, ud->handle);
    else if (!strcmp(key, "bits"))
        lua_pushinteger(L, ud->is_64bit ? 64 : 32);
    else if (!strcmp(key, "laa"))
        lua_pushboolean(L, ud->large_address_aware);
    else if (!strcmp(key, "alive"))
        lua_pushboolean(L, ud->process != NULL);
    else
        lua_pushnil(L);
    return 1;
}

static int process_tostring(lua_State *L)
{
    struct lua_process *ud = luaL_checkudata(L, 1, PROCESS_TYPE);
    lua_pushfstring(L, "process %d %s (%d-bit%s)", (int)ud->pid, ud->name,
                    ud->is_64bit ? 64 : 32, ud->process ? "" : ", terminated");
    return 1;
}

void process_object_register(lua_State *L)
{
    static const luaL_Reg methods[] = {
        { "__index", process_index },
        { "__tostring", process_tostring },
        { NULL, NULL },
    };
    luaL_newmetatable(L, PROCESS_TYPE);
    luaL_setfuncs(L, methods, 0);
    lua_pushliteral(L, "process");
    lua_setfield(L, -2, "__name");
    lua_pop(L, 1);
}
