/*
 * memusage.c — WinDbg's !memusage: a walk of the whole PFN database counting
 * frames by PageLocation (ntmm_memusage), then the list heads' Totals
 * (ntmm_list_query), which must agree with the walk for the six lists; then,
 * when sections exist, WinDbg's "Usage Summary" of the frames each control
 * area holds, in KB: Valid (Active), Standby, Dirty (Modified), Shared
 * (Active and mapped more than once), Locked and PageTables (0: ntmm locks
 * no section page, and page tables belong to no control area), and the
 * file's name ("mapped_file( abc.txt )") or "Pagefile-backed section".
 *
 * (1) The walk and the Totals are independent representations; a mismatch
 *     is printed, not hidden.
 * (2) Nothing changes: PFN entries are read with ntmm_pfn_query and a
 *     prototype PTE's control area found with ntmm_control_area_query.
 * (3) The Usage Summary's walk ends at MmHighestPhysicalPage or at the first
 *     frame that is not RAM, whichever comes first: the variable is kernel
 *     memory, which an edit (ed, eq) may have made huge.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/tool_internal.h"

struct memusage_area {
    struct ntmm_control_area_info ca;
    uint64_t valid, standby, dirty, shared; /* pages */
};

/* The Usage Summary: a walk of the PFN database for section frames. */
static void memusage_control_areas(struct tool_context *context, struct tool_output *out)
{
    unsigned count = 0;
    struct ntmm_control_area_info ca;
    while (ntmm_control_area_at(context->machine, count, &ca))
        count++;
    if (!count)
        return;
    struct memusage_area *areas = calloc(count, sizeof *areas);
    if (!areas) {
        tool_printf(out, "\n  Usage Summary: out of host memory\n");
        return;
    }
    for (unsigned i = 0; i < count; i++)
        ntmm_control_area_at(context->machine, i, &areas[i].ca);
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    for (uint64_t n = 0; n <= info.highest_physical_page; n++) {
        struct ntmm_pfn_info pfn;
        if (ntmm_pfn_query(context->machine, n, &pfn) != STATUS_SUCCESS)
            break; /* (3) */
        if (!pfn.prototype_pte ||
            ntmm_control_area_query(context->machine, pfn.pte_address, &ca) != STATUS_SUCCESS)
            continue;
        for (unsigned i = 0; i < count; i++) {
            struct memusage_area *a = &areas[i];
            if (a->ca.address != ca.address)
                continue;
            a->valid += pfn.page_location == NTMM_ACTIVE;
            a->standby += pfn.page_location == NTMM_STANDBY;
            a->dirty += pfn.page_location == NTMM_MODIFIED;
            a->shared += pfn.page_location == NTMM_ACTIVE && pfn.u2 > 1;
        }
    }
    int w = tool_is_x64(context) ? 17 : 8;
    tool_printf(out, "\n  Usage Summary (in Kb):\n");
    tool_printf(out, "%-*s %6s %7s %5s %6s %6s %10s  name\n", w, "Control", "Valid", "Standby",
                "Dirty", "Shared", "Locked", "PageTables");
    for (unsigned i = 0; i < count; i++) {
        const struct memusage_area *a = &areas[i];
        char name[300];
        if (!a->ca.file) {
            snprintf(name, sizeof name, "%s", "Pagefile-backed section");
        } else {
            struct tool_name path = tool_file_name_text(a->ca.file_name);
            const char *base = strrchr(path.text, '\\');
            snprintf(name, sizeof name, "mapped_file( %s )", base ? base + 1 : path.text);
        }
        tool_printf(out, "%s %6llu %7llu %5llu %6llu %6u %10u  %s\n",
                    tool_address_text(context, a->ca.address, false).text,
                    (unsigned long long)a->valid * 4, (unsigned long long)a->standby * 4,
                    (unsigned long long)a->dirty * 4, (unsigned long long)a->shared * 4, 0u, 0u,
                    name);
    }
    free(areas);
}

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
    memusage_control_areas(context, out);
    return STATUS_SUCCESS;
}
