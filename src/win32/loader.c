/*
 * loader.c — kernelbase's module functions (LoadLibrary(Ex)W/A,
 * FreeLibrary, GetModuleHandleW/A, GetModuleFileNameW/A) over the image
 * loader (ldr/loader.h).
 *
 * (1) Errors: a name the drive does not have gives ERROR_MOD_NOT_FOUND, a
 *     file that is not an image (or is a 64-bit one on a 32-bit machine)
 *     ERROR_BAD_EXE_FORMAT, a handle no module has ERROR_MOD_NOT_FOUND.
 * (2) LoadLibraryEx takes no hFile (ERROR_INVALID_PARAMETER) and the flags
 *     0 and DONT_RESOLVE_DLL_REFERENCES (others: ERROR_INVALID_PARAMETER).
 * (3) GetModuleFileName writes the C: path into simulated memory; a buffer
 *     too small gets the path truncated to nSize - 1 characters and a NUL,
 *     returns nSize and sets ERROR_INSUFFICIENT_BUFFER (Windows Vista and
 *     later).
 */
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "ldr/loader.h"
#include "rtl/rtl.h"
#include "win32/win32_internal.h"

HMODULE WINAPI LoadLibraryExA(LPCSTR lpLibFileName, HANDLE hFile, DWORD dwFlags)
{
    if (hFile || (dwFlags & ~(DWORD)DONT_RESOLVE_DLL_REFERENCES) || !lpLibFileName) {
        SetLastError(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    struct ntmm_module *m;
    NTSTATUS st = ldr_load_dll(ntmm_current_process(), lpLibFileName, dwFlags, &m);
    if (st == STATUS_INVALID_IMAGE_NOT_MZ || st == STATUS_INVALID_FILE_FOR_SECTION)
        st = STATUS_INVALID_IMAGE_FORMAT;
    return win32_check(st) ? (HMODULE)(uintptr_t)m->base : NULL;
}

/* The A form of a W name (NULL: none); false after setting the error. */
static bool narrow_name(LPCWSTR name, char **out)
{
    bool bad;
    *out = rtl_utf16z_to_utf8(name, &bad);
    if (!*out && name)
        SetLastError(bad ? ERROR_INVALID_NAME : ERROR_NOT_ENOUGH_MEMORY);
    return *out || !name;
}

HMODULE WINAPI LoadLibraryExW(LPCWSTR lpLibFileName, HANDLE hFile, DWORD dwFlags)
{
    char *name;
    if (!narrow_name(lpLibFileName, &name))
        return NULL;
    HMODULE h = LoadLibraryExA(name, hFile, dwFlags);
    free(name);
    return h;
}

HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName)
{
    return LoadLibraryExA(lpLibFileName, NULL, 0);
}

HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName)
{
    return LoadLibraryExW(lpLibFileName, NULL, 0);
}

BOOL WINAPI FreeLibrary(HMODULE hLibModule)
{
    return win32_check(ldr_unload_dll(ntmm_current_process(), (uint64_t)(uintptr_t)hLibModule));
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName)
{
    struct ntmm_process *p = ntmm_current_process();
    struct ntmm_module *m = p ? ldr_find_module(p, lpModuleName) : NULL;
    if (!m) {
        SetLastError(ERROR_MOD_NOT_FOUND);
        return NULL;
    }
    return (HMODULE)(uintptr_t)m->base;
}

HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName)
{
    char *name;
    if (!narrow_name(lpModuleName, &name))
        return NULL;
    HMODULE h = GetModuleHandleA(name);
    free(name);
    return h;
}

/* The module hModule names (NULL: the EXE), or NULL with the error set. */
static struct ntmm_module *module_of(HMODULE hModule)
{
    struct ntmm_process *p = ntmm_current_process();
    struct ntmm_module *m = !p ? NULL
                            : hModule ? ldr_module_at(p, (uint64_t)(uintptr_t)hModule)
                                      : ldr_find_module(p, NULL);
    if (!m)
        SetLastError(ERROR_MOD_NOT_FOUND);
    return m;
}

/* (3): count characters of width `unit` from text into simulated memory. */
static DWORD put_name(const void *text, size_t length, size_t unit, void *buffer, DWORD nSize)
{
    if (!nSize) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return 0;
    }
    bool fits = length < nSize;
    size_t n = fits ? length : nSize - 1;
    uint64_t at = (uint64_t)(uintptr_t)buffer;
    static const uint16_t nul = 0;
    NTSTATUS st = ntmm_write(ntmm_current_process(), at, text, n * unit);
    if (NT_SUCCESS(st))
        st = ntmm_write(ntmm_current_process(), at + n * unit, &nul, unit);
    if (!NT_SUCCESS(st)) {
        win32_check(io_buffer_fault(st));
        return 0;
    }
    if (!fits) {
        SetLastError(ERROR_INSUFFICIENT_BUFFER);
        return nSize;
    }
    return (DWORD)n;
}

DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize)
{
    struct ntmm_module *m = module_of(hModule);
    return m ? put_name(m->path, strlen(m->path), 1, lpFilename, nSize) : 0;
}

DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize)
{
    struct ntmm_module *m = module_of(hModule);
    if (!m)
        return 0;
    size_t n;
    WCHAR *wide = rtl_utf8_to_utf16(m->path, &n);
    if (!wide) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    DWORD r = put_name(wide, n, sizeof *wide, lpFilename, nSize);
    free(wide);
    return r;
}
