/*
 * verify.c — !verify: the memory manager's invariant checker (ntmm_verify,
 * mm/verify.c) as a command, the "lua_checkmemory" of ntmm's debugger.
 *
 * (1) Prints "ok" or the first broken invariant; returns ntmm_verify's status.
 */
#include "tools/tool_internal.h"

NTSTATUS tool_verify(struct tool_context *context, const char *name, const char *args,
                     struct tool_output *out)
{
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    char message[512] = "";
    NTSTATUS status = ntmm_verify(context->machine, message, sizeof message);
    if (status == STATUS_SUCCESS)
        tool_printf(out, "%s: ok (every invariant holds)\n", name);
    else
        tool_printf(out, "%s: FAILED: %s\n", name, message);
    return status;
}
