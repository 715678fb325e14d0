/*
 * pagelist.c — the page lists (Windows: MmZeroedPageListHead and the other
 * MMPFNLIST heads) and the allocation routines that take frames off them.
 *
 * A list head is an MMPFNLIST {Total, ListName, Flink, Blink} in simulated
 * kernel memory; the frames are chained through their PFN entries, Flink in
 * u1 and Blink in u2, MM_EMPTY_LIST at both ends.
 *
 * (1) A frame is on at most one list, the one its PageLocation names, and
 *     the list's Total equals the frames reachable from its Flink.
 * (2) Insertion at the tail and removal at the head or from the middle are
 *     O(1): pagelist_insert_tail and pagelist_unlink are the only routines
 *     that change links.
 * (3) MmAvailablePages == Total(Zeroed) + Total(Free) + Total(Standby).
 * (4) Every frame on the zeroed list holds only zero bytes.
 * (5) After boot only mi_take_page (pagestate.c) takes frames, through
 *     mm_remove_zero_page and mm_remove_any_page; pagestate.c draws every
 *     state a frame passes through.
 * (6) Links are checked before they are followed or changed: a head whose
 *     Flink or Blink is not a frame at the end of its list, or an entry
 *     whose neighbours do not point back at it, stops the machine with
 *     PFN_LIST_CORRUPT (1: the head, 2: the entry) and changes no link;
 *     removing then finds no frame.
 */
#include <string.h>

#include "mm/mm.h"

static bool is_list(enum mm_list list)
{
    return list <= BadPageList;
}

static inline void set_head(struct mm *mm, unsigned list, unsigned offset, uint64_t v)
{
    if (!mm_stopped(mm)) /* bugcheck.c (2) */
        mm_store(pagelist_head(mm, list) + offset, mm->pfn_layout->word, v);
}

/* (6) A head's link: MM_EMPTY_LIST, or a frame whose link on that side is
 * MM_EMPTY_LIST (it is the first or the last). */
static inline bool head_link_ok(struct mm *mm, unsigned list, uint64_t link, bool first)
{
    uint64_t empty = mm->pfn_layout->empty;
    bool ok = link == empty ? pagelist_total(mm, list) == 0
                            : pagelist_total(mm, list) != 0 && link < mm->frames &&
                                  (first ? pfn_blink(mm, link) : pfn_flink(mm, link)) == empty;
    if (!ok)
        mm_bug_check(mm, BUGCODE_PFN_LIST_CORRUPT, MM_BUGCHECK_LIST_HEAD, link,
                     mm_available_pages(mm), 0);
    return ok;
}

/* (6) Both neighbours of an entry on a list point back at it; gives its
 * list and links. */
static inline bool entry_links_ok(struct mm *mm, uint64_t pfn, enum mm_list *list_out, uint64_t *prev_out,
                           uint64_t *next_out)
{
    const struct pfn_layout *l = mm->pfn_layout;
    enum mm_list list = *list_out = pfn_location(mm, pfn);
    uint64_t prev = *prev_out = pfn_blink(mm, pfn), next = *next_out = pfn_flink(mm, pfn);
    bool ok = is_list(list) &&
              (prev == l->empty ? pagelist_first(mm, list) == pfn
                                : prev < mm->frames && pfn_flink(mm, prev) == pfn) &&
              (next == l->empty ? pagelist_last(mm, list) == pfn
                                : next < mm->frames && pfn_blink(mm, next) == pfn);
    if (!ok)
        mm_bug_check(mm, BUGCODE_PFN_LIST_CORRUPT, MM_BUGCHECK_LIST_ENTRY, pfn, mm->frames - 1,
                     pfn_reference_count(mm, pfn));
    return ok;
}

static bool counts_as_available(enum mm_list list)
{
    return list == ZeroedPageList || list == FreePageList || list == StandbyPageList;
}

uint64_t mm_available_pages(const struct mm *mm)
{
    return mm_symbol_word(mm, SYM_MmAvailablePages);
}

static inline void adjust(struct mm *mm, enum mm_list list, int delta)
{
    set_head(mm, list, 0, pagelist_total(mm, list) + (uint64_t)(int64_t)delta);
    if (counts_as_available(list))
        mm_set_symbol_word(mm, SYM_MmAvailablePages,
                           mm_available_pages(mm) + (uint64_t)(int64_t)delta);
}

/* Windows: MiInsertPageInList */
void pagelist_insert_tail(struct mm *mm, enum mm_list list, uint64_t pfn)
{
    const struct pfn_layout *l = mm->pfn_layout;
    uint64_t last = pagelist_last(mm, list);
    if (!mi_check_pfn(mm, pfn) || !head_link_ok(mm, list, last, false))
        return;
    pfn_set_flink(mm, pfn, l->empty);
    pfn_set_blink(mm, pfn, last);
    if (last == l->empty)
        set_head(mm, list, l->list_flink, pfn);
    else
        pfn_set_flink(mm, last, pfn);
    set_head(mm, list, l->list_blink, pfn);
    pfn_set_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3, list);
    adjust(mm, list, +1);
}

/* Windows: MiUnlinkPageFromList */
void pagelist_unlink(struct mm *mm, uint64_t pfn)
{
    const struct pfn_layout *l = mm->pfn_layout;
    enum mm_list list;
    uint64_t prev, next;
    if (!mi_check_pfn(mm, pfn) || !entry_links_ok(mm, pfn, &list, &prev, &next))
        return;
    if (prev == l->empty)
        set_head(mm, list, l->list_flink, next);
    else
        pfn_set_flink(mm, prev, next);
    if (next == l->empty)
        set_head(mm, list, l->list_blink, prev);
    else
        pfn_set_blink(mm, next, prev);
    pfn_set_flink(mm, pfn, 0);
    pfn_set_blink(mm, pfn, 0);
    adjust(mm, list, -1);
}

uint64_t pagelist_remove_head(struct mm *mm, enum mm_list list)
{
    uint64_t pfn = pagelist_first(mm, list);
    if (!head_link_ok(mm, list, pfn, true) || pfn == mm->pfn_layout->empty)
        return mm->pfn_layout->empty;
    pagelist_unlink(mm, pfn);
    return mm_stopped(mm) ? mm->pfn_layout->empty : pfn;
}

/* Windows: MiRemoveZeroPage */
uint64_t mm_remove_zero_page(struct mm *mm)
{
    uint64_t pfn = pagelist_remove_head(mm, ZeroedPageList);
    if (pfn != mm->pfn_layout->empty) {
        phys_commit(&mm->cpu->phys, pfn);
        return pfn;
    }
    pfn = pagelist_remove_head(mm, FreePageList);
    if (pfn != mm->pfn_layout->empty)
        memset(mi_frame_for_write(mm, pfn), 0, PAGE_SIZE); /* MiZeroPhysicalPage */
    return pfn;
}

/* Windows: MiRemoveAnyPage */
uint64_t mm_remove_any_page(struct mm *mm)
{
    uint64_t pfn = pagelist_remove_head(mm, FreePageList);
    if (pfn == mm->pfn_layout->empty)
        pfn = pagelist_remove_head(mm, ZeroedPageList);
    if (pfn != mm->pfn_layout->empty)
        phys_commit(&mm->cpu->phys, pfn);
    return pfn;
}

/* Windows: MiInsertPageInFreeList */
void mm_insert_page_in_free_list(struct mm *mm, uint64_t pfn)
{
    pfn_set_reference_count(mm, pfn, 0);
    pfn_set_e1(mm, pfn, PFN_E1_MODIFIED, 1, 0);
    pagelist_insert_tail(mm, FreePageList, pfn);
}
