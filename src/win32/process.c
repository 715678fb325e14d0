/*
 * process.c — kernelbase's process and system queries: the last-error value
 * (kept in the current thread's TEB), GetCurrentProcess, GetSystemInfo,
 * GetNativeSystemInfo, GlobalMemoryStatusEx, GetPerformanceInfo and
 * GetProcessMemoryInfo, each built from the Nt information services as
 * kernelbase builds them.
 *
 * (1) E14: PrivateUsage is the committed private memory, WorkingSetSize the
 *     resident pages (and page tables), VirtualSize the reserved address
 *     space, each with its peak, and PageFaultCount the faults resolved.
 * (2) GlobalMemoryStatusEx and GetPerformanceInfo read the same
 *     SystemPerformanceInformation, so they agree: ullTotalPageFile is
 *     CommitLimit pages, ullAvailPageFile CommitLimit - CommittedPages,
 *     ullAvailPhys AvailablePages; dwMemoryLoad is the share of physical
 *     pages not available, 100 under 100 available pages, as kernelbase
 *     computes it (and 100 when an edited MmNumberOfPhysicalPages reads 0);
 *     ullAvailVirtual is the user space less VirtualSize.
 * (3) GetPerformanceInfo: counts in pages. SystemCache is 0 (ntmm has no
 *     system cache working set), KernelNonpaged 0 (nonpaged pool structures
 *     are host memory). HandleCount, ProcessCount and ThreadCount are 0:
 *     Windows adds them up from SystemProcessInformation, which ntmm does
 *     not provide.
 */
#include <string.h>

#include "nt/nt_internal.h"
#include "win32/win32_internal.h"

/* The last error of a host thread with no current process. */
static _Thread_local DWORD detached_last_error;

static DWORD *last_error_slot(void)
{
    struct ntmm_process *p = ntmm_current_process();
    return p ? &p->last_error : &detached_last_error;
}

DWORD WINAPI GetLastError(void)
{
    return *last_error_slot();
}

void WINAPI SetLastError(DWORD dwErrCode)
{
    *last_error_slot() = dwErrCode;
}

HANDLE WINAPI GetCurrentProcess(void)
{
    return NtCurrentProcess();
}

/* The system as the current process sees it; native: the processor's own
 * architecture, for a WOW64 process too. */
static void system_info(LPSYSTEM_INFO info, bool native)
{
    SYSTEM_BASIC_INFORMATION basic;
    memset(info, 0, sizeof *info);
    if (!NT_SUCCESS(NtQuerySystemInformation(SystemBasicInformation, &basic, sizeof basic, NULL)))
        return;
    struct ntmm_process *p = ntmm_current_process();
    bool x64 = native ? p->machine->config.arch == NTMM_ARCH_X64 : p->is_64bit;
    info->wProcessorArchitecture = x64 ? PROCESSOR_ARCHITECTURE_AMD64
                                       : PROCESSOR_ARCHITECTURE_INTEL;
    info->dwPageSize = basic.PageSize;
    info->lpMinimumApplicationAddress = (LPVOID)basic.MinimumUserModeAddress;
    info->lpMaximumApplicationAddress = (LPVOID)basic.MaximumUserModeAddress;
    info->dwActiveProcessorMask = basic.ActiveProcessorsAffinityMask;
    info->dwNumberOfProcessors = (DWORD)basic.NumberOfProcessors;
    info->dwProcessorType = x64 ? PROCESSOR_AMD_X8664 : PROCESSOR_INTEL_PENTIUM;
    info->dwAllocationGranularity = basic.AllocationGranularity;
    info->wProcessorLevel = 6;
}

void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
    system_info(lpSystemInfo, false);
}

void WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
    system_info(lpSystemInfo, true);
}

/* The two system classes kernelbase's memory reports start from. */
static bool query_system(SYSTEM_BASIC_INFORMATION *basic, SYSTEM_PERFORMANCE_INFORMATION *perf)
{
    return win32_check(NtQuerySystemInformation(SystemBasicInformation, basic, sizeof *basic,
                                                NULL)) &&
           win32_check(NtQuerySystemInformation(SystemPerformanceInformation, perf, sizeof *perf,
                                                NULL));
}

