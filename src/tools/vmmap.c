/*
 * vmmap.c — Sysinternals VMMap for the current process: the summary by
 * memory type (Image, Mapped File, Shareable, Heap, Stack, Private Data,
 * Page Table, Unusable, Free, Total) with VMMap's columns in K (Size,
 * Committed, Private, Total WS, Private WS, Shareable WS, Shared WS, Locked
 * WS, Blocks, Largest), then the regions in address order.
 *
 * What ntmm has today: private memory (Private Data: MEM_PRIVATE regions,
 * KUSER_SHARED_DATA included as VMMap includes it), Unusable (the free rest
 * of a 64 KB allocation granule after an allocation's end: it can never be
 * allocated), Free (its Largest is the largest free block, the fragmentation
 * figure), Page Table (the working set less the resident data pages: the
 * process's page-table pages). A page counts in the working set if its walk
 * (ntmm_pte_walk) reaches a valid leaf. Locked WS is 0: introspect.h does not
 * say which pages are locked. Total adds every type but Free, as VMMap does.
 *
 * (1) Nothing changes: regions come from ntmm_region_query, residence from
 *     ntmm_pte_walk.
 */
#include <stdlib.h>
#include <string.h>

#include "ntmm/win32.h"
#include "tools/tool_internal.h"

enum vmmap_type { VM_IMAGE, VM_MAPPED, VM_SHAREABLE, VM_HEAP, VM_STACK, VM_PRIVATE,
                  VM_PAGE_TABLE, VM_UNUSABLE, VM_FREE, VM_TOTAL, VM_TYPES };
static const char *const vmmap_names[VM_TYPES] = {
    "Image", "Mapped File", "Shareable", "Heap", "Stack", "Private Data",
    "Page Table", "Unusable", "Free", "Total",
};

struct vmmap_row {
    uint64_t size, committed, private_bytes, total_ws, private_ws, shareable_ws, blocks, largest;
    uint64_t block; /* bytes of the allocation being added (Largest is per block) */
};

#define SHARED_USER_DATA 0x7ffe0000ull

static uint64_t vmmap_resident(const struct tool_context *context, const struct tool_region *r)
{
    uint64_t bytes = 0;
    for (uint64_t va = r->base; r->state == MEM_COMMIT && va < r->base + r->size;
         va += NTMM_PAGE_SIZE) {
        struct ntmm_walk walk;
        if (ntmm_pte_walk(context->machine, context->process, va, &walk) == STATUS_SUCCESS &&
            walk.translated)
            bytes += NTMM_PAGE_SIZE;
    }
    return bytes;
}

static void vmmap_add(struct vmmap_row *row, uint64_t size, uint64_t committed, uint64_t ws,
                      bool new_block)
{
    row->size += size;
    row->committed += committed;
    row->private_bytes += committed;
    row->total_ws += ws;
    row->private_ws += ws;
    row->blocks += new_block;
    row->block = new_block ? size : row->block + size;
    if (row->block > row->largest)
        row->largest = row->block;
}

/* KUSER_SHARED_DATA: committed in every process but charged to none, and
 * its frame is the kernel's, shared by all: Shareable WS, not Private. */
static void vmmap_shared_user_data(struct vmmap_row *row, uint64_t committed, uint64_t ws)
{
    row->private_bytes -= committed;
    row->private_ws -= ws;
    row->shareable_ws += ws;
}

