/*
 * walk.c — the page-table walk (see walk.h): xv6's walk as one loop, with the
 * x86 rights rules and the Accessed/Dirty updates the processor performs.
 */
#include "arch/walk.h"

#include <string.h>

/* Fixed-size copies, so the compiler emits one load or store. */
static uint64_t read_entry(const struct pte_format *fmt, const struct phys *phys, uint64_t pa)
{
    if (fmt->pte_size == 8) {
        uint64_t v;
        memcpy(&v, phys_address(phys, pa), 8);
        return v;
    }
    uint32_t v;
    memcpy(&v, phys_address(phys, pa), 4);
    return v;
}

static void set_bits(const struct pte_format *fmt, const struct phys *phys, uint64_t pa,
                     uint64_t *entry, uint64_t bits)
{
    if ((*entry & bits) == bits)
        return;
    *entry |= bits;
    if (fmt->pte_size == 8) {
        memcpy(phys_address(phys, pa), entry, 8);
    } else {
        uint32_t v = (uint32_t)*entry;
        memcpy(phys_address(phys, pa), &v, 4);
    }
}

/* Rights the entry at this level takes away from the access, if any. */
static enum walk_status check_rights(const struct pte_format *fmt, unsigned level, uint64_t e,
                                     enum cpu_access access, enum cpu_mode mode)
{
    if (fmt->permissionless_levels & (1u << level))
        return WALK_OK;
    if (mode == MODE_USER && !(e & PTE_HW_OWNER))
        return WALK_USER_DENIED;
    if (access == ACCESS_WRITE && !(e & PTE_HW_WRITE))
        return WALK_WRITE_DENIED;
    if (access == ACCESS_EXECUTE && fmt->has_nx && (e & PTE_HW_NO_EXECUTE))
        return WALK_NO_EXECUTE;
    return WALK_OK;
}

static bool is_leaf(const struct pte_format *fmt, unsigned level, uint64_t e)
{
    if (level == fmt->levels - 1)
        return true;
    return (fmt->large_page_levels & (1u << level)) && (e & PTE_HW_LARGE_PAGE);
}

void walk_translate(const struct pte_format *fmt, const struct phys *phys, uint64_t cr3,
                    uint64_t va, enum cpu_access access, enum cpu_mode mode, bool update,
                    struct walk *w)
{
    w->depth = 0;
    w->pa = 0;
    w->page_size = 0;
    w->global = false;
    if (pte_canonical(fmt, va) != va) {
        w->status = WALK_NON_CANONICAL;
        w->fault_level = 0;
        return;
    }
    uint64_t table = cr3 & fmt->top_table_mask;
    for (unsigned level = 0; level < fmt->levels; level++) {
        uint64_t pa = table + (uint64_t)pte_index(fmt, va, level) * fmt->pte_size;
        w->fault_level = level;
        if (!phys_contains(phys, pa, fmt->pte_size)) {
            w->status = WALK_BAD_PHYSICAL;
            return;
        }
        uint64_t e = read_entry(fmt, phys, pa);
        w->entry_pa[level] = pa;
        w->entry[level] = e;
        w->depth = level + 1;
        if (!(e & PTE_HW_VALID)) {
            w->status = WALK_NOT_PRESENT;
            return;
        }
        w->status = check_rights(fmt, level, e, access, mode);
        if (w->status != WALK_OK)
            return;
        bool leaf = is_leaf(fmt, level, e);
        bool has_ad = !(fmt->permissionless_levels & (1u << level));
        if (update && has_ad && !leaf)
            set_bits(fmt, phys, pa, &w->entry[level], PTE_HW_ACCESSED);
        if (leaf) {
            uint64_t size = 1ull << fmt->level_shift[level];
            uint64_t frame = e & fmt->pfn_mask & ~(size - 1);
            w->page_size = size;
            w->pa = frame + (va & (size - 1));
            w->global = (e & PTE_HW_GLOBAL) != 0;
            if (!phys_contains(phys, w->pa & ~(PAGE_SIZE - 1), PAGE_SIZE)) {
                w->status = WALK_BAD_PHYSICAL;
                return;
            }
            if (update)
                set_bits(fmt, phys, pa, &w->entry[level],
                         PTE_HW_ACCESSED | (access == ACCESS_WRITE ? PTE_HW_DIRTY : 0));
            return;
        }
        table = e & fmt->pfn_mask;
    }
}

const char *walk_status_name(enum walk_status status)
{
    static const char *const names[] = {
        [WALK_OK] = "ok",
        [WALK_NOT_PRESENT] = "not present",
        [WALK_WRITE_DENIED] = "write to a read-only page",
        [WALK_USER_DENIED] = "user-mode access to a kernel page",
        [WALK_NO_EXECUTE] = "execute in a no-execute page",
        [WALK_BAD_PHYSICAL] = "entry points outside physical memory",
        [WALK_NON_CANONICAL] = "non-canonical address",
    };
    return status <= WALK_NON_CANONICAL ? names[status] : "unknown";
}
