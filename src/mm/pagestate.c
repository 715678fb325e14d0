/*
 * pagestate.c — every change of a frame's state after boot, one named
 * primitive each (Windows: MiInitializePfn, MiDecrementShareCount,
 * MiDecrementReferenceCount, MiResolveTransitionFault's frame part,
 * MiRestoreTransitionPte, the modified page writer's completion), and the
 * one path that takes a frame (MiEnsureAvailablePageOrWait with
 * MiRemoveZeroPage / MiRemoveAnyPage). The lists themselves are pagelist.c's.
 *
 *                         mi_take_page (Zeroed first, or Free first)
 *      +----------------------------------------------------------------+
 *      |                                                                |
 *      |         zero page thread                                       v
 *   Zeroed <------------------------ Free <--- mi_release_page ---- Active
 *      ^                              ^       (PTE deleted)        (valid)
 *      |  mi_take_page, when Zeroed   |                            |  ^
 *      |  and Free are empty:         | mi_delete_transition_page   |  |
 *      |  mi_repurpose_standby_page   | (PTE deleted)               |  | mi_restore_to_active
 *      |  (its PTE takes OriginalPte) |                             |  | (soft fault,
 *      +-------------------------- Standby <--------------------+   |  |  transition
 *                                     ^                         |   |  |  prototype)
 *                                     | mi_modified_to_standby  +---+  |
 *                                     | (written out, or reset) | mi_decrement_share_count
 *                                  Modified <-------------------+ to 0: clean -> Standby,
 *                                                                  dirty -> Modified
 *   (ModifiedNoWrite, Bad and ROM frames never change state; Active covers
 *    page tables, pool pages and the boot image too)
 *
 * A frame's PTE is the one at its PteAddress in the table page PteFrame: a
 * process PTE (PrototypePte clear) or a prototype PTE in paged pool.
 *
 * (1) Each primitive checks the state it starts from. The state is read
 *     from simulated memory, which a script may have edited, so a frame in
 *     the wrong state stops the machine (MEMORY_MANAGEMENT 0x403: the page
 *     tables and the PFN database disagree) instead of asserting; nothing
 *     changes then.
 * (2) A transition frame (Standby or Modified) has ShareCount 0,
 *     ReferenceCount 0, and its PTE is a transition PTE naming it; its
 *     PteFrame's ShareCount still counts it. Modified is set exactly on the
 *     Modified list's frames among them.
 * (3) Repurposing a standby frame gives its PTE back its OriginalPte (demand
 *     zero, pagefile, subsection) and uncounts it from PteFrame: the page's
 *     data is where OriginalPte says, or was not needed (MEM_RESET).
 * (4) mi_take_page is the only way a frame is taken after boot. It counts
 *     one frame allocation for the fault injector (inject.c): an injected
 *     fault makes it return MM_EMPTY_LIST with nothing changed, as if RAM
 *     were exhausted. When the zeroed, free and standby lists are empty it
 *     asks the working-set manager for memory once (wsmanager.c), then
 *     gives up.
 * (5) A frame whose OriginalPte is a pagefile PTE owns that pagefile slot
 *     while its copy there is good: the slot goes when the frame becomes
 *     modified again (mi_set_modified) or is freed; a freed frame's
 *     OriginalPte is 0.
 */
#include <string.h>

#include "mm/pagefile.h"

/* (1) */
static bool expect(struct mm *mm, uint64_t pfn, bool ok)
{
    if (!ok)
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_PFN_STATE, pfn,
                     pfn_location(mm, pfn), pfn_share_count(mm, pfn));
    return ok;
}

static bool in_transition(enum mm_list list)
{
    return list == StandbyPageList || list == ModifiedPageList;
}

/* Windows: MiInitializePfn */
void pfn_initialize_active(struct mm *mm, uint64_t pfn, uint64_t pte_address,
                           uint64_t pte_frame, uint64_t original_pte)
{
    pfn_set_flink(mm, pfn, 0);
    pfn_set_share_count(mm, pfn, 1);
    pfn_set_reference_count(mm, pfn, 1);
    pfn_set_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3, ActiveAndValid);
    pfn_set_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1, 0); /* a section's page says so itself */
    pfn_set_pte_address(mm, pfn, pte_address);
    pfn_set_original_pte(mm, pfn, original_pte);
    pfn_set_pte_frame(mm, pfn, pte_frame);
    if (pte_frame != pfn)
        pfn_set_share_count(mm, pte_frame, pfn_share_count(mm, pte_frame) + 1);
}

