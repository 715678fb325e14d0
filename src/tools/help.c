/*
 * help.c — help / .help: the commands ntmm's debugger knows, with usage.
 *
 * (1) The list is the command table itself, so it cannot drift from it.
 */
#include "tools/tool_internal.h"

NTSTATUS tool_help(struct tool_context *context, const char *name, const char *args,
                   struct tool_output *out)
{
    (void)context;
    (void)name;
    (void)args;
    tool_printf(out, "ntmm debugger commands (numbers are hexadecimal; 0n for decimal):\n");
    for (size_t i = 0; i < tool_command_count; i++)
        tool_printf(out, "  %s\n", tool_commands[i].usage);
    tool_printf(out, "Expressions: 390000, 0n10, 0y101, fffff680`00001c80, nt!MmPfnDatabase,\n"
                     "  poi(Address), + - * / and parentheses.\n");
    return STATUS_SUCCESS;
}
