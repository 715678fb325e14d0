/*
 * lock.c — locking pages in the working set (Windows: NtLockVirtualMemory
 * with MAP_PROCESS, MiLockVirtualMemory, MiUnlockVirtualMemory): a locked
 * page's working-set entry has LockedInWs (wsl.c).
 *
 * (1) A locked page is valid and in the working set: locking faults it in,
 *     and the working-set manager never trims a locked entry.
 * (2) At most the minimum working set less MM_LOCK_OVERHEAD pages of a
 *     process are locked (Vm.locked_pages).
 * (3) A page that leaves the working set (decommit, release, a no-access or
 *     guard protection) leaves its lock with its entry.
 * (4) A failed mm_lock locks nothing: a fault that finds no frame
 *     (STATUS_INSUFFICIENT_RESOURCES) or raises leaves the pages faulted in
 *     before it valid but unlocked, as an ordinary touch would; the host
 *     bitmap of the pages locked before the call (the only host
 *     allocation, STATUS_NO_MEMORY) comes first.
 */
#include <stdlib.h>

#include "mm/mm.h"

/* The entry of the resident page at va, or MI_WSLE_NULL_INDEX. */
static uint64_t entry_of(const struct mm *mm, const struct mm_address_space *as, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t pte = mi_read_pte(mm, as, pte_address(fmt, va, 0));
    if (!(pte & PTE_HW_VALID))
        return MI_WSLE_NULL_INDEX;
    return mi_ws_find(mm, as, va, (pte & fmt->pfn_mask) >> PAGE_SHIFT);
}

static bool is_locked(const struct mm *mm, const struct mm_address_space *as, uint64_t va)
{
    uint64_t index = entry_of(mm, as, va);
    return index != MI_WSLE_NULL_INDEX && (mi_wsle(mm, as, index) & MI_WSLE_LOCKED_IN_WS);
}

static uint64_t count_unlocked(const struct mm *mm, const struct mm_address_space *as,
                               uint64_t first, uint64_t last)
{
    uint64_t n = 0;
    for (uint64_t vpn = first; vpn <= last; vpn++)
        n += !is_locked(mm, as, vpn << PAGE_SHIFT);
    return n;
}

static void set_locks(struct mm *mm, struct mm_address_space *as, uint64_t first, uint64_t last,
                      bool locked)
{
    for (uint64_t vpn = first; vpn <= last; vpn++) {
        uint64_t index = entry_of(mm, as, vpn << PAGE_SHIFT);
        if (index != MI_WSLE_NULL_INDEX)
            mi_ws_set_locked(mm, as, index, locked);
    }
}

/* The page at va is resident, faulted in if it was not. */
static NTSTATUS make_resident(struct mm *mm, struct mm_address_space *as, uint64_t va)
{
    return entry_of(mm, as, va) != MI_WSLE_NULL_INDEX ? STATUS_SUCCESS
                                                      : mm_access_fault(mm, as, va, ACCESS_READ);
}

/* Windows: MiLockVirtualMemory */
NTSTATUS mm_lock(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size)
{
    uint64_t first = base >> PAGE_SHIFT, last = (base + size - 1) >> PAGE_SHIFT;
    uint64_t limit = as->minimum_working_set > MM_LOCK_OVERHEAD
                         ? as->minimum_working_set - MM_LOCK_OVERHEAD
                         : 0;
    uint64_t added = count_unlocked(mm, as, first, last);
    if (as->locked_pages > limit || added > limit - as->locked_pages)
        return STATUS_WORKING_SET_QUOTA;
    uint8_t *before = mm_host_alloc(mm, (size_t)((last - first) / 8 + 1)); /* (4) */
    if (!before)
        return STATUS_NO_MEMORY;
    mm_attach(mm, as);
    NTSTATUS st = STATUS_SUCCESS;
    for (uint64_t vpn = first; vpn <= last && NT_SUCCESS(st); vpn++)
        st = make_resident(mm, as, vpn << PAGE_SHIFT);
    /* lock each page as soon as it is resident: a locked page is never
     * replaced, one faulted in again may be */
    uint64_t vpn = first;
    for (; vpn <= last && NT_SUCCESS(st); vpn++) {
        uint64_t va = vpn << PAGE_SHIFT, k = vpn - first;
        if (is_locked(mm, as, va)) {
            before[k / 8] |= (uint8_t)(1u << (k % 8));
            continue;
        }
        st = make_resident(mm, as, va);
        if (NT_SUCCESS(st))
            set_locks(mm, as, vpn, vpn, true);
    }
    if (!NT_SUCCESS(st))
        for (uint64_t undo = first; undo + 1 < vpn; undo++)
            if (!(before[(undo - first) / 8] & (1u << ((undo - first) % 8))))
                set_locks(mm, as, undo, undo, false);
    free(before);
    if (!NT_SUCCESS(st))
        return st;
    return added == last + 1 - first ? STATUS_SUCCESS : STATUS_WAS_LOCKED;
}

/* Windows: MiUnlockVirtualMemory */
NTSTATUS mm_unlock(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size)
{
    uint64_t first = base >> PAGE_SHIFT, last = (base + size - 1) >> PAGE_SHIFT;
    if (count_unlocked(mm, as, first, last))
        return STATUS_NOT_LOCKED;
    set_locks(mm, as, first, last, false);
    return STATUS_SUCCESS;
}
