/*
 * zero.c — the zero page thread (Windows: MmZeroPageThread), which Windows
 * runs at the lowest priority to turn free frames into zeroed ones so that
 * demand-zero faults find a zeroed frame ready.
 *
 * ntmm runs it at explicit moments (ntmm_machine_idle): it takes frames from
 * the head of the free list, zeroes their bytes and puts them at the tail of
 * the zeroed list.
 *
 * (1) After it returns with budget left over, the free list is empty.
 */
#include <string.h>

#include "mm/mm.h"

uint64_t mm_zero_page_thread(struct mm *mm, uint64_t budget)
{
    uint64_t done = 0;
    while (done < budget && !mm_stopped(mm)) {
        uint64_t pfn = pagelist_remove_head(mm, FreePageList);
        if (pfn == mm->pfn_layout->empty)
            break;
        memset(mi_frame_for_write(mm, pfn), 0, PAGE_SIZE);
        pagelist_insert_tail(mm, ZeroedPageList, pfn);
        done++;
    }
    return done;
}
