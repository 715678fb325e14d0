/*
 * help.h — the shell's help, one source for all of it: every debugger
 * command and tool, and every Lua function and Win32 name the shell binds,
 * each with its synopsis and its text. `help NAME`, `help`, `apropos`,
 * "did you mean", completion, docs/shell.md and the man page ntmm.1
 * (ntmm --help-markdown, ntmm --help-man) all read these tables.
 *
 * (1) Every command in the command table and every function the shell
 *     binds has exactly one entry (tests/test_help.sh checks it).
 * (2) An entry of group HELP_NOT_MODELLED names something Windows has that
 *     ntmm does not model (yet); the shell says so instead of a nil error.
 * (3) Texts are plain ASCII lines of at most 78 columns, each ending in
 *     "\n"; the synopsis is one line without "\n".
 */
#ifndef NTMM_TOOLS_HELP_H
#define NTMM_TOOLS_HELP_H

#include <stddef.h>

#include "tools/tools.h"

enum help_group {
    HELP_DEBUGGER,       /* WinDbg's commands: !pte, dd, dt, .process … */
    HELP_TOOLS,          /* VMMap, RAMMap and the like: vmmap, rammap */
    HELP_WIN32_MEMORY,   /* VirtualAlloc family, working sets, locks */
    HELP_FILES_SECTIONS, /* CreateFile, CreateFileMapping, MapViewOfFile, images */
    HELP_PROCESSES,      /* processes, handles, current process */
    HELP_MACHINE,        /* the simulated machine: idle, counters, reboot */
    HELP_HELPERS,        /* read32/write32, hex, dbg, kd … */
    HELP_NOT_MODELLED,   /* (2) */
    HELP_GROUP_COUNT
};

struct help_entry {
    const char *name;     /* as typed: "!pte", "VirtualAlloc" */
    enum help_group group;
    const char *synopsis; /* "!pte VA", "VirtualAlloc(lpAddress, dwSize, flAllocationType, flProtect) -> address | nil, error" */
    const char *summary;  /* one line for lists and apropos */
    const char *text;     /* the rest: arguments, output or return values, errors, pointers */
    const char *seeds;    /* the seed experiments that use it ("E4, E5"), or NULL */
};

/* help_commands.c: the debugger commands and tools; help_functions.c: the
 * Lua functions and Win32 names. */
extern const struct help_entry help_command_entries[];
extern const size_t help_command_entry_count;
extern const struct help_entry help_function_entries[];
extern const size_t help_function_entry_count;

/* Every entry, commands first: help_entry_at(0 .. help_entry_count() - 1). */
size_t help_entry_count(void);
const struct help_entry *help_entry_at(size_t index);

/* Every entry, group by group (in enum order), each group in table order:
 * start with *cursor = 0; NULL after the last. */
const struct help_entry *help_next_by_group(size_t *cursor);

/* The entry named name (exact), or NULL. */
const struct help_entry *help_find(const char *name);

/* Up to max known names nearest to name, nearest first; their number. */
size_t help_suggest(const char *name, const char **out, size_t max);

/* "Did you mean A, B or C?\n", or nothing when no name is near. */
void help_print_suggestions(struct tool_output *out, const char *name);

/* An entry as `help NAME` prints it. */
void help_print_entry(struct tool_output *out, const struct help_entry *e);

/* The group's heading in `help` and docs/shell.md. */
const char *help_group_title(enum help_group group);

#endif
