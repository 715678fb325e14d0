/*
 * workingset.c — kernelbase's and psapi's working-set calls
 * (GetProcessWorkingSetSize(Ex), SetProcessWorkingSetSize(Ex),
 * EmptyWorkingSet, QueryWorkingSet, QueryWorkingSetEx), each built on
 * ProcessQuotaLimits or NtQueryVirtualMemory as Windows builds it.
 *
 * (1) Set: a size of 0 is ERROR_INVALID_PARAMETER before any service is
 *     called (kernelbase's own check); the rest is the service's status.
 *     A clamped limit (STATUS_WORKING_SET_LIMIT_RANGE) is a success.
 * (2) EmptyWorkingSet queries the limits first (so it needs
 *     PROCESS_QUERY_INFORMATION as well) and sets both to (SIZE_T)-1; a
 *     missing privilege would not be an error for it.
 */
#include "win32/win32_internal.h"

static bool query_limits(HANDLE hProcess, QUOTA_LIMITS_EX *q)
{
    return win32_check(
        NtQueryInformationProcess(hProcess, ProcessQuotaLimits, q, sizeof *q, NULL));
}

BOOL WINAPI GetProcessWorkingSetSizeEx(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
                                       PSIZE_T lpMaximumWorkingSetSize, PDWORD Flags)
{
    QUOTA_LIMITS_EX q;
    if (!query_limits(hProcess, &q))
        return FALSE;
    *lpMinimumWorkingSetSize = q.MinimumWorkingSetSize;
    *lpMaximumWorkingSetSize = q.MaximumWorkingSetSize;
    *Flags = q.Flags;
    return TRUE;
}

BOOL WINAPI GetProcessWorkingSetSize(HANDLE hProcess, PSIZE_T lpMinimumWorkingSetSize,
                                     PSIZE_T lpMaximumWorkingSetSize)
{
    DWORD flags;
    return GetProcessWorkingSetSizeEx(hProcess, lpMinimumWorkingSetSize, lpMaximumWorkingSetSize,
                                      &flags);
}

/* (1) */
BOOL WINAPI SetProcessWorkingSetSizeEx(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
                                       SIZE_T dwMaximumWorkingSetSize, DWORD Flags)
{
    if (!dwMinimumWorkingSetSize || !dwMaximumWorkingSetSize) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    QUOTA_LIMITS_EX q = {
        .MinimumWorkingSetSize = dwMinimumWorkingSetSize,
        .MaximumWorkingSetSize = dwMaximumWorkingSetSize,
        .Flags = Flags,
    };
    return win32_check(NtSetInformationProcess(hProcess, ProcessQuotaLimits, &q, sizeof q));
}

BOOL WINAPI SetProcessWorkingSetSize(HANDLE hProcess, SIZE_T dwMinimumWorkingSetSize,
                                     SIZE_T dwMaximumWorkingSetSize)
{
    return SetProcessWorkingSetSizeEx(hProcess, dwMinimumWorkingSetSize, dwMaximumWorkingSetSize,
                                      0);
}

/* (2) Windows: psapi's EmptyWorkingSet */
BOOL WINAPI EmptyWorkingSet(HANDLE hProcess)
{
    QUOTA_LIMITS q;
    if (!win32_check(NtQueryInformationProcess(hProcess, ProcessQuotaLimits, &q, sizeof q, NULL)))
        return FALSE;
    q.MinimumWorkingSetSize = (SIZE_T)-1;
    q.MaximumWorkingSetSize = (SIZE_T)-1;
    NTSTATUS st = NtSetInformationProcess(hProcess, ProcessQuotaLimits, &q, sizeof q);
    return st == STATUS_PRIVILEGE_NOT_HELD || win32_check(st);
}

BOOL WINAPI QueryWorkingSet(HANDLE hProcess, PVOID pv, DWORD cb)
{
    return win32_check(
        NtQueryVirtualMemory(hProcess, NULL, MemoryWorkingSetInformation, pv, cb, NULL));
}

BOOL WINAPI QueryWorkingSetEx(HANDLE hProcess, PVOID pv, DWORD cb)
{
    return win32_check(
        NtQueryVirtualMemory(hProcess, NULL, MemoryWorkingSetExInformation, pv, cb, NULL));
}
