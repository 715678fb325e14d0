/*
 * lock.c — locking pages in the working set (Windows: NtLockVirtualMemory
 * with MAP_PROCESS, MiLockVirtualMemory, MiUnlockVirtualMemory). Windows
 * marks a locked page's working-set entry (LockedInWs); until working-set
 * lists are modelled, each space keeps the locked VPNs in a sorted array.
 *
 * (1) A locked page is valid: locking faults it in, and nothing removes a
 *     locked page from the working set.
 * (2) locked holds each VPN at most once, ascending; at most
 *     MM_MINIMUM_WORKING_SET - MM_LOCK_OVERHEAD of them.
 * (3) Decommitting or releasing a page forgets its lock.
 * (4) A failed mm_lock locks nothing: the array grows (the only host
 *     allocation, STATUS_NO_MEMORY when it fails) before any page is
 *     faulted in, and a fault that finds no frame
 *     (STATUS_INSUFFICIENT_RESOURCES) leaves the pages faulted in before it
 *     valid but unlocked, as an ordinary touch would.
 */
#include <stdlib.h>
#include <string.h>

#include "mm/mm.h"

/* Index of vpn in the array, or where it would go. */
static uint64_t position(const struct mm_address_space *as, uint64_t vpn)
{
    uint64_t lo = 0, hi = as->locked_count;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (as->locked[mid] < vpn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool is_locked(const struct mm_address_space *as, uint64_t vpn)
{
    uint64_t i = position(as, vpn);
    return i < as->locked_count && as->locked[i] == vpn;
}

static uint64_t count_unlocked(const struct mm_address_space *as, uint64_t first, uint64_t last)
{
    uint64_t n = 0;
    for (uint64_t vpn = first; vpn <= last; vpn++)
        n += !is_locked(as, vpn);
    return n;
}

static void insert(struct mm_address_space *as, uint64_t vpn)
{
    uint64_t i = position(as, vpn);
    if (i < as->locked_count && as->locked[i] == vpn)
        return;
    memmove(&as->locked[i + 1], &as->locked[i], (as->locked_count - i) * sizeof *as->locked);
    as->locked[i] = vpn;
    as->locked_count++;
}

/* Windows: MiLockVirtualMemory */
NTSTATUS mm_lock(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size)
{
    mm_attach(mm, as);
    uint64_t first = base >> PAGE_SHIFT, last = (base + size - 1) >> PAGE_SHIFT;
    uint64_t limit = MM_MINIMUM_WORKING_SET - MM_LOCK_OVERHEAD;
    uint64_t added = count_unlocked(as, first, last);
    if (added > limit - as->locked_count)
        return STATUS_WORKING_SET_QUOTA;
    if (as->locked_count + added > as->locked_capacity) { /* (4) before any fault */
        uint64_t *grown = mm_host_realloc(mm, as->locked, limit * sizeof *grown);
        if (!grown)
            return STATUS_NO_MEMORY;
        as->locked = grown;
        as->locked_capacity = limit;
    }
    for (uint64_t vpn = first; vpn <= last; vpn++) {
        const struct pte_format *fmt = mm->cpu->fmt;
        uint64_t va = vpn << PAGE_SHIFT;
        bool valid = mi_read_pte(mm, as, pte_address(fmt, va, 0)) & PTE_HW_VALID;
        NTSTATUS st = valid ? STATUS_SUCCESS : mm_access_fault(mm, as, va, ACCESS_READ);
        if (!NT_SUCCESS(st))
            return st;
    }
    for (uint64_t vpn = first; vpn <= last; vpn++)
        insert(as, vpn);
    return added == last + 1 - first ? STATUS_SUCCESS : STATUS_WAS_LOCKED;
}

/* Windows: MiUnlockVirtualMemory */
NTSTATUS mm_unlock(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size)
{
    (void)mm;
    uint64_t first = base >> PAGE_SHIFT, last = (base + size - 1) >> PAGE_SHIFT;
    if (count_unlocked(as, first, last))
        return STATUS_NOT_LOCKED;
    mi_unlock_range(as, base, size);
    return STATUS_SUCCESS;
}

void mi_unlock_range(struct mm_address_space *as, uint64_t base, uint64_t size)
{
    if (!as->locked_count)
        return;
    uint64_t first = position(as, base >> PAGE_SHIFT);
    uint64_t end = position(as, (base + size - 1) / PAGE_SIZE + 1);
    memmove(&as->locked[first], &as->locked[end], (as->locked_count - end) * sizeof *as->locked);
    as->locked_count -= end - first;
}

bool mi_unlock_page(struct mm_address_space *as, uint64_t va)
{
    bool locked = is_locked(as, va >> PAGE_SHIFT);
    if (locked)
        mi_unlock_range(as, va, PAGE_SIZE);
    return locked;
}

void mi_free_locks(struct mm_address_space *as)
{
    free(as->locked);
    as->locked = NULL;
    as->locked_count = as->locked_capacity = 0;
}
