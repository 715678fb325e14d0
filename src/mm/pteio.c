/*
 * pteio.c — the memory manager's access to the PTEs of the attached address
 * space: reading and writing them through the PTE self-map (as Windows does,
 * with MiGetPteAddress), creating the page tables an address needs
 * (MiMakePdeExistAndMakeValid) and freeing those that became empty, and
 * building valid and software PTEs from a protection.
 *
 * (1) Every PTE write goes through the MMU at the entry's self-map address,
 *     so the TLB forgets what the entry mapped (cpu.h (1)).
 * (2) A user page table is Active, mapped by its PDE (PteAddress), counted
 *     in its parent table's ShareCount and in the working set; it is freed
 *     only when all its entries are zero.
 * (3) While mm->quiet is set (a query), PTEs are read by a walk of that
 *     space that changes nothing, and nothing may write one.
 * (4) Running out of frames (or an injected frame fault) in mi_make_tables
 *     may leave the upper tables it created, empty but fully accounted
 *     (Active, ShareCount 1 for their PDE, in the working set), as Windows
 *     keeps them; a later release or decommit of the range frees them.
 *     mi_make_tables_for_range, which operations that must change nothing
 *     on failure call before changing any PTE, frees them at once.
 * (5) A PTE the self-map cannot reach (an upper table edited away) is the
 *     kernel faulting on its own page tables: PAGE_FAULT_IN_NONPAGED_AREA.
 *     Once the machine has stopped, nothing writes a PTE (bugcheck.c (2)).
 */
#include "mm/mm.h"

/* (3) A query reads without the MMU: a walk that sets no Accessed bit and
 * fills no TLB entry, in the space being queried. */
static uint64_t read_pte_quietly(struct mm *mm, uint64_t pte_va)
{
    struct walk w;
    walk_translate(mm->cpu->fmt, &mm->cpu->phys, mm->quiet->directory_table_base, pte_va, ACCESS_READ, MODE_KERNEL,
                   false, &w);
    return w.status == WALK_OK ? mm_load(phys_address(&mm->cpu->phys, w.pa), mm->cpu->fmt->pte_size)
                               : 0;
}

uint64_t mi_read_pte(struct mm *mm, uint64_t pte_va)
{
    if (mm->quiet)
        return read_pte_quietly(mm, pte_va);
    struct cpu_fault fault;
    uint64_t v = 0;
    if (!cpu_read(mm->cpu, pte_va, &v, mm->cpu->fmt->pte_size, MODE_KERNEL, &fault))
        mm_bug_check(mm, BUGCODE_PAGE_FAULT_IN_NONPAGED_AREA, pte_va, 0, 0, 0);
    return v;
}

void mi_write_pte(struct mm *mm, uint64_t pte_va, uint64_t value)
{
    struct cpu_fault fault;
    if (!mm_stopped(mm) && /* bugcheck.c (2) */
        !cpu_write(mm->cpu, pte_va, &value, mm->cpu->fmt->pte_size, MODE_KERNEL, &fault))
        mm_bug_check(mm, BUGCODE_PAGE_FAULT_IN_NONPAGED_AREA, pte_va, 1, 0, 0);
}

void mi_decode_pte(struct mm *mm, uint64_t pte_va, uint64_t raw, enum pte_context context,
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

bool mi_pte_exists(struct mm *mm, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    for (unsigned l = first_checked_level(fmt); l + 1 < fmt->levels; l++)
        if (!(mi_read_pte(mm, pte_address(fmt, va, fmt->levels - 1 - l)) & PTE_HW_VALID))
            return false;
    return true;
}

uint64_t mi_absent_span_end(struct mm *mm, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    for (unsigned l = first_checked_level(fmt); l + 1 < fmt->levels; l++) {
        if (mi_read_pte(mm, pte_address(fmt, va, fmt->levels - 1 - l)) & PTE_HW_VALID)
            continue;
        uint64_t end = (va | ((1ull << fmt->level_shift[l]) - 1)) + 1;
        return end < va ? UINT64_MAX : end; /* the top of the address space */
    }
    return va;
}

/* The frame of the table holding the entry of va at level l. */
uint64_t mi_holding_table(struct mm *mm, uint64_t va, unsigned l)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    if (l == 0)
        return mm->cpu->cr3 >> PAGE_SHIFT;
    uint64_t parent = mi_read_pte(mm, pte_address(fmt, va, fmt->levels - l));
    return (parent & fmt->pfn_mask) >> PAGE_SHIFT;
}

void mi_count_in_working_set(struct mm_address_space *as, int64_t pages)
{
    as->working_set_pages += (uint64_t)pages;
    if (as->working_set_pages > as->peak_working_set_pages)
        as->peak_working_set_pages = as->working_set_pages;
}

/* Windows: MiMakePdeExistAndMakeValid */
NTSTATUS mi_make_tables(struct mm *mm, struct mm_address_space *as, uint64_t va)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    for (unsigned l = first_checked_level(fmt); l + 1 < fmt->levels; l++) {
        uint64_t entry_va = pte_address(fmt, va, fmt->levels - 1 - l);
        if (mi_read_pte(mm, entry_va) & PTE_HW_VALID)
            continue;
        uint64_t pfn = mm_remove_zero_page(mm);
        if (pfn == MM_EMPTY_LIST(mm))
            return STATUS_INSUFFICIENT_RESOURCES;
        pfn_initialize_active(mm, pfn, entry_va, mi_holding_table(mm, va, l), 0);
        mi_write_pte(mm, entry_va, (pfn << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE |
                                       PTE_HW_OWNER | PTE_HW_ACCESSED | PTE_HW_DIRTY);
        mi_count_in_working_set(as, 1);
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
        if (l + 2 < fmt->levels)
            free_below(r, child, l + 1, va);
        if (!table_is_empty(r->mm, child))
            continue;
        mi_write_pte(r->mm, pte_address(fmt, va, fmt->levels - 1 - l), 0);
        mm_release_frame(r->mm, child);
        mi_count_in_working_set(r->as, -1);
    }
}

void mi_free_empty_tables(struct mm *mm, struct mm_address_space *as, uint64_t start,
                          uint64_t end)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    struct range r = { mm, as, start, end };
    unsigned l = first_checked_level(fmt);
    if (l == 0) {
        free_below(&r, mm->cpu->cr3 >> PAGE_SHIFT, 0, 0);
        return;
    }
    const uint8_t *pdpt = phys_address(&mm->cpu->phys, mm->cpu->cr3 & fmt->top_table_mask);
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
    uint64_t raw = 0;
    fmt->encode(&f, &raw);
    return raw;
}

uint64_t mi_software_pte(const struct mm *mm, unsigned protection)
{
    struct pte_fields f = { .kind = PTE_KIND_DEMAND_ZERO, .protection = protection };
    uint64_t raw = 0;
    if (protection)
        mm->cpu->fmt->encode(&f, &raw);
    return raw;
}
