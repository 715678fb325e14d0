/*
 * fault.c — the page fault handler for user addresses (Windows: MmAccessFault),
 * a thin dispatcher over one resolver per PTE kind. What exists so far:
 *
 *   PTE kind            resolver                        result
 *   zero (VAD commits)  resolve_software                a zeroed frame, valid PTE
 *   demand zero         resolve_software                a zeroed frame, valid PTE
 *   guard               one-shot: the guard bit goes    STATUS_GUARD_PAGE_VIOLATION
 *   transition          resolve_transition              the same frame, valid again
 *   valid               resolve_valid: not allowed      STATUS_ACCESS_VIOLATION
 *   no VAD, reserved, decommitted, no access            STATUS_ACCESS_VIOLATION
 *   a view's page (prototype, or a write to a copy-on-write page): view.c
 *
 * (1) A resolved demand-zero fault leaves a valid PTE whose frame came off
 *     the zeroed list (or a free frame zeroed on the way, MiRemoveZeroPage),
 *     Active, ShareCount 1, OriginalPte the software PTE it replaced; the page
 *     and every table created for it are in the working set.
 * (2) A fault that raises an exception changes nothing but the guard bit.
 * (3) A demand-zero fault that finds no frame (RAM exhausted, or an
 *     injected frame fault) fails with STATUS_INSUFFICIENT_RESOURCES, the
 *     status Windows gives an allocation of a page it cannot wait for; its
 *     PTE is unchanged and only the page tables made for it remain, empty
 *     and accounted (pteio.c (4)), as Windows keeps them.
 */
#include "mm/section.h"

/* Windows: the MmReadWrite table. Without NX every readable page executes;
 * execute-only pages read, as on real x86 hardware. */
bool mi_protection_allows(const struct mm *mm, unsigned protection, enum cpu_access access)
{
    unsigned base = protection & 7;
    if (base == MM_ZERO_ACCESS || (protection & MM_NOACCESS) == MM_GUARD_PAGE)
        return false;
    switch (access) {
    case ACCESS_READ:
        return true;
    case ACCESS_WRITE:
        return base == MM_READWRITE || base == MM_EXECUTE_READWRITE || base == MM_WRITECOPY ||
               base == MM_EXECUTE_WRITECOPY;
    case ACCESS_EXECUTE:
        return !mm->cpu->fmt->has_nx || base == MM_EXECUTE || base == MM_EXECUTE_READ ||
               base == MM_EXECUTE_READWRITE || base == MM_EXECUTE_WRITECOPY;
    }
    return false;
}

/* Windows: MiResolveDemandZeroFault */
static NTSTATUS resolve_demand_zero(struct mm *mm, struct mm_address_space *as, uint64_t va,
                                    unsigned protection)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t pfn = mm_remove_zero_page(mm);
    if (pfn == MM_EMPTY_LIST(mm))
        return STATUS_INSUFFICIENT_RESOURCES;
    uint64_t pte_va = pte_address(fmt, va, 0);
    pfn_initialize_active(mm, pfn, pte_va, mi_holding_table(mm, va, fmt->levels - 1),
                          mi_software_pte(mm, protection));
    /* no copy of it exists anywhere: Windows marks a new demand-zero page modified */
    pfn_set_e1(mm, pfn, PFN_E1_MODIFIED, 1, 1);
    mi_write_pte(mm, pte_va, mi_valid_pte(mm, pfn, protection));
    mi_count_in_working_set(as, 1);
    as->page_fault_count++;
    return STATUS_SUCCESS;
}

/* A fault on a valid PTE: spurious if the PTE now allows the access (the
 * MMU's TLB was behind), else a protection violation. */
static NTSTATUS resolve_valid(struct mm *mm, uint64_t raw, enum cpu_access access)
{
    bool allowed = access == ACCESS_READ ||
                   (access == ACCESS_WRITE && (raw & PTE_HW_WRITE)) ||
                   (access == ACCESS_EXECUTE &&
                    !(mm->cpu->fmt->has_nx && (raw & PTE_HW_NO_EXECUTE)));
    return allowed && (raw & PTE_HW_OWNER) ? STATUS_SUCCESS : STATUS_ACCESS_VIOLATION;
}

static bool is_guard(unsigned protection)
{
    return (protection & MM_NOACCESS) == MM_GUARD_PAGE && (protection & 7);
}

/* Windows: MiResolveTransitionFault, and the guard-page check before it. */
static NTSTATUS resolve_transition(struct mm *mm, struct mm_address_space *as,
                                   const struct mm_page *p, enum cpu_access access)
{
    if (is_guard(p->protection)) {
        mi_resolve_transition(mm, as, p, p->protection & ~MM_GUARD_PAGE);
        as->page_fault_count++;
        return STATUS_GUARD_PAGE_VIOLATION;
    }
    if (!mi_protection_allows(mm, p->protection, access))
        return STATUS_ACCESS_VIOLATION;
    mi_resolve_transition(mm, as, p, p->protection);
    as->page_fault_count++;
    return STATUS_SUCCESS;
}

/* A committed page with no frame yet: one-shot guard, or demand zero. */
static NTSTATUS resolve_software(struct mm *mm, struct mm_address_space *as, uint64_t va,
                                 const struct mm_page *p, enum cpu_access access)
{
    if (is_guard(p->protection)) {
        mi_write_pte(mm, p->pte_va, mi_software_pte(mm, p->protection & ~MM_GUARD_PAGE));
        as->page_fault_count++;
        return STATUS_GUARD_PAGE_VIOLATION;
    }
    if (!mi_protection_allows(mm, p->protection, access))
        return STATUS_ACCESS_VIOLATION;
    return resolve_demand_zero(mm, as, va, p->protection);
}

/* Windows: MmAccessFault */
NTSTATUS mm_access_fault(struct mm *mm, struct mm_address_space *as, uint64_t va,
                         enum cpu_access access)
{
    struct vad *vad = va <= as->highest_user_address ? vad_find(&as->vads, va >> PAGE_SHIFT) : NULL;
    if (!vad)
        return STATUS_ACCESS_VIOLATION;
    struct mm_page p;
    mi_read_page(mm, vad, va, &p);
    if (!p.committed)
        return STATUS_ACCESS_VIOLATION;
    if (!vad->u.PrivateMemory && p.f.kind == PTE_KIND_TRANSITION)
        return resolve_transition(mm, as, &p, access); /* a private copy (view.c (5)) */
    if (!vad->u.PrivateMemory) {
        bool copy = p.f.kind == PTE_KIND_VALID && p.f.prototype && p.f.copy_on_write &&
                    access == ACCESS_WRITE;
        if (p.f.kind == PTE_KIND_VALID && !copy)
            return resolve_valid(mm, mi_read_pte(mm, p.pte_va), access);
        if (p.f.kind != PTE_KIND_VALID && p.f.kind != PTE_KIND_PROTOTYPE)
            return STATUS_ACCESS_VIOLATION;
        return mi_resolve_view_fault(mm, as, vad, &p, access);
    }
    switch (p.f.kind) {
    case PTE_KIND_VALID:
        return resolve_valid(mm, mi_read_pte(mm, p.pte_va), access);
    case PTE_KIND_TRANSITION:
        return resolve_transition(mm, as, &p, access);
    case PTE_KIND_ZERO:
    case PTE_KIND_DEMAND_ZERO: {
        NTSTATUS st = mi_make_tables(mm, as, va);
        return NT_SUCCESS(st) ? resolve_software(mm, as, va, &p, access) : st;
    }
    default:
        return STATUS_ACCESS_VIOLATION;
    }
}
