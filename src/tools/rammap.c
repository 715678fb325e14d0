/*
 * rammap.c — Sysinternals RAMMap's "Use Counts": every physical page by use
 * (rows) and by list (columns: Active, Standby, Modified, Modified no write,
 * Transition, Zeroed, Free, Bad, Total), in K.
 *
 * Classification, from each frame's decoded _MMPFN (ntmm_pfn_query):
 *   - Zeroed, Free and Bad frames hold nothing: Unused, in their list's column.
 *   - A frame whose PFN entry has PrototypePte belongs to a section: its
 *     PteAddress is a prototype PTE, and the control area holding it
 *     (ntmm_control_area_query) says Mapped File (a file or an image) or
 *     Shareable (the pagefile).
 *   - Every other frame (Active, Standby, Modified, ModifiedNoWrite,
 *     Transition) is classified by the address its PteAddress maps (PTE_BASE
 *     self-map arithmetic: va = (PteAddress - PTE_BASE) / sizeof(PTE) * 4K):
 *       * the mapped address is itself in the self-map: the frame is a
 *         page-table page (or a top-level directory) -> Page Table;
 *       * a user-space address (below the kernel's half) -> Process Private;
 *       * the PFN database's range -> Nonpaged Pool (Windows allocates the
 *         PFN database from nonpaged memory at boot);
 *       * paged pool (the pages that hold sections' prototype PTEs) -> Paged
 *         Pool;
 *       * anything else in kernel space (the kernel image and its data
 *         page, PAE PDPT pages, KUSER_SHARED_DATA) -> Driver Locked: resident
 *         kernel-mode image memory, locked in RAM;
 *       * a frame with no PteAddress the self-map can explain -> Driver Locked.
 * Rows ntmm does not model yet (System PTE, Session Private, Metafile, AWE,
 * Kernel Stack, Large Page) stay 0. A trimmed page keeps its use in the
 * Standby or Modified column: its PteAddress still names its transition
 * PTE (or prototype PTE).
 *
 * Then the pagefiles (MmPagingFile[], ntmm_query_paging_files) where the
 * modified page writer sends private and pagefile-backed pages: each file's
 * Size, Minimum, Maximum, In Use and Peak, in K.
 *
 * (1) The Total row equals the machine's physical memory: every frame is
 *     counted once. Nothing changes (ntmm_pfn_query only reads).
 * (2) The walk ends at MmHighestPhysicalPage or at the first frame that is
 *     not RAM, whichever comes first: the variable is kernel memory, which
 *     an edit (ed, eq) may have made huge.
 */
#include <string.h>

#include "tools/tool_internal.h"

enum rammap_use { RM_PRIVATE, RM_MAPPED, RM_SHAREABLE, RM_PAGE_TABLE, RM_PAGED_POOL,
                  RM_NONPAGED_POOL, RM_SYSTEM_PTE, RM_SESSION, RM_METAFILE, RM_AWE,
                  RM_DRIVER_LOCKED, RM_KERNEL_STACK, RM_UNUSED, RM_LARGE_PAGE, RM_USES };
static const char *const rammap_uses[RM_USES] = {
    "Process Private", "Mapped File", "Shareable", "Page Table", "Paged Pool",
    "Nonpaged Pool", "System PTE", "Session Private", "Metafile", "AWE",
    "Driver Locked", "Kernel Stack", "Unused", "Large Page",
};

/* Columns in RAMMap's order, as PageLocation values. */
static const unsigned rammap_columns[8] = { NTMM_ACTIVE, NTMM_STANDBY, NTMM_MODIFIED,
                                            NTMM_MODIFIED_NO_WRITE, NTMM_TRANSITION,
                                            NTMM_ZEROED, NTMM_FREE, NTMM_BAD };
static const char *const rammap_column_names[8] = { "Active", "Standby", "Modified",
                                                    "Modified no write", "Transition",
                                                    "Zeroed", "Free", "Bad" };

struct rammap_space {
    uint64_t pte_base, self_map_end, pte_size;
    uint64_t pfn_database, pfn_database_end;
    uint64_t paged_pool, paged_pool_end;
    uint64_t user_end; /* first kernel address */
    bool x64;
};

static void rammap_space_init(const struct tool_context *context, struct rammap_space *s)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    s->x64 = info.arch == NTMM_ARCH_X64;
    s->pte_base = info.pte_base;
    s->pte_size = info.pte_size;
    s->self_map_end = tool_self_map_end(context);
    s->pfn_database = info.pfn_database;
    s->pfn_database_end = info.pfn_database +
                          (info.highest_physical_page + 1) * info.pfn_entry_size;
    s->paged_pool = info.paged_pool_start;
    s->paged_pool_end = info.paged_pool_end;
    /* MmSystemRangeStart: 2 GB, or increaseuserva's size on 32-bit machines. */
    uint32_t user_mb = ntmm_machine_config(context->machine)->increase_user_va;
    s->user_end = s->x64 ? 0x0000800000000000ull
                         : user_mb ? (uint64_t)user_mb << 20 : 0x80000000ull;
}

