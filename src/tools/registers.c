/*
 * registers.c — WinDbg's r (Registers), for the registers that matter to the
 * memory manager: the control registers of the processor. `r` prints them
 * all on one line, `r cr3` one of them, as WinDbg does ("cr3=00185000"; 16
 * digits on x64, "cr3=0000000000187000").
 *
 * (1) cr3 is the current process's DirBase, as !process shows it (the
 *     context's process, else the System process's).
 * (2) cr0 and cr4 hold the bits the simulated processor models, and only
 *     those: cr0 PE (bit 0, protected mode), WP (bit 16: kernel writes obey
 *     read-only PTEs) and PG (bit 31, paging): 80010001 on every machine;
 *     cr4 PSE (bit 4: 4 MB pages on x86, 2 MB under PAE and x64), PAE
 *     (bit 5, on PAE and x64) and PGE (bit 7: Global translations survive a
 *     CR3 load): 00000090 on x86, 000000b0 on PAE and x64.
 * (3) Register names are case-insensitive; another name (eax, cr2, @cr3)
 *     is WinDbg's "Bad register error". Registers cannot be changed.
 */
#include <string.h>
#include <strings.h>

#include "tools/tool_internal.h"

#define CR0_PE (1u << 0)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)
#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)

static uint64_t register_cr3(const struct tool_context *context)
{
    if (context->process) {
        struct ntmm_process_info info;
        ntmm_process_info(context->process, &info);
        return info.directory_table_base;
    }
    struct ntmm_machine_info machine;
    ntmm_machine_info(context->machine, &machine);
    return machine.system_directory_table_base;
}

static uint64_t register_value(const struct tool_context *context, unsigned number)
{
    if (number == 0)
        return CR0_PE | CR0_WP | CR0_PG;
    if (number == 3)
        return register_cr3(context);
    bool pae = ntmm_machine_config(context->machine)->arch != NTMM_ARCH_X86;
    return CR4_PSE | CR4_PGE | (pae ? CR4_PAE : 0);
}

static void print_register(struct tool_output *out, const struct tool_context *context,
                           unsigned number, const char *separator)
{
    uint64_t value = register_value(context, number);
    if (tool_is_x64(context))
        tool_printf(out, "cr%u=%016llx%s", number, (unsigned long long)value, separator);
    else
        tool_printf(out, "cr%u=%08llx%s", number, (unsigned long long)value, separator);
}

NTSTATUS tool_registers(struct tool_context *context, const char *name, const char *args,
                        struct tool_output *out)
{
    if (!*args) {
        print_register(out, context, 0, " ");
        print_register(out, context, 3, " ");
        print_register(out, context, 4, "\n");
        return STATUS_SUCCESS;
    }
    if (strchr(args, '='))
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: ntmm's registers are read-only ('%s')", name, args);
    static const char *const names[] = { "cr0", "cr3", "cr4" };
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(args, names[i])) {
            print_register(out, context, (unsigned)(names[i][2] - '0'), "\n");
            return STATUS_SUCCESS;
        }
    return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: Bad register error in '%s %s'", name,
                     name, args);
}