/* The frame's own PTE, in its table page (a process page table or pool). */
static uint8_t *own_pte(struct mm *mm, uint64_t pfn)
{
    return mi_frame_for_write(mm, pfn_pte_frame(mm, pfn)) +
           (pfn_pte_address(mm, pfn) & (PAGE_SIZE - 1));
}

uint64_t mi_transition_pte(const struct mm *mm, uint64_t pfn, bool write, bool owner)
{
    struct pte_fields original;
    bool proto = pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1);
    mm->cpu->fmt->decode(pfn_original_pte(mm, pfn), proto ? PTE_IN_PROTOTYPE : PTE_IN_PAGE_TABLE,
                         &original);
    struct pte_fields t = { .kind = PTE_KIND_TRANSITION, .write = write, .owner = owner,
                            .protection = original.protection, .page_frame_number = pfn };
    return mi_encode_pte(mm, &t);
}

/* The frame's OriginalPte as a decoded PTE. */
static void original_pte(const struct mm *mm, uint64_t pfn, struct pte_fields *f)
{
    bool proto = pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1);
    mm->cpu->fmt->decode(pfn_original_pte(mm, pfn), proto ? PTE_IN_PROTOTYPE : PTE_IN_PAGE_TABLE, f);
}

void mi_release_page_file_pte(struct mm *mm, uint64_t raw, enum pte_context context)
{
    struct pte_fields f;
    mm->cpu->fmt->decode(raw, context, &f);
    if (f.kind == PTE_KIND_PAGEFILE)
        (void)mi_release_paging_file_space(mm, f.page_file_low, f.page_file_high);
}

/* (5) The frame's copy in a pagefile no longer holds its data: the slot
 * goes, and OriginalPte is the demand-zero PTE of the same protection. */
static void drop_page_file_copy(struct mm *mm, uint64_t pfn)
{
    struct pte_fields f;
    original_pte(mm, pfn, &f);
    if (f.kind != PTE_KIND_PAGEFILE)
        return;
    (void)mi_release_paging_file_space(mm, f.page_file_low, f.page_file_high);
    pfn_set_original_pte(mm, pfn, mi_software_pte(mm, f.protection));
}

void mi_set_original_protection(struct mm *mm, uint64_t pfn, unsigned protection)
{
    struct pte_fields f;
    original_pte(mm, pfn, &f);
    f.protection = protection;
    pfn_set_original_pte(mm, pfn, f.kind == PTE_KIND_PAGEFILE ? mi_encode_pte(mm, &f)
                                                              : mi_software_pte(mm, protection));
}

void mi_set_modified(struct mm *mm, uint64_t pfn)
{
    drop_page_file_copy(mm, pfn);
    pfn_set_e1(mm, pfn, PFN_E1_MODIFIED, 1, 1);
}

void mi_discard_page_file_copy(struct mm *mm, uint64_t pfn)
{
    drop_page_file_copy(mm, pfn);
}

/* Windows: MiDecrementReferenceCount reaching 0 — (2). */
static void make_transition(struct mm *mm, uint64_t pfn)
{
    pfn_set_reference_count(mm, pfn, 0);
    pagelist_insert_tail(mm, pfn_e1(mm, pfn, PFN_E1_MODIFIED, 1) ? ModifiedPageList
                                                                  : StandbyPageList, pfn);
}

void mi_decrement_share_count(struct mm *mm, uint64_t pfn, bool dirty)
{
    if (!expect(mm, pfn, pfn_location(mm, pfn) == ActiveAndValid && pfn_share_count(mm, pfn)))
        return;
    if (dirty)
        mi_set_modified(mm, pfn);
    uint64_t share = pfn_share_count(mm, pfn) - 1;
    pfn_set_share_count(mm, pfn, share);
    if (share)
        return;
    if (pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1) && !mm_stopped(mm))
        mm_store(own_pte(mm, pfn), mm->cpu->fmt->pte_size, mi_transition_pte(mm, pfn, false, false));
    make_transition(mm, pfn);
}

