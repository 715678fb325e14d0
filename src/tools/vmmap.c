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
 * private copy made by copy-on-write: Private and Private WS. Locked WS
 * counts the resident pages whose working-set entry is locked (LockedInWs
 * or LockedInMemory: VirtualLock). Total adds every type but Free, as
 * VMMap does. Each region's line has the same working-set columns: Total
 * WS, Private WS, Shareable WS, Locked WS.
 *
 * (1) Nothing changes: regions come from ntmm_region_query, residence from
 *     ntmm_pte_walk, share counts from ntmm_pfn_query, locks from
 *     ntmm_working_set_entry.
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
    uint64_t size, committed, private_bytes, total_ws, private_ws, shareable_ws, shared_ws,
        locked_ws;
};

/* The process's locked working-set pages, sorted by address. */
struct vmmap_locks {
    uint64_t *va;
    size_t count;
};

struct vmmap_row {
    struct vmmap_usage u;
    uint64_t blocks, largest;
    uint64_t block; /* bytes of the allocation being added (Largest is per block) */
};

#define SHARED_USER_DATA 0x7ffe0000ull

static int vmmap_address_order(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The virtual addresses of the process's locked entries (false: no host
 * memory; an unreadable list has none). */
static bool vmmap_locks_read(const struct tool_context *context, struct vmmap_locks *locks)
{
    struct ntmm_working_set_info ws;
    locks->va = NULL;
    locks->count = 0;
    if (ntmm_working_set_info(context->process, &ws) != STATUS_SUCCESS)
        return true;
    locks->va = malloc((ws.last_initialized_wsle + 1) * sizeof *locks->va);
    if (!locks->va)
        return false;
    for (uint64_t i = 0; i <= ws.last_initialized_wsle; i++) {
        struct ntmm_wsle_info e;
        if (ntmm_working_set_entry(context->process, i, &e) == STATUS_SUCCESS && e.valid &&
            (e.locked_in_ws || e.locked_in_memory))
            locks->va[locks->count++] = e.virtual_address;
    }
    qsort(locks->va, locks->count, sizeof *locks->va, vmmap_address_order);
    return true;
}

static bool vmmap_locked(const struct vmmap_locks *locks, uint64_t va)
{
    return locks->count &&
           bsearch(&va, locks->va, locks->count, sizeof *locks->va, vmmap_address_order);
}

