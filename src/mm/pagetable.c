/*
 * pagetable.c — visiting every valid entry of an address space's page
 * tables, from CR3 down, as Windows' boot does to build the PFN entries of
 * the pages the loader mapped and as the verifier does to count mappings.
 *
 * (1) Self-map entries are reported but not descended: the tables they point
 *     at are reached through the hierarchy itself.
 * (2) Entries outside the self-map (PAE's four PDPTEs) are reported with
 *     counted = false: Windows does not treat them as PTEs.
 * (3) In every address space the self-map makes each paging-structure entry
 *     visible at MiGetPteAddress of the address it maps.
 */
#include <string.h>

#include "mm/mm.h"

struct visit_state {
    struct mm *mm;
    pt_visitor visitor;
    void *context;
    struct pt_visit *bad;
    uint64_t cr3;
};

static bool is_self_map_entry(const struct pte_format *fmt, unsigned level, uint64_t va)
{
    if (level != fmt->self_map_level)
        return false;
    if (va < fmt->pte_base || va >= pte_self_map_end(fmt))
        return false;
    unsigned index = pte_index(fmt, va, level);
    return index >= fmt->self_map_index && index < fmt->self_map_index + fmt->self_map_count;
}

static bool visit_table(struct visit_state *s, uint64_t table_pfn, unsigned level, uint64_t base)
{
    const struct pte_format *fmt = s->mm->cpu->fmt;
    const struct phys *phys = &s->mm->cpu->phys;
    unsigned entries = 1u << fmt->level_bits[level];
    uint64_t table_pa = level == 0 ? s->cr3 & fmt->top_table_mask
                                   : table_pfn << PAGE_SHIFT;
    for (unsigned i = 0; i < entries; i++) {
        uint64_t e = mm_load(phys_address(phys, table_pa + (uint64_t)i * fmt->pte_size), fmt->pte_size);
        if (!(e & PTE_HW_VALID))
            continue;
        struct pt_visit v = {
            .level = level,
            .va = pte_canonical(fmt, base + ((uint64_t)i << fmt->level_shift[level])),
            .entry = e,
            .table_pfn = table_pfn,
            .target_pfn = (e & fmt->pfn_mask) >> PAGE_SHIFT,
            .counted = level >= fmt->self_map_level,
        };
        v.entry_va = pte_address(fmt, v.va, fmt->levels - 1 - level);
        v.self_map = is_self_map_entry(fmt, level, v.va);
        bool leaf = level == fmt->levels - 1 ||
                    ((fmt->large_page_levels & (1u << level)) && (e & PTE_HW_LARGE_PAGE));
        if (leaf) {
            uint64_t size = 1ull << fmt->level_shift[level];
            v.target_pfn = (e & fmt->pfn_mask & ~(size - 1)) >> PAGE_SHIFT;
            v.pages = size >> PAGE_SHIFT;
        }
        if (!phys_contains(phys, v.target_pfn << PAGE_SHIFT,
                           (v.pages ? v.pages : 1) << PAGE_SHIFT)) {
            *s->bad = v;
            return false;
        }
        enum pt_next next = s->visitor(s->mm, &v, s->context);
        if (next == PT_STOP)
            return false;
        if (next == PT_CONTINUE && !leaf && !v.self_map &&
            !visit_table(s, v.target_pfn, level + 1, v.va))
            return false;
    }
    return true;
}

bool mm_visit_page_tables(struct mm *mm, uint64_t cr3, pt_visitor visitor, void *context,
                          struct pt_visit *bad)
{
    struct pt_visit ignored;
    struct visit_state s = { mm, visitor, context, bad ? bad : &ignored, cr3 };
    const struct pte_format *fmt = mm->cpu->fmt;
    return visit_table(&s, (cr3 & fmt->top_table_mask) >> PAGE_SHIFT, 0, 0);
}

/* (3) The self-map: entries [self_map_index, +count) of the table at
 * self_map_level that covers PTE_BASE point at that level's tables in order
 * (x86, x64: the top table at itself; PAE: PD3[0..3] at PD0..PD3). */
void mm_write_self_map(struct mm *mm, const uint64_t *tables)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    unsigned level = fmt->self_map_level;
    uint64_t holder = tables[level == 0 ? 0 : pte_index(fmt, fmt->pte_base, level - 1)];
    for (unsigned k = 0; k < fmt->self_map_count; k++) {
        uint64_t e = (tables[k] << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE | PTE_HW_ACCESSED |
                     PTE_HW_DIRTY;
        uint64_t slot = (holder << PAGE_SHIFT) + (uint64_t)(fmt->self_map_index + k) * fmt->pte_size;
        mm_store(phys_address(&mm->cpu->phys, slot), fmt->pte_size, e);
    }
}
