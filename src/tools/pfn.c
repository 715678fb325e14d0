/*
 * pfn.c — WinDbg's !pfn: one _MMPFN of the PFN database, decoded
 * (ntmm_pfn_query): its address, u1 (flink / WsIndex), u2 (blink / share
 * count), PteAddress, ReferenceCount, colour, OriginalPte ("restore pte"),
 * u4.PteFrame ("containing page"), PageLocation and the flag letters
 * (M Modified, P PrototypePte, R ReadInProgress, W WriteInProgress,
 * E ParityError, X RemovalRequested).
 *
 * (1) A number that is not a frame of this machine is an argument error.
 */
#include <stdio.h>

#include "tools/tool_internal.h"

static void pfn_flags(const struct ntmm_pfn_info *pfn, char *letters, char *names, size_t size)
{
    const bool set[6] = { pfn->modified,         pfn->prototype_pte, pfn->read_in_progress,
                          pfn->write_in_progress, pfn->parity_error,  pfn->removal_requested };
    static const char letter[6] = { 'M', 'P', 'R', 'W', 'E', 'X' };
    static const char *const name[6] = { "Modified",        "Shared",      "ReadInProgress",
                                         "WriteInProgress", "ParityError", "RemovalRequested" };
    size_t l = 0, n = 0;
    names[0] = 0;
    for (size_t i = 0; i < 6; i++) {
        if (!set[i])
            continue;
        letters[l++] = letter[i];
        n += (size_t)snprintf(names + n, n < size ? size - n : 0, "%s%s", n ? " " : "", name[i]);
    }
    letters[l] = 0;
}

NTSTATUS tool_pfn(struct tool_context *context, const char *name, const char *args,
                  struct tool_output *out)
{
    uint64_t number;
    if (!*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: usage: !pfn PageFrame", name);
    if (!tool_eval(context, name, args, &number, out))
        return STATUS_INVALID_PARAMETER;
    struct ntmm_pfn_info pfn;
    if (ntmm_pfn_query(context->machine, number, &pfn) != STATUS_SUCCESS)
        return tool_fail(out, STATUS_INVALID_PARAMETER,
                         "%s: 0x%llx is not a page frame number on this machine", name,
                         (unsigned long long)number);
    char letters[8], names[96];
    pfn_flags(&pfn, letters, names, sizeof names);
    bool wide = tool_is_x64(context);
    tool_printf(out, "    PFN %08llX at address %s\n", (unsigned long long)pfn.pfn,
                tool_address_text(context, pfn.entry_address, true).text);
    tool_printf(out, "    flink       %08llX  blink / share count %08llX  pteaddress %s\n",
                (unsigned long long)pfn.u1, (unsigned long long)pfn.u2,
                tool_address_text(context, pfn.pte_address, true).text);
    tool_printf(out, "    reference count %04X                                 color %u\n",
                pfn.reference_count, pfn.page_color);
    tool_printf(out, wide ? "    restore pte %016llX  containing page        %06llX  %-10s %s\n"
                          : "    restore pte %08llX  containing page        %06llX  %-10s %s\n",
                (unsigned long long)pfn.original_pte, (unsigned long long)pfn.pte_frame,
                ntmm_page_location_name(pfn.page_location), letters);
    if (names[0])
        tool_printf(out, "    %s\n", names);
    return STATUS_SUCCESS;
}
