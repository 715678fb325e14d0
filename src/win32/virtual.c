/*
 * virtual.c — kernelbase's virtual-memory functions (VirtualAlloc,
 * VirtualFree, VirtualProtect, VirtualQuery, VirtualLock and their *Ex
 * forms): thin translations over the Nt services, as kernelbase is over
 * ntdll, that turn an NTSTATUS into FALSE / NULL / 0 and the last error
 * RtlNtStatusToDosError gives.
 *
 * (1) A function that fails sets the last error; one that succeeds leaves
 *     it alone, as Windows does.
 * (2) The only checks made here are the ones kernelbase makes itself
 *     (VirtualFree's MEM_RELEASE with a size); everything else is the Nt
 *     service's.
 */
#include "ntmm/win32.h"
#include "win32/win32_internal.h"

/* Sets the last error for a failed status; returns whether st succeeded. */
bool win32_check(NTSTATUS st)
{
    if (NT_SUCCESS(st))
        return true;
    SetLastError(RtlNtStatusToDosError(st));
    return false;
}

LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flAllocationType, DWORD flProtect)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    if (!win32_check(NtAllocateVirtualMemory(hProcess, &base, 0, &size, flAllocationType,
                                             flProtect)))
        return NULL;
    return base;
}

LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                           DWORD flProtect)
{
    return VirtualAllocEx(GetCurrentProcess(), lpAddress, dwSize, flAllocationType, flProtect);
}

BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
    if ((dwFreeType & MEM_RELEASE) && dwSize != 0) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    return win32_check(NtFreeVirtualMemory(hProcess, &base, &size, dwFreeType));
}

BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType)
{
    return VirtualFreeEx(GetCurrentProcess(), lpAddress, dwSize, dwFreeType);
}

BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                             DWORD flNewProtect, PDWORD lpflOldProtect)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    return win32_check(NtProtectVirtualMemory(hProcess, &base, &size, flNewProtect,
                                              (PULONG)lpflOldProtect));
}

BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                           PDWORD lpflOldProtect)
{
    return VirtualProtectEx(GetCurrentProcess(), lpAddress, dwSize, flNewProtect, lpflOldProtect);
}

SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
                             PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
    SIZE_T written = 0;
    if (!win32_check(NtQueryVirtualMemory(hProcess, (PVOID)lpAddress, MemoryBasicInformation,
                                          lpBuffer, dwLength, &written)))
        return 0;
    return written;
}

SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength)
{
    return VirtualQueryEx(GetCurrentProcess(), lpAddress, lpBuffer, dwLength);
}

BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    return win32_check(NtLockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS));
}

BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize)
{
    PVOID base = lpAddress;
    SIZE_T size = dwSize;
    return win32_check(NtUnlockVirtualMemory(GetCurrentProcess(), &base, &size, MAP_PROCESS));
}
