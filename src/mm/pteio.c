/*
 * pteio.c — the memory manager's access to the PTEs of any address space:
 * each entry is read and written in its table page's frame, found by a
 * descent of the space's tables from its CR3 (Windows reaches another
 * process's PTEs through hyperspace; the bytes are the same), with the TLB
 * invalidated explicitly; creating the page tables an address needs
 * (MiMakePdeExistAndMakeValid) and freeing those that became empty; building
 * valid and software PTEs from a protection.
 *
 * Entries are named as Windows names them, by their self-map address
 * (MiGetPteAddress: a PTE, PDE, PPE or PXE); which space is explicit.
 *
 * (1) Reading a PTE never faults and changes nothing: no Accessed bit, no
 *     TLB entry, in whichever space is loaded. A PTE whose tables are absent
 *     reads as zero.
 * (2) Writing a PTE that was valid invalidates what it mapped in that space
 *     (cpu.h (3)): one page for a PTE, the whole space for an upper entry.
 *     An entry that was not valid cannot be cached, so its write
 *     invalidates nothing.
 * (3) A user page table is Active, mapped by its PDE (PteAddress), counted
 *     in its parent table's ShareCount and in the working set; it is freed
 *     only when all its entries are zero.
 * (4) Running out of frames (or an injected frame fault) in mi_make_tables
 *     may leave the upper tables it created, empty but fully accounted
 *     (Active, ShareCount 1 for their PDE, in the working set), as Windows
 *     keeps them; a later release or decommit of the range frees them.
 *     mi_make_tables_for_range, which operations that must change nothing
 *     on failure call before changing any PTE, frees them at once.
 * (5) An upper entry naming a frame beyond RAM (edited by a script) is the
 *     kernel faulting on its own page tables: PAGE_FAULT_IN_NONPAGED_AREA.
 *     Once the machine has stopped, nothing writes a PTE (bugcheck.c (2)).
 * (6) Every PTE the memory manager builds is encoded by mi_encode_pte,
 *     which checks that the format can hold it.
 */
#include "mm/mm.h"

static uint64_t space_cr3(const struct mm *mm, const struct mm_address_space *as)
{
    return as ? as->directory_table_base : mm->system_cr3;
}

/* pte_va is pte_address(va, k): the entry k levels above va's page. */
static unsigned entry_level(const struct pte_format *fmt, uint64_t pte_va, uint64_t *va)
{
    unsigned k = 0, highest = fmt->levels - 1 - fmt->self_map_level;
    uint64_t x = pte_mapped_address(fmt, pte_va);
    while (k < highest && x >= fmt->pte_base && x < pte_self_map_end(fmt)) {
        x = pte_mapped_address(fmt, x);
        k++;
    }
    *va = x;
    return k;
}

/* (1), (5): the host address of the entry at pte_va in the space whose CR3
 * is cr3, or NULL if a table above it is absent; the table's frame is
 * remembered (cpu.h (4)). */
static uint8_t *entry_host(const struct mm *mm, uint64_t cr3, uint64_t pte_va, bool write)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t in_table = pte_va & (PAGE_SIZE - 1) & ~(uint64_t)(fmt->pte_size - 1);
    uint8_t *cached = cpu_cached_table(mm->cpu, cr3, pte_va);
    if (cached)
        return cached + in_table;
    uint64_t va;
    unsigned depth = fmt->levels - 1 - entry_level(fmt, pte_va, &va);
    uint8_t *table = phys_address(&mm->cpu->phys, cr3 & fmt->top_table_mask);
    const uint8_t *top = NULL;
    uint64_t top_value = 0;
    for (unsigned d = 0;; d++) {
        uint8_t *entry = table + (uint64_t)pte_index(fmt, va, d) * fmt->pte_size;
        if (d == depth) {
            if (d > 0) /* the top table itself: PAE's is not a page */
                cpu_cache_table(mm->cpu, cr3, pte_va, top, top_value, table);
            return entry;
        }
        uint64_t e = mm_load(entry, fmt->pte_size);
        if (d == 0) {
            top = entry;
            top_value = e;
        }
        if (!(e & PTE_HW_VALID) ||
            ((fmt->large_page_levels & (1u << d)) && (e & PTE_HW_LARGE_PAGE)))
            return NULL;
        uint64_t pfn = (e & fmt->pfn_mask) >> PAGE_SHIFT;
        if (pfn >= mm->frames) {
            mm_bug_check(mm, BUGCODE_PAGE_FAULT_IN_NONPAGED_AREA, pte_va, write, 0, 0);
            return NULL;
        }
        table = phys_frame(&mm->cpu->phys, pfn);
    }
}

uint64_t mi_read_pte(const struct mm *mm, const struct mm_address_space *as, uint64_t pte_va)
{
    const uint8_t *e = entry_host(mm, space_cr3(mm, as), pte_va, false);
    return e ? mm_load(e, mm->cpu->fmt->pte_size) : 0;
}

