/*
 * virtual.c — private virtual memory (Windows: the Mi routines behind
 * NtAllocateVirtualMemory, NtFreeVirtualMemory, NtProtectVirtualMemory and
 * NtQueryVirtualMemory): reserving address space as VADs, committing,
 * decommitting and releasing pages, changing and reporting protection.
 *
 * A page of a private VAD is committed, as Windows records it, when
 *   its PTE is zero (or its page table absent) and the VAD has MemCommit;
 *   its PTE is a demand-zero PTE whose protection is not MM_DECOMMIT;
 *   its PTE is valid, transition or pagefile.
 *
 *          mm_commit                 first touch (fault.c)
 *   reserved --------> demand zero -----------------------> valid
 *      ^                    |  ^                     mm_protect |  ^
 *      |   mm_decommit      |  | mm_protect (guard,  noaccess)  v  | fault.c
 *      +--------------------+  +---------------------------- transition
 *   (decommit and release delete valid and transition pages: frames go to
 *    the free list)
 *
 * (1) Each VAD's CommitCharge is the number of its committed pages, and the
 *     space's commit charge their sum (commit.c (2)).
 * (2) virtual_bytes is the total size of the space's VADs.
 * (3) Page tables no PTE needs any more are freed (pteio.c (2)).
 * (4) An operation that fails for want of a frame or of host memory changes
 *     nothing: reserve takes its VAD before charging commit; commit, decommit
 *     (and protect.c's mm_protect) create every page table the range needs
 *     (mi_make_tables_for_range) before changing a PTE, so the failure comes
 *     before any change; a failed shared user data mapping deletes its VAD.
 */
#include <stdlib.h>

#include "mm/section.h"

void mi_read_page(const struct mm *mm, const struct mm_address_space *as, const struct vad *vad,
                  uint64_t va, struct mm_page *p)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    if (!vad->u.PrivateMemory) {
        mi_read_view_page(mm, as, vad, va, p);
        return;
    }
    p->proto_va = 0;
    p->pte_va = pte_address(fmt, va, 0);
    mi_decode_pte(mm, p->pte_va, mi_read_pte(mm, as, p->pte_va), PTE_IN_PAGE_TABLE, &p->f);
    p->committed = true;
    p->protection = p->f.protection;
    switch (p->f.kind) {
    case PTE_KIND_ZERO:
        p->committed = vad->u.MemCommit;
        p->protection = vad->u.Protection;
        break;
    case PTE_KIND_DEMAND_ZERO:
        p->committed = p->f.protection != MM_DECOMMIT;
        break;
    case PTE_KIND_VALID: {
        struct pte_fields original;
        fmt->decode(pfn_original_pte(mm, p->f.page_frame_number), PTE_IN_PAGE_TABLE, &original);
        p->protection = p->f.page_frame_number == mm->shared_user_data_pfn ? vad->u.Protection
                                                                           : original.protection;
        break;
    }
    default:
        break;
    }
}

/* Windows: MiDeletePte — the frame behind a valid or transition PTE goes to
 * the free list; the PTE takes `replacement`. */
void mi_delete_page(struct mm *mm, struct mm_address_space *as, const struct mm_page *p,
                        uint64_t replacement)
{
    uint64_t pfn = p->f.page_frame_number;
    if (p->proto_va && !mi_view_page_private(p)) {
        mi_unmap_view_page(mm, as, p, replacement);
        return;
    }
    if (p->f.kind == PTE_KIND_PAGEFILE) {
        mi_release_page_file_pte(mm, mi_read_pte(mm, as, p->pte_va), PTE_IN_PAGE_TABLE);
    } else if (p->f.kind == PTE_KIND_TRANSITION) {
        mi_delete_transition_page(mm, pfn);
    } else if (p->f.kind == PTE_KIND_VALID && pfn != mm->shared_user_data_pfn) {
        /* (the shared user data page is the kernel's: only this view of it goes) */
        (void)mi_ws_remove(mm, as, pte_mapped_address(mm->cpu->fmt, p->pte_va), pfn);
        mi_release_page(mm, pfn);
    }
    if (p->f.kind != PTE_KIND_ZERO || replacement)
        mi_write_pte(mm, as, p->pte_va, replacement);
}

/* The VAD holding all of [base, base + size), or NULL. */
static struct vad *vad_holding(struct mm_address_space *as, uint64_t base, uint64_t size)
{
    struct vad *vad = vad_find(&as->vads, base >> PAGE_SHIFT);
    if (!vad || ((base + size - 1) >> PAGE_SHIFT) > vad->EndingVpn)
        return NULL;
    return vad;
}

static void add_virtual(struct mm_address_space *as, int64_t bytes)
{
    as->virtual_bytes += (uint64_t)bytes;
    if (as->virtual_bytes > as->peak_virtual_bytes)
        as->peak_virtual_bytes = as->virtual_bytes;
}

