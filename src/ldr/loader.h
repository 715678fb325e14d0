/*
 * loader.h — the image loader (Windows: ntdll's Ldr*: LdrLoadDll,
 * LdrUnloadDll, LdrGetDllHandle, and the process start that maps the EXE):
 * images found on the machine's C: drive are mapped as SEC_IMAGE sections
 * (mm/section.h) into a process, with the DLLs they import. No code runs:
 * DllMain and the entry point are never called, imports are not bound.
 *
 * (1) A name without a directory is looked for in the EXE's directory, then
 *     C:\WINDOWS\system32, then C:\ (Windows' search order, reduced to the
 *     directories ntmm's drive has); ".dll" is added to a name without an
 *     extension. STATUS_DLL_NOT_FOUND when no candidate exists.
 * (2) A module already loaded (same full path, compared without case) is
 *     not mapped again: its LoadCount grows, and FreeLibrary's unload only
 *     unmaps it when the count reaches 0, then unloads what it imported.
 * (3) An import that is not on the drive is skipped (ntmm has no system
 *     DLLs such as kernel32.dll); one that is there but fails to load fails
 *     the whole load, which then leaves nothing loaded.
 * (4) Module handles (HMODULE) are the image bases.
 */
#ifndef NTMM_LDR_LOADER_H
#define NTMM_LDR_LOADER_H

#include "ntmm/win32.h"
#include "ps/process.h"


/* Windows: LdrLoadDll. *module gets the loaded (or already loaded) module. */
NTSTATUS ldr_load_dll(struct ntmm_process *process, const char *name, ULONG flags,
                      struct ntmm_module **module);
/* Windows: LdrUnloadDll. STATUS_DLL_NOT_FOUND for a base no module has. */
NTSTATUS ldr_unload_dll(struct ntmm_process *process, uint64_t base);
/* Windows: LdrGetDllHandle — by base name (".dll" added when there is no
 * extension, compared without case); NULL name: the EXE. */
struct ntmm_module *ldr_find_module(struct ntmm_process *process, const char *name);
struct ntmm_module *ldr_module_at(struct ntmm_process *process, uint64_t base);
/* Maps the EXE at path as process's image and loads its imports: the
 * image's headers set the process's bitness, LARGE_ADDRESS_AWARE flag and
 * so its user address limit first (E12). */
NTSTATUS ldr_start_process(struct ntmm_process *process, const char *path);
/* Frees the module list (process exit; the views go with the address space). */
void ldr_free_modules(struct ntmm_process *process);

#endif
