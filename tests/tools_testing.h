/*
 * tools_testing.h — what the tests of the debugger commands share: a
 * machine with one current process and a tool context on it, a command run
 * that checks its status and returns its text, and a substring assertion.
 */
#ifndef NTMM_TOOLS_TESTING_H
#define NTMM_TOOLS_TESTING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"
#include "tools/tools.h"

struct fixture {
    struct ntmm_machine *machine;
    struct ntmm_process *process;
    struct tool_context context;
    uint64_t base; /* the test's own allocation */
};

/* Boots arch with ram_bytes and makes one new process current. */
static inline void fixture_start(struct fixture *f, enum ntmm_arch arch, uint64_t ram_bytes)
{
    f->machine = test_boot(arch, ram_bytes);
    assert_int_equal(ntmm_process_create(f->machine, NULL, &f->process), STATUS_SUCCESS);
    ntmm_set_current_process(f->process);
    f->context = (struct tool_context){ f->machine, f->process };
    f->base = 0;
}

static inline void fixture_free(struct fixture *f)
{
    ntmm_set_current_process(NULL);
    ntmm_machine_destroy(f->machine);
}

/* Runs a command; returns its text (caller frees) and checks its status. */
static inline char *run(struct fixture *f, NTSTATUS expected, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static inline char *run(struct fixture *f, NTSTATUS expected, const char *format, ...)
{
    char line[256];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof line, format, args);
    va_end(args);
    struct tool_output out = { 0 };
    NTSTATUS status = tools_run(&f->context, line, &out);
    if (status != expected)
        fail_msg("'%s' returned %08x, expected %08x:\n%s", line, (unsigned)status,
                 (unsigned)expected, out.text ? out.text : "");
    return out.text ? out.text : calloc(1, 1);
}

static inline void assert_contains(const char *text, const char *needle)
{
    if (!strstr(text, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, text);
}

#endif
