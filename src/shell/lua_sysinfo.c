/*
 * lua_sysinfo.c — the Win32 calls that fill a structure, returning it as a
 * Lua table with the SDK's field names:
 *   GetSystemInfo(), GetNativeSystemInfo() -> SYSTEM_INFO
 *   GlobalMemoryStatusEx() -> MEMORYSTATUSEX | nil (dwLength is set inside)
 *   GetProcessMemoryInfo([h]) -> PROCESS_MEMORY_COUNTERS_EX | nil
 *     (h defaults to GetCurrentProcess())
 *   GetPerformanceInfo() -> PERFORMANCE_INFORMATION | nil (counts in pages)
 *   NtQuerySystemInformation(class) -> table | nil, status: class
 *     SystemBasicInformation (SYSTEM_BASIC_INFORMATION) or
 *     SystemPerformanceInformation (SYSTEM_PERFORMANCE_INFORMATION; the
 *     LARGE_INTEGER fields as their QuadPart); another class gives nil,
 *     STATUS_INVALID_INFO_CLASS
 */
#include <lauxlib.h>
#include <stddef.h>
#include <string.h>

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

/* A structure's fields as data: name, offset and size (4 or 8 bytes). */
struct field {
    const char *name;
    unsigned offset, size;
};

#define BASIC(f) { #f, offsetof(SYSTEM_BASIC_INFORMATION, f), \
                   sizeof(((SYSTEM_BASIC_INFORMATION *)0)->f) }
static const struct field basic_fields[] = {
    BASIC(Reserved), BASIC(TimerResolution), BASIC(PageSize), BASIC(NumberOfPhysicalPages),
    BASIC(LowestPhysicalPageNumber), BASIC(HighestPhysicalPageNumber),
    BASIC(AllocationGranularity), BASIC(MinimumUserModeAddress),
    BASIC(MaximumUserModeAddress), BASIC(ActiveProcessorsAffinityMask),
    BASIC(NumberOfProcessors),
};

#define PERF(f) { #f, offsetof(SYSTEM_PERFORMANCE_INFORMATION, f), \
                  sizeof(((SYSTEM_PERFORMANCE_INFORMATION *)0)->f) }
static const struct field performance_fields[] = {
    PERF(IdleProcessTime), PERF(IoReadTransferCount), PERF(IoWriteTransferCount),
    PERF(IoOtherTransferCount), PERF(IoReadOperationCount), PERF(IoWriteOperationCount),
    PERF(IoOtherOperationCount), PERF(AvailablePages), PERF(CommittedPages),
    PERF(CommitLimit), PERF(PeakCommitment), PERF(PageFaultCount), PERF(CopyOnWriteCount),
    PERF(TransitionCount), PERF(CacheTransitionCount), PERF(DemandZeroCount),
    PERF(PageReadCount), PERF(PageReadIoCount), PERF(CacheReadCount), PERF(CacheIoCount),
    PERF(DirtyPagesWriteCount), PERF(DirtyWriteIoCount), PERF(MappedPagesWriteCount),
    PERF(MappedWriteIoCount), PERF(PagedPoolPages), PERF(NonPagedPoolPages),
    PERF(PagedPoolAllocs), PERF(PagedPoolFrees), PERF(NonPagedPoolAllocs),
    PERF(NonPagedPoolFrees), PERF(FreeSystemPtes), PERF(ResidentSystemCodePage),
    PERF(TotalSystemDriverPages), PERF(TotalSystemCodePages),
    PERF(NonPagedPoolLookasideHits), PERF(PagedPoolLookasideHits),
    PERF(AvailablePagedPoolPages), PERF(ResidentSystemCachePage),
    PERF(ResidentPagedPoolPage), PERF(ResidentSystemDriverPage), PERF(CcFastReadNoWait),
    PERF(CcFastReadWait), PERF(CcFastReadResourceMiss), PERF(CcFastReadNotPossible),
    PERF(CcFastMdlReadNoWait), PERF(CcFastMdlReadWait), PERF(CcFastMdlReadResourceMiss),
    PERF(CcFastMdlReadNotPossible), PERF(CcMapDataNoWait), PERF(CcMapDataWait),
    PERF(CcMapDataNoWaitMiss), PERF(CcMapDataWaitMiss), PERF(CcPinMappedDataCount),
    PERF(CcPinReadNoWait), PERF(CcPinReadWait), PERF(CcPinReadNoWaitMiss),
    PERF(CcPinReadWaitMiss), PERF(CcCopyReadNoWait), PERF(CcCopyReadWait),
    PERF(CcCopyReadNoWaitMiss), PERF(CcCopyReadWaitMiss), PERF(CcMdlReadNoWait),
    PERF(CcMdlReadWait), PERF(CcMdlReadNoWaitMiss), PERF(CcMdlReadWaitMiss),
    PERF(CcReadAheadIos), PERF(CcLazyWriteIos), PERF(CcLazyWritePages), PERF(CcDataFlushes),
    PERF(CcDataPages), PERF(ContextSwitches), PERF(FirstLevelTbFills),
    PERF(SecondLevelTbFills), PERF(SystemCalls),
};

