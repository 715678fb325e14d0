/*
 * cls.c — WinDbg's .cls (Clear Screen): clears the command window.
 *
 * (1) ntmm's command window is the terminal the shell runs in: .cls prints
 *     the ANSI sequence that homes the cursor and erases the screen
 *     ("\033[H\033[2J"). A command's output does not know where it goes, so
 *     the sequence is printed wherever that is (a script's dbg(".cls")
 *     returns it).
 */
#include "tools/tool_internal.h"

NTSTATUS tool_cls(struct tool_context *context, const char *name, const char *args,
                  struct tool_output *out)
{
    (void)context;
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    tool_printf(out, "\033[H\033[2J");
    return STATUS_SUCCESS;
}
