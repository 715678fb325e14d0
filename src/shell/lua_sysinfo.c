/*
 * lua_sysinfo.c — the Win32 calls that fill a structure, returning it as a
 * Lua table with the SDK's field names:
 *   GetSystemInfo(), GetNativeSystemInfo() -> SYSTEM_INFO
 *   GlobalMemoryStatusEx() -> MEMORYSTATUSEX | nil (dwLength is set inside)
 *   GetProcessMemoryInfo([h]) -> PROCESS_MEMORY_COUNTERS_EX | nil
 *     (h defaults to GetCurrentProcess())
 */
#include <lauxlib.h>

#include "ntmm/win32.h"
#include "shell/shell.h"

static void set_integer(lua_State *L, const char *field, uint64_t value)
{
    lua_pushinteger(L, (lua_Integer)value);
    lua_setfield(L, -2, field);
}

static int push_system_info(lua_State *L, const SYSTEM_INFO *s)
{
    lua_createtable(L, 0, 12);
    set_integer(L, "dwOemId", s->dwOemId);
    set_integer(L, "wProcessorArchitecture", s->wProcessorArchitecture);
    set_integer(L, "wReserved", s->wReserved);
    set_integer(L, "dwPageSize", s->dwPageSize);
    set_integer(L, "lpMinimumApplicationAddress", (uintptr_t)s->lpMinimumApplicationAddress);
    set_integer(L, "lpMaximumApplicationAddress", (uintptr_t)s->lpMaximumApplicationAddress);
    set_integer(L, "dwActiveProcessorMask", s->dwActiveProcessorMask);
    set_integer(L, "dwNumberOfProcessors", s->dwNumberOfProcessors);
    set_integer(L, "dwProcessorType", s->dwProcessorType);
    set_integer(L, "dwAllocationGranularity", s->dwAllocationGranularity);
    set_integer(L, "wProcessorLevel", s->wProcessorLevel);
    set_integer(L, "wProcessorRevision", s->wProcessorRevision);
    return 1;
}

static int l_get_system_info(lua_State *L)
{
    SYSTEM_INFO s;
    GetSystemInfo(&s);
    return push_system_info(L, &s);
}

static int l_get_native_system_info(lua_State *L)
{
    SYSTEM_INFO s;
    GetNativeSystemInfo(&s);
    return push_system_info(L, &s);
}

static int l_global_memory_status_ex(lua_State *L)
{
    MEMORYSTATUSEX m = { .dwLength = sizeof m };
    if (!GlobalMemoryStatusEx(&m)) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 9);
    set_integer(L, "dwLength", m.dwLength);
    set_integer(L, "dwMemoryLoad", m.dwMemoryLoad);
    set_integer(L, "ullTotalPhys", m.ullTotalPhys);
    set_integer(L, "ullAvailPhys", m.ullAvailPhys);
    set_integer(L, "ullTotalPageFile", m.ullTotalPageFile);
    set_integer(L, "ullAvailPageFile", m.ullAvailPageFile);
    set_integer(L, "ullTotalVirtual", m.ullTotalVirtual);
    set_integer(L, "ullAvailVirtual", m.ullAvailVirtual);
    set_integer(L, "ullAvailExtendedVirtual", m.ullAvailExtendedVirtual);
    return 1;
}

static int l_get_process_memory_info(lua_State *L)
{
    HANDLE h = lua_isnoneornil(L, 1) ? GetCurrentProcess() : process_object_handle(L, 1);
    PROCESS_MEMORY_COUNTERS_EX c = { .cb = sizeof c };
    if (!GetProcessMemoryInfo(h, (PPROCESS_MEMORY_COUNTERS)&c, sizeof c)) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 11);
    set_integer(L, "cb", c.cb);
    set_integer(L, "PageFaultCount", c.PageFaultCount);
    set_integer(L, "PeakWorkingSetSize", c.PeakWorkingSetSize);
    set_integer(L, "WorkingSetSize", c.WorkingSetSize);
    set_integer(L, "QuotaPeakPagedPoolUsage", c.QuotaPeakPagedPoolUsage);
    set_integer(L, "QuotaPagedPoolUsage", c.QuotaPagedPoolUsage);
    set_integer(L, "QuotaPeakNonPagedPoolUsage", c.QuotaPeakNonPagedPoolUsage);
    set_integer(L, "QuotaNonPagedPoolUsage", c.QuotaNonPagedPoolUsage);
    set_integer(L, "PagefileUsage", c.PagefileUsage);
    set_integer(L, "PeakPagefileUsage", c.PeakPagefileUsage);
    set_integer(L, "PrivateUsage", c.PrivateUsage);
    return 1;
}

void bind_sysinfo(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "GetSystemInfo", l_get_system_info },
        { "GetNativeSystemInfo", l_get_native_system_info },
        { "GlobalMemoryStatusEx", l_global_memory_status_ex },
        { "GetProcessMemoryInfo", l_get_process_memory_info },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
