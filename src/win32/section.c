/*
 * section.c — kernelbase's file-mapping functions (CreateFileMappingW/A,
 * OpenFileMappingW/A, MapViewOfFile(Ex), UnmapViewOfFile, FlushViewOfFile)
 * over the section services of nt.h.
 *
 * (1) Names go to \BaseNamedObjects; CreateFileMapping opens an existing
 *     one (OBJ_OPENIF) and then sets ERROR_ALREADY_EXISTS, else the last
 *     error 0, as kernelbase does.
 * (2) CreateFileMapping's handle has the rights the protection allows:
 *     SECTION_MAP_WRITE only for a writable section, SECTION_MAP_EXECUTE only
 *     for an executable one (so FILE_MAP_WRITE of a PAGE_READONLY mapping
 *     fails with ERROR_ACCESS_DENIED, as Windows' does).
 * (3) MapViewOfFile's access becomes the view's protection: exactly
 *     FILE_MAP_COPY is PAGE_WRITECOPY, any FILE_MAP_WRITE PAGE_READWRITE,
 *     FILE_MAP_READ PAGE_READONLY, the EXECUTE_ forms with FILE_MAP_EXECUTE,
 *     and nothing PAGE_NOACCESS.
 * (4) A size of zero for a pagefile-backed mapping is ERROR_INVALID_PARAMETER
 *     before the service is called; FlushViewOfFile of private memory
 *     succeeds (STATUS_NOT_MAPPED_DATA is not an error to kernelbase).
 */
#include <stdlib.h>
#include <string.h>

#include "rtl/rtl.h"
#include "win32/win32_internal.h"

#define SEC_MASK 0xFFF00000u

static const WCHAR directory[] = { '\\', 'B', 'a', 's', 'e', 'N', 'a', 'm', 'e', 'd', 'O', 'b',
                                   'j', 'e', 'c', 't', 's', '\\' };

/* (1): "\BaseNamedObjects\" + name as a UNICODE_STRING (its buffer malloc'd). */
static bool full_name(LPCWSTR name, UNICODE_STRING *u)
{
    size_t n = 0, prefix = sizeof directory / sizeof directory[0];
    while (name[n])
        n++;
    if ((prefix + n) * 2 > 0xfffe) {
        SetLastError(ERROR_INVALID_NAME);
        return false;
    }
    WCHAR *buffer = malloc((prefix + n) * sizeof *buffer);
    if (!buffer) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return false;
    }
    memcpy(buffer, directory, sizeof directory);
    memcpy(buffer + prefix, name, n * sizeof *name);
    *u = (UNICODE_STRING){ (USHORT)((prefix + n) * 2), (USHORT)((prefix + n) * 2), buffer };
    return true;
}

static bool is_write(DWORD protect)
{
    return protect == PAGE_READWRITE || protect == PAGE_EXECUTE_READWRITE;
}

static bool is_execute(DWORD protect)
{
    return protect == PAGE_EXECUTE || protect == PAGE_EXECUTE_READ ||
           protect == PAGE_EXECUTE_READWRITE || protect == PAGE_EXECUTE_WRITECOPY;
}