/* The leaf PTE of a resident page of the region, else NULL. */
static const struct ntmm_pte_info *vmmap_leaf(const struct tool_context *context, uint64_t va,
                                              struct ntmm_walk *walk)
{
    if (ntmm_pte_walk(context->machine, context->process, va, walk) != STATUS_SUCCESS ||
        !walk->translated)
        return NULL;
    return &walk->level[walk->levels - 1].pte;
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

/* One resident page's columns. Private memory is private but for
 * KUSER_SHARED_DATA (committed in every process but charged to none, its
 * frame the kernel's, shared by all); in a view, a page without the
 * Prototype bit is a private copy, one with it the section's frame. */
static void vmmap_page(const struct tool_context *context, enum vmmap_type type, uint64_t va,
                       const struct ntmm_pte_info *leaf, struct vmmap_usage *u)
{
    u->total_ws += NTMM_PAGE_SIZE;
    bool private_page = type == VM_PRIVATE ? va < SHARED_USER_DATA ||
                                                 va >= SHARED_USER_DATA + NTMM_PAGE_SIZE
                                           : !leaf->prototype;
    struct ntmm_pfn_info pfn;
    if (private_page) {
        u->private_ws += NTMM_PAGE_SIZE;
        u->private_bytes += type == VM_PRIVATE ? 0 : NTMM_PAGE_SIZE;
    } else {
        u->shareable_ws += NTMM_PAGE_SIZE;
        if (type == VM_PRIVATE ||
            (ntmm_pfn_query(context->machine, leaf->pfn, &pfn) == STATUS_SUCCESS && pfn.u2 > 1))
            u->shared_ws += NTMM_PAGE_SIZE;
    }
}

/* The columns of one region, page by page. */
static void vmmap_measure(const struct tool_context *context, const struct vmmap_locks *locks,
                          const struct tool_region *r, enum vmmap_type type,
                          struct vmmap_usage *u)
{
    memset(u, 0, sizeof *u);
    u->size = r->size;
    u->committed = r->state == MEM_COMMIT ? r->size : 0;
    if (type == VM_PRIVATE && r->base != SHARED_USER_DATA)
        u->private_bytes = u->committed;
    for (uint64_t va = r->base; r->state == MEM_COMMIT && va < r->base + r->size;
         va += NTMM_PAGE_SIZE) {
        struct ntmm_walk walk;
        const struct ntmm_pte_info *leaf = vmmap_leaf(context, va, &walk);
        if (!leaf)
            continue;
        vmmap_page(context, type, va, leaf, u);
        if (vmmap_locked(locks, va))
            u->locked_ws += NTMM_PAGE_SIZE;
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
    to->locked_ws += u->locked_ws;
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
                tool_grouped(u->shared_ws / 1024).text, tool_grouped(u->locked_ws / 1024).text);
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

/* One region's line: Address, Type, Size, Committed, the working-set
 * columns, Protection. */
static void vmmap_line(struct tool_context *context, uint64_t base, const char *type,
                       const struct vmmap_usage *u, const char *protect, struct tool_output *out)
{
    tool_printf(out, "%s %-13s", tool_address_text(context, base, false).text, type);
    const uint64_t columns[6] = { u->size,       u->committed,    u->total_ws,
                                  u->private_ws, u->shareable_ws, u->locked_ws };
    for (int c = 0; c < 6; c++)
        tool_printf(out, " %11s K", tool_grouped(columns[c] / 1024).text);
    tool_printf(out, "%s%s", *protect ? "  " : "", protect);
}

static void vmmap_detail(struct tool_context *context, const struct vmmap_locks *locks,
                         const struct tool_region *r, size_t n, struct tool_output *out)
{
    tool_printf(out, "\n%-*s %-13s %13s %13s %13s %13s %13s %13s  %s\n",
                tool_is_x64(context) ? 17 : 8, "Address", "Type", "Size", "Committed",
                "Total WS", "Private WS", "Shareable WS", "Locked WS", "Protection");
    for (size_t i = 0; i < n; i++) {
        uint64_t base = r[i].base, unusable = vmmap_unusable(&r[i]);
        struct vmmap_usage u = { .size = unusable };
        if (unusable) {
            vmmap_line(context, base, "Unusable", &u, "", out);
            tool_printf(out, "\n");
            base += unusable;
            if (unusable == r[i].size)
                continue;
        }
        struct ntmm_vad_info vad;
        enum vmmap_type type = r[i].state == MEM_FREE ? VM_FREE : vmmap_type_of(context, &r[i], &vad);
        char protect[96] = "";
        if (r[i].state == MEM_COMMIT)
            tool_page_protection_name(r[i].protect, protect, sizeof protect);
        else if (r[i].state == MEM_RESERVE)
            strcpy(protect, "Reserved");
        vmmap_measure(context, locks, &r[i], type, &u);
        u.size = r[i].size - unusable;
        vmmap_line(context, base, vmmap_names[type], &u, protect, out);
        if ((type == VM_MAPPED || type == VM_IMAGE) && vad.file_name)
            tool_printf(out, "  %s", tool_file_name_text(vad.file_name).text);
        tool_printf(out, "\n");
    }
}

/* The summary rows. Page Table holds the working set that no region's
 * pages explain (page-table pages, the list's own pages); its Locked WS
 * stays 0, as VMMap's does: the list's locked entries of its own pages and
 * tables are not pages a program locked. */
static void vmmap_classify(struct tool_context *context, const struct vmmap_locks *locks,
                           const struct tool_region *r, size_t n, struct vmmap_row rows[VM_TYPES])
{
    uint64_t resident = 0, last_allocation = ~0ull;
    for (size_t i = 0; i < n; i++) {
        if (r[i].state != MEM_FREE) {
            struct ntmm_vad_info vad;
            struct vmmap_usage u;
            enum vmmap_type type = vmmap_type_of(context, &r[i], &vad);
            vmmap_measure(context, locks, &r[i], type, &u);
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
    struct vmmap_locks locks;
    if (!vmmap_locks_read(context, &locks)) {
        free(regions);
        return tool_fail(out, STATUS_NO_MEMORY, "%s: out of host memory", name);
    }
    struct vmmap_row rows[VM_TYPES];
    memset(rows, 0, sizeof rows);
    vmmap_classify(context, &locks, regions, count, rows);
    struct ntmm_process_info info;
    ntmm_process_info(context->process, &info);
    tool_printf(out, "Process: %s  PID: %u\n\n", info.image_name, info.cid);
    tool_printf(out, "%-13s%13s%13s%13s%13s%13s%13s%13s%13s%8s%13s\n", "Type", "Size",
                "Committed", "Private", "Total WS", "Private WS", "Shareable WS", "Shared WS",
                "Locked WS", "Blocks", "Largest");
    for (int t = 0; t < VM_TYPES; t++)
        vmmap_print_row(out, vmmap_names[t], &rows[t]);
    vmmap_detail(context, &locks, regions, count, out);
    free(locks.va);
    free(regions);
    return STATUS_SUCCESS;
}
