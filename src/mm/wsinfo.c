/*
 * wsinfo.c — what a process's working-set list says about its pages
 * (Windows: MiGetWorkingSetInfo and MiGetWorkingSetInfoEx, behind
 * NtQueryVirtualMemory's MemoryWorkingSetInformation and
 * MemoryWorkingSetExInformation). It reads the _MMWSLE array, the PTEs and
 * the PFN entries and changes nothing.
 *
 * (1) The entries listed are exactly the valid WSLEs, in index order: user
 *     pages, and the process's page tables, hyperspace tables and list
 *     pages, which Windows keeps in the process working set too; so their
 *     count is WorkingSetSize.
 * (2) A user page's protection is its PTE's (or its VAD's) MM_* value; the
 *     process's own tables and list pages are MM_READWRITE. ShareCount is the
 *     frame's, at most 7 (its 3 bits); Shared is the frame's PrototypePte.
 * (3) Locked: LockedInWs, and every entry below FirstDynamic (wsl.c (3)).
 */
#include "mm/mm.h"

static void describe(const struct mm *mm, const struct mm_address_space *as, uint64_t index,
                     uint64_t wsle, struct mm_ws_entry *out)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t va = wsle & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t pfn = (mi_read_pte(mm, as, pte_address(fmt, va, 0)) & fmt->pfn_mask) >> PAGE_SHIFT;
    unsigned protection = MM_READWRITE;
    const struct vad *vad = va <= as->highest_user_address ? vad_find(&as->vads, va >> PAGE_SHIFT)
                                                           : NULL;
    if (vad) {
        struct mm_page p;
        mi_read_page(mm, as, vad, va, &p);
        protection = p.protection;
    }
    uint64_t share = pfn < mm->frames ? pfn_share_count(mm, pfn) : 0;
    *out = (struct mm_ws_entry){
        .va = va,
        .protection = protection,
        .share_count = share > 7 ? 7 : (unsigned)share,
        .shared = pfn < mm->frames && pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1),
        .locked = (wsle & MI_WSLE_LOCKED_IN_WS) ||
                  index < mi_wsl_field(mm, as, MI_WSL_FIRST_DYNAMIC),
    };
}

uint64_t mm_query_working_set(const struct mm *mm, const struct mm_address_space *as,
                              struct mm_ws_entry *entries, uint64_t capacity)
{
    if (!as->working_set_list)
        return 0;
    uint64_t count = 0, last = mi_wsl_last_entry(mm, as);
    for (uint64_t index = 0; index <= last && !mm_stopped(mm); index++) {
        uint64_t wsle = mi_wsle(mm, as, index);
        if (!(wsle & MI_WSLE_VALID))
            continue;
        if (count < capacity)
            describe(mm, as, index, wsle, &entries[count]);
        count++;
    }
    return count;
}

bool mm_query_working_set_page(const struct mm *mm, const struct mm_address_space *as,
                               uint64_t va, struct mm_ws_entry *entry)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    va &= ~(uint64_t)(PAGE_SIZE - 1);
    if (!as->working_set_list || !mi_pte_exists(mm, as, va))
        return false;
    uint64_t pte = mi_read_pte(mm, as, pte_address(fmt, va, 0));
    uint64_t pfn = (pte & fmt->pfn_mask) >> PAGE_SHIFT;
    if (!(pte & PTE_HW_VALID) || pfn >= mm->frames)
        return false;
    uint64_t index = mi_ws_find(mm, as, va, pfn);
    if (index == MI_WSLE_NULL_INDEX)
        return false;
    describe(mm, as, index, mi_wsle(mm, as, index), entry);
    return true;
}
