/*
 * modwriter.c — the modified and mapped page writers (Windows:
 * MiModifiedPageWriter, MiGatherPagefilePages, MiMappedPageWriter,
 * MiGatherMappedPages): frames on the modified list are written to where
 * their data belongs and move to the standby list, clean. A mapped file's
 * page goes to its file; private pages and pagefile-backed section pages
 * go to a pagefile, in clusters of up to MM_MODIFIED_WRITE_CLUSTER pages in
 * consecutive slots, one write each; an image page is never modified
 * (copies are private).
 *
 * They run at explicit moments: when mi_take_page finds no frame
 * (mi_obtain_free_pages), when the working-set manager finds the modified
 * list longer than MmModifiedPageMaximum (wsmanager.c), and when the
 * machine is idle (until the list is empty).
 *
 * (1) A page the writer cannot place (no pagefile space, no file) stays on
 *     the modified list, unchanged; a failed write leaves its pages
 *     modified and releases the slots it took, so no data is lost.
 * (2) Each page written counts in MappedPagesWriteCount (a file's) or
 *     DirtyPagesWriteCount (a pagefile's), each write in MappedWriteIoCount
 *     or DirtyWriteIoCount.
 * (3) A page written to a pagefile keeps its slot in OriginalPte (a
 *     pagefile PTE with the page's protection): repurposing the frame gives
 *     the PTE that value (pagestate.c (3), (5)).
 */
#include "mm/pagefile.h"
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

/* Where a modified frame's data belongs: its file (with the page), or the
 * pagefile (*file NULL). */
static bool placement(struct mm *mm, uint64_t pfn, struct mm_control_area **file, uint64_t *page)
{
    *file = NULL;
    if (!pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1))
        return true; /* private */
    struct mm_control_area *ca = owner(mm, pfn_pte_address(mm, pfn), page);
    if (!ca || ca->image)
        return false;
    *file = ca->file ? ca : NULL;
    return true;
}

/* Windows: MiGatherPagefilePages and the write — up to count frames from
 * pfns[] to consecutive slots of one pagefile, (3). Returns pages written. */
static uint64_t write_cluster(struct mm *mm, const uint64_t *pfns, uint64_t count)
{
    unsigned number;
    uint64_t offset, got = mi_allocate_paging_file_space(mm, count, &number, &offset);
    if (!got)
        return 0;
    const uint8_t *pages[MM_MODIFIED_WRITE_CLUSTER];
    for (uint64_t i = 0; i < got; i++) {
        pfn_set_e1(mm, pfns[i], PFN_E1_WRITE_IN_PROGRESS, 1, 1);
        pages[i] = mi_frame(mm, pfns[i]);
    }
    NTSTATUS st = mi_write_paging_file(mm, number, offset, pages, (unsigned)got);
    for (uint64_t i = 0; i < got; i++) {
        uint64_t pfn = pfns[i];
        pfn_set_e1(mm, pfn, PFN_E1_WRITE_IN_PROGRESS, 1, 0);
        if (!NT_SUCCESS(st)) { /* (1) */
            (void)mi_release_paging_file_space(mm, number, offset + i);
            continue;
        }
        bool proto = pfn_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1);
        struct pte_fields f;
        mm->cpu->fmt->decode(pfn_original_pte(mm, pfn), proto ? PTE_IN_PROTOTYPE : PTE_IN_PAGE_TABLE,
                             &f);
        struct pte_fields paged = { .kind = PTE_KIND_PAGEFILE, .protection = f.protection,
                                    .page_file_low = number, .page_file_high = offset + i };
        mi_modified_to_standby(mm, pfn);
        pfn_set_original_pte(mm, pfn, mi_encode_pte(mm, &paged));
    }
    if (!NT_SUCCESS(st))
        return 0;
    mi_count_info(mm, MI_INFO_DIRTY_PAGES_WRITE, (uint32_t)got);
    mi_count_info(mm, MI_INFO_DIRTY_WRITE_IO, 1);
    return got;
}

uint64_t mi_modified_page_writer(struct mm *mm, uint64_t budget)
{
    uint64_t written = 0, pfn = pagelist_first(mm, ModifiedPageList);
    uint64_t cluster[MM_MODIFIED_WRITE_CLUSTER], clustered = 0;
    bool failed = false;
    for (uint64_t n = pagelist_total(mm, ModifiedPageList);
         n-- > 0 && written + clustered < budget && pfn != MM_EMPTY_LIST(mm) && !mm_stopped(mm);) {
        uint64_t next = pfn_flink(mm, pfn), page;
        struct mm_control_area *file;
        bool placed = placement(mm, pfn, &file, &page);
        if (placed && file) {
            if (NT_SUCCESS(mi_write_page(file, page, pfn))) {
                mi_count_info(mm, MI_INFO_MAPPED_PAGES_WRITE, 1);
                mi_count_info(mm, MI_INFO_MAPPED_WRITE_IO, 1);
                written++;
            }
        } else if (placed && !failed) {
            cluster[clustered++] = pfn;
            if (clustered == MM_MODIFIED_WRITE_CLUSTER) {
                uint64_t done = write_cluster(mm, cluster, clustered);
                failed = done == 0;
                written += done;
                clustered = 0;
            }
        }
        pfn = next;
    }
    if (clustered && !failed)
        written += write_cluster(mm, cluster, clustered);
    return written;
}
