/*
 * wsmanager.c — the working-set manager (Windows: the balance set manager's
 * MmWorkingSetManager, MiAgeAndEstimateAvailableInWorkingSet,
 * MiTrimWorkingSet, MiReplaceWorkingSetEntry, MiEliminateWorkingSetEntry),
 * the XP / Server 2003 policy:
 *
 *   - a fault adds a page; at its maximum a process replaces one of its own
 *     pages instead, unless memory is plentiful (more than
 *     MmMoreThanEnoughFreePages available) and its maximum is not hard;
 *   - aging: each pass clears the Accessed bit of every page that has it
 *     (Age 0) and ages the others (Age + 1, at most 3);
 *   - trimming: when fewer than MmPlentyFreePages are available, processes
 *     above their minimum lose their oldest pages first (Age 3, then 2, 1,
 *     0); only below MmMinimumFreePages are they taken below their minimum;
 *   - a modified list longer than MmModifiedPageMaximum wakes the modified
 *     page writer.
 *
 * Trimmed private pages become transition pages on the modified list (dirty)
 * or the standby list (clean); trimmed section pages leave their process
 * PTE pointing at the prototype PTE again, and the frame enters transition
 * when its last mapping goes (section.h (2)).
 *
 * The moments it runs are explicit, so the same script pages the same way:
 * ntmm_machine_idle (mm_idle: a manager pass, then the modified and mapped
 * page writers until the modified list is empty, then the zero page
 * thread), every MM_WS_TICK_FAULTS resolved faults while memory is short
 * or the modified list long (mi_working_set_tick), and when mi_take_page
 * finds no frame (mi_obtain_free_pages).
 *
 * (1) Locked entries (LockedInWs, and those below FirstDynamic), page tables
 *     and hyperspace pages are never trimmed (wsl.c (3)).
 * (2) Replacement and trimming change nothing but the trimmed pages' PTEs,
 *     WSLEs and frames; every other invariant holds between any two steps.
 */
#include "mm/section.h"

/* XP's thresholds, pages. */
#define MM_MINIMUM_FREE_PAGES 26u
#define MM_PLENTY_FREE_PAGES 400u
#define MM_MORE_THAN_ENOUGH_FREE_PAGES 1000u

/* A dynamic entry that may be trimmed: valid, unlocked, a user page. */
static bool trimmable(const struct mm_address_space *as, uint64_t wsle)
{
    return (wsle & MI_WSLE_VALID) && !(wsle & MI_WSLE_LOCKED_IN_WS) &&
           (wsle & ~(uint64_t)(PAGE_SIZE - 1)) <= as->highest_user_address;
}

static unsigned age_of(uint64_t wsle)
{
    return (unsigned)((wsle & MI_WSLE_AGE_MASK) >> MI_WSLE_AGE_SHIFT);
}

/* Windows: MiEliminateWorkingSetEntry — the page of entry `index` leaves
 * the working set (its PTE and frame as the header says). */
static void trim_entry(struct mm *mm, struct mm_address_space *as, uint64_t wsle)
{
    uint64_t va = wsle & ~(uint64_t)(PAGE_SIZE - 1);
    struct vad *vad = vad_find(&as->vads, va >> PAGE_SHIFT);
    struct mm_page p;
    if (!vad) {
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_WORKING_SET, va, wsle, 0);
        return;
    }
    mi_read_page(mm, as, vad, va, &p);
    if (p.f.kind != PTE_KIND_VALID) {
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_WORKING_SET, va,
                     mi_read_pte(mm, as, p.pte_va), 0);
        return;
    }
    if (p.proto_va && !mi_view_page_private(&p))
        mi_unmap_view_page(mm, as, &p, mi_view_page_pte(mm, vad, &p, p.protection));
    else
        (void)mi_make_private_transition(mm, as, &p, p.protection);
}

