/*
 * pool.c — paged pool (Windows: MmPagedPoolStart, MiAllocatePoolPages for
 * PagedPool), reduced to what sections need: whole pages of system memory
 * that hold prototype PTEs. Windows keeps a segment's prototype PTEs in
 * paged pool, and process PTEs and PFN entries point at them by their
 * virtual address, so they live in simulated memory here too.
 *
 * Paged pool is MM_POOL_PAGES pages from mm->pool_base (0xE1000000 on x86
 * and PAE, XP's MmPagedPoolStart; 0xFFFFF8A000000000 on x64). Boot builds
 * the page tables that map it, so every process shares them through the
 * kernel part of its top-level table; pages come and go in them.
 *
 * (1) A pool page in use is Active, mapped by its system PTE (kernel-only,
 *     writable), its PteFrame one of mm->pool_tables; a free one has a zero
 *     PTE. pool_used[i] says which, and verify.c's walk of the System's
 *     tables checks the PFN side.
 * (2) An allocation is a run of contiguous virtual pages, its frames zeroed
 *     (a new segment's prototype PTEs start as zero PTEs); it fails with
 *     STATUS_INSUFFICIENT_RESOURCES, and nothing taken, when no run or no
 *     frame is left, as paged pool exhaustion does in Windows.
 * (3) A pool address taken from simulated memory (a PTE's or a PFN's
 *     PteAddress) is untrusted: outside paged pool, or on a page whose
 *     system PTE was edited, the kernel's access stops the machine with
 *     PAGE_FAULT_IN_NONPAGED_AREA (bugcheck.c) and no host address is formed.
 */
#include "mm/mm.h"

static unsigned ptes_per_table(const struct pte_format *fmt)
{
    return 1u << fmt->level_bits[fmt->levels - 1];
}

/* The host address of pool page index's system PTE. */
static uint8_t *pool_pte_host(const struct mm *mm, uint64_t index)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t table = mm->pool_tables[index / ptes_per_table(fmt)];
    return phys_frame(&mm->cpu->phys, table) + (index % ptes_per_table(fmt)) * fmt->pte_size;
}

unsigned mi_pool_table_count(const struct mm *mm)
{
    return (unsigned)((MM_POOL_PAGES + ptes_per_table(mm->cpu->fmt) - 1) /
                      ptes_per_table(mm->cpu->fmt));
}

static void free_pages(struct mm *mm, uint64_t first, uint64_t count)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    for (uint64_t i = first; i < first + count; i++) {
        uint8_t *pte = pool_pte_host(mm, i);
        uint64_t pfn = (mm_load(pte, fmt->pte_size) & fmt->pfn_mask) >> PAGE_SHIFT;
        mm_store(pte, fmt->pte_size, 0);
        cpu_invalidate_page(mm->cpu, CPU_EVERY_SPACE, mm->pool_base + i * PAGE_SIZE);
        mi_release_page(mm, pfn);
        mm->pool_used[i] = 0;
    }
}

/* Windows: MiAllocatePoolPages (PagedPool) */
NTSTATUS mi_pool_alloc(struct mm *mm, uint64_t pages, uint64_t *va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t run = 0, first = 0;
    for (uint64_t i = 0; i < MM_POOL_PAGES && run < pages; i++) {
        run = mm->pool_used[i] ? 0 : run + 1;
        first = i + 1 - run;
    }
    if (!pages || run < pages)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (uint64_t i = first; i < first + pages; i++) {
        uint64_t pfn = mi_take_page(mm, true);
        if (pfn == MM_EMPTY_LIST(mm)) {
            free_pages(mm, first, i - first);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
        uint64_t page_va = mm->pool_base + i * PAGE_SIZE;
        uint64_t table = mm->pool_tables[i / ptes_per_table(fmt)];
        pfn_initialize_active(mm, pfn, pte_address(fmt, page_va, 0), table, 0);
        mm_store(pool_pte_host(mm, i), fmt->pte_size,
                 (pfn << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE | PTE_HW_ACCESSED |
                     PTE_HW_DIRTY | PTE_HW_GLOBAL);
        mm->pool_used[i] = 1;
    }
    *va = mm->pool_base + first * PAGE_SIZE;
    return STATUS_SUCCESS;
}

/* Windows: MiFreePoolPages */
void mi_pool_free(struct mm *mm, uint64_t va, uint64_t pages)
{
    free_pages(mm, (va - mm->pool_base) >> PAGE_SHIFT, pages);
}

/* (3) The frame of the pool page at va, if va is in paged pool and its
 * system PTE is valid and names RAM; nothing is stopped either way. */
static bool pool_page_frame(const struct mm *mm, uint64_t va, uint64_t *pfn)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    if (va < mm->pool_base || va - mm->pool_base >= (uint64_t)MM_POOL_PAGES * PAGE_SIZE)
        return false;
    uint64_t raw = mm_load(pool_pte_host(mm, (va - mm->pool_base) >> PAGE_SHIFT), fmt->pte_size);
    *pfn = (raw & fmt->pfn_mask) >> PAGE_SHIFT;
    return (raw & PTE_HW_VALID) && *pfn < mm->frames;
}

bool mi_pool_mapped(const struct mm *mm, uint64_t va)
{
    uint64_t pfn;
    return pool_page_frame(mm, va, &pfn);
}

uint8_t *mi_pool_host(const struct mm *mm, uint64_t va, bool write)
{
    uint64_t pfn;
    if (!pool_page_frame(mm, va, &pfn)) { /* an edited PTE: the kernel's own access faults */
        mm_bug_check(mm, BUGCODE_PAGE_FAULT_IN_NONPAGED_AREA, va, write, 0, 0);
        return (uint8_t *)mm->bug_check->scratch + (va & (PAGE_SIZE - 1));
    }
    return (uint8_t *)mi_frame(mm, pfn) + (va & (PAGE_SIZE - 1));
}

uint64_t mi_pool_frame(const struct mm *mm, uint64_t va)
{
    uint64_t pfn;
    return pool_page_frame(mm, va, &pfn) ? pfn : mm->pfn_layout->empty;
}
