/*
 * vmmap.c — Sysinternals VMMap for the current process: the summary by
 * memory type (Image, Mapped File, Shareable, Heap, Stack, Private Data,
 * Page Table, Unusable, Free, Total) with VMMap's columns in K (Size,
 * Committed, Private, Total WS, Private WS, Shareable WS, Shared WS, Locked
 * WS, Blocks, Largest), then the regions in address order, with the file a
 * view maps under Details.
 *
 * What ntmm has today: private memory (Private Data: MEM_PRIVATE regions,
 * KUSER_SHARED_DATA included as VMMap includes it), views of sections
 * (Image: MEM_IMAGE; Mapped File: MEM_MAPPED views of a file; Shareable:
 * MEM_MAPPED views of a pagefile-backed section, as VMMap names them),
 * Unusable (the free rest of a 64 KB allocation granule after an
 * allocation's end: it can never be allocated), Free (its Largest is the
 * largest free block, the fragmentation figure), Page Table (the working set
 * less the resident data pages: the process's page-table pages). A page
 * counts in the working set if its walk (ntmm_pte_walk) reaches a valid
 * leaf. In a view, a resident page whose PTE has the Prototype bit maps the
 * section's frame: Shareable WS, and Shared WS too when another mapping
 * shares the frame (its ShareCount is above 1); a page without it is a
 * private copy made by copy-on-write: Private and Private WS. Locked WS is
 * 0: introspect.h does not say which pages are locked. Total adds every
 * type but Free, as VMMap does.
 *
 * (1) Nothing changes: regions come from ntmm_region_query, residence from
 *     ntmm_pte_walk, share counts from ntmm_pfn_query.
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

/* Bytes a region (or a row, summed) adds to each column. */
struct vmmap_usage {
    uint64_t size, committed, private_bytes, total_ws, private_ws, shareable_ws, shared_ws;
};