/* The PTE of va's page, if the entry is a trimmable one whose PTE is valid. */
static uint64_t entry_pte(const struct mm *mm, const struct mm_address_space *as, uint64_t wsle)
{
    return mi_read_pte(mm, as, pte_address(mm->cpu->fmt, wsle & ~(uint64_t)(PAGE_SIZE - 1), 0));
}

/* Clears the Accessed bit of a valid PTE (the TLB forgets the page, so the
 * next access sets it again). */
static void clear_accessed(struct mm *mm, struct mm_address_space *as, uint64_t wsle, uint64_t pte)
{
    mi_write_pte(mm, as, pte_address(mm->cpu->fmt, wsle & ~(uint64_t)(PAGE_SIZE - 1), 0),
                 pte & ~(uint64_t)PTE_HW_ACCESSED);
}

bool mi_replace_ws_entry(struct mm *mm, struct mm_address_space *as)
{
    uint64_t first = mi_wsl_field(mm, as, MI_WSL_FIRST_DYNAMIC);
    uint64_t last = mi_wsl_last_entry(mm, as);
    if (last < first)
        return false;
    uint64_t slot = mi_wsl_field(mm, as, MI_WSL_NEXT_SLOT), span = last + 1 - first;
    uint64_t fallback = MI_WSLE_NULL_INDEX;
    for (uint64_t n = 0; n < 2 * span && !mm_stopped(mm); n++) {
        uint64_t index = first + (slot - first + n) % span;
        uint64_t e = mi_wsle(mm, as, index);
        if (!trimmable(as, e))
            continue;
        uint64_t pte = entry_pte(mm, as, e);
        if ((pte & PTE_HW_ACCESSED) && n < span) { /* the clock: a second chance */
            clear_accessed(mm, as, e, pte);
            mi_ws_set_age(mm, as, index, 0);
            if (fallback == MI_WSLE_NULL_INDEX)
                fallback = index;
            continue;
        }
        trim_entry(mm, as, e);
        mi_set_next_slot(mm, as, index + 1 > last ? first : index + 1);
        return true;
    }
    if (fallback == MI_WSLE_NULL_INDEX)
        return false;
    trim_entry(mm, as, mi_wsle(mm, as, fallback));
    return true;
}

/* True if a fault of as must replace one of its pages rather than add one. */
bool mi_ws_must_replace(const struct mm *mm, const struct mm_address_space *as)
{
    if (as->working_set_pages < as->maximum_working_set)
        return false;
    return as->hard_maximum || mm_available_pages(mm) < MM_MORE_THAN_ENOUGH_FREE_PAGES;
}

/* Windows: MiAgeAndEstimateAvailableInWorkingSet, the aging half. */
static void age_working_set(struct mm *mm, struct mm_address_space *as)
{
    uint64_t first = mi_wsl_field(mm, as, MI_WSL_FIRST_DYNAMIC);
    uint64_t last = mi_wsl_last_entry(mm, as);
    for (uint64_t index = first; index <= last && !mm_stopped(mm); index++) {
        uint64_t e = mi_wsle(mm, as, index);
        if (!trimmable(as, e))
            continue;
        uint64_t pte = entry_pte(mm, as, e);
        if (pte & PTE_HW_ACCESSED) {
            clear_accessed(mm, as, e, pte);
            mi_ws_set_age(mm, as, index, 0);
        } else if (age_of(e) < 3) {
            mi_ws_set_age(mm, as, index, age_of(e) + 1);
        }
    }
}

/* Windows: MiTrimWorkingSet — up to `goal` pages of at least min_age,
 * never below floor; returns how many went. */
static uint64_t trim_working_set(struct mm *mm, struct mm_address_space *as, uint64_t goal,
                                 unsigned min_age, uint64_t floor)
{
    uint64_t first = mi_wsl_field(mm, as, MI_WSL_FIRST_DYNAMIC), done = 0;
    for (uint64_t index = mi_wsl_last_entry(mm, as) + 1;
         index-- > first && done < goal && as->working_set_pages > floor && !mm_stopped(mm);) {
        uint64_t e = mi_wsle(mm, as, index);
        if (!trimmable(as, e) || age_of(e) < min_age)
            continue;
        trim_entry(mm, as, e);
        done++;
    }
    return done;
}