void mi_write_pte(struct mm *mm, const struct mm_address_space *as, uint64_t pte_va,
                  uint64_t value)
{
    uint64_t cr3 = space_cr3(mm, as);
    uint8_t *e = entry_host(mm, cr3, pte_va, true);
    if (!e) {
        mm_bug_check(mm, BUGCODE_PAGE_FAULT_IN_NONPAGED_AREA, pte_va, 1, 0, 0);
        return;
    }
    if (mm_stopped(mm)) /* bugcheck.c (2) */
        return;
    unsigned size = mm->cpu->fmt->pte_size;
    bool was_valid = mm_load(e, size) & PTE_HW_VALID;
    mm_store(e, size, value);
    if (!was_valid)
        return;
    uint64_t va;
    if (entry_level(mm->cpu->fmt, pte_va, &va) == 0)
        cpu_invalidate_page(mm->cpu, cr3, va);
    else
        cpu_invalidate_space(mm->cpu, cr3);
}

uint64_t mi_encode_pte(const struct mm *mm, const struct pte_fields *f)
{
    uint64_t raw = 0;
    if (!mm->cpu->fmt->encode(f, &raw))
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_CORRUPT_PTE, 0, f->kind,
                     f->page_frame_number);
    return raw;
}

void mi_decode_pte(const struct mm *mm, uint64_t pte_va, uint64_t raw, enum pte_context context,
                   struct pte_fields *f)
{
    mm->cpu->fmt->decode(raw, context, f);
    if ((f->kind == PTE_KIND_VALID || f->kind == PTE_KIND_TRANSITION) &&
        f->page_frame_number >= mm->frames)
        mm_bug_check(mm, BUGCODE_MEMORY_MANAGEMENT, MM_BUGCHECK_CORRUPT_PTE, pte_va, raw, 0);
}

/* Levels whose entries need no checking: PAE's PDPTEs are always valid. */
static unsigned first_checked_level(const struct pte_format *fmt)
{
    return fmt->self_map_level;
}

bool mi_pte_exists(const struct mm *mm, const struct mm_address_space *as, uint64_t va)
{
    return entry_host(mm, space_cr3(mm, as), pte_address(mm->cpu->fmt, va, 0), false) != NULL;
}

uint64_t mi_absent_span_end(const struct mm *mm, const struct mm_address_space *as, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    for (unsigned l = first_checked_level(fmt); l + 1 < fmt->levels; l++) {
        if (mi_read_pte(mm, as, pte_address(fmt, va, fmt->levels - 1 - l)) & PTE_HW_VALID)
            continue;
        uint64_t end = (va | ((1ull << fmt->level_shift[l]) - 1)) + 1;
        return end < va ? UINT64_MAX : end; /* the top of the address space */
    }
    return va;
}

/* The frame of the table holding the entry of va at level l. */
uint64_t mi_holding_table(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                          unsigned l)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    if (l == 0)
        return space_cr3(mm, as) >> PAGE_SHIFT;
    uint64_t parent = mi_read_pte(mm, as, pte_address(fmt, va, fmt->levels - l));
    return (parent & fmt->pfn_mask) >> PAGE_SHIFT;
}

/* Windows: MiMakePdeExistAndMakeValid */
NTSTATUS mi_make_tables(struct mm *mm, struct mm_address_space *as, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    bool user = va < mm->system_range_start;
    for (unsigned l = first_checked_level(fmt); l + 1 < fmt->levels; l++) {
        uint64_t entry_va = pte_address(fmt, va, fmt->levels - 1 - l);
        if (mi_read_pte(mm, as, entry_va) & PTE_HW_VALID)
            continue;
        NTSTATUS st = user ? mi_ws_reserve(mm, as) : STATUS_SUCCESS;
        if (!NT_SUCCESS(st))
            return st;
        uint64_t pfn = mi_take_page(mm, true);
        if (pfn == MM_EMPTY_LIST(mm))
            return STATUS_INSUFFICIENT_RESOURCES;
        pfn_initialize_active(mm, pfn, entry_va, mi_holding_table(mm, as, va, l), 0);
        mi_write_pte(mm, as, entry_va, (pfn << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE |
                                           (user ? PTE_HW_OWNER : 0) | PTE_HW_ACCESSED |
                                           PTE_HW_DIRTY);
        if (user) /* (3); hyperspace tables are the working-set list's (wsl.c) */
            mi_ws_insert(mm, as, pte_mapped_address(fmt, entry_va), pfn);
    }
    return STATUS_SUCCESS;
}

/* (4): every table of the range, or none of those it created. */
NTSTATUS mi_make_tables_for_range(struct mm *mm, struct mm_address_space *as, uint64_t base,
                                  uint64_t size)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t span = 1ull << fmt->level_shift[fmt->levels - 2]; /* bytes a page table maps */
    for (uint64_t va = base; va < base + size; va = (va | (span - 1)) + 1) {
        NTSTATUS st = mi_make_tables(mm, as, va);
        if (!NT_SUCCESS(st)) {
            mi_free_empty_tables(mm, as, base, base + size - 1);
            return st;
        }
    }
    return STATUS_SUCCESS;
}

