/*
 * analyze.c — what a stopped machine shows (ntmm_machine_bug_check): the
 * STOP screen Windows XP paints when KeBugCheckEx runs, and the debugger's
 * !analyze -v and .bugcheck, which explain the code and its four
 * parameters. The texts say, in ntmm's words, what Microsoft's bug check
 * reference says each code and parameter means.
 *
 * (1) A running machine has nothing to analyze: both commands say so and
 *     succeed; nothing here changes the machine.
 * (2) Parameters print at the machine's pointer width (8 hex digits, 16 on
 *     x64), as the bug check record holds ULONG_PTRs.
 * (3) .reboot replaces the machine and the Lua state with new ones, so only
 *     the shell's prompt can run it (shell/session.c); run from a script,
 *     it fails and changes nothing.
 */
#include <stdio.h>
#include <string.h>

#include "tools/tool_internal.h"

/* One meaning of Parameter 1, with what the other three hold then. */
struct bug_check_case {
    uint64_t parameter1; /* UINT64_MAX: any (the code has no subtypes) */
    const char *arguments[4];
};

struct bug_check_text {
    uint32_t code;
    const char *name;
    const char *summary;
    struct bug_check_case cases[4];
};

static const struct bug_check_text texts[] = {
    { 0x19, "BAD_POOL_HEADER", "A pool block's header is corrupt.",
      { { UINT64_MAX, { "the kind of corruption", "the pool entry checked",
                        "depends on the kind", "depends on the kind" } } } },
    { 0x1A, "MEMORY_MANAGEMENT", "The memory manager found one of its structures corrupt.",
      { { 0x411, { "a page table entry is corrupt", "the address of the PTE",
                   "the contents of the PTE", "the address of the PFN database entry, if known" } },
        { UINT64_MAX, { "the kind of corruption", "depends on the kind", "depends on the kind",
                        "depends on the kind" } } } },
    { 0x4E, "PFN_LIST_CORRUPT",
      "The page frame number (PFN) database or one of its page lists is corrupt.",
      { { 0x1, { "a list head was corrupt", "the value found in the list head",
                 "the number of available pages", "0" } },
        { 0x2, { "a list entry was corrupt", "the entry being removed from its list",
                 "the highest physical page number", "the reference count of the entry" } },
        { 0x7, { "a page was freed while its share count was already 0",
                 "the page frame number", "its share count", "0" } },
        { 0x99, { "a PTE or PFN entry names a frame that is not RAM", "the page frame number",
                  "the highest physical page number", "0" } } } },
    { 0x50, "PAGE_FAULT_IN_NONPAGED_AREA",
      "The kernel referenced memory that is not valid: a system PTE no longer maps it.",
      { { UINT64_MAX, { "the memory referenced", "0: a read, 1: a write",
                        "the address of the instruction that referenced it (0: not known)",
                        "reserved" } } } },
};

static const struct bug_check_text *text_of(uint32_t code)
{
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if (texts[i].code == code)
            return &texts[i];
    return NULL;
}

/* The meanings of the four parameters of b, or NULL if ntmm has none. */
static const struct bug_check_case *case_of(const struct ntmm_bug_check *b)
{
    const struct bug_check_text *t = text_of(b->code);
    for (size_t i = 0; t && i < sizeof t->cases / sizeof t->cases[0]; i++)
        if (t->cases[i].arguments[0] &&
            (t->cases[i].parameter1 == UINT64_MAX || t->cases[i].parameter1 == b->parameters[0]))
            return &t->cases[i];
    return NULL;
}

static const char *name_of(uint32_t code)
{
    const struct bug_check_text *t = text_of(code);
    return t ? t->name : "UNKNOWN_BUGCHECK";
}

/* A parameter at the machine's pointer width (2). */
static const char *parameter_text(bool x64, uint64_t v, char *buffer, size_t size, bool upper)
{
    if (x64)
        snprintf(buffer, size, upper ? "%016llX" : "%016llx", (unsigned long long)v);
    else
        snprintf(buffer, size, upper ? "%08llX" : "%08llx", (unsigned long long)(v & 0xffffffffu));
    return buffer;
}