static uint64_t rammap_mapped_va(const struct rammap_space *s, uint64_t pte_address)
{
    uint64_t va = (pte_address - s->pte_base) / s->pte_size * NTMM_PAGE_SIZE;
    if (s->x64 && (va & (1ull << 47)))
        va |= 0xffff000000000000ull; /* canonical sign extension */
    return va;
}

static enum rammap_use rammap_classify(const struct tool_context *context,
                                       const struct rammap_space *s,
                                       const struct ntmm_pfn_info *pfn)
{
    unsigned l = pfn->page_location;
    if (l == NTMM_ZEROED || l == NTMM_FREE || l == NTMM_BAD)
        return RM_UNUSED;
    if (pfn->prototype_pte) {
        struct ntmm_control_area_info ca;
        if (ntmm_control_area_query(context->machine, pfn->pte_address, &ca) != STATUS_SUCCESS)
            return RM_DRIVER_LOCKED;
        return ca.file ? RM_MAPPED : RM_SHAREABLE;
    }
    if (pfn->pte_address < s->pte_base || pfn->pte_address >= s->self_map_end)
        return RM_DRIVER_LOCKED;
    uint64_t va = rammap_mapped_va(s, pfn->pte_address);
    if (va >= s->pte_base && va < s->self_map_end)
        return RM_PAGE_TABLE;
    if (va < s->user_end)
        return RM_PRIVATE;
    if (va >= s->pfn_database && va < s->pfn_database_end)
        return RM_NONPAGED_POOL;
    if (va >= s->paged_pool && va < s->paged_pool_end)
        return RM_PAGED_POOL;
    return RM_DRIVER_LOCKED;
}

static void rammap_print(struct tool_output *out, const char *name, const uint64_t pages[9])
{
    tool_printf(out, "%-16s", name);
    for (int c = 0; c < 9; c++)
        tool_printf(out, "%16s K", tool_grouped(pages[c] * 4).text);
    tool_printf(out, "\n");
}

static void rammap_paging_files(const struct tool_context *context, struct tool_output *out)
{
    struct ntmm_paging_file_info files[NTMM_MAXIMUM_PAGING_FILES];
    unsigned count;
    ntmm_query_paging_files(context->machine, files, NTMM_MAXIMUM_PAGING_FILES, &count);
    tool_printf(out, "\nPage Files\n%-24s%18s%18s%18s%18s%18s\n", "Name", "Size", "Minimum",
                "Maximum", "In Use", "Peak");
    for (unsigned n = 0; n < count && n < NTMM_MAXIMUM_PAGING_FILES; n++) {
        const uint64_t pages[5] = { files[n].size, files[n].minimum_size, files[n].maximum_size,
                                    files[n].current_usage, files[n].peak_usage };
        tool_printf(out, "%-24s", files[n].name);
        for (int c = 0; c < 5; c++)
            tool_printf(out, "%16s K", tool_grouped(pages[c] * 4).text);
        tool_printf(out, "\n");
    }
}

NTSTATUS tool_rammap(struct tool_context *context, const char *name, const char *args,
                     struct tool_output *out)
{
    if (*args)
        return tool_fail(out, STATUS_INVALID_PARAMETER, "%s: takes no arguments", name);
    struct ntmm_machine_info info;
    ntmm_machine_info(context->machine, &info);
    struct rammap_space space;
    rammap_space_init(context, &space);
    uint64_t counts[RM_USES + 1][9];
    memset(counts, 0, sizeof counts);
    for (uint64_t n = 0; n <= info.highest_physical_page; n++) {
        struct ntmm_pfn_info pfn;
        if (ntmm_pfn_query(context->machine, n, &pfn) != STATUS_SUCCESS)
            break; /* (2) */
        int column = 0;
        while (column < 8 && rammap_columns[column] != pfn.page_location)
            column++;
        if (column == 8)
            continue;
        enum rammap_use use = rammap_classify(context, &space, &pfn);
        counts[use][column]++;
        counts[use][8]++;
        counts[RM_USES][column]++;
        counts[RM_USES][8]++;
    }
    tool_printf(out, "Use Counts\n%-16s", "Usage");
    for (int c = 0; c < 8; c++)
        tool_printf(out, "%18s", rammap_column_names[c]);
    tool_printf(out, "%18s\n", "Total");
    for (int u = 0; u < RM_USES; u++)
        rammap_print(out, rammap_uses[u], counts[u]);
    rammap_print(out, "Total", counts[RM_USES]);
    rammap_paging_files(context, out);
    return STATUS_SUCCESS;
}