struct vmmap_row {
    struct vmmap_usage u;
    uint64_t blocks, largest;
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

/* A region's type: its VirtualQuery Type, and for a view whether the
 * section maps a file (*vad receives the view's VAD). */
static enum vmmap_type vmmap_type_of(const struct tool_context *context, const struct tool_region *r,
                                     struct ntmm_vad_info *vad)
{
    memset(vad, 0, sizeof *vad);
    if (r->type == MEM_PRIVATE)
        return VM_PRIVATE;
    tool_vad_containing(context, r->base, vad);
    if (r->type == MEM_IMAGE)
        return VM_IMAGE;
    return vad->file_backed ? VM_MAPPED : VM_SHAREABLE;
}

/* The columns of one region, page by page for a view. */
static void vmmap_measure(const struct tool_context *context, const struct tool_region *r,
                          enum vmmap_type type, struct vmmap_usage *u)
{
    memset(u, 0, sizeof *u);
    u->size = r->size;
    u->committed = r->state == MEM_COMMIT ? r->size : 0;
    if (type == VM_PRIVATE) {
        uint64_t ws = vmmap_resident(context, r);
        u->total_ws = ws;
        if (r->base == SHARED_USER_DATA) {
            /* KUSER_SHARED_DATA: committed in every process but charged to
             * none, and its frame is the kernel's, shared by all */
            u->shareable_ws = u->shared_ws = ws;
        } else {
            u->private_bytes = u->committed;
            u->private_ws = ws;
        }
        return;
    }
    for (uint64_t va = r->base; r->state == MEM_COMMIT && va < r->base + r->size;
         va += NTMM_PAGE_SIZE) {
        struct ntmm_walk walk;
        if (ntmm_pte_walk(context->machine, context->process, va, &walk) != STATUS_SUCCESS ||
            !walk.translated)
            continue;
        const struct ntmm_pte_info *leaf = &walk.level[walk.levels - 1].pte;
        struct ntmm_pfn_info pfn;
        u->total_ws += NTMM_PAGE_SIZE;
        if (!leaf->prototype) { /* a private copy */
            u->private_bytes += NTMM_PAGE_SIZE;
            u->private_ws += NTMM_PAGE_SIZE;
            continue;
        }
        u->shareable_ws += NTMM_PAGE_SIZE;
        if (ntmm_pfn_query(context->machine, leaf->pfn, &pfn) == STATUS_SUCCESS && pfn.u2 > 1)
            u->shared_ws += NTMM_PAGE_SIZE;
    }
}

static void vmmap_sum(struct vmmap_usage *to, const struct vmmap_usage *u)
{
    to->size += u->size;
    to->committed += u->committed;
    to->private_bytes += u->private_bytes;
    to->total_ws += u->total_ws;
    to->private_ws += u->private_ws;
    to->shareable_ws += u->shareable_ws;
    to->shared_ws += u->shared_ws;
}

static void vmmap_add(struct vmmap_row *row, const struct vmmap_usage *u, bool new_block)
{
    vmmap_sum(&row->u, u);
    row->blocks += new_block;
    row->block = new_block ? u->size : row->block + u->size;
    if (row->block > row->largest)
        row->largest = row->block;
}

/* Free, Unusable and Page Table bytes: no working set or all private. */
static void vmmap_add_bytes(struct vmmap_row *row, uint64_t size, bool charged, bool new_block)
{
    struct vmmap_usage u = { .size = size };
    if (charged)
        u.committed = u.private_bytes = u.total_ws = u.private_ws = size;
    vmmap_add(row, &u, new_block);
}

static void vmmap_print_row(struct tool_output *out, const char *name, const struct vmmap_row *r)
{
    const struct vmmap_usage *u = &r->u;
    tool_printf(out, "%-13s%11s K", name, tool_grouped(u->size / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(u->committed / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(u->private_bytes / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(u->total_ws / 1024).text);
    tool_printf(out, "%11s K", tool_grouped(u->private_ws / 1024).text);
    tool_printf(out, "%11s K%11s K%11s K", tool_grouped(u->shareable_ws / 1024).text,
                tool_grouped(u->shared_ws / 1024).text, "0");
    tool_printf(out, "%8s%11s K\n", tool_grouped(r->blocks).text,
                tool_grouped(r->largest / 1024).text);
}

/* The bytes at the start of a free region that are the unusable rest of
 * the allocation granule before it. */
static uint64_t vmmap_unusable(const struct tool_region *r)
{
    uint64_t tail = 0;
    if (r->state == MEM_FREE && r->base % NTMM_ALLOCATION_GRANULARITY)
        tail = NTMM_ALLOCATION_GRANULARITY - r->base % NTMM_ALLOCATION_GRANULARITY;
    return tail < r->size ? tail : r->size;
}

static void vmmap_detail(struct tool_context *context, const struct tool_region *r, size_t n,
                         struct tool_output *out)
{
    tool_printf(out, "\n%-*s %-13s %13s %13s %13s  %s\n", tool_is_x64(context) ? 17 : 8,
                "Address", "Type", "Size", "Committed", "Total WS", "Protection");
    for (size_t i = 0; i < n; i++) {
        uint64_t base = r[i].base, size = r[i].size, unusable = vmmap_unusable(&r[i]);
        if (unusable) {
            tool_printf(out, "%s %-13s %11s K %11s K %11s K\n",
                        tool_address_text(context, base, false).text, "Unusable",
                        tool_grouped(unusable / 1024).text, "0", "0");
            base += unusable;
            size -= unusable;
            if (!size)
                continue;
        }
        struct ntmm_vad_info vad;
        enum vmmap_type type = r[i].state == MEM_FREE ? VM_FREE : vmmap_type_of(context, &r[i], &vad);
        char protect[96] = "";
        if (r[i].state == MEM_COMMIT)
            tool_page_protection_name(r[i].protect, protect, sizeof protect);
        else if (r[i].state == MEM_RESERVE)
            strcpy(protect, "Reserved");
        uint64_t committed = r[i].state == MEM_COMMIT ? size : 0;
        tool_printf(out, "%s %-13s %11s K %11s K %11s K  %s",
                    tool_address_text(context, base, false).text, vmmap_names[type],
                    tool_grouped(size / 1024).text, tool_grouped(committed / 1024).text,
                    tool_grouped(vmmap_resident(context, &r[i]) / 1024).text, protect);
        if ((type == VM_MAPPED || type == VM_IMAGE) && vad.file_name)
            tool_printf(out, "  %s", tool_file_name_text(vad.file_name).text);
        tool_printf(out, "\n");
    }
}

static void vmmap_classify(struct tool_context *context, const struct tool_region *r, size_t n,
                           struct vmmap_row rows[VM_TYPES])
{
    uint64_t resident = 0, last_allocation = ~0ull;
    for (size_t i = 0; i < n; i++) {
        if (r[i].state != MEM_FREE) {
            struct ntmm_vad_info vad;
            struct vmmap_usage u;
            enum vmmap_type type = vmmap_type_of(context, &r[i], &vad);
            vmmap_measure(context, &r[i], type, &u);
            resident += u.total_ws;
            vmmap_add(&rows[type], &u, r[i].allocation_base != last_allocation);
            last_allocation = r[i].allocation_base;
            continue;
        }
        uint64_t tail = vmmap_unusable(&r[i]);
        if (tail)
            vmmap_add_bytes(&rows[VM_UNUSABLE], tail, false, true);
        if (r[i].size > tail)
            vmmap_add_bytes(&rows[VM_FREE], r[i].size - tail, false, true);
    }
    struct ntmm_process_info info;
    ntmm_process_info(context->process, &info);
    uint64_t ws = info.working_set_pages * NTMM_PAGE_SIZE;
    uint64_t tables = ws > resident ? ws - resident : 0;
    if (tables)
        vmmap_add_bytes(&rows[VM_PAGE_TABLE], tables, true, false);
    for (int t = 0; t < VM_TOTAL; t++) {
        if (t == VM_FREE)
            continue;
        struct vmmap_row *total = &rows[VM_TOTAL], *row = &rows[t];
        vmmap_sum(&total->u, &row->u);
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
