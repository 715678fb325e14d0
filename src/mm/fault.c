/*
 * fault.c — the page fault handler for user addresses (Windows:
 * MmAccessFault): one fault record, a dispatcher on the PTE's kind, and one
 * resolver per kind, each returning resolved, retry or raise.
 *
 *   process PTE         resolver                          counts
 *   valid               resolve_valid: the TLB was behind, or a protection
 *                       violation (a write to a copy-on-write view page:
 *                       mi_resolve_copy_on_write, view.c)  CopyOnWrite
 *   zero, demand zero   resolve_demand_zero               DemandZero
 *   transition          resolve_transition                Transition
 *   prototype           mi_resolve_proto_fault (view.c)   by the prototype PTE's kind
 *   pagefile            resolve_page_file: a hard fault   PageRead, PageReadIo
 *   no VAD, reserved, decommitted, no access: STATUS_ACCESS_VIOLATION
 *
 * (1) Guard pages are handled here, before any resolver: the guard goes
 *     (from the software or transition PTE, or from the view's page
 *     protections) and the access raises STATUS_GUARD_PAGE_VIOLATION.
 * (2) A fault that raises an exception changes nothing but the guard bit.
 * (3) Each fault that resolves (or takes a guard) counts once in its
 *     process's PageFaultCount and MmInfoCounters.PageFaultCount, and once
 *     in each counter its resolvers marked, however often it was dispatched.
 * (4) A resolved demand-zero fault leaves a valid PTE whose frame came off
 *     the zeroed list (or a free or standby frame zeroed on the way),
 *     Active, ShareCount 1, Modified, OriginalPte the software PTE it
 *     replaced; the page and every table created for it are in the working
 *     set.
 * (5) A fault that finds no frame (RAM exhausted, or an injected frame
 *     fault) fails with STATUS_INSUFFICIENT_RESOURCES, the status Windows
 *     gives an allocation of a page it cannot wait for; its PTE is unchanged
 *     and only the page tables made for it remain, empty and accounted
 *     (pteio.c (4)), as Windows keeps them.
 * (6) resolve_valid decides with the walk the processor would make (no bits
 *     set): when it would succeed the TLB entry was stale and is dropped, so
 *     the retried access cannot fault the same way again.
 * (7) A fault that adds a page to the working set first makes room in it
 *     (wsl.c's mi_ws_reserve: the list grows, or a page is replaced when the
 *     process is at its maximum, wsmanager.c), then reads the PTE again: a
 *     changed page is dispatched afresh.
 * (8) Every resolved fault ticks the working-set manager (wsmanager.c).
 * (9) A hard fault reads the page from its pagefile slot into a new frame,
 *     which keeps the slot in OriginalPte while it stays clean
 *     (pagestate.c (5)); with it, in the same read, up to
 *     MM_READ_CLUSTER_SIZE following pages of the same page table and VAD
 *     whose PTEs name the following slots, which go to the standby list
 *     as transition pages. A failed read (STATUS_IN_PAGE_ERROR) frees the
 *     frames and changes no PTE.
 */
#include "mm/pagefile.h"
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

uint32_t mi_info_counter(const struct mm *mm, enum mi_info_counter c)
{
    return (uint32_t)mm_load(mm_symbol_host(mm, SYM_MmInfoCounters) + 4 * c, 4);
}

void mi_count_info(struct mm *mm, enum mi_info_counter c, uint32_t n)
{
    if (!mm_stopped(mm))
        mm_store(mm_symbol_host(mm, SYM_MmInfoCounters) + 4 * c, 4, mi_info_counter(mm, c) + n);
}

enum mi_fault_result mi_fault_raise(struct mi_fault *f, NTSTATUS st)
{
    f->status = st;
    return MI_FAULT_RAISE;
}

