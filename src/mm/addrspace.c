/*
 * addrspace.c — process address spaces (Windows: MmCreateProcessAddressSpace,
 * MmDeleteProcessAddressSpace, KiSwapProcess): the top-level paging
 * structures of a new process, with the kernel's entries copied from the
 * System process's tables and the process's own self-map.
 *
 * x86 and x64: one top-level page (PD or PML4). PAE: a 32-byte PDPT in one of
 * the kernel's PDPT pages (as Windows keeps PAE PDPTs in kernel memory) and
 * four page directories, PD3 holding the self-map.
 *
 * (1) Each top-level frame of a space is Active with PteAddress its self-map
 *     entry and PteFrame the table holding that entry; the holder's
 *     ShareCount counts the others (MiInitializePfn).
 * (2) Kernel entries in a process's tables point at the System's kernel page
 *     tables and are not counted in any ShareCount: the System's tables count
 *     those page tables once.
 * (3) A space is on mm->spaces from creation to deletion; it is deleted only
 *     once its VADs and user page tables are gone.
 * (4) A creation that fails (no frame for a top-level table or the
 *     working-set list, no PAE PDPT slot) returns every frame it took to the
 *     free list and joins nothing.
 * (5) Every space has its working-set list (wsl.c) from creation to
 *     deletion, with the limits the machine gives a new process.
 */
#include "mm/mm.h"

/* The frames of the tables at self_map_level of the System's space. */
static void system_tables(struct mm *mm, uint64_t *tables)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    if (fmt->self_map_level == 0) {
        tables[0] = mm->system_cr3 >> PAGE_SHIFT;
        return;
    }
    uint8_t *pdpt = phys_address(&mm->cpu->phys, mm->system_cr3 & fmt->top_table_mask);
    for (unsigned k = 0; k < fmt->self_map_count; k++)
        tables[k] = (mm_load(pdpt + k * fmt->pte_size, fmt->pte_size) & fmt->pfn_mask) >> PAGE_SHIFT;
}

/* (2): copy every kernel entry of the System's tables at self_map_level. */
static void copy_kernel_entries(struct mm *mm, const uint64_t *tables)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    unsigned level = fmt->self_map_level;
    uint64_t system[PTE_MAX_LEVELS];
    system_tables(mm, system);
    for (unsigned k = 0; k < fmt->self_map_count; k++) {
        uint64_t base = level == 0 ? 0 : (uint64_t)k << fmt->level_shift[level - 1];
        for (unsigned i = 0; i < 1u << fmt->level_bits[level]; i++) {
            uint64_t va = pte_canonical(fmt, base + ((uint64_t)i << fmt->level_shift[level]));
            if (va < mm->system_range_start)
                continue;
            uint64_t offset = (uint64_t)i * fmt->pte_size;
            const uint8_t *from = mi_frame(mm, system[k]) + offset; /* a PDPTE: untrusted */
            uint8_t *to = mi_frame_for_write(mm, tables[k]) + offset;
            mm_store(to, fmt->pte_size, mm_load(from, fmt->pte_size));
        }
    }
}

/* Index, among the tables at self_map_level, of the one holding the self-map. */
static unsigned holder_index(const struct pte_format *fmt)
{
    return fmt->self_map_level == 0 ? 0 : pte_index(fmt, fmt->pte_base, fmt->self_map_level - 1);
}

/* (1): PFN entries of the tables, the holder first so it can count the rest. */
static void account_tables(struct mm *mm, const uint64_t *tables)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    unsigned level = fmt->self_map_level, h = holder_index(fmt);
    for (unsigned n = 0; n < fmt->self_map_count; n++) {
        unsigned k = (h + n) % fmt->self_map_count;
        uint64_t va = level == 0 ? 0 : (uint64_t)k << fmt->level_shift[level - 1];
        uint64_t table_va = pte_address(fmt, va, fmt->levels - 1 - level) & ~(PAGE_SIZE - 1);
        pfn_initialize_active(mm, tables[k], pte_address(fmt, table_va, 0), tables[h], 0);
    }
}

