/*
 * cpu_env.h — a standalone processor for the arch-level tests (test_mmu.c,
 * test_tlb.c): RAM, a TLB and page tables built by hand with raw entries,
 * without a machine or a memory manager.
 *
 * (1) Entries are written with plain memcpy of PTE_HW_* bits, never through a
 *     format's encode and never through the TLB: the tests decide when the
 *     TLB hears of a change.
 * (2) Page-table frames come from a bump allocator below ENV_TABLE_FRAMES;
 *     tests put their data frames above it.
 */
#ifndef NTMM_CPU_ENV_H
#define NTMM_CPU_ENV_H

#include <string.h>

#include "arch/cpu.h"

#define ENV_TABLE_FRAMES 0x100u
#define RW_USER (PTE_HW_WRITE | PTE_HW_OWNER)

struct env {
    struct cpu cpu;
    uint64_t next_pfn; /* bump allocator of page-table frames */
};

static inline void env_init(struct env *e, const struct pte_format *fmt, uint64_t ram)
{
    memset(e, 0, sizeof *e);
    e->cpu.fmt = fmt;
    assert_int_equal(phys_create(&e->cpu.phys, ram), STATUS_SUCCESS);
    tlb_init(&e->cpu.tlb);
    e->next_pfn = 1;
    uint64_t top = e->next_pfn++ << PAGE_SHIFT;
    if (fmt->arch == NTMM_ARCH_X86_PAE)
        top += 0x20; /* a PDPT is 32-byte aligned, not page aligned */
    cpu_load_cr3(&e->cpu, top);
}

static inline void env_destroy(struct env *e)
{
    phys_destroy(&e->cpu.phys);
}

static inline bool permissionless(const struct env *e, unsigned level)
{
    return (e->cpu.fmt->permissionless_levels & (1u << level)) != 0;
}

static inline uint64_t get(const struct env *e, uint64_t pa)
{
    uint64_t v = 0;
    memcpy(&v, phys_address(&e->cpu.phys, pa), e->cpu.fmt->pte_size);
    return v;
}

static inline void put(struct env *e, uint64_t pa, uint64_t v)
{
    memcpy(phys_address(&e->cpu.phys, pa), &v, e->cpu.fmt->pte_size);
}

/* Physical address of the entry at `level` for va; missing tables above it
 * are allocated (upper entries: Valid, plus Write and Owner where they exist,
 * Accessed and Dirty clear). */
static inline uint64_t entry_pa(struct env *e, uint64_t va, unsigned level)
{
    const struct pte_format *fmt = e->cpu.fmt;
    uint64_t table = e->cpu.cr3 & fmt->top_table_mask;
    for (unsigned l = 0;; l++) {
        uint64_t pa = table + (uint64_t)pte_index(fmt, va, l) * fmt->pte_size;
        if (l == level)
            return pa;
        uint64_t v = get(e, pa);
        if (!(v & PTE_HW_VALID)) {
            assert_true(e->next_pfn < ENV_TABLE_FRAMES);
            v = (e->next_pfn++ << PAGE_SHIFT) | PTE_HW_VALID;
            if (!permissionless(e, l))
                v |= RW_USER;
            put(e, pa, v);
        }
        table = v & fmt->pfn_mask;
    }
}

/* Maps va to pfn with a leaf at `level` (a large page above the last level);
 * returns the leaf's physical address. */
static inline uint64_t map(struct env *e, uint64_t va, uint64_t pfn, uint64_t flags, unsigned level)
{
    uint64_t pa = entry_pa(e, va, level);
    uint64_t v = (pfn << PAGE_SHIFT) | PTE_HW_VALID | flags;
    if (level < e->cpu.fmt->levels - 1)
        v |= PTE_HW_LARGE_PAGE;
    put(e, pa, v);
    return pa;
}

/* Maps one 4 KB page; returns its PTE's physical address. */
static inline uint64_t map_page(struct env *e, uint64_t va, uint64_t pfn, uint64_t flags)
{
    return map(e, va, pfn, flags, e->cpu.fmt->levels - 1);
}

static inline uint64_t test_va(const struct pte_format *fmt)
{
    return fmt->va_bits == 48 ? 0xFFFFF8A012345000ull : 0x12345000ull;
}

static const enum cpu_mode modes[] = { MODE_KERNEL, MODE_USER };
static const enum cpu_access accesses[] = { ACCESS_READ, ACCESS_WRITE, ACCESS_EXECUTE };

#define PER_FORMAT(check)                                                                          \
    static void test_##check##_x86(void **state)                                                  \
    {                                                                                              \
        (void)state;                                                                               \
        check_##check(&pte_format_x86);                                                            \
    }                                                                                              \
    static void test_##check##_pae(void **state)                                                  \
    {                                                                                              \
        (void)state;                                                                               \
        check_##check(&pte_format_pae);                                                            \
    }                                                                                              \
    static void test_##check##_x64(void **state)                                                  \
    {                                                                                              \
        (void)state;                                                                               \
        check_##check(&pte_format_x64);                                                            \
    }

#define PER_FORMAT_TESTS(check)                                                                    \
    cmocka_unit_test(test_##check##_x86), cmocka_unit_test(test_##check##_pae),                   \
        cmocka_unit_test(test_##check##_x64)

#endif
