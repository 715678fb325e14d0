/*
 * file.c — kernelbase's file functions over the I/O manager (io/io.h):
 * CreateFileW/A, ReadFile, WriteFile, SetFilePointer(Ex), SetEndOfFile,
 * GetFileSize(Ex), DeleteFileW/A. win32.h says which arguments are
 * simulated addresses.
 *
 * (1) Failures set the last error (RtlNtStatusToDosError of the status, or
 *     the error kernelbase sets itself: ERROR_FILE_EXISTS for CREATE_NEW on
 *     an existing file, ERROR_NEGATIVE_SEEK, ERROR_INVALID_PARAMETER for a
 *     bad disposition or move method); CreateFile returns
 *     INVALID_HANDLE_VALUE.
 * (2) CREATE_ALWAYS and OPEN_ALWAYS on an existing file succeed with the
 *     last error ERROR_ALREADY_EXISTS; otherwise a successful CreateFile sets
 *     it to 0, as Windows does.
 * (3) TRUNCATE_EXISTING without GENERIC_WRITE (or FILE_WRITE_DATA) fails with
 *     ERROR_INVALID_PARAMETER (kernelbase's check; ntmm's choice where
 *     Windows versions differ).
 * (4) W names are converted to UTF-8 host strings (surrogate pairs joined;
 *     a lone surrogate gives ERROR_INVALID_NAME).
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "rtl/rtl.h"
#include "ps/process.h"
#include "win32/win32_internal.h"

static void set_error(DWORD e)
{
    SetLastError(e);
}

HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          PVOID lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    (void)lpSecurityAttributes;
    (void)dwFlagsAndAttributes;
    (void)hTemplateFile;
    static const ULONG dispositions[] = { 0, FILE_CREATE, FILE_OVERWRITE_IF, FILE_OPEN,
                                          FILE_OPEN_IF, FILE_OVERWRITE };
    if (dwCreationDisposition < CREATE_NEW || dwCreationDisposition > TRUNCATE_EXISTING ||
        (dwCreationDisposition == TRUNCATE_EXISTING &&
         !(io_map_generic(dwDesiredAccess) & FILE_WRITE_DATA))) {
        set_error(ERROR_INVALID_PARAMETER);
        return INVALID_HANDLE_VALUE;
    }
    if (!lpFileName) {
        set_error(ERROR_PATH_NOT_FOUND);
        return INVALID_HANDLE_VALUE;
    }
    HANDLE handle;
    bool existed;
    NTSTATUS st = io_create_file(ntmm_current_process(), lpFileName, dwDesiredAccess,
                                 dwShareMode, dispositions[dwCreationDisposition], &handle,
                                 &existed);
    if (st == STATUS_OBJECT_NAME_COLLISION) {
        set_error(ERROR_FILE_EXISTS);
        return INVALID_HANDLE_VALUE;
    }
    if (!win32_check(st))
        return INVALID_HANDLE_VALUE;
    bool tells = dwCreationDisposition == CREATE_ALWAYS || dwCreationDisposition == OPEN_ALWAYS;
    set_error(tells && existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return handle;
}

HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
                          PVOID lpSecurityAttributes, DWORD dwCreationDisposition,
                          DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
    bool bad;
    char *name = rtl_utf16z_to_utf8(lpFileName, &bad);
    if (!name && lpFileName) {
        set_error(bad ? ERROR_INVALID_NAME : ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    HANDLE h = CreateFileA(name, dwDesiredAccess, dwShareMode, lpSecurityAttributes,
                           dwCreationDisposition, dwFlagsAndAttributes, hTemplateFile);
    free(name);
    return h;
}

/* The simulated DWORD at p (NULL: none). */
static NTSTATUS put_count(LPDWORD p, uint32_t n)
{
    NTSTATUS st = p ? ntmm_write(ntmm_current_process(), (uint64_t)(uintptr_t)p, &n, sizeof n)
                    : STATUS_SUCCESS;
    return NT_SUCCESS(st) ? st : io_buffer_fault(st);
}

BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                     LPDWORD lpNumberOfBytesRead, PVOID lpOverlapped)
{
    if (lpOverlapped)
        return win32_check(STATUS_NOT_SUPPORTED);
    uint32_t done = 0;
    NTSTATUS counted = put_count(lpNumberOfBytesRead, 0);
    if (!NT_SUCCESS(counted))
        return win32_check(counted);
    NTSTATUS st = io_read_file(ntmm_current_process(), hFile, (uint64_t)(uintptr_t)lpBuffer,
                               nNumberOfBytesToRead, &done);
    counted = put_count(lpNumberOfBytesRead, done);
    if (!NT_SUCCESS(counted) && NT_SUCCESS(st))
        st = counted;
    return win32_check(st);
}

BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                      LPDWORD lpNumberOfBytesWritten, PVOID lpOverlapped)
{
    if (lpOverlapped)
        return win32_check(STATUS_NOT_SUPPORTED);
    uint32_t done = 0;
    NTSTATUS counted = put_count(lpNumberOfBytesWritten, 0);
    if (!NT_SUCCESS(counted))
        return win32_check(counted);
    NTSTATUS st = io_write_file(ntmm_current_process(), hFile, (uint64_t)(uintptr_t)lpBuffer,
                                nNumberOfBytesToWrite, &done);
    counted = put_count(lpNumberOfBytesWritten, done);
    if (!NT_SUCCESS(counted) && NT_SUCCESS(st))
        st = counted;
    return win32_check(st);
}

BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
                             PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod)
{
    uint64_t position, size;
    if (dwMoveMethod > FILE_END)
        return win32_check(STATUS_INVALID_PARAMETER);
    NTSTATUS st = io_query_file(ntmm_current_process(), hFile, &position, &size);
    if (!win32_check(st))
        return FALSE;
    int64_t base = dwMoveMethod == FILE_BEGIN ? 0
                   : dwMoveMethod == FILE_CURRENT ? (int64_t)position : (int64_t)size;
    int64_t d = liDistanceToMove.QuadPart;
    if ((d < 0 && base + d < 0) || (d > 0 && base > INT64_MAX - d)) {
        set_error(d < 0 ? ERROR_NEGATIVE_SEEK : ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    int64_t target = base + d;
    if (!win32_check(io_set_position(ntmm_current_process(), hFile, (uint64_t)target)))
        return FALSE;
    if (lpNewFilePointer)
        lpNewFilePointer->QuadPart = target;
    return TRUE;
}

DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove, PLONG lpDistanceToMoveHigh,
                            DWORD dwMoveMethod)
{
    LARGE_INTEGER d, result;
    if (lpDistanceToMoveHigh)
        d.QuadPart = (int64_t)(((uint64_t)(uint32_t)*lpDistanceToMoveHigh << 32) |
                               (uint32_t)lDistanceToMove);
    else
        d.QuadPart = lDistanceToMove;
    if (!SetFilePointerEx(hFile, d, &result, dwMoveMethod))
        return INVALID_SET_FILE_POINTER;
    if (lpDistanceToMoveHigh)
        *lpDistanceToMoveHigh = result.HighPart;
    else if (result.QuadPart > 0xFFFFFFFE) {
        set_error(ERROR_INVALID_PARAMETER);
        return INVALID_SET_FILE_POINTER;
    }
    if (result.LowPart == INVALID_SET_FILE_POINTER)
        set_error(ERROR_SUCCESS); /* tells a real 0xFFFFFFFF from a failure */
    return result.LowPart;
}

BOOL WINAPI SetEndOfFile(HANDLE hFile)
{
    return win32_check(io_set_end_of_file(ntmm_current_process(), hFile));
}

BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize)
{
    uint64_t position, size;
    if (!win32_check(io_query_file(ntmm_current_process(), hFile, &position, &size)))
        return FALSE;
    if (lpFileSize)
        lpFileSize->QuadPart = (int64_t)size;
    return TRUE;
}

DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh)
{
    LARGE_INTEGER size;
    if (!GetFileSizeEx(hFile, &size))
        return INVALID_FILE_SIZE;
    if (lpFileSizeHigh)
        *lpFileSizeHigh = (DWORD)size.HighPart;
    if (size.LowPart == INVALID_FILE_SIZE)
        set_error(ERROR_SUCCESS);
    return size.LowPart;
}

BOOL WINAPI DeleteFileA(LPCSTR lpFileName)
{
    struct ntmm_process *p = ntmm_current_process();
    if (!p)
        return win32_check(STATUS_INVALID_HANDLE);
    if (!lpFileName)
        return win32_check(STATUS_OBJECT_PATH_NOT_FOUND);
    return win32_check(io_delete_file(p->machine, lpFileName));
}

BOOL WINAPI DeleteFileW(LPCWSTR lpFileName)
{
    bool bad;
    char *name = rtl_utf16z_to_utf8(lpFileName, &bad);
    if (!name && lpFileName) {
        set_error(bad ? ERROR_INVALID_NAME : ERROR_NOT_ENOUGH_MEMORY);
        return FALSE;
    }
    BOOL ok = DeleteFileA(name);
    free(name);
    return ok;
}