static uint64_t pdpt_address(const struct mm *mm, unsigned slot)
{
    return mm->system_cr3 + (slot / 128) * PAGE_SIZE + (slot % 128) * 32;
}

/* PAE: a free PDPT slot pointing at the four page directories. */
static bool take_pdpt(struct mm *mm, struct mm_address_space *as, const uint64_t *tables)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    unsigned slot = 1;
    while (slot < MM_PDPT_SLOTS && mm->pdpt_used[slot])
        slot++;
    if (slot == MM_PDPT_SLOTS)
        return false;
    mm->pdpt_used[slot] = true;
    as->pdpt_slot = slot;
    as->directory_table_base = pdpt_address(mm, slot);
    uint8_t *pdpt = phys_address(&mm->cpu->phys, as->directory_table_base);
    for (unsigned k = 0; k < fmt->self_map_count; k++)
        mm_store(pdpt + k * 8, 8, (tables[k] << PAGE_SHIFT) | PTE_HW_VALID);
    return true;
}

static void free_tables(struct mm *mm, uint64_t *tables, unsigned count)
{
    for (unsigned k = 0; k < count; k++) {
        pfn_set_share_count(mm, tables[k], 0);
        mm_insert_page_in_free_list(mm, tables[k]);
    }
}

/* Windows: MmCreateProcessAddressSpace */
NTSTATUS mm_create_address_space(struct mm *mm, struct mm_address_space *as)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    uint64_t tables[PTE_MAX_LEVELS];
    for (unsigned k = 0; k < fmt->self_map_count; k++) {
        tables[k] = mi_take_page(mm, true);
        if (tables[k] == MM_EMPTY_LIST(mm)) {
            free_tables(mm, tables, k);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    if (fmt->self_map_level == 0) {
        as->directory_table_base = tables[0] << PAGE_SHIFT;
    } else if (!take_pdpt(mm, as, tables)) {
        free_tables(mm, tables, fmt->self_map_count);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    copy_kernel_entries(mm, tables);
    mm_write_self_map(mm, tables);
    account_tables(mm, tables);
    as->next = mm->spaces;
    mm->spaces = as;
    as->minimum_working_set = mm->default_minimum_working_set;
    as->maximum_working_set = mm->default_maximum_working_set;
    NTSTATUS st = mi_create_working_set(mm, as);
    if (!NT_SUCCESS(st))
        mm_delete_address_space(mm, as); /* (4) */
    return st;
}

/* Windows: MmDeleteProcessAddressSpace */
void mm_delete_address_space(struct mm *mm, struct mm_address_space *as)
{
    const struct pte_format *fmt = mm->cpu->fmt;
    struct mm_address_space **link = &mm->spaces;
    while (*link != as)
        link = &(*link)->next;
    *link = as->next;
    if (mm->cpu->cr3 == as->directory_table_base)
        mm_attach(mm, NULL);
    mi_delete_working_set(mm, as);
    uint64_t tables[PTE_MAX_LEVELS];
    uint8_t *top = phys_address(&mm->cpu->phys, as->directory_table_base & fmt->top_table_mask);
    if (fmt->self_map_level == 0) {
        tables[0] = as->directory_table_base >> PAGE_SHIFT;
    } else {
        for (unsigned k = 0; k < fmt->self_map_count; k++) {
            tables[k] = (mm_load(top + k * 8, 8) & fmt->pfn_mask) >> PAGE_SHIFT;
            mm_store(top + k * 8, 8, 0);
        }
        mm->pdpt_used[as->pdpt_slot] = false;
    }
    unsigned h = holder_index(fmt);
    for (unsigned n = 1; n <= fmt->self_map_count; n++)
        mi_release_page(mm, tables[(h + n) % fmt->self_map_count]);
    cpu_invalidate_space(mm->cpu, as->directory_table_base); /* its CR3 may come again */
}

/* Windows: KiSwapProcess — CR3 of the space (NULL: the System's). */
void mm_attach(struct mm *mm, const struct mm_address_space *as)
{
    uint64_t cr3 = as ? as->directory_table_base : mm->system_cr3;
    if (mm->cpu->cr3 != cr3)
        cpu_load_cr3(mm->cpu, cr3);
}