/* Trims processes until `needed` pages have gone or none can: processes
 * above their minimum, oldest pages first; with below_minimum, then down to
 * nothing but their locked pages (a hard minimum is kept). */
static uint64_t trim_processes(struct mm *mm, uint64_t needed, bool below_minimum)
{
    uint64_t done = 0;
    for (int pass = below_minimum ? 1 : 0; pass >= 0 && done < needed; pass--)
        for (unsigned age = 4; age-- > 0 && done < needed;)
            for (struct mm_address_space *as = mm->spaces; as && done < needed; as = as->next) {
                if (!as->working_set_list)
                    continue;
                uint64_t floor = pass == 0 || as->hard_minimum ? as->minimum_working_set : 0;
                done += trim_working_set(mm, as, needed - done, age, floor);
            }
    return done;
}

/* Windows: MmModifiedPageMaximum — the modified list's length that wakes
 * the modified page writer: 800 pages, less on small machines (an eighth
 * of RAM). */
static uint64_t modified_page_maximum(const struct mm *mm)
{
    return mm->frames / 8 < 800 ? mm->frames / 8 : 800;
}

/* Windows: MmWorkingSetManager — one pass: age every working set, trim if
 * memory is short, and wake the modified page writer when the modified
 * list is longer than MmModifiedPageMaximum (it writes it down to half).
 * Returns the pages trimmed and written. */
uint64_t mi_working_set_manager(struct mm *mm)
{
    for (struct mm_address_space *as = mm->spaces; as; as = as->next)
        if (as->working_set_list)
            age_working_set(mm, as);
    uint64_t available = mm_available_pages(mm), done = 0;
    if (available < MM_PLENTY_FREE_PAGES)
        done = trim_processes(mm, MM_PLENTY_FREE_PAGES - available,
                              available < MM_MINIMUM_FREE_PAGES);
    uint64_t modified = pagelist_total(mm, ModifiedPageList), maximum = modified_page_maximum(mm);
    if (modified > maximum)
        done += mi_modified_page_writer(mm, modified - maximum / 2);
    return done;
}

void mi_working_set_tick(struct mm *mm)
{
    if (++mm->faults_since_tick < MM_WS_TICK_FAULTS)
        return;
    mm->faults_since_tick = 0;
    /* the balance set manager wakes for memory that is short or dirty */
    if (mm_available_pages(mm) < MM_PLENTY_FREE_PAGES ||
        pagelist_total(mm, ModifiedPageList) > modified_page_maximum(mm))
        (void)mi_working_set_manager(mm);
}

bool mi_obtain_free_pages(struct mm *mm)
{
    uint64_t before = mm_available_pages(mm);
    if (mi_modified_page_writer(mm, MM_MODIFIED_WRITE_CLUSTER) && mm_available_pages(mm) > before)
        return true;
    if (!trim_processes(mm, MM_PLENTY_FREE_PAGES, true))
        return false;
    (void)mi_modified_page_writer(mm, MM_MODIFIED_WRITE_CLUSTER);
    return mm_available_pages(mm) > before;
}

uint64_t mm_idle(struct mm *mm)
{
    uint64_t done = mi_working_set_manager(mm);
    done += mi_modified_page_writer(mm, UINT64_MAX);
    return done + mm_zero_page_thread(mm, UINT64_MAX);
}

/* Windows: MiEmptyWorkingSet — every page that may be trimmed leaves the
 * working set, whatever the minimum (1); returns how many went. */
uint64_t mm_empty_working_set(struct mm *mm, struct mm_address_space *as)
{
    if (!as->working_set_list)
        return 0;
    return trim_working_set(mm, as, as->working_set_pages, 0, 0);
}

