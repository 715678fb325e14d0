/*
 * protect.c — page protection of private memory (Windows:
 * MiProtectVirtualMemory): changing it on committed pages of each PTE kind,
 * and the transition state a valid page enters when it becomes a guard or
 * no-access page, which a valid PTE cannot express.
 *
 *   valid --(guard, no access)--> transition (frame on the modified or standby list)
 *   transition --(a fault: fault.c's resolve_transition)--> valid
 *
 * (1) A valid page's protection lives in its PFN's OriginalPte (a software
 *     PTE carrying it), and its PTE's hardware bits follow it.
 * (2) A transition page's frame is on the modified list (the standby list if
 *     it was clean) with ReferenceCount 0, PteAddress and PteFrame naming its
 *     PTE, which points back at it; its page table's ShareCount still counts it.
 * (3) mm_protect changes all the pages or none: it creates the page tables
 *     the range lacks before changing any protection, and fails (frames
 *     exhausted, or an injected frame fault) only there, with the empty
 *     tables freed again (pteio.c (4)).
 * (4) A view's pages are view.c's (mi_protect_view): their protections live
 *     with the view, not in PTEs that point at prototype PTEs.
 */
#include "mm/section.h"

#define PAGE_BASE_MASK 0xffull
#define PAGE_MODIFIERS (PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE)

/* Windows: MiMakeProtectionMask — the MM_* value of a PAGE_* protection, or
 * false for an invalid one (no or several base values, two modifiers, a
 * modifier on PAGE_NOACCESS, unknown bits). */
bool mi_make_protection_mask(ULONG protect, unsigned *mm_protection)
{
    static const struct {
        ULONG page;
        unsigned mm;
    } bases[] = {
        { PAGE_NOACCESS, MM_NOACCESS },
        { PAGE_READONLY, MM_READONLY },
        { PAGE_EXECUTE, MM_EXECUTE },
        { PAGE_EXECUTE_READ, MM_EXECUTE_READ },
        { PAGE_READWRITE, MM_READWRITE },
        { PAGE_WRITECOPY, MM_WRITECOPY },
        { PAGE_EXECUTE_READWRITE, MM_EXECUTE_READWRITE },
        { PAGE_EXECUTE_WRITECOPY, MM_EXECUTE_WRITECOPY },
    };
    ULONG modifier = protect & PAGE_MODIFIERS;
    if (protect & ~(PAGE_BASE_MASK | PAGE_MODIFIERS))
        return false;
    if (modifier && modifier != PAGE_GUARD && modifier != PAGE_NOCACHE &&
        modifier != PAGE_WRITECOMBINE)
        return false;
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++) {
        if ((protect & PAGE_BASE_MASK) != bases[i].page)
            continue;
        if (modifier && bases[i].page == PAGE_NOACCESS)
            return false;
        *mm_protection = bases[i].mm | (modifier == PAGE_GUARD     ? MM_GUARD_PAGE
                                        : modifier == PAGE_NOCACHE ? MM_NOCACHE
                                        : modifier ? MM_WRITECOMBINE : 0);
        return true;
    }
    return false;
}

/* The PAGE_* value of an MM_* protection. */
ULONG mi_page_protection(unsigned protection)
{
    static const ULONG bases[8] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_EXECUTE,
                                    PAGE_EXECUTE_READ, PAGE_READWRITE, PAGE_WRITECOPY,
                                    PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY };
    unsigned base = protection & 7, high = protection & MM_NOACCESS;
    if (base == 0)
        return PAGE_NOACCESS;
    return bases[base] | (high == MM_GUARD_PAGE ? PAGE_GUARD
                          : high == MM_NOCACHE  ? PAGE_NOCACHE
                          : high ? PAGE_WRITECOMBINE : 0);
}

static bool expressible_as_valid(unsigned protection)
{
    unsigned high = protection & MM_NOACCESS;
    return (protection & 7) && high != MM_GUARD_PAGE;
}

bool mi_make_private_transition(struct mm *mm, struct mm_address_space *as,
                                const struct mm_page *p, unsigned protection)
{
    uint64_t pfn = p->f.page_frame_number;
    mi_set_original_protection(mm, pfn, protection);
    mi_write_pte(mm, as, p->pte_va, mi_transition_pte(mm, pfn, p->f.write, true));
    bool locked = mi_ws_remove(mm, as, pte_mapped_address(mm->cpu->fmt, p->pte_va), pfn);
    mi_decrement_share_count(mm, pfn, p->f.dirty);
    return locked;
}

/* Returns STATUS_WAS_UNLOCKED when a locked page had to leave memory. */
NTSTATUS mi_set_page_protection(struct mm *mm, struct mm_address_space *as,
                                const struct mm_page *p, unsigned protection)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t pfn = p->f.page_frame_number;
    switch (p->f.kind) {
    case PTE_KIND_VALID:
        if (!expressible_as_valid(protection))
            return mi_make_private_transition(mm, as, p, protection) ? STATUS_WAS_UNLOCKED
                                                                     : STATUS_SUCCESS;
        mi_set_original_protection(mm, pfn, protection);
        mi_write_pte(mm, as, p->pte_va, mi_valid_pte(mm, pfn, protection) |
                                            (p->f.dirty ? PTE_HW_DIRTY : 0));
        return STATUS_SUCCESS;
    case PTE_KIND_TRANSITION:
    case PTE_KIND_PAGEFILE: { /* the page stays where it is, with the new protection */
        struct pte_fields t = p->f;
        t.protection = protection;
        mi_write_pte(mm, as, p->pte_va, mi_encode_pte(mm, &t));
        if (p->f.kind == PTE_KIND_TRANSITION)
            mi_set_original_protection(mm, pfn, protection);
        return STATUS_SUCCESS;
    }
    default: {
        NTSTATUS st = mi_make_tables(mm, as, pte_mapped_address(fmt, p->pte_va));
        if (NT_SUCCESS(st))
            mi_write_pte(mm, as, p->pte_va, mi_software_pte(mm, protection));
        return st;
    }
    }
}

/* Windows: MiProtectVirtualMemory */
NTSTATUS mm_protect(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size,
                    unsigned protection, unsigned *old)
{
    mm_attach(mm, as);
    struct vad *vad = vad_find(&as->vads, base >> PAGE_SHIFT);
    if (!vad || ((base + size - 1) >> PAGE_SHIFT) > vad->EndingVpn)
        return STATUS_CONFLICTING_ADDRESSES;
    if (vad->u.NoChange)
        return STATUS_INVALID_PAGE_PROTECTION;
    if (!vad->u.PrivateMemory) /* (4) */
        return mi_protect_view(mm, as, vad, base, size, protection, old);
    struct mm_page p;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_page(mm, as, vad, va, &p);
        if (!p.committed)
            return STATUS_NOT_COMMITTED;
        if (va == base)
            *old = p.protection;
    }
    /* (3) the page tables first: once they exist no page can fail */
    NTSTATUS result = mi_make_tables_for_range(mm, as, base, size);
    if (!NT_SUCCESS(result))
        return result;
    for (uint64_t va = base; va < base + size; va += PAGE_SIZE) {
        mi_read_page(mm, as, vad, va, &p);
        if (mi_set_page_protection(mm, as, &p, protection) == STATUS_WAS_UNLOCKED)
            result = STATUS_WAS_UNLOCKED;
    }
    return result;
}