/* (6) */
static enum mi_fault_result resolve_valid(struct mm *mm, struct mi_fault *f)
{
    struct walk w;
    walk_translate(mm->cpu->fmt, &mm->cpu->phys, f->as->directory_table_base, f->va, f->access,
                   MODE_USER, false, &w);
    if (w.status != WALK_OK)
        return mi_fault_raise(f, STATUS_ACCESS_VIOLATION);
    cpu_invalidate_page(mm->cpu, f->as->directory_table_base, f->va);
    return MI_FAULT_RESOLVED;
}

/* Windows: MiResolveDemandZeroFault — (4), (5). */
static enum mi_fault_result resolve_demand_zero(struct mm *mm, struct mi_fault *f)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    NTSTATUS st = mi_make_tables(mm, f->as, f->va);
    if (!NT_SUCCESS(st))
        return mi_fault_raise(f, st);
    uint64_t pfn = mi_take_page(mm, true);
    if (pfn == MM_EMPTY_LIST(mm))
        return mi_fault_raise(f, STATUS_INSUFFICIENT_RESOURCES);
    unsigned protection = f->page.protection;
    pfn_initialize_active(mm, pfn, f->page.pte_va,
                          mi_holding_table(mm, f->as, f->va, fmt->levels - 1),
                          mi_software_pte(mm, protection));
    /* no copy of it exists anywhere: Windows marks a new demand-zero page modified */
    mi_set_modified(mm, pfn);
    mi_write_pte(mm, f->as, f->page.pte_va, mi_valid_pte(mm, pfn, protection));
    mi_ws_insert(mm, f->as, f->va, pfn);
    mi_fault_counts(f, MI_INFO_DEMAND_ZERO);
    return MI_FAULT_RESOLVED;
}

/* Windows: MiResolveTransitionFault — a private page (or a view's private
 * copy) whose frame is on the standby or modified list. */
static enum mi_fault_result resolve_transition(struct mm *mm, struct mi_fault *f,
                                               unsigned protection)
{
    uint64_t pfn = f->page.f.page_frame_number;
    mi_restore_to_active(mm, pfn);
    mi_set_original_protection(mm, pfn, protection);
    mi_write_pte(mm, f->as, f->page.pte_va, mi_valid_pte(mm, pfn, protection));
    mi_ws_insert(mm, f->as, f->va, pfn);
    mi_fault_counts(f, MI_INFO_TRANSITION);
    return MI_FAULT_RESOLVED;
}

/* The pages a hard fault reads from the pagefile with the faulting one
 * (Windows: MmReadClusterSize, 7). */
#define MM_READ_CLUSTER_SIZE 7u

/* (9) The faulting page and the pages after it in the same page table and
 * VAD whose PTEs name the next slots of the same pagefile. */
static unsigned page_file_cluster(const struct mm *mm, const struct mi_fault *f, uint64_t *vas)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t table_span = 1ull << fmt->level_shift[fmt->levels - 2];
    uint64_t va = f->va & ~(uint64_t)(PAGE_SIZE - 1), table = va & ~(table_span - 1);
    unsigned n = 1;
    vas[0] = va;
    for (uint64_t next = va + PAGE_SIZE; n <= MM_READ_CLUSTER_SIZE; next += PAGE_SIZE, n++) {
        if ((next & ~(table_span - 1)) != table || next >> PAGE_SHIFT > f->vad->EndingVpn)
            break;
        struct pte_fields g;
        fmt->decode(mi_read_pte(mm, f->as, pte_address(fmt, next, 0)), PTE_IN_PAGE_TABLE, &g);
        if (g.kind != PTE_KIND_PAGEFILE || g.page_file_low != f->page.f.page_file_low ||
            g.page_file_high != f->page.f.page_file_high + n)
            break;
        vas[n] = next;
    }
    return n;
}