static bool machine_is_x64(const struct ntmm_machine *machine)
{
    return ntmm_machine_config(machine)->arch == NTMM_ARCH_X64;
}

void tools_stop_screen(const struct ntmm_machine *machine, const struct ntmm_bug_check *b,
                       struct tool_output *out)
{
    bool x64 = machine_is_x64(machine);
    char p[4][24];
    for (int i = 0; i < 4; i++)
        parameter_text(x64, b->parameters[i], p[i], sizeof p[i], true);
    tool_printf(out,
                "\n"
                "A problem has been detected and Windows has been shut down to prevent damage\n"
                "to your computer.\n"
                "\n"
                "%s\n"
                "\n"
                "Technical information:\n"
                "\n"
                "*** STOP: 0x%08X (0x%s,0x%s,0x%s,0x%s)\n"
                "\n"
                "ntmm: the machine has stopped. Every call that would change it now fails\n"
                "with STATUS_SHUTDOWN_IN_PROGRESS; the debugger's commands read the state\n"
                "the bug check found. !analyze -v explains it; .reboot starts a new machine.\n\n",
                name_of(b->code), b->code, p[0], p[1], p[2], p[3]);
}

/* Fills *b; false (and the one line saying so) while the machine runs (1). */
static bool stopped(struct tool_context *context, struct ntmm_bug_check *b,
                    struct tool_output *out)
{
    if (ntmm_machine_bug_check(context->machine, b))
        return true;
    tool_printf(out, "The machine has not bug checked: there is nothing to analyze.\n");
    return false;
}

NTSTATUS tool_analyze(struct tool_context *context, const char *name, const char *args,
                      struct tool_output *out)
{
    if (*args && strcmp(args, "-v") != 0)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes only -v", name);
    struct ntmm_bug_check b;
    if (!stopped(context, &b, out))
        return STATUS_SUCCESS;
    bool x64 = tool_is_x64(context);
    const struct bug_check_text *t = text_of(b.code);
    const struct bug_check_case *c = case_of(&b);
    char v[24];
    tool_printf(out,
                "*******************************************************************************\n"
                "*                                                                             *\n"
                "*                        Bugcheck Analysis                                    *\n"
                "*                                                                             *\n"
                "*******************************************************************************\n"
                "\n"
                "%s (%x)\n%s\n"
                "Arguments:\n",
                name_of(b.code), b.code, t ? t->summary : "ntmm does not describe this code.");
    for (int i = 0; i < 4; i++)
        tool_printf(out, "Arg%d: %s, %s\n", i + 1,
                    parameter_text(x64, b.parameters[i], v, sizeof v, false),
                    c ? c->arguments[i] : "");
    tool_printf(out, "\nBUGCHECK_CODE:  %x\n", b.code);
    for (int i = 0; i < 4; i++)
        tool_printf(out, "BUGCHECK_P%d: %llx\n", i + 1, (unsigned long long)b.parameters[i]);
    return STATUS_SUCCESS;
}

NTSTATUS tool_dot_bugcheck(struct tool_context *context, const char *name, const char *args,
                           struct tool_output *out)
{
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    struct ntmm_bug_check b;
    if (!stopped(context, &b, out))
        return STATUS_SUCCESS;
    char p[4][24];
    for (int i = 0; i < 4; i++)
        parameter_text(tool_is_x64(context), b.parameters[i], p[i], sizeof p[i], false);
    tool_printf(out, "Bugcheck code %08X\nArguments %s %s %s %s\n", b.code, p[0], p[1], p[2], p[3]);
    return STATUS_SUCCESS;
}

NTSTATUS tool_dot_reboot(struct tool_context *context, const char *name, const char *args,
                         struct tool_output *out)
{
    (void)context;
    (void)args;
    return tool_fail(out, STATUS_INVALID_PARAMETER,
                     "%s: only at the kd> prompt (a script runs on the machine it would replace)",
                     name);
}
