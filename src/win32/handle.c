/*
 * handle.c — kernelbase's handle and process-identity functions: CloseHandle,
 * DuplicateHandle, OpenProcess, GetProcessId, GetCurrentProcessId, each over
 * the Nt service Windows uses (NtClose, NtDuplicateObject, NtOpenProcess,
 * NtQueryInformationProcess with ProcessBasicInformation).
 *
 * (1) A failure sets the last error to RtlNtStatusToDosError of the status
 *     and returns FALSE / NULL / 0; success leaves the last error alone.
 * (2) CloseHandle of GetCurrentProcess()'s pseudo-handle does nothing and
 *     succeeds, as the documentation says.
 */
#include "win32/win32_internal.h"

BOOL WINAPI CloseHandle(HANDLE hObject)
{
    return win32_check(NtClose(hObject));
}

BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
{
    return win32_check(NtDuplicateObject(hSourceProcessHandle, hSourceHandle,
                                         hTargetProcessHandle, lpTargetHandle, dwDesiredAccess,
                                         bInheritHandle ? OBJ_INHERIT : 0, dwOptions));
}

HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwProcessId)
{
    OBJECT_ATTRIBUTES attributes;
    CLIENT_ID id = { (HANDLE)(uintptr_t)dwProcessId, NULL };
    HANDLE handle = NULL;
    InitializeObjectAttributes(&attributes, NULL, bInheritHandle ? OBJ_INHERIT : 0, NULL, NULL);
    if (!win32_check(NtOpenProcess(&handle, dwDesiredAccess, &attributes, &id)))
        return NULL;
    return handle;
}

DWORD WINAPI GetProcessId(HANDLE Process)
{
    PROCESS_BASIC_INFORMATION info;
    if (!win32_check(NtQueryInformationProcess(Process, ProcessBasicInformation, &info,
                                               sizeof info, NULL)))
        return 0;
    return (DWORD)info.UniqueProcessId;
}

DWORD WINAPI GetCurrentProcessId(void)
{
    return GetProcessId(NtCurrentProcess());
}
