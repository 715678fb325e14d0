/*
 * inject.c — fault injection (design.md section 5, after SQLite's one-shot
 * fault simulator) and the host memory of the memory manager and the process
 * manager. Windows has no counterpart; Driver Verifier's low-resources
 * simulation is the nearest.
 *
 * Every allocation that can fail after boot goes through one of two doors:
 * frames through mm_remove_zero_page and mm_remove_any_page (pagelist.c),
 * host memory through mm_host_alloc and mm_host_realloc; every pagefile I/O
 * through mi_read_paging_file and mi_write_paging_file (pagefile_io.c).
 * Each door counts the allocation or I/O here, and fails it when it is the
 * one a test asked for.
 *
 * (1) count[kind] is the number of allocations of that kind since boot,
 *     failed ones included.
 * (2) At most one fault is pending per kind; it fires once, when count
 *     reaches fail_at, and is then gone (fail_at 0).
 * (3) A failed allocation changes nothing but the count: a frame stays on
 *     its list, the host memory is not taken (or, for realloc, the old block
 *     stays as it was), a failed pagefile I/O moves no byte.
 */
#include <stdlib.h>

#include "mm/mm.h"

static bool known(enum ntmm_fault_kind kind)
{
    return kind >= NTMM_FAULT_FRAME && kind <= NTMM_FAULT_PAGEFILE_WRITE;
}

void mm_inject_fault(struct mm *mm, enum ntmm_fault_kind kind, uint64_t nth)
{
    if (known(kind))
        mm->faults.fail_at[kind] = nth ? mm->faults.count[kind] + nth : 0;
}

uint64_t mm_fault_count(const struct mm *mm, enum ntmm_fault_kind kind)
{
    return known(kind) ? mm->faults.count[kind] : 0;
}

bool mm_fault_fires(struct mm *mm, enum ntmm_fault_kind kind)
{
    struct mm_fault_injector *f = &mm->faults;
    if (++f->count[kind] != f->fail_at[kind])
        return false;
    f->fail_at[kind] = 0;
    return true;
}

void *mm_host_alloc(struct mm *mm, size_t size)
{
    if (mm_fault_fires(mm, NTMM_FAULT_HOST_ALLOCATION))
        return NULL;
    return calloc(1, size);
}

void *mm_host_realloc(struct mm *mm, void *ptr, size_t size)
{
    if (mm_fault_fires(mm, NTMM_FAULT_HOST_ALLOCATION))
        return NULL;
    return realloc(ptr, size);
}