/* Windows: MiAllocateVirtualMemory (reserve) */
NTSTATUS mm_reserve(struct mm *mm, struct mm_address_space *as, uint64_t *base, uint64_t size,
                    uint64_t highest, bool top_down, bool commit, unsigned protection,
                    unsigned allocation_protect)
{
    uint64_t pages = size >> PAGE_SHIFT, start = *base >> PAGE_SHIFT;
    if (!*base) {
        if (!vad_find_free(&as->vads, 0x10, highest >> PAGE_SHIFT, pages,
                           NTMM_ALLOCATION_GRANULARITY >> PAGE_SHIFT, top_down, &start))
            return STATUS_NO_MEMORY;
    } else if (vad_first_overlap(&as->vads, start, start + pages - 1)) {
        return STATUS_CONFLICTING_ADDRESSES;
    }
    struct vad *vad = mm_host_alloc(mm, sizeof *vad);
    if (!vad)
        return STATUS_NO_MEMORY;
    if (commit) {
        NTSTATUS st = mi_charge_commit(mm, as, pages);
        if (!NT_SUCCESS(st)) {
            free(vad);
            return st;
        }
    }
    vad->StartingVpn = start;
    vad->EndingVpn = start + pages - 1;
    vad->u = (struct vad_flags){ .CommitCharge = commit ? pages : 0, .Protection = protection,
                                 .PrivateMemory = true, .MemCommit = commit };
    vad->allocation_protect = allocation_protect;
    vad->serial = as->next_vad_serial++;
    vad_insert(&as->vads, vad);
    add_virtual(as, (int64_t)size);
    *base = start << PAGE_SHIFT;
    return STATUS_SUCCESS;
}

/* Windows: MiAllocateVirtualMemory (commit) */
NTSTATUS mm_commit(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size,
                   unsigned protection)
{
    mm_attach(mm, as);
    struct vad *vad = vad_holding(as, base, size);
    if (!vad)
        return STATUS_CONFLICTING_ADDRESSES;
    if (vad->u.NoChange)
        return STATUS_INVALID_PARAMETER;
    if (!vad->u.PrivateMemory)
        return mi_commit_view(mm, as, vad, base, size, protection);
    uint64_t missing = 0, end = base + size;
    struct mm_page p;
    for (uint64_t va = base; va < end;) {
        uint64_t skip = mi_absent_span_end(mm, as, va);
        if (skip > va) { /* no tables: committed only if the VAD says so */
            uint64_t stop = skip < end ? skip : end;
            missing += vad->u.MemCommit ? 0 : (stop - va) >> PAGE_SHIFT;
            va = stop;
            continue;
        }
        mi_read_page(mm, as, vad, va, &p);
        missing += !p.committed;
        va += PAGE_SIZE;
    }
    NTSTATUS st = mi_charge_commit(mm, as, missing);
    if (!NT_SUCCESS(st))
        return st;
    st = mi_make_tables_for_range(mm, as, base, size); /* (4) */
    if (!NT_SUCCESS(st)) {
        mi_return_commit(mm, as, missing);
        return st;
    }
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_page(mm, as, vad, va, &p);
        if (p.committed) {
            /* cannot fail: its page table exists */
            (void)mi_set_page_protection(mm, as, &p, protection);
            continue;
        }
        mi_write_pte(mm, as, p.pte_va, mi_software_pte(mm, protection));
        vad->u.CommitCharge++;
    }
    return STATUS_SUCCESS;
}

/* Windows: MiDecommitPages */
NTSTATUS mm_decommit(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size)
{
    mm_attach(mm, as);
    struct vad *vad = vad_find(&as->vads, base >> PAGE_SHIFT);
    if (!vad)
        return STATUS_MEMORY_NOT_ALLOCATED;
    if (!vad->u.PrivateMemory)
        return STATUS_UNABLE_TO_DELETE_SECTION;
    if (!vad_holding(as, base, size))
        return STATUS_UNABLE_TO_FREE_VM;
    if (vad->u.NoChange)
        return STATUS_INVALID_PARAMETER;
    /* (4) a MemCommit VAD records decommitted pages in PTEs: their tables first */
    if (vad->u.MemCommit) {
        NTSTATUS st = mi_make_tables_for_range(mm, as, base, size);
        if (!NT_SUCCESS(st))
            return st;
    }
    uint64_t released = 0, end = base + size;
    struct mm_page p;
    for (uint64_t va = base; va < end; va += PAGE_SIZE) {
        uint64_t skip = mi_absent_span_end(mm, as, va);
        if (skip > va) { /* only reserved pages (a MemCommit VAD has its tables by now) */
            va = (skip < end ? skip : end) - PAGE_SIZE;
            continue;
        }
        mi_read_page(mm, as, vad, va, &p);
        if (!p.committed)
            continue;
        mi_delete_page(mm, as, &p, vad->u.MemCommit ? mi_software_pte(mm, MM_DECOMMIT) : 0);
        released++;
    }
    vad->u.CommitCharge -= released;
    mi_return_commit(mm, as, released);
    mi_free_empty_tables(mm, as, base, base + size - 1);
    return STATUS_SUCCESS;
}