static void push_fields(lua_State *L, const uint8_t *bytes, const struct field *fields,
                        unsigned count)
{
    lua_createtable(L, 0, (int)count);
    for (unsigned i = 0; i < count; i++) {
        uint64_t value = 0;
        if (fields[i].size == 8) {
            memcpy(&value, bytes + fields[i].offset, 8);
        } else if (fields[i].size == 4) {
            uint32_t v;
            memcpy(&v, bytes + fields[i].offset, 4);
            value = v;
        } else {
            value = bytes[fields[i].offset];
        }
        set_integer(L, fields[i].name, value);
    }
}

#define PSAPI(f) { #f, offsetof(PERFORMANCE_INFORMATION, f), \
                   sizeof(((PERFORMANCE_INFORMATION *)0)->f) }
static const struct field performance_info_fields[] = {
    PSAPI(cb), PSAPI(CommitTotal), PSAPI(CommitLimit), PSAPI(CommitPeak),
    PSAPI(PhysicalTotal), PSAPI(PhysicalAvailable), PSAPI(SystemCache), PSAPI(KernelTotal),
    PSAPI(KernelPaged), PSAPI(KernelNonpaged), PSAPI(PageSize), PSAPI(HandleCount),
    PSAPI(ProcessCount), PSAPI(ThreadCount),
};

static int l_get_performance_info(lua_State *L)
{
    PERFORMANCE_INFORMATION i;
    if (!GetPerformanceInfo(&i, sizeof i)) {
        lua_pushnil(L);
        return 1;
    }
    push_fields(L, (const uint8_t *)&i, performance_info_fields,
                sizeof performance_info_fields / sizeof performance_info_fields[0]);
    return 1;
}

static int l_nt_query_system_information(lua_State *L)
{
    SYSTEM_INFORMATION_CLASS c = (SYSTEM_INFORMATION_CLASS)(uint32_t)luaL_checkinteger(L, 1);
    union {
        SYSTEM_BASIC_INFORMATION basic;
        SYSTEM_PERFORMANCE_INFORMATION performance;
    } info;
    ULONG size = c == SystemBasicInformation ? sizeof info.basic : sizeof info.performance;
    NTSTATUS st = NtQuerySystemInformation(c, &info, size, NULL);
    if (!NT_SUCCESS(st)) {
        lua_pushnil(L);
        lua_pushinteger(L, (lua_Integer)(uint32_t)st);
        return 2;
    }
    if (c == SystemBasicInformation)
        push_fields(L, (const uint8_t *)&info, basic_fields,
                    sizeof basic_fields / sizeof basic_fields[0]);
    else
        push_fields(L, (const uint8_t *)&info, performance_fields,
                    sizeof performance_fields / sizeof performance_fields[0]);
    return 1;
}

void bind_sysinfo(lua_State *L)
{
    static const luaL_Reg functions[] = {
        { "GetSystemInfo", l_get_system_info },
        { "GetNativeSystemInfo", l_get_native_system_info },
        { "GlobalMemoryStatusEx", l_global_memory_status_ex },
        { "GetProcessMemoryInfo", l_get_process_memory_info },
        { "GetPerformanceInfo", l_get_performance_info },
        { "NtQuerySystemInformation", l_nt_query_system_information },
        { NULL, NULL },
    };
    shell_register(L, functions);
}
