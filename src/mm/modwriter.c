/*
 * modwriter.c — the modified and mapped page writers (Windows:
 * MiModifiedPageWriter, MiMappedPageWriter, MiGatherMappedPages): frames on
 * the modified list are written to where their data belongs and move to the
 * standby list, clean. A mapped file's page goes to its file; an image page
 * is never modified (copies are private).
 *
 * They run at explicit moments: when mi_take_page finds no frame
 * (mi_obtain_free_pages) and when the machine is idle (until the list is
 * empty).
 *
 * (1) A page the writer cannot place (no file for it) stays on the modified
 *     list, unchanged; a failed write leaves the page modified, so no data
 *     is lost.
 * (2) Each page written counts in MappedPagesWriteCount and each write in
 *     MappedWriteIoCount.
 */
#include "mm/section.h"

/* The data control area whose prototype PTEs hold proto_va, and the page. */
static struct mm_control_area *owner(struct mm *mm, uint64_t proto_va, uint64_t *page)
{
    for (struct mm_control_area *ca = mm->control_areas; ca; ca = ca->next) {
        *page = mi_proto_page(ca, proto_va);
        if (*page != UINT64_MAX)
            return ca;
    }
    return NULL;
}

uint64_t mi_modified_page_writer(struct mm *mm, uint64_t budget)
{
    uint64_t written = 0, pfn = pagelist_first(mm, ModifiedPageList);
    for (uint64_t n = pagelist_total(mm, ModifiedPageList); n-- > 0 && written < budget &&
                                                             pfn != MM_EMPTY_LIST(mm) &&
                                                             !mm_stopped(mm);) {
        uint64_t next = pfn_flink(mm, pfn), page;
        struct mm_control_area *ca = pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1)
                                         ? owner(mm, pfn_pte_address(mm, pfn), &page)
                                         : NULL;
        if (ca && ca->file && !ca->image && NT_SUCCESS(mi_write_page(ca, page, pfn))) {
            mi_count_info(mm, MI_INFO_MAPPED_PAGES_WRITE, 1);
            mi_count_info(mm, MI_INFO_MAPPED_WRITE_IO, 1);
            written++;
        }
        pfn = next;
    }
    return written;
}