/* (2) */
BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer)
{
    if (!lpBuffer || lpBuffer->dwLength != sizeof *lpBuffer) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    SYSTEM_BASIC_INFORMATION basic;
    SYSTEM_PERFORMANCE_INFORMATION perf;
    VM_COUNTERS vm;
    if (!query_system(&basic, &perf) ||
        !win32_check(NtQueryInformationProcess(NtCurrentProcess(), ProcessVmCounters, &vm,
                                               sizeof vm, NULL)))
        return FALSE;
    uint64_t total = basic.NumberOfPhysicalPages;
    lpBuffer->dwMemoryLoad = perf.AvailablePages < 100 || total == 0
                                 ? 100
                                 : (DWORD)(100 * (total - perf.AvailablePages) / total);
    lpBuffer->ullTotalPhys = total * basic.PageSize;
    lpBuffer->ullAvailPhys = (uint64_t)perf.AvailablePages * basic.PageSize;
    lpBuffer->ullTotalPageFile = (uint64_t)perf.CommitLimit * basic.PageSize;
    lpBuffer->ullAvailPageFile = (uint64_t)(perf.CommitLimit - perf.CommittedPages) * basic.PageSize;
    lpBuffer->ullTotalVirtual = basic.MaximumUserModeAddress + 1 - basic.MinimumUserModeAddress;
    lpBuffer->ullAvailVirtual = lpBuffer->ullTotalVirtual - vm.VirtualSize;
    lpBuffer->ullAvailExtendedVirtual = 0;
    return TRUE;
}

/* (3) Windows: K32GetPerformanceInfo */
BOOL WINAPI GetPerformanceInfo(PPERFORMANCE_INFORMATION pPerformanceInformation, DWORD cb)
{
    if (cb < sizeof *pPerformanceInformation) {
        SetLastError(ERROR_BAD_LENGTH);
        return FALSE;
    }
    SYSTEM_BASIC_INFORMATION basic;
    SYSTEM_PERFORMANCE_INFORMATION perf;
    if (!query_system(&basic, &perf))
        return FALSE;
    PERFORMANCE_INFORMATION out = {
        .cb = sizeof out,
        .CommitTotal = perf.CommittedPages,
        .CommitLimit = perf.CommitLimit,
        .CommitPeak = perf.PeakCommitment,
        .PhysicalTotal = basic.NumberOfPhysicalPages,
        .PhysicalAvailable = perf.AvailablePages,
        .KernelTotal = (SIZE_T)perf.PagedPoolPages + perf.NonPagedPoolPages,
        .KernelPaged = perf.PagedPoolPages,
        .KernelNonpaged = perf.NonPagedPoolPages,
        .PageSize = basic.PageSize,
    };
    memcpy(pPerformanceInformation, &out, sizeof out);
    return TRUE;
}

BOOL WINAPI GetProcessMemoryInfo(HANDLE Process, PPROCESS_MEMORY_COUNTERS ppsmemCounters,
                                 DWORD cb)
{
    VM_COUNTERS_EX c;
    if (cb < sizeof(PROCESS_MEMORY_COUNTERS)) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return FALSE;
    }
    if (!win32_check(NtQueryInformationProcess(Process, ProcessVmCounters, &c, sizeof c, NULL)))
        return FALSE;
    PROCESS_MEMORY_COUNTERS_EX out = {
        .cb = cb >= sizeof out ? sizeof out : sizeof(PROCESS_MEMORY_COUNTERS),
        .PageFaultCount = c.PageFaultCount,
        .PeakWorkingSetSize = c.PeakWorkingSetSize,
        .WorkingSetSize = c.WorkingSetSize,
        .QuotaPeakPagedPoolUsage = c.QuotaPeakPagedPoolUsage,
        .QuotaPagedPoolUsage = c.QuotaPagedPoolUsage,
        .QuotaPeakNonPagedPoolUsage = c.QuotaPeakNonPagedPoolUsage,
        .QuotaNonPagedPoolUsage = c.QuotaNonPagedPoolUsage,
        .PagefileUsage = c.PagefileUsage,
        .PeakPagefileUsage = c.PeakPagefileUsage,
        .PrivateUsage = c.PrivateUsage,
    };
    memcpy(ppsmemCounters, &out, out.cb);
    return TRUE;
}