/* Windows: MiResolvePageFileFault and the in-page read — (9). */
static enum mi_fault_result resolve_page_file(struct mm *mm, struct mi_fault *f)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t vas[MM_READ_CLUSTER_SIZE + 1], pfns[MM_READ_CLUSTER_SIZE + 1];
    uint8_t *pages[MM_READ_CLUSTER_SIZE + 1];
    unsigned n = page_file_cluster(mm, f, vas);
    for (unsigned i = 0; i < n; i++) {
        pfns[i] = mi_take_page(mm, false);
        if (pfns[i] == MM_EMPTY_LIST(mm)) {
            if (i == 0)
                return mi_fault_raise(f, STATUS_INSUFFICIENT_RESOURCES);
            n = i;
            break;
        }
        pages[i] = mi_frame_for_write(mm, pfns[i]);
    }
    for (unsigned i = 0; i < n; i++)
        pfn_set_e1(mm, pfns[i], PFN_E1_READ_IN_PROGRESS, 1, 1);
    NTSTATUS st = mi_read_paging_file(mm, f->page.f.page_file_low, f->page.f.page_file_high,
                                      pages, n);
    for (unsigned i = 0; i < n; i++) {
        pfn_set_e1(mm, pfns[i], PFN_E1_READ_IN_PROGRESS, 1, 0);
        if (!NT_SUCCESS(st))
            mm_insert_page_in_free_list(mm, pfns[i]);
    }
    if (!NT_SUCCESS(st))
        return mi_fault_raise(f, STATUS_IN_PAGE_ERROR);
    for (unsigned i = 0; i < n; i++) {
        uint64_t pte_va = pte_address(fmt, vas[i], 0), paged = mi_read_pte(mm, f->as, pte_va);
        pfn_initialize_active(mm, pfns[i], pte_va,
                              mi_holding_table(mm, f->as, vas[i], fmt->levels - 1), paged);
        if (i == 0) {
            mi_write_pte(mm, f->as, pte_va, mi_valid_pte(mm, pfns[i], f->page.protection));
            mi_ws_insert(mm, f->as, vas[i], pfns[i]);
            continue;
        }
        /* a neighbour read with it goes to the standby list, as on XP */
        struct pte_fields g;
        fmt->decode(paged, PTE_IN_PAGE_TABLE, &g);
        mi_write_pte(mm, f->as, pte_va,
                     mi_transition_pte(mm, pfns[i], mi_protection_writes(g.protection), true));
        mi_decrement_share_count(mm, pfns[i], false);
    }
    mi_fault_counts(f, MI_INFO_PAGE_READ);
    mi_fault_counts(f, MI_INFO_PAGE_READ_IO);
    mi_count_info(mm, MI_INFO_PAGE_READ, n - 1); /* the counted bit adds the first */
    return MI_FAULT_RESOLVED;
}

static bool is_guard(unsigned protection)
{
    return (protection & MM_NOACCESS) == MM_GUARD_PAGE && (protection & 7);
}

/* (1) The guard goes where the page keeps it; a private page without its
 * page table gets one first (STATUS_INSUFFICIENT_RESOURCES without a frame). */
static NTSTATUS clear_guard(struct mm *mm, struct mi_fault *f)
{
    unsigned protection = f->page.protection & ~MM_GUARD_PAGE;
    if (f->page.f.kind == PTE_KIND_TRANSITION) { /* private, or a view's private copy */
        (void)resolve_transition(mm, f, protection);
    } else if (f->page.f.kind == PTE_KIND_PAGEFILE) { /* the page stays in the pagefile */
        struct pte_fields g = f->page.f;
        g.protection = protection;
        mi_write_pte(mm, f->as, f->page.pte_va, mi_encode_pte(mm, &g));
    } else if (f->vad->u.PrivateMemory) {
        NTSTATUS st = mi_make_tables(mm, f->as, f->va);
        if (!NT_SUCCESS(st))
            return st;
        mi_write_pte(mm, f->as, f->page.pte_va, mi_software_pte(mm, protection));
    } else { /* a view's shared page: its PTE keeps its protection, view.c (5) */
        mi_write_pte(mm, f->as, f->page.pte_va, mi_view_page_pte(mm, f->vad, &f->page, protection));
    }
    return STATUS_GUARD_PAGE_VIOLATION;
}

