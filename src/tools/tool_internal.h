/*
 * tool_internal.h — what the debugger commands and tools (the src/tools files)
 * share: the command table, argument and error helpers, WinDbg's address
 * formatting, and side-effect-free memory access through the public views.
 *
 * (1) Tools see the machine only through ntmm.h, introspect.h, win32.h and
 *     nt.h; nothing here includes a src/mm, src/ps or src/ke header.
 * (2) tool_read never changes the machine: it translates with ntmm_pte_walk
 *     (no Accessed bit, no TLB fill) and reads physical memory.
 * (3) A failing command prints exactly one line (tool_fail) and has changed
 *     nothing.
 */
#ifndef NTMM_TOOL_INTERNAL_H
#define NTMM_TOOL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/tools.h"

/* One command: name as typed and the handler (its help is help.h's). The
 * handler gets the command's name and the rest of the line (trimmed). */
typedef NTSTATUS tool_handler(struct tool_context *context, const char *name, const char *args,
                              struct tool_output *out);
struct tool_command {
    const char *name;
    tool_handler *run;
};
extern const struct tool_command tool_commands[];
extern const size_t tool_command_count;

tool_handler tool_vad, tool_pte, tool_vtop, tool_pfn, tool_vm, tool_memusage, tool_address,
    tool_process, tool_dot_process, tool_dt, tool_dump, tool_dump_physical, tool_edit, tool_x,
    tool_verify, tool_vmmap, tool_rammap, tool_help, tool_ca, tool_lm, tool_dh, tool_analyze,
    tool_dot_bugcheck, tool_dot_reboot, tool_wsle, tool_apropos, tool_evaluate, tool_formats,
    tool_registers, tool_error, tool_cls;

/* Prints "format\n" and returns status (the one-line error of a command). */
NTSTATUS tool_fail(struct tool_output *out, NTSTATUS status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Evaluates expression; on failure prints "name: reason" and returns false. */
bool tool_eval(struct tool_context *context, const char *name, const char *expression,
               uint64_t *value, struct tool_output *out);

/* Splits a copy of args at white space into at most max words (in buffer,
 * which must hold strlen(args) + 1 bytes); returns the number of words, or
 * max + 1 when there were more. */
size_t tool_split(const char *args, char *buffer, char **words, size_t max);

bool tool_is_x64(const struct tool_context *context);
unsigned tool_pointer_size(const struct tool_context *context);

/* WinDbg's way of writing an address of this machine: 8 hex digits on x86
 * and PAE, "fffff800`02c4d100" on x64 (upper selects upper-case digits). */
struct tool_hex { char text[24]; };
struct tool_hex tool_address_text(const struct tool_context *context, uint64_t address, bool upper);
/* A 64-bit value as WinDbg shows a qword: "00000000`00001000". */
struct tool_hex tool_qword_text(uint64_t value);
/* 1234567 -> "1,234,567" (VMMap and RAMMap's K columns). */
struct tool_hex tool_grouped(uint64_t value);

/* The address space an address lives in: the context's process for user
 * addresses (at or below its highest user address), for the PTE self-map
 * (each process maps its own page tables there, as WinDbg's view of
 * C0000000 is the current process's) and for hyperspace (its working-set
 * list at MmWorkingSetList), else the System's (NULL). */
const struct ntmm_process *tool_space_of(const struct tool_context *context, uint64_t va);

/* The end of the PTE self-map (PTE_BASE + one PTE per virtual page). */
uint64_t tool_self_map_end(const struct tool_context *context);

/* !vad's pseudo address of the VAD at index (address order) and of the
 * tree's root (VadRoot); see vad.c. */
uint64_t tool_vad_root_address(const struct tool_context *context);
/* The context's process's VAD that contains va; false (and *vad zeroed)
 * when none does. */
bool tool_vad_containing(const struct tool_context *context, uint64_t va,
                         struct ntmm_vad_info *vad);

/* Physical address of va, or false when no valid leaf maps it. */
bool tool_translate(const struct tool_context *context, uint64_t va, uint64_t *physical);

/* Reads size bytes at va without side effects; valid[i] says whether byte i
 * was readable (unreadable bytes read as 0). Returns true if all were. */
bool tool_read(const struct tool_context *context, uint64_t va, void *buffer, size_t size,
               bool *valid);
/* Reads one little-endian value of width bytes (1, 2, 4, 8) at va. */
bool tool_read_value(const struct tool_context *context, uint64_t va, unsigned width,
                     uint64_t *value);

/* A file's name as Windows' FILE_OBJECT holds it, relative to its volume:
 * "C:\dir/abc.txt" -> "\dir\abc.txt": the drive gone, '/' made a backslash. */
struct tool_name { char text[272]; };
struct tool_name tool_file_name_text(const char *name);
/* The module name WinDbg's lm gives an image file: its base name without
 * the extension ("C:\app.dll" -> "app"). */
struct tool_name tool_module_name(const char *name);

/* The MM_* protection of a software PTE as !pte prints it: "4 - ReadWrite". */
const char *tool_protection_name(unsigned protection, char *buffer, size_t size);

/* The PROCESS column of !process and .process: ntmm has no kernel address
 * for its EPROCESS objects, so each process gets a stable pseudo address
 * derived from its Cid (see process.c). */
uint64_t tool_process_address(const struct tool_context *context, uint32_t cid);
/* The process named by a Cid or a PROCESS pseudo address; NULL if none. */
struct ntmm_process *tool_process_find(const struct tool_context *context, uint64_t key);

/* One region of a process's user space, as NtQueryVirtualMemory
 * (VirtualQueryEx) reports it: MEMORY_BASIC_INFORMATION's fields. */
struct tool_region {
    uint64_t base, size, allocation_base;
    uint32_t state, protect, type, allocation_protect;
};
/* The context's process's regions from address 0 up to its highest user
 * address, in order (caller frees *regions). The process is made current for
 * the query and the previous current process restored. False (and an error
 * line) without a process or host memory. */
bool tool_query_regions(struct tool_context *context, const char *name,
                        struct tool_region **regions, size_t *count, struct tool_output *out);
const char *tool_page_protection_name(uint32_t protect, char *buffer, size_t size);

#endif
