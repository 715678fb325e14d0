/*
 * lua_win32.c — the Win32 memory API under its Windows names, called on the
 * current process (or the process a handle names, for the *Ex forms):
 *   VirtualAlloc(addr|nil, size, type, protect) -> addr | nil
 *   VirtualFree(addr, size, type) -> bool
 *   VirtualProtect(addr, size, protect) -> ok, oldprotect | nil
 *   VirtualQuery(addr) -> MEMORY_BASIC_INFORMATION table | nil
 *   VirtualLock / VirtualUnlock(addr, size) -> bool
 *   VirtualAllocEx, VirtualFreeEx, VirtualProtectEx, VirtualQueryEx(h, ...)
 *   GetLastError(), SetLastError(e), RtlNtStatusToDosError(status)
 *   GetCurrentProcess() -> -1 (the pseudo-handle)
 * The structure-returning calls (GetSystemInfo, GlobalMemoryStatusEx,
 * GetProcessMemoryInfo, GetPerformanceInfo, NtQuerySystemInformation) are
 * in lua_sysinfo.c, the working-set calls in lua_workingset.c.
 *
 * (1) Numbers are Lua integers, addresses too (bit patterns of 64-bit
 *     values); NULL is nil in arguments and results.
 * (2) Each call sets the last error exactly as the C function does.
 */
#include <lauxlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

static LPVOID opt_address(lua_State *L, int index)
{
    if (lua_isnoneornil(L, index))
        return NULL;
    return (LPVOID)(uintptr_t)(uint64_t)luaL_checkinteger(L, index);
}

static SIZE_T check_size(lua_State *L, int index)
{
    return (SIZE_T)(uint64_t)luaL_checkinteger(L, index);
}

static DWORD check_dword(lua_State *L, int index)
{
    return (DWORD)luaL_checkinteger(L, index);
}

static int push_address(lua_State *L, LPCVOID address)
{
    if (address)
        lua_pushinteger(L, (lua_Integer)(uintptr_t)address);
    else
        lua_pushnil(L);
    return 1;
}

/* Arguments start at first; the handle is already read. */
static int alloc(lua_State *L, HANDLE h, int first)
{
    LPVOID a = opt_address(L, first);
    SIZE_T size = check_size(L, first + 1);
    DWORD type = check_dword(L, first + 2), protect = check_dword(L, first + 3);
    return push_address(L, VirtualAllocEx(h, a, size, type, protect));
}

static int free_(lua_State *L, HANDLE h, int first)
{
    LPVOID a = opt_address(L, first);
    SIZE_T size = check_size(L, first + 1);
    lua_pushboolean(L, VirtualFreeEx(h, a, size, check_dword(L, first + 2)));
    return 1;
}

static int protect(lua_State *L, HANDLE h, int first)
{
    LPVOID a = opt_address(L, first);
    SIZE_T size = check_size(L, first + 1);
    DWORD old = 0;
    BOOL ok = VirtualProtectEx(h, a, size, check_dword(L, first + 2), &old);
    lua_pushboolean(L, ok);
    if (ok)
        lua_pushinteger(L, old);
    else
        lua_pushnil(L);
    return 2;
}

static void set_integer(lua_State *L, const char *field, uint64_t value)
{
    lua_pushinteger(L, (lua_Integer)value);
    lua_setfield(L, -2, field);
}

static int query(lua_State *L, HANDLE h, int first)
{
    MEMORY_BASIC_INFORMATION m;
    if (!VirtualQueryEx(h, opt_address(L, first), &m, sizeof m)) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 8);
    set_integer(L, "BaseAddress", (uintptr_t)m.BaseAddress);
    set_integer(L, "AllocationBase", (uintptr_t)m.AllocationBase);
    set_integer(L, "AllocationProtect", m.AllocationProtect);
    set_integer(L, "PartitionId", m.PartitionId);
    set_integer(L, "RegionSize", m.RegionSize);
    set_integer(L, "State", m.State);
    set_integer(L, "Protect", m.Protect);
    set_integer(L, "Type", m.Type);
    return 1;
}

static int l_virtual_alloc(lua_State *L) { return alloc(L, GetCurrentProcess(), 1); }
static int l_virtual_alloc_ex(lua_State *L) { return alloc(L, process_object_handle(L, 1), 2); }
static int l_virtual_free(lua_State *L) { return free_(L, GetCurrentProcess(), 1); }
static int l_virtual_free_ex(lua_State *L) { return free_(L, process_object_handle(L, 1), 2); }
static int l_virtual_protect(lua_State *L) { return protect(L, GetCurrentProcess(), 1); }
static int l_virtual_protect_ex(lua_State *L) { return protect(L, process_object_handle(L, 1), 2); }
static int l_virtual_query(lua_State *L) { return query(L, GetCurrentProcess(), 1); }
static int l_virtual_query_ex(lua_State *L) { return query(L, process_object_handle(L, 1), 2); }

static int l_virtual_lock(lua_State *L)
{
    LPVOID a = opt_address(L, 1);
    lua_pushboolean(L, VirtualLock(a, check_size(L, 2)));
    return 1;
}

static int l_virtual_unlock(lua_State *L)
{
    LPVOID a = opt_address(L, 1);
    lua_pushboolean(L, VirtualUnlock(a, check_size(L, 2)));
    return 1;
}

static int l_get_last_error(lua_State *L)
{
    lua_pushinteger(L, GetLastError());
    return 1;
}

static int l_set_last_error(lua_State *L)
{
    SetLastError(check_dword(L, 1));
    return 0;
}

static int l_status_to_dos_error(lua_State *L)
{
    lua_pushinteger(L, RtlNtStatusToDosError((NTSTATUS)luaL_checkinteger(L, 1)));
    return 1;
}

static int l_get_current_process(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)(intptr_t)GetCurrentProcess());
    return 1;
}

void bind_win32(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "VirtualAlloc", l_virtual_alloc },       { "VirtualAllocEx", l_virtual_alloc_ex },
        { "VirtualFree", l_virtual_free },         { "VirtualFreeEx", l_virtual_free_ex },
        { "VirtualProtect", l_virtual_protect },   { "VirtualProtectEx", l_virtual_protect_ex },
        { "VirtualQuery", l_virtual_query },       { "VirtualQueryEx", l_virtual_query_ex },
        { "VirtualLock", l_virtual_lock },         { "VirtualUnlock", l_virtual_unlock },
        { "GetLastError", l_get_last_error },      { "SetLastError", l_set_last_error },
        { "RtlNtStatusToDosError", l_status_to_dos_error },
        { "GetCurrentProcess", l_get_current_process },
        { NULL, NULL },
    };
    shell_register(L, functions);
    bind_sysinfo(L);
    bind_workingset(L);
}