HANDLE WINAPI CreateFileMappingW(HANDLE hFile, PVOID lpFileMappingAttributes, DWORD flProtect,
                                 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                                 LPCWSTR lpName)
{
    (void)lpFileMappingAttributes;
    ULONG attributes = flProtect & SEC_MASK, protect = flProtect & ~SEC_MASK;
    LARGE_INTEGER size;
    size.QuadPart = (int64_t)(((uint64_t)dwMaximumSizeHigh << 32) | dwMaximumSizeLow);
    if (hFile == INVALID_HANDLE_VALUE) {
        hFile = NULL;
        if (!size.QuadPart) {
            SetLastError(ERROR_INVALID_PARAMETER);
            return NULL;
        }
    }
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    if (lpName && !full_name(lpName, &name))
        return NULL;
    InitializeObjectAttributes(&oa, lpName ? &name : NULL, OBJ_OPENIF, NULL, NULL);
    ACCESS_MASK access = STANDARD_RIGHTS_REQUIRED | SECTION_QUERY | SECTION_MAP_READ |
                         (is_write(protect) ? SECTION_MAP_WRITE : 0) |
                         (is_execute(protect) ? SECTION_MAP_EXECUTE : 0);
    HANDLE section;
    NTSTATUS st = NtCreateSection(&section, access, &oa, &size, protect,
                                  attributes ? attributes : SEC_COMMIT, hFile);
    if (lpName)
        free(name.Buffer);
    if (!win32_check(st))
        return NULL;
    SetLastError(st == STATUS_OBJECT_NAME_EXISTS ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
    return section;
}

/* The W form of an A name, for the A functions (NULL: none). */
static bool widen(LPCSTR name, WCHAR **wide)
{
    size_t n;
    *wide = NULL;
    if (!name)
        return true;
    *wide = rtl_utf8_to_utf16(name, &n);
    if (!*wide)
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return *wide != NULL;
}

HANDLE WINAPI CreateFileMappingA(HANDLE hFile, PVOID lpFileMappingAttributes, DWORD flProtect,
                                 DWORD dwMaximumSizeHigh, DWORD dwMaximumSizeLow,
                                 LPCSTR lpName)
{
    WCHAR *name;
    if (!widen(lpName, &name))
        return NULL;
    HANDLE h = CreateFileMappingW(hFile, lpFileMappingAttributes, flProtect, dwMaximumSizeHigh,
                                  dwMaximumSizeLow, name);
    free(name);
    return h;
}

HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName)
{
    if (!lpName) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    UNICODE_STRING name;
    OBJECT_ATTRIBUTES oa;
    if (!full_name(lpName, &name))
        return NULL;
    InitializeObjectAttributes(&oa, &name, bInheritHandle ? OBJ_INHERIT : 0, NULL, NULL);
    /* a copy-on-write view only reads the section */
    if (dwDesiredAccess == FILE_MAP_COPY)
        dwDesiredAccess = SECTION_MAP_READ;
    HANDLE section;
    NTSTATUS st = NtOpenSection(&section, dwDesiredAccess, &oa);
    free(name.Buffer);
    return win32_check(st) ? section : NULL;
}

HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName)
{
    WCHAR *name;
    if (!widen(lpName, &name))
        return NULL;
    HANDLE h = OpenFileMappingW(dwDesiredAccess, bInheritHandle, name);
    free(name);
    return h;
}

/* (3) */
static ULONG view_protection(DWORD access)
{
    bool execute = access & FILE_MAP_EXECUTE;
    if ((access & ~(DWORD)FILE_MAP_EXECUTE) == FILE_MAP_COPY)
        return execute ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY;
    if (access & FILE_MAP_WRITE)
        return execute ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE;
    if (access & FILE_MAP_READ)
        return execute ? PAGE_EXECUTE_READ : PAGE_READONLY;
    return PAGE_NOACCESS;
}

LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                              DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                              SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress)
{
    PVOID base = lpBaseAddress;
    SIZE_T size = dwNumberOfBytesToMap;
    LARGE_INTEGER offset;
    offset.QuadPart = (int64_t)(((uint64_t)dwFileOffsetHigh << 32) | dwFileOffsetLow);
    NTSTATUS st = NtMapViewOfSection(hFileMappingObject, GetCurrentProcess(), &base, 0, 0,
                                     &offset, &size, ViewShare, 0,
                                     view_protection(dwDesiredAccess));
    return win32_check(st) ? base : NULL;
}

LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                            DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                            SIZE_T dwNumberOfBytesToMap)
{
    return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, dwFileOffsetHigh,
                           dwFileOffsetLow, dwNumberOfBytesToMap, NULL);
}

BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress)
{
    return win32_check(NtUnmapViewOfSection(GetCurrentProcess(), (PVOID)lpBaseAddress));
}

BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush)
{
    PVOID base = (PVOID)lpBaseAddress;
    SIZE_T size = dwNumberOfBytesToFlush;
    IO_STATUS_BLOCK io;
    NTSTATUS st = NtFlushVirtualMemory(GetCurrentProcess(), &base, &size, &io);
    return st == STATUS_NOT_MAPPED_DATA || win32_check(st);
}