/* One dispatch on the PTE's kind. */
static enum mi_fault_result dispatch(struct mm *mm, struct mi_fault *f)
{
    struct mm_page *p = &f->page;
    mi_read_page(mm, f->as, f->vad, f->va, p);
    if (!p->committed)
        return mi_fault_raise(f, STATUS_ACCESS_VIOLATION);
    if (p->f.kind == PTE_KIND_VALID) {
        bool copy = p->proto_va && p->f.prototype && p->f.copy_on_write &&
                    f->access == ACCESS_WRITE;
        return copy ? mi_resolve_copy_on_write(mm, f) : resolve_valid(mm, f);
    }
    if (is_guard(p->protection)) {
        NTSTATUS st = clear_guard(mm, f);
        f->counted = MI_INFO_BIT(MI_INFO_PAGE_FAULT);
        return mi_fault_raise(f, st);
    }
    if (!mi_protection_allows(mm, p->protection, f->access))
        return mi_fault_raise(f, STATUS_ACCESS_VIOLATION);
    /* (7) room in the working set first; what that trims or reuses may be this page */
    if (mi_ws_reserve_changes(mm, f->as)) {
        struct pte_fields before = p->f, proto = p->proto;
        NTSTATUS st = mi_ws_reserve(mm, f->as);
        if (!NT_SUCCESS(st))
            return mi_fault_raise(f, st);
        mi_read_page(mm, f->as, f->vad, f->va, p);
        if (p->f.kind != before.kind || p->f.page_frame_number != before.page_frame_number ||
            p->proto.kind != proto.kind || p->proto.page_frame_number != proto.page_frame_number)
            return MI_FAULT_RETRY;
    }
    switch (p->f.kind) {
    case PTE_KIND_TRANSITION:
        return resolve_transition(mm, f, p->protection);
    case PTE_KIND_PROTOTYPE:
        return mi_resolve_proto_fault(mm, f);
    case PTE_KIND_PAGEFILE: /* private, or a view's private copy */
        return resolve_page_file(mm, f);
    case PTE_KIND_ZERO:
    case PTE_KIND_DEMAND_ZERO:
        if (f->vad->u.PrivateMemory)
            return resolve_demand_zero(mm, f);
        return mi_fault_raise(f, STATUS_ACCESS_VIOLATION);
    default:
        return mi_fault_raise(f, STATUS_ACCESS_VIOLATION);
    }
}

/* (3) */
static void count_fault(struct mm *mm, const struct mi_fault *f)
{
    if (f->counted & MI_INFO_BIT(MI_INFO_PAGE_FAULT))
        f->as->page_fault_count++;
    for (unsigned c = 0; c < MI_INFO_COUNTERS; c++)
        if (f->counted & MI_INFO_BIT(c))
            mi_count_info(mm, (enum mi_info_counter)c, 1);
}

/* Windows: MmAccessFault */
NTSTATUS mm_access_fault(struct mm *mm, struct mm_address_space *as, uint64_t va,
                         enum cpu_access access)
{
    struct mi_fault f = { .as = as, .va = va, .access = access };
    f.vad = va <= as->highest_user_address ? vad_find(&as->vads, va >> PAGE_SHIFT) : NULL;
    if (!f.vad)
        return STATUS_ACCESS_VIOLATION;
    enum mi_fault_result r;
    while ((r = dispatch(mm, &f)) == MI_FAULT_RETRY && !mm_stopped(mm))
        ;
    if (r == MI_FAULT_RAISE && f.status != STATUS_GUARD_PAGE_VIOLATION)
        return f.status; /* (2) */
    count_fault(mm, &f);
    if (r == MI_FAULT_RESOLVED)
        mi_working_set_tick(mm); /* (8) */
    return r == MI_FAULT_RAISE ? f.status : STATUS_SUCCESS;
}