void mi_restore_to_active(struct mm *mm, uint64_t pfn)
{
    if (!expect(mm, pfn, in_transition(pfn_location(mm, pfn))))
        return;
    pagelist_unlink(mm, pfn);
    pfn_set_share_count(mm, pfn, 1);
    pfn_set_reference_count(mm, pfn, 1);
    pfn_set_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3, ActiveAndValid);
}

void mi_modified_to_standby(struct mm *mm, uint64_t pfn)
{
    enum mm_list list = pfn_location(mm, pfn);
    if (!expect(mm, pfn, list == ActiveAndValid || in_transition(list)))
        return;
    pfn_set_e1(mm, pfn, PFN_E1_MODIFIED, 1, 0);
    if (list == ModifiedPageList) {
        pagelist_unlink(mm, pfn);
        pagelist_insert_tail(mm, StandbyPageList, pfn);
    }
}

/* Windows: MiDecrementShareCount down to zero for a page whose PTE is being
 * deleted: the frame leaves its page table's ShareCount and goes to the free list. */
void mi_release_page(struct mm *mm, uint64_t pfn)
{
    uint64_t parent = pfn_pte_frame(mm, pfn);
    if (parent != pfn && pfn_share_count(mm, parent) == 0)
        mm_bug_check(mm, BUGCODE_PFN_LIST_CORRUPT, MM_BUGCHECK_SHARE_COUNT, parent, 0, 0);
    if (parent != pfn)
        pfn_set_share_count(mm, parent, pfn_share_count(mm, parent) - 1);
    drop_page_file_copy(mm, pfn); /* (5) */
    pfn_set_share_count(mm, pfn, 0);
    pfn_set_original_pte(mm, pfn, 0);
    mm_insert_page_in_free_list(mm, pfn);
}

void mi_delete_transition_page(struct mm *mm, uint64_t pfn)
{
    if (!expect(mm, pfn, in_transition(pfn_location(mm, pfn))))
        return;
    pagelist_unlink(mm, pfn);
    mi_release_page(mm, pfn);
}

/* Windows: MiRestoreTransitionPte — (3). */
static uint64_t repurpose_standby_page(struct mm *mm)
{
    uint64_t pfn = pagelist_remove_head(mm, StandbyPageList);
    if (pfn == MM_EMPTY_LIST(mm))
        return pfn;
    if (!mm_stopped(mm))
        mm_store(own_pte(mm, pfn), mm->cpu->fmt->pte_size, pfn_original_pte(mm, pfn));
    pfn_set_original_pte(mm, pfn, 0); /* a pagefile slot is the PTE's now */
    uint64_t parent = pfn_pte_frame(mm, pfn);
    if (expect(mm, parent, pfn_share_count(mm, parent) != 0))
        pfn_set_share_count(mm, parent, pfn_share_count(mm, parent) - 1);
    pfn_set_e1(mm, pfn, PFN_E1_MODIFIED, 1, 0);
    return pfn;
}

/* (4) One attempt: the lists in the order the caller wants, then standby. */
static uint64_t remove_page(struct mm *mm, bool zeroed)
{
    uint64_t pfn = zeroed ? mm_remove_zero_page(mm) : mm_remove_any_page(mm);
    if (pfn != MM_EMPTY_LIST(mm) || mm_stopped(mm))
        return pfn;
    pfn = repurpose_standby_page(mm);
    if (pfn == MM_EMPTY_LIST(mm) || mm_stopped(mm))
        return MM_EMPTY_LIST(mm);
    phys_commit(&mm->cpu->phys, pfn);
    if (zeroed)
        memset(mi_frame_for_write(mm, pfn), 0, PAGE_SIZE); /* MiZeroPhysicalPage */
    return pfn;
}

uint64_t mi_take_page(struct mm *mm, bool zeroed)
{
    if (mm_fault_fires(mm, NTMM_FAULT_FRAME))
        return MM_EMPTY_LIST(mm);
    uint64_t pfn = remove_page(mm, zeroed);
    if (pfn == MM_EMPTY_LIST(mm) && !mm_stopped(mm) && mi_obtain_free_pages(mm))
        pfn = remove_page(mm, zeroed);
    return pfn;
}