/* Resident pages not yet promised (Windows: MI_NONPAGEABLE_MEMORY_AVAILABLE,
 * MmResidentAvailablePages): the available pages, less what each process's
 * minimum holds beyond its present working set. */
static int64_t resident_available(const struct mm *mm)
{
    int64_t pages = (int64_t)mm_available_pages(mm);
    for (const struct mm_address_space *as = mm->spaces; as; as = as->next)
        pages += (int64_t)as->working_set_pages - (int64_t)as->minimum_working_set;
    return pages;
}

/* Trims as down to at most `maximum` pages, oldest first; false if the
 * pages left cannot be trimmed (page tables, locked pages). */
static bool trim_to(struct mm *mm, struct mm_address_space *as, uint64_t maximum)
{
    for (unsigned age = 4; age-- > 0 && as->working_set_pages > maximum;)
        (void)trim_working_set(mm, as, as->working_set_pages - maximum, age, maximum);
    return as->working_set_pages <= maximum;
}

static bool hard_after(bool now, ULONG flags, ULONG enable, ULONG disable)
{
    return (flags & enable) || (now && !(flags & disable));
}

NTSTATUS mm_set_working_set_limits(struct mm *mm, struct mm_address_space *as,
                                   uint64_t minimum_bytes, uint64_t maximum_bytes, ULONG flags,
                                   bool increase_okay)
{
    if (minimum_bytes == UINT64_MAX && maximum_bytes == UINT64_MAX) {
        (void)mm_empty_working_set(mm, as);
        return STATUS_SUCCESS;
    }
    if (!as->working_set_list)
        return STATUS_PROCESS_IS_TERMINATING;
    uint64_t minimum = minimum_bytes ? minimum_bytes >> PAGE_SHIFT : as->minimum_working_set;
    uint64_t maximum = maximum_bytes ? maximum_bytes >> PAGE_SHIFT : as->maximum_working_set;
    if (minimum > maximum)
        return STATUS_BAD_WORKING_SET_LIMIT;
    NTSTATUS st = STATUS_SUCCESS;
    uint64_t ceiling = mm_maximum_working_set_size(mm);
    if (maximum > ceiling || minimum > ceiling || minimum < MM_MINIMUM_WORKING_SET_SIZE)
        st = STATUS_WORKING_SET_LIMIT_RANGE;
    maximum = maximum > ceiling ? ceiling : maximum;
    minimum = minimum > ceiling ? ceiling : minimum;
    minimum = minimum < MM_MINIMUM_WORKING_SET_SIZE ? MM_MINIMUM_WORKING_SET_SIZE : minimum;
    if (mi_wsl_field(mm, as, MI_WSL_FIRST_DYNAMIC) + MM_FLUID_WORKING_SET >= maximum)
        return STATUS_BAD_WORKING_SET_LIMIT; /* the locked entries would fill it */
    bool hard_min = hard_after(as->hard_minimum, flags, QUOTA_LIMITS_HARDWS_MIN_ENABLE,
                               QUOTA_LIMITS_HARDWS_MIN_DISABLE);
    bool hard_max = hard_after(as->hard_maximum, flags, QUOTA_LIMITS_HARDWS_MAX_ENABLE,
                               QUOTA_LIMITS_HARDWS_MAX_DISABLE);
    if ((hard_min || hard_max) && minimum + MM_FLUID_WORKING_SET >= maximum)
        return STATUS_BAD_WORKING_SET_LIMIT;
    if (minimum > as->minimum_working_set) {
        if (!increase_okay)
            return STATUS_PRIVILEGE_NOT_HELD;
        if ((int64_t)(minimum - as->minimum_working_set) >
            resident_available(mm) - 2 * MM_HIGH_LIMIT)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
    if (!trim_to(mm, as, maximum))
        return STATUS_BAD_WORKING_SET_LIMIT;
    as->minimum_working_set = minimum;
    as->maximum_working_set = maximum;
    as->hard_minimum = hard_min;
    as->hard_maximum = hard_max;
    return st;
}