/* Windows: MiResetVirtualMemory */
NTSTATUS mm_reset(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size,
                  bool undo)
{
    mm_attach(mm, as);
    struct vad *vad = vad_holding(as, base, size);
    if (!vad)
        return STATUS_CONFLICTING_ADDRESSES;
    if (vad->u.NoChange)
        return STATUS_INVALID_PARAMETER;
    if (!vad->u.PrivateMemory)
        return STATUS_SUCCESS; /* a view's pages belong to its section */
    struct mm_page p;
    for (uint64_t va = base; !undo && va < base + size; va += PAGE_SIZE) {
        uint64_t skip = mi_absent_span_end(mm, as, va);
        if (skip > va) { /* no tables: no resident page to reset */
            va = (skip < base + size ? skip : base + size) - PAGE_SIZE;
            continue;
        }
        mi_read_page(mm, as, vad, va, &p);
        uint64_t pfn = p.f.page_frame_number;
        if (p.f.kind == PTE_KIND_VALID)
            mi_write_pte(mm, as, p.pte_va, mi_read_pte(mm, as, p.pte_va) & ~PTE_HW_DIRTY);
        if (p.f.kind == PTE_KIND_VALID || p.f.kind == PTE_KIND_TRANSITION) {
            mi_modified_to_standby(mm, pfn);
            mi_discard_page_file_copy(mm, pfn);
        }
        if (p.f.kind == PTE_KIND_PAGEFILE) { /* discarded: demand zero again */
            mi_release_page_file_pte(mm, mi_read_pte(mm, as, p.pte_va), PTE_IN_PAGE_TABLE);
            mi_write_pte(mm, as, p.pte_va, mi_software_pte(mm, p.f.protection));
        }
    }
    return STATUS_SUCCESS;
}

void mi_delete_vad(struct mm *mm, struct mm_address_space *as, struct vad *vad)
{
    uint64_t start = vad->StartingVpn << PAGE_SHIFT, end = (vad->EndingVpn << PAGE_SHIFT) | 0xfff;
    struct mm_page p;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        if (!mi_pte_exists(mm, as, va)) {
            va |= (1ull << mm->cpu->fmt->level_shift[mm->cpu->fmt->levels - 2]) - 1;
            va -= PAGE_SIZE - 1;
            continue;
        }
        mi_read_page(mm, as, vad, va, &p);
        mi_delete_page(mm, as, &p, 0);
    }
    mi_free_empty_tables(mm, as, start, end);
    mi_return_commit(mm, as, vad->u.CommitCharge);
    add_virtual(as, -(int64_t)(end + 1 - start));
    vad_remove(&as->vads, vad);
    if (vad->ControlArea)
        mi_view_deleted(mm, vad);
    free(vad);
}

/* Windows: NtFreeVirtualMemory (MEM_RELEASE) */
NTSTATUS mm_release(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size)
{
    mm_attach(mm, as);
    struct vad *vad = vad_find(&as->vads, base >> PAGE_SHIFT);
    if (!vad)
        return STATUS_MEMORY_NOT_ALLOCATED;
    if (!vad->u.PrivateMemory)
        return STATUS_UNABLE_TO_DELETE_SECTION;
    if (vad->StartingVpn != base >> PAGE_SHIFT)
        return STATUS_FREE_VM_NOT_AT_BASE;
    if (vad->u.NoChange)
        return STATUS_INVALID_PARAMETER;
    if (size && size != (vad->EndingVpn + 1 - vad->StartingVpn) << PAGE_SHIFT)
        return STATUS_UNABLE_TO_FREE_VM;
    mi_delete_vad(mm, as, vad);
    return STATUS_SUCCESS;
}

NTSTATUS mm_map_shared_user_data(struct mm *mm, struct mm_address_space *as)
{
    uint64_t base = MM_SHARED_USER_DATA_VA;
    NTSTATUS st = mm_reserve(mm, as, &base, NTMM_ALLOCATION_GRANULARITY, as->highest_user_address,
                             false, false, MM_READONLY, PAGE_READONLY);
    if (!NT_SUCCESS(st))
        return st;
    mm_attach(mm, as);
    struct vad *vad = vad_find(&as->vads, base >> PAGE_SHIFT);
    vad->u.NoChange = true;
    st = mi_make_tables(mm, as, base);
    if (!NT_SUCCESS(st)) {
        mi_delete_vad(mm, as, vad); /* (4): its tables and the VAD go again */
        return st;
    }
    mi_write_pte(mm, as, pte_address(mm->cpu->fmt, base, 0),
                 mi_valid_pte(mm, mm->shared_user_data_pfn, MM_READONLY));
    return STATUS_SUCCESS;
}

void mm_delete_virtual_memory(struct mm *mm, struct mm_address_space *as)
{
    mm_attach(mm, as);
    while (as->vads.root)
        mi_delete_vad(mm, as, as->vads.root);
    mm_attach(mm, NULL);
}
