/*
 * query.c — describing the address space region by region (Windows:
 * NtQueryVirtualMemory with MemoryBasicInformation, the core of VirtualQuery).
 *
 * A region is the longest run of pages, starting at the queried page, that
 * share state and protection: inside one VAD for allocated memory, between
 * two VADs (or up to the end of user space) for free memory.
 *
 * (1) Queries change nothing: no page table is created, no page touched, no
 *     Accessed bit set and no TLB entry filled (pteio.c (1)).
 */
#include "mm/mm.h"

static void free_region(const struct mm_address_space *as, uint64_t va, struct mm_region *r)
{
    struct vad *next = vad_first_overlap(&as->vads, va >> PAGE_SHIFT, UINT64_MAX >> PAGE_SHIFT);
    uint64_t end = next ? next->StartingVpn << PAGE_SHIFT : as->highest_user_address + 1;
    *r = (struct mm_region){ .base = va & ~(PAGE_SIZE - 1), .state = MM_STATE_FREE };
    r->size = end - r->base;
}

/* A page-table span that does not exist: all its pages have the VAD's state. */
static uint64_t absent_table_end(struct mm *mm, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t span = 1ull << fmt->level_shift[fmt->levels - 2];
    return (va | (span - 1)) + 1;
}

/* Windows: NtQueryVirtualMemory (MemoryBasicInformation) */
NTSTATUS mm_query(struct mm *mm, struct mm_address_space *as, uint64_t va,
                  struct mm_region *region)
{
    if (va > as->highest_user_address)
        return STATUS_INVALID_PARAMETER;
    struct vad *vad = vad_find(&as->vads, va >> PAGE_SHIFT);
    if (!vad) {
        free_region(as, va, region);
        return STATUS_SUCCESS;
    }
    uint64_t end = (vad->EndingVpn + 1) << PAGE_SHIFT;
    struct mm_page first, p;
    uint64_t at = va & ~(PAGE_SIZE - 1);
    mi_read_page(mm, as, vad, at, &first);
    *region = (struct mm_region){ .base = at, .vad = vad, .protection = first.protection,
                                  .state = first.committed ? MM_STATE_COMMIT : MM_STATE_RESERVE };
    while (at < end) {
        bool absent = !mi_pte_exists(mm, as, at);
        mi_read_page(mm, as, vad, at, &p);
        if (p.committed != first.committed || (p.committed && p.protection != first.protection))
            break;
        at = absent ? absent_table_end(mm, at) : at + PAGE_SIZE;
    }
    region->size = (at < end ? at : end) - region->base;
    return STATUS_SUCCESS;
}

void mm_basic_information(const struct mm_region *r, MEMORY_BASIC_INFORMATION *info)
{
    *info = (MEMORY_BASIC_INFORMATION){
        .BaseAddress = (PVOID)(uintptr_t)r->base,
        .RegionSize = (SIZE_T)r->size,
        .State = r->state == MM_STATE_FREE ? MEM_FREE
                 : r->state == MM_STATE_RESERVE ? MEM_RESERVE : MEM_COMMIT,
        .Protect = r->state == MM_STATE_COMMIT ? mi_page_protection(r->protection)
                   : r->state == MM_STATE_FREE ? PAGE_NOACCESS : 0,
    };
    if (r->vad) {
        info->AllocationBase = (PVOID)(uintptr_t)(r->vad->StartingVpn << PAGE_SHIFT);
        info->AllocationProtect = r->vad->allocation_protect;
        info->Type = r->vad->u.PrivateMemory ? MEM_PRIVATE
                     : r->vad->u.ImageMap    ? MEM_IMAGE
                                             : MEM_MAPPED;
    }
}