static void vmmap_print_row(struct tool_output *out, const char *name, const struct vmmap_row *r)
{
    tool_printf(out, "%-13s%11s K", name, tool_grouped(r->size / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(r->committed / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(r->private_bytes / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(r->total_ws / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(r->private_ws / 1024).text);
    tool_printf(out, "%11s K%11s K%11s K", tool_grouped(r->shareable_ws / 1024).text,
                tool_grouped(r->shareable_ws / 1024).text, "0");
    tool_printf(out, "%8s%11s K\n", tool_grouped(r->blocks).text,
                tool_grouped(r->largest / 1024).text);
}

static void vmmap_detail(struct tool_context *context, const struct tool_region *r, size_t n,
                         struct tool_output *out)
{
    tool_printf(out, "\n%-*s %-13s %13s %13s %13s  %s\n", tool_is_x64(context) ? 17 : 8,
                "Address", "Type", "Size", "Committed", "Total WS", "Protection");
    for (size_t i = 0; i < n; i++) {
        uint64_t base = r[i].base, size = r[i].size;
        const char *type = r[i].state == MEM_FREE ? "Free" : "Private Data";
        uint64_t unusable = r[i].state == MEM_FREE && base % NTMM_ALLOCATION_GRANULARITY
                                ? NTMM_ALLOCATION_GRANULARITY - base % NTMM_ALLOCATION_GRANULARITY
                                : 0;
        if (unusable > size)
            unusable = size;
        if (unusable) {
            tool_printf(out, "%s %-13s %11s K %11s K %11s K\n",
                        tool_address_text(context, base, false).text, "Unusable",
                        tool_grouped(unusable / 1024).text, "0", "0");
            base += unusable;
            size -= unusable;
            if (!size)
                continue;
        }
        char protect[96] = "";
        if (r[i].state == MEM_COMMIT)
            tool_page_protection_name(r[i].protect, protect, sizeof protect);
        else if (r[i].state == MEM_RESERVE)
            strcpy(protect, "Reserved");
        uint64_t committed = r[i].state == MEM_COMMIT ? size : 0;
        tool_printf(out, "%s %-13s %11s K %11s K %11s K  %s\n",
                    tool_address_text(context, base, false).text, type,
                    tool_grouped(size / 1024).text, tool_grouped(committed / 1024).text,
                    tool_grouped(vmmap_resident(context, &r[i]) / 1024).text, protect);
    }
}

static void vmmap_classify(struct tool_context *context, const struct tool_region *r, size_t n,
                           struct vmmap_row rows[VM_TYPES])
{
    uint64_t resident = 0, last_allocation = ~0ull;
    for (size_t i = 0; i < n; i++) {
        if (r[i].state != MEM_FREE) {
            uint64_t ws = vmmap_resident(context, &r[i]);
            resident += ws;
            uint64_t committed = r[i].state == MEM_COMMIT ? r[i].size : 0;
            vmmap_add(&rows[VM_PRIVATE], r[i].size, committed, ws,
                      r[i].allocation_base != last_allocation);
            if (r[i].base == SHARED_USER_DATA)
                vmmap_shared_user_data(&rows[VM_PRIVATE], committed, ws);
            last_allocation = r[i].allocation_base;
            continue;
        }
        uint64_t size = r[i].size, tail = 0;
        if (r[i].base % NTMM_ALLOCATION_GRANULARITY)
            tail = NTMM_ALLOCATION_GRANULARITY - r[i].base % NTMM_ALLOCATION_GRANULARITY;
        if (tail > size)
            tail = size;
        if (tail)
            vmmap_add(&rows[VM_UNUSABLE], tail, 0, 0, true);
        if (size > tail)
            vmmap_add(&rows[VM_FREE], size - tail, 0, 0, true);
    }
    struct ntmm_process_info info;
    ntmm_process_info(context->process, &info);
    uint64_t ws = info.working_set_pages * NTMM_PAGE_SIZE;
    uint64_t tables = ws > resident ? ws - resident : 0;
    if (tables)
        vmmap_add(&rows[VM_PAGE_TABLE], tables, tables, tables, false);
    for (int t = 0; t < VM_TOTAL; t++) {
        if (t == VM_FREE)
            continue;
        struct vmmap_row *total = &rows[VM_TOTAL], *row = &rows[t];
        total->size += row->size;
        total->committed += row->committed;
        total->private_bytes += row->private_bytes;
        total->total_ws += row->total_ws;
        total->private_ws += row->private_ws;
        total->shareable_ws += row->shareable_ws;
        total->blocks += row->blocks;
        if (row->largest > total->largest)
            total->largest = row->largest;
    }
}

NTSTATUS tool_vmmap(struct tool_context *context, const char *name, const char *args,
                    struct tool_output *out)
{
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    struct tool_region *regions;
    size_t count;
    if (!tool_query_regions(context, name, &regions, &count, out))
        return context->process ? STATUS_NO_MEMORY : STATUS_INVALID_PARAMETER;
    struct vmmap_row rows[VM_TYPES];
    memset(rows, 0, sizeof rows);
    vmmap_classify(context, regions, count, rows);
    struct ntmm_process_info info;
    ntmm_process_info(context->process, &info);
    tool_printf(out, "Process: %s  PID: %u\n\n", info.image_name, info.cid);
    tool_printf(out, "%-13s%13s%13s%13s%13s%13s%13s%13s%13s%8s%13s\n", "Type", "Size",
                "Committed", "Private", "Total WS", "Private WS", "Shareable WS", "Shared WS",
                "Locked WS", "Blocks", "Largest");
    for (int t = 0; t < VM_TYPES; t++)
        vmmap_print_row(out, vmmap_names[t], &rows[t]);
    vmmap_detail(context, regions, count, out);
    free(regions);
    return STATUS_SUCCESS;
}
