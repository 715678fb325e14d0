/*
 * memusage.c — WinDbg's !memusage: a walk of the whole PFN database counting
 * frames by PageLocation (ntmm_memusage), then the list heads' Totals
 * (ntmm_list_query), which must agree with the walk for the six lists.
 *
 * (1) The walk and the Totals are independent representations; a mismatch
 *     is printed, not hidden.
 */
#include "tools/tool_internal.h"

NTSTATUS tool_memusage(struct tool_context *context, const char *name, const char *args,
                       struct tool_output *out)
{
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    static const unsigned order[8] = { NTMM_ZEROED, NTMM_FREE,  NTMM_STANDBY, NTMM_MODIFIED,
                                       NTMM_MODIFIED_NO_WRITE, NTMM_ACTIVE, NTMM_TRANSITION,
                                       NTMM_BAD };
    uint64_t counts[8], total = 0;
    ntmm_memusage(context->machine, counts);
    tool_printf(out, " loading PFN database\nloading (100%% complete)\n");
    tool_printf(out, "Compiling memory usage data (100%% Complete).\n");
    for (unsigned i = 0; i < 8; i++) {
        unsigned l = order[i];
        const char *label = l == NTMM_ACTIVE ? "Active/Valid" : ntmm_page_location_name(l);
        tool_printf(out, "%19s: %6llu (%8llu kb)\n", label, (unsigned long long)counts[l],
                    (unsigned long long)counts[l] * 4);
        total += counts[l];
    }
    tool_printf(out, "%19s: %6llu (%8llu kb)\n", "TOTAL", (unsigned long long)total,
                (unsigned long long)total * 4);
    tool_printf(out, "\nList heads (Total):\n");
    for (unsigned list = 0; list < NTMM_LIST_HEADS; list++) {
        struct ntmm_list_info info;
        if (ntmm_list_query(context->machine, list, &info) != STATUS_SUCCESS)
            continue;
        bool check = list != NTMM_ROM_LIST;
        tool_printf(out, "%30s: %6llu%s\n", info.symbol, (unsigned long long)info.total,
                    check && info.total != counts[list] ? "  (differs from the walk!)" : "");
    }
    return STATUS_SUCCESS;
}
