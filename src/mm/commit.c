/*
 * commit.c — commit charge (Windows: MiChargeCommitment, MiReturnCommitment):
 * memory the system has promised to back with RAM or pagefile.
 *
 * (1) MmTotalCommittedPages <= MmTotalCommitLimit <= MmTotalCommitLimitMaximum;
 *     all three live in simulated kernel memory. The limit is the RAM
 *     available after boot plus what the pagefiles hold now, the maximum
 *     the same with every pagefile at its maximum size (pagefile.h (4)).
 *     A charge past the limit first extends the pagefiles, as
 *     MiChargeCommitment does; only one past what they can reach fails.
 * (2) MmTotalCommittedPages == the sum of the address spaces' commit charge
 *     and the segments' (mm->section_commit; charged with as NULL), and each
 *     space's charge == the CommitCharge of its VADs.
 * (3) MmPeakCommitment is the highest MmTotalCommittedPages has been since
 *     boot (never below it).
 */
#include "mm/mm.h"
#include "mm/pagefile.h"

/* Windows: MiChargeCommitment */
NTSTATUS mi_charge_commit(struct mm *mm, struct mm_address_space *as, uint64_t pages)
{
    uint64_t total = mm_symbol_word(mm, SYM_MmTotalCommittedPages);
    uint64_t limit = mm_symbol_word(mm, SYM_MmTotalCommitLimit);
    if (pages > limit - total && mi_extend_paging_files(mm, pages - (limit - total)))
        limit = mm_symbol_word(mm, SYM_MmTotalCommitLimit);
    if (pages > limit - total)
        return STATUS_COMMITMENT_LIMIT;
    mm_set_symbol_word(mm, SYM_MmTotalCommittedPages, total + pages);
    if (total + pages > mm_symbol_word(mm, SYM_MmPeakCommitment))
        mm_set_symbol_word(mm, SYM_MmPeakCommitment, total + pages);
    if (!as)
        return STATUS_SUCCESS; /* a segment's (section.h (5)) */
    as->commit_charge += pages;
    if (as->commit_charge > as->peak_commit_charge)
        as->peak_commit_charge = as->commit_charge;
    return STATUS_SUCCESS;
}

void mi_return_commit(struct mm *mm, struct mm_address_space *as, uint64_t pages)
{
    mm_set_symbol_word(mm, SYM_MmTotalCommittedPages,
                       mm_symbol_word(mm, SYM_MmTotalCommittedPages) - pages);
    if (as)
        as->commit_charge -= pages;
}
