/*
 * vm.c — WinDbg's !vm: the system's virtual-memory counters in pages and KB
 * (Physical Memory, each Page File, Available Pages, Modified Pages,
 * Modified PF Pages, Committed pages, Commit limit) read from the kernel variables through
 * their symbols (MmNumberOfPhysicalPages, MmAvailablePages,
 * MmTotalCommittedPages, MmTotalCommitLimit), the list heads and the paging
 * files (MmPagingFile[]: Size, FreeSpace, MinimumSize, MaximumSize), then
 * each process's commit charge, largest first, as !vm lists them.
 *
 * (1) Values are the simulated bytes of the kernel variables, read with
 *     tool_read: no side effects.
 * (2) They are the variables SystemPerformanceInformation reports
 *     (AvailablePages, CommittedPages, CommitLimit), so !vm agrees with it,
 *     GetPerformanceInfo and GlobalMemoryStatusEx; reading them directly
 *     keeps !vm working on a bug-checked machine, whose services fail.
 *     WinDbg's !vm has no page-fault counter lines.
 * (3) Modified PF Pages (MmTotalPagesForPagingFile) are the Modified
 *     list's pages bound for a pagefile: all but those of a section that
 *     maps a file (the mapped page writer writes those to their file).
 */
#include <stdlib.h>

#include "tools/tool_internal.h"

static uint64_t vm_variable(const struct tool_context *context, const char *symbol)
{
    struct ntmm_symbol s;
    uint64_t value = 0;
    if (ntmm_symbol_lookup(context->machine, symbol, &s) == STATUS_SUCCESS)
        tool_read_value(context, s.address, tool_pointer_size(context), &value);
    return value;
}

/* The Modified list's pages whose contents go to a pagefile (3). */
static uint64_t vm_modified_for_paging_file(const struct tool_context *context)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    uint64_t pages = 0;
    struct ntmm_pfn_info pfn;
    for (uint64_t n = 0; n <= info.highest_physical_page &&
                         ntmm_pfn_query(context->machine, n, &pfn) == STATUS_SUCCESS;
         n++) {
        struct ntmm_control_area_info ca;
        if (pfn.page_location != NTMM_MODIFIED)
            continue;
        pages += !pfn.prototype_pte ||
                 ntmm_control_area_query(context->machine, pfn.pte_address, &ca) != STATUS_SUCCESS ||
                 !ca.file;
    }
    return pages;
}

static void vm_line(struct tool_output *out, const char *label, uint64_t pages)
{
    tool_printf(out, "\t%-20s%10llu (%10llu Kb)\n", label, (unsigned long long)pages,
                (unsigned long long)pages * 4);
}

struct vm_row {
    uint32_t cid;
    const char *image;
    uint64_t commit;
};

static int vm_row_order(const void *a, const void *b)
{
    const struct vm_row *x = a, *y = b;
    if (x->commit != y->commit)
        return x->commit < y->commit ? 1 : -1;
    return x->cid < y->cid ? -1 : x->cid > y->cid;
}

/* One "Page File" paragraph per pagefile, as !vm prints MmPagingFile[]. */
static void vm_paging_files(struct tool_context *context, struct tool_output *out)
{
    struct ntmm_paging_file_info files[NTMM_MAXIMUM_PAGING_FILES];
    unsigned count;
    ntmm_query_paging_files(context->machine, files, NTMM_MAXIMUM_PAGING_FILES, &count);
    for (unsigned n = 0; n < count && n < NTMM_MAXIMUM_PAGING_FILES; n++) {
        tool_printf(out, "\tPage File: %s\n", files[n].name);
        tool_printf(out, "\t  Current: %10llu Kb  Free Space: %10llu Kb\n",
                    (unsigned long long)files[n].size * 4,
                    (unsigned long long)files[n].free_space * 4);
        tool_printf(out, "\t  Minimum: %10llu Kb  Maximum:    %10llu Kb\n",
                    (unsigned long long)files[n].minimum_size * 4,
                    (unsigned long long)files[n].maximum_size * 4);
    }
}

static void vm_processes(struct tool_context *context, struct tool_output *out)
{
    unsigned count = 0;
    struct ntmm_process *p;
    while (ntmm_process_at(context->machine, count, &p))
        count++;
    struct vm_row *rows = calloc(count ? count : 1, sizeof *rows);
    if (!rows) {
        tool_printf(out, "\t(per-process commit omitted: out of host memory)\n");
        return;
    }
    uint64_t total = 0;
    for (unsigned i = 0; i < count; i++) {
        struct ntmm_process_info info;
        ntmm_process_at(context->machine, i, &p);
        ntmm_process_info(p, &info);
        rows[i] = (struct vm_row){ info.cid, info.image_name, info.commit_charge };
        total += info.commit_charge;
    }
    qsort(rows, count, sizeof *rows, vm_row_order);
    vm_line(out, "Total Private:", total);
    for (unsigned i = 0; i < count; i++)
        tool_printf(out, "\t%04x %-16s%10llu (%10llu Kb)\n", rows[i].cid, rows[i].image,
                    (unsigned long long)rows[i].commit, (unsigned long long)rows[i].commit * 4);
    free(rows);
}

NTSTATUS tool_vm(struct tool_context *context, const char *name, const char *args,
                 struct tool_output *out)
{
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    struct ntmm_list_info modified;
    ntmm_list_query(context->machine, NTMM_MODIFIED, &modified);
    tool_printf(out, "\n*** Virtual Memory Usage ***\n");
    vm_line(out, "Physical Memory:", vm_variable(context, "MmNumberOfPhysicalPages"));
    vm_paging_files(context, out);
    vm_line(out, "Available Pages:", vm_variable(context, "MmAvailablePages"));
    vm_line(out, "Modified Pages:", modified.total);
    vm_line(out, "Modified PF Pages:", vm_modified_for_paging_file(context));
    vm_line(out, "Committed pages:", vm_variable(context, "MmTotalCommittedPages"));
    vm_line(out, "Commit limit:", vm_variable(context, "MmTotalCommitLimit"));
    tool_printf(out, "\n");
    vm_processes(context, out);
    return STATUS_SUCCESS;
}
