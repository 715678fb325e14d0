/*
 * tools.h — the debugger commands and tools (WinDbg's !vad, !pte, !pfn, dd,
 * dt, x …; VMMap, RAMMap) as a C interface the shell drives. Tools read the
 * machine only through the public headers (ntmm.h, introspect.h): they are
 * what a user could have written against the library.
 *
 * (1) A command's whole output goes into a struct tool_output, so the REPL
 *     prints it and a script's dbg("...") returns it; output is deterministic.
 * (2) A command given bad arguments prints one clear line ("!pfn: ...") and
 *     changes nothing; its status says it failed.
 * (3) Reading memory for display never changes the machine: no page is
 *     faulted in, no Accessed bit or TLB entry set (unreadable bytes print
 *     as ????????, as in WinDbg). Only the edit commands (ed, eb, eq) and
 *     .process change anything.
 */
#ifndef NTMM_TOOLS_H
#define NTMM_TOOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"

struct tool_output {
    char *text;      /* NUL-terminated; NULL until something is printed */
    size_t length;   /* bytes in text */
    size_t capacity; /* bytes allocated */
};

void tool_printf(struct tool_output *out, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
void tool_output_free(struct tool_output *out);

struct tool_context {
    struct ntmm_machine *machine;  /* the machine the commands look at */
    struct ntmm_process *process;  /* the process whose user space dd/!pte/!vad see (.process) */
};

/* True if the first word of line names a debugger command or a tool
 * ("!vad", "dd", "dt", ".process", "x", "vmmap", "rammap" …). */
bool tools_is_command(const char *line);

/* For completion: the name of command `index` ("!vad", "dd" …) and of dt's
 * type `index` ("_MMPFN" …); NULL past the last. */
const char *tools_command_name(size_t index);
const char *tools_dt_type_name(size_t index);

/* Runs one command line and prints its output. STATUS_SUCCESS, or the
 * failure (with one line saying why in out): STATUS_INVALID_PARAMETER for a
 * bad argument, STATUS_OBJECT_NAME_NOT_FOUND for an unknown command or
 * symbol. */
NTSTATUS tools_run(struct tool_context *context, const char *line, struct tool_output *out);

/* The STOP screen of bug check b (analyze.c), as the machine's display
 * shows it when it stops. */
void tools_stop_screen(const struct ntmm_machine *machine, const struct ntmm_bug_check *b,
                       struct tool_output *out);

/* WinDbg's expression syntax: hex by default, 0n for decimal, 0x and 0y
 * prefixes, symbols (MmPfnDatabase, nt!MmPfnDatabase), + - * / and
 * parentheses, and poi(addr) to read a pointer. Returns false with a reason
 * in error. */
bool tools_evaluate(struct tool_context *context, const char *expression, uint64_t *value,
                    char *error, size_t error_size);

#endif