static bool table_is_empty(struct mm *mm, uint64_t pfn)
{
    const uint64_t *words = (const uint64_t *)mi_frame(mm, pfn);
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        if (words[i])
            return false;
    return true;
}

struct range {
    struct mm *mm;
    struct mm_address_space *as;
    uint64_t start, end; /* inclusive */
};

/* The entries of the table `pfn` at level l (covering VAs from base) that
 * overlap the range: descend, then free each child table left empty. */
static void free_below(struct range *r, uint64_t pfn, unsigned l, uint64_t base)
{
    const struct pte_format *fmt = r->mm->cpu->fmt;
    uint64_t span = 1ull << fmt->level_shift[l];
    uint64_t entries = 1ull << fmt->level_bits[l];
    uint64_t first = r->start > base ? (r->start - base) / span : 0;
    uint64_t last = (r->end - base) / span;
    const uint8_t *table = mi_frame(r->mm, pfn);
    for (uint64_t i = first; i <= last && i < entries; i++) {
        uint64_t e = mm_load(table + i * fmt->pte_size, fmt->pte_size);
        if (!(e & PTE_HW_VALID))
            continue;
        uint64_t va = base + i * span, child = (e & fmt->pfn_mask) >> PAGE_SHIFT;
        uint64_t address = pte_canonical(fmt, va);
        if (l + 2 < fmt->levels)
            free_below(r, child, l + 1, va);
        if (!table_is_empty(r->mm, child))
            continue;
        uint64_t entry_va = pte_address(fmt, va, fmt->levels - 1 - l);
        mi_write_pte(r->mm, r->as, entry_va, 0);
        if (address < r->mm->system_range_start)
            (void)mi_ws_remove(r->mm, r->as, pte_mapped_address(fmt, entry_va), child);
        mi_release_page(r->mm, child);
    }
}

void mi_free_empty_tables(struct mm *mm, struct mm_address_space *as, uint64_t start,
                          uint64_t end)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t mask = fmt->va_bits == 64 ? ~0ull : (1ull << fmt->va_bits) - 1;
    struct range r = { mm, as, start & mask, end & mask }; /* table indexes, not canonical */
    unsigned l = first_checked_level(fmt);
    if (l == 0) {
        free_below(&r, as->directory_table_base >> PAGE_SHIFT, 0, 0);
        return;
    }
    const uint8_t *pdpt = phys_address(&mm->cpu->phys, as->directory_table_base & fmt->top_table_mask);
    uint64_t span = 1ull << fmt->level_shift[0];
    for (uint64_t k = start / span; k <= end / span && k < (1ull << fmt->level_bits[0]); k++) {
        uint64_t e = mm_load(pdpt + k * fmt->pte_size, fmt->pte_size);
        free_below(&r, (e & fmt->pfn_mask) >> PAGE_SHIFT, l, k * span);
    }
}

/* Windows: MI_MAKE_VALID_PTE for a user page. The software Write bit (11)
 * mirrors Write, as on multiprocessor kernels; writable protections that
 * copy on write stay read-only with CopyOnWrite set. */
uint64_t mi_valid_pte(const struct mm *mm, uint64_t pfn, unsigned protection)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    unsigned base = protection & 7;
    bool write = base == MM_READWRITE || base == MM_EXECUTE_READWRITE;
    bool copy = base == MM_WRITECOPY || base == MM_EXECUTE_WRITECOPY;
    bool execute = base == MM_EXECUTE || base == MM_EXECUTE_READ ||
                   base == MM_EXECUTE_READWRITE || base == MM_EXECUTE_WRITECOPY;
    struct pte_fields f = {
        .kind = PTE_KIND_VALID,
        .write = write,
        .write_software = write,
        .copy_on_write = copy,
        .owner = true,
        .accessed = true,
        .cache_disable = (protection & MM_NOACCESS) == MM_NOCACHE,
        .write_through = (protection & MM_NOACCESS) == MM_WRITECOMBINE,
        .no_execute = fmt->has_nx && !execute,
        .page_frame_number = pfn,
    };
    return mi_encode_pte(mm, &f);
}

uint64_t mi_software_pte(const struct mm *mm, unsigned protection)
{
    struct pte_fields f = { .kind = PTE_KIND_DEMAND_ZERO, .protection = protection };
    return protection ? mi_encode_pte(mm, &f) : 0;
}
