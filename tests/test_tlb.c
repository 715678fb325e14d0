/*
 * test_tlb.c — the software TLB's contract (tlb.h, cpu.h): what fills it, what
 * a hit skips, what invalidation and flushes drop, and the machine-level
 * "never stale" rule for page-table writes through the self-map or physical
 * memory.
 *
 * (1) A hit is proved by changing a PTE behind the TLB's back with a raw
 *     memcpy and observing that the old frame is still used, as hardware
 *     does without INVLPG; counters are compared as deltas.
 * (2) Each format-dependent test runs once per format (arch level) or per
 *     architecture (machine level), named after it.
 */
#include "testing.h"

#include <string.h>

#include "cpu_env.h"

#define RAM_BYTES (8ull << 20)
#define PFN_A 0x123u
#define PFN_B 0x321u

static uint8_t *frame(struct env *e, uint64_t pfn)
{
    return phys_frame(&e->cpu.phys, pfn);
}


/* Reads one byte at va and returns it (failing the test on a fault). */
static uint8_t read_byte(struct env *e, uint64_t va, enum cpu_mode mode)
{
    uint8_t b = 0;
    struct cpu_fault f;
    if (!cpu_read(&e->cpu, va, &b, 1, mode, &f))
        fail_msg("read of %llx faulted: %s", (unsigned long long)va, walk_status_name(f.walk.status));
    return b;
}

/* Hits and misses one read of va causes. */
static void read_counts(struct env *e, uint64_t va, enum cpu_mode mode, uint64_t hits,
                        uint64_t misses)
{
    uint64_t h = e->cpu.tlb.hits, m = e->cpu.tlb.misses;
    (void)read_byte(e, va, mode);
    assert_int_equal(e->cpu.tlb.hits - h, hits);
    assert_int_equal(e->cpu.tlb.misses - m, misses);
}


/* ---- arch level ---- */

static void check_miss_hit_invalidate(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    uint64_t pte = map_page(&e, va, PFN_A, RW_USER);
    frame(&e, PFN_A)[0x10] = 0xAA;
    frame(&e, PFN_B)[0x10] = 0xBB;
    assert_int_equal(e.cpu.tlb.hits, 0);
    assert_int_equal(e.cpu.tlb.misses, 0);

    read_counts(&e, va + 0x10, MODE_KERNEL, 0, 1); /* miss, fill */
    read_counts(&e, va + 0x10, MODE_KERNEL, 1, 0); /* hit */
    struct cpu_fault f;
    assert_ptr_equal(cpu_translate(&e.cpu, va + 0x10, ACCESS_READ, MODE_KERNEL, &f),
                     frame(&e, PFN_A) + 0x10);

    /* the PTE changes behind the TLB's back: the old frame is still used */
    put(&e, pte, ((uint64_t)PFN_B << PAGE_SHIFT) | PTE_HW_VALID | RW_USER);
    uint64_t h = e.cpu.tlb.hits;
    assert_int_equal(read_byte(&e, va + 0x10, MODE_KERNEL), 0xAA);
    assert_int_equal(e.cpu.tlb.hits, h + 1);

    /* INVLPG: the next access walks and sees the new frame */
    uint64_t inv = e.cpu.tlb.invalidations;
    tlb_invalidate(&e.cpu.tlb, va + 0xFFF);
    assert_int_equal(e.cpu.tlb.invalidations, inv + 1);
    uint64_t m = e.cpu.tlb.misses;
    assert_int_equal(read_byte(&e, va + 0x10, MODE_KERNEL), 0xBB);
    assert_int_equal(e.cpu.tlb.misses, m + 1);
    read_counts(&e, va + 0x10, MODE_KERNEL, 1, 0);
    env_destroy(&e);
}

/* A write through a page whose TLB entry came from a read walks again and
 * sets Dirty, as hardware re-walks to set it. */
static void check_write_after_read(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    uint64_t pte = map_page(&e, va, PFN_A, RW_USER);
    read_counts(&e, va, MODE_USER, 0, 1);
    assert_int_equal(get(&e, pte) & (PTE_HW_ACCESSED | PTE_HW_DIRTY), PTE_HW_ACCESSED);

    struct cpu_fault f;
    uint64_t m = e.cpu.tlb.misses, h = e.cpu.tlb.hits;
    assert_true(cpu_write(&e.cpu, va + 8, "x", 1, MODE_USER, &f));
    assert_int_equal(e.cpu.tlb.misses, m + 1);
    assert_int_equal(e.cpu.tlb.hits, h);
    assert_int_equal(get(&e, pte) & (PTE_HW_ACCESSED | PTE_HW_DIRTY),
                     PTE_HW_ACCESSED | PTE_HW_DIRTY);
    /* now the write entry exists: the second write hits */
    assert_true(cpu_write(&e.cpu, va + 9, "y", 1, MODE_USER, &f));
    assert_int_equal(e.cpu.tlb.misses, m + 1);
    assert_int_equal(e.cpu.tlb.hits, h + 1);
    assert_memory_equal(frame(&e, PFN_A) + 8, "xy", 2);
    env_destroy(&e);
}

/* Global entries survive tlb_flush(true) and CR3 loads, not tlb_flush(false). */
static void check_global(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t g = test_va(fmt), n = g + PAGE_SIZE;
    map_page(&e, g, PFN_A, PTE_HW_WRITE | PTE_HW_GLOBAL);
    map_page(&e, n, PFN_B, PTE_HW_WRITE);
    for (int round = 0; round < 2; round++) {
        read_counts(&e, g, MODE_KERNEL, 0, 1);
        read_counts(&e, n, MODE_KERNEL, 0, 1);
        read_counts(&e, g, MODE_KERNEL, 1, 0);
        read_counts(&e, n, MODE_KERNEL, 1, 0);
        uint64_t fl = e.cpu.tlb.flushes;
        if (round == 0)
            tlb_flush(&e.cpu.tlb, true);
        else
            cpu_load_cr3(&e.cpu, e.cpu.cr3);
        assert_int_equal(e.cpu.tlb.flushes, fl + 1);
        read_counts(&e, g, MODE_KERNEL, 1, 0); /* kept */
        read_counts(&e, n, MODE_KERNEL, 0, 1); /* dropped */
        tlb_flush(&e.cpu.tlb, false);
        assert_int_equal(e.cpu.tlb.flushes, fl + 2);
        read_counts(&e, g, MODE_KERNEL, 0, 1); /* dropped too */
        read_counts(&e, n, MODE_KERNEL, 0, 1);
        tlb_flush(&e.cpu.tlb, false);
    }
    /* a global entry is still dropped by INVLPG */
    read_counts(&e, g, MODE_KERNEL, 0, 1);
    tlb_invalidate(&e.cpu.tlb, g);
    read_counts(&e, g, MODE_KERNEL, 0, 1);
    env_destroy(&e);
}

/* INVLPG drops the page in both modes and all three access kinds, and only
 * that page. */
static void check_invalidate_all_kinds(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt), other = va + PAGE_SIZE;
    map_page(&e, va, PFN_A, RW_USER);
    map_page(&e, other, PFN_B, RW_USER);
    struct cpu_fault f;
    for (unsigned m = 0; m < 2; m++)
        for (unsigned a = 0; a < 3; a++) {
            assert_non_null(cpu_translate(&e.cpu, va, accesses[a], modes[m], &f));
            assert_non_null(cpu_translate(&e.cpu, other, accesses[a], modes[m], &f));
        }
    for (unsigned m = 0; m < 2; m++)
        for (unsigned a = 0; a < 3; a++)
            assert_ptr_equal(tlb_lookup(&e.cpu.tlb, modes[m], accesses[a], va + 0x20),
                             frame(&e, PFN_A) + 0x20);
    tlb_invalidate(&e.cpu.tlb, va + 0x800);
    for (unsigned m = 0; m < 2; m++)
        for (unsigned a = 0; a < 3; a++) {
            assert_null(tlb_lookup(&e.cpu.tlb, modes[m], accesses[a], va));
            assert_ptr_equal(tlb_lookup(&e.cpu.tlb, modes[m], accesses[a], other),
                             frame(&e, PFN_B));
        }
    env_destroy(&e);
}

/* Entries are per mode: a kernel-mode fill never answers a user access. */
static void check_kernel_entry_not_for_user(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t kva = test_va(fmt), uva = kva + PAGE_SIZE;
    map_page(&e, kva, PFN_A, PTE_HW_WRITE); /* Owner clear: a kernel page */
    map_page(&e, uva, PFN_B, RW_USER);
    struct cpu_fault f;
    for (unsigned a = 0; a < 3; a++)
        assert_non_null(cpu_translate(&e.cpu, kva, accesses[a], MODE_KERNEL, &f));
    for (unsigned a = 0; a < 3; a++) {
        struct tlb before = e.cpu.tlb;
        memset(&f, 0, sizeof f);
        assert_null(cpu_translate(&e.cpu, kva, accesses[a], MODE_USER, &f));
        assert_int_equal(f.walk.status, WALK_USER_DENIED);
        assert_int_equal(f.walk.fault_level, fmt->levels - 1);
        /* cpu.h (2): a fault moves only the miss count */
        assert_int_equal(e.cpu.tlb.misses, before.misses + 1);
        assert_int_equal(e.cpu.tlb.hits, before.hits);
        assert_int_equal(e.cpu.tlb.flushes, before.flushes);
        assert_int_equal(e.cpu.tlb.invalidations, before.invalidations);
        assert_memory_equal(e.cpu.tlb.entry, before.entry, sizeof before.entry);
    }
    char c;
    assert_false(cpu_read(&e.cpu, kva, &c, 1, MODE_USER, &f));
    /* a user page read in kernel mode: the user access still walks once */
    read_counts(&e, uva, MODE_KERNEL, 0, 1);
    read_counts(&e, uva, MODE_USER, 0, 1);
    read_counts(&e, uva, MODE_USER, 1, 0);
    env_destroy(&e);
}

/* Physical writes, which may hold page tables, flush the TLB. */
static void check_physical_write_flushes(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    uint64_t pte = map_page(&e, va, PFN_A, PTE_HW_WRITE | PTE_HW_GLOBAL);
    frame(&e, PFN_A)[0] = 0xAA;
    frame(&e, PFN_B)[0] = 0xBB;
    read_counts(&e, va, MODE_KERNEL, 0, 1);
    uint64_t new_pte = ((uint64_t)PFN_B << PAGE_SHIFT) | PTE_HW_VALID | PTE_HW_WRITE |
                       PTE_HW_GLOBAL;
    uint64_t fl = e.cpu.tlb.flushes;
    assert_true(cpu_write_physical(&e.cpu, pte, &new_pte, fmt->pte_size));
    assert_int_equal(e.cpu.tlb.flushes, fl + 1);
    assert_int_equal(read_byte(&e, va, MODE_KERNEL), 0xBB);
    env_destroy(&e);
}

/* ---- machine level ---- */

struct target {
    struct ntmm_machine *m;
    unsigned pte_size;
    uint64_t va;       /* a kernel-image address: MmPfnDatabase's page */
    struct ntmm_walk walk;
    uint64_t pte_va, pte_pa, pte, new_pte;
    uint64_t alt_pa;   /* the byte of the other frame that new_pte shows at va */
    uint8_t orig[64], alt[64];
};

static void read_va(struct target *t, uint64_t va, void *buf, size_t size)
{
    assert_int_equal(ntmm_read_virtual(t->m, va, buf, size), STATUS_SUCCESS);
}

static struct ntmm_tlb_stats stats(const struct target *t)
{
    struct ntmm_tlb_stats s;
    ntmm_tlb_stats(t->m, &s);
    return s;
}

static void target_init(struct target *t, enum ntmm_arch arch)
{
    memset(t, 0, sizeof *t);
    t->m = test_boot(arch, 32ull << 20);
    struct ntmm_machine_info info;
    ntmm_machine_info(t->m, &info);
    t->pte_size = info.pte_size;
    struct ntmm_symbol sym;
    assert_int_equal(ntmm_symbol_lookup(t->m, "nt!MmPfnDatabase", &sym), STATUS_SUCCESS);
    t->va = sym.address;
    assert_true((t->va & 0xFFF) + sizeof t->orig <= 0x1000);
    assert_int_equal(ntmm_pte_walk(t->m, NULL, t->va, &t->walk), STATUS_SUCCESS);
    assert_true(t->walk.translated);
    assert_int_equal(t->walk.levels, info.paging_levels);
    const struct ntmm_walk_level *leaf = &t->walk.level[t->walk.levels - 1];
    t->pte_va = leaf->entry_address;
    t->pte_pa = leaf->entry_physical;
    t->pte = leaf->pte.raw;
    assert_true(leaf->pte.global);

    uint64_t via_self_map = 0, via_physical = 0;
    read_va(t, t->pte_va, &via_self_map, t->pte_size);
    assert_int_equal(ntmm_read_physical(t->m, t->pte_pa, &via_physical, t->pte_size), STATUS_SUCCESS);
    assert_int_equal(via_self_map, t->pte);
    assert_int_equal(via_physical, t->pte);

    /* the other frame: the highest one, on the zeroed list after boot */
    uint64_t alt_pfn = info.highest_physical_page;
    t->new_pte = t->pte - (leaf->pte.pfn << 12) + (alt_pfn << 12);
    t->alt_pa = (alt_pfn << 12) + (t->va & 0xFFF);
    for (size_t i = 0; i < sizeof t->alt; i++)
        t->alt[i] = (uint8_t)(0xA5 ^ (i * 7));
    assert_int_equal(ntmm_write_physical(t->m, t->alt_pa, t->alt, sizeof t->alt), STATUS_SUCCESS);
    read_va(t, t->va, t->orig, sizeof t->orig);
    assert_memory_not_equal(t->orig, t->alt, sizeof t->orig);
}

/* Fills the TLB with va and proves it hits. */
static void target_cache(struct target *t)
{
    uint8_t buf[64];
    read_va(t, t->va, buf, sizeof buf);
    struct ntmm_tlb_stats before = stats(t);
    read_va(t, t->va, buf, sizeof buf);
    struct ntmm_tlb_stats after = stats(t);
    assert_true(after.hits > before.hits);
    assert_int_equal(after.misses, before.misses);
    assert_memory_equal(buf, t->orig, sizeof buf);
}

static void target_expect(struct target *t, const uint8_t *bytes)
{
    uint8_t buf[64];
    read_va(t, t->va, buf, sizeof buf);
    assert_memory_equal(buf, bytes, sizeof buf);
}

static void target_finish(struct target *t)
{
    uint8_t zero[64] = { 0 };
    assert_int_equal(ntmm_write_physical(t->m, t->alt_pa, zero, sizeof zero), STATUS_SUCCESS);
    test_verify(t->m);
    ntmm_machine_destroy(t->m);
}

static void check_never_stale_self_map(enum ntmm_arch arch)
{
    struct target t;
    target_init(&t, arch);
    target_cache(&t);

    struct ntmm_tlb_stats before = stats(&t);
    assert_int_equal(ntmm_write_virtual(t.m, t.pte_va, &t.new_pte, t.pte_size), STATUS_SUCCESS);
    struct ntmm_tlb_stats after = stats(&t);
    assert_true(after.invalidations > before.invalidations);
    target_expect(&t, t.alt);

    struct ntmm_walk w;
    assert_int_equal(ntmm_pte_walk(t.m, NULL, t.va, &w), STATUS_SUCCESS);
    assert_int_equal(w.physical, t.alt_pa);

    /* a second write through the self-map is not served by a TLB entry */
    before = stats(&t);
    assert_int_equal(ntmm_write_virtual(t.m, t.pte_va, &t.pte, t.pte_size), STATUS_SUCCESS);
    after = stats(&t);
    assert_true(after.misses > before.misses);
    assert_true(after.invalidations > before.invalidations);
    target_expect(&t, t.orig);
    target_finish(&t);
}

static void check_never_stale_physical(enum ntmm_arch arch)
{
    struct target t;
    target_init(&t, arch);
    target_cache(&t);

    struct ntmm_tlb_stats before = stats(&t);
    assert_int_equal(ntmm_write_physical(t.m, t.pte_pa, &t.new_pte, t.pte_size), STATUS_SUCCESS);
    struct ntmm_tlb_stats after = stats(&t);
    assert_true(after.flushes > before.flushes);
    target_expect(&t, t.alt);

    before = stats(&t);
    assert_int_equal(ntmm_write_physical(t.m, t.pte_pa, &t.pte, t.pte_size), STATUS_SUCCESS);
    after = stats(&t);
    assert_true(after.flushes > before.flushes);
    target_expect(&t, t.orig);
    target_finish(&t);
}

static void check_pde_write_flushes(enum ntmm_arch arch)
{
    struct target t;
    target_init(&t, arch);
    target_cache(&t);
    const struct ntmm_walk_level *pde = &t.walk.level[t.walk.levels - 2];
    assert_true(pde->entry_address != 0);
    uint64_t raw = 0;
    read_va(&t, pde->entry_address, &raw, t.pte_size);
    assert_int_equal(raw, pde->pte.raw);

    struct ntmm_tlb_stats before = stats(&t);
    assert_int_equal(ntmm_write_virtual(t.m, pde->entry_address, &raw, t.pte_size), STATUS_SUCCESS);
    struct ntmm_tlb_stats after = stats(&t);
    assert_true(after.flushes > before.flushes);

    /* the kernel page's entry is gone, Global or not: the next read walks */
    before = stats(&t);
    target_expect(&t, t.orig);
    after = stats(&t);
    assert_true(after.misses > before.misses);
    target_finish(&t);
}

/* PAE: the PDPT is outside the self-map, reachable through its kernel-image
 * mapping; a write there through the MMU flushes the TLB too. */
static void test_pae_pdpt_write_flushes(void **state)
{
    (void)state;
    struct target t;
    target_init(&t, NTMM_ARCH_X86_PAE);
    target_cache(&t);
    struct ntmm_machine_info info;
    ntmm_machine_info(t.m, &info);
    struct ntmm_symbol sym;
    assert_int_equal(ntmm_symbol_lookup(t.m, "MmPfnDatabase", &sym), STATUS_SUCCESS);
    uint64_t pdpt_va = (sym.address & ~0xfffull) + 0x1000 + (info.system_directory_table_base & 0xfff);
    uint64_t pdpte = 0, physical = 0;
    read_va(&t, pdpt_va + 2 * 8, &pdpte, 8);
    assert_int_equal(ntmm_read_physical(t.m, info.system_directory_table_base + 2 * 8, &physical, 8),
                     STATUS_SUCCESS);
    assert_int_equal(pdpte, physical);
    struct ntmm_tlb_stats before = stats(&t);
    assert_int_equal(ntmm_write_virtual(t.m, pdpt_va + 2 * 8, &pdpte, 8), STATUS_SUCCESS);
    struct ntmm_tlb_stats after = stats(&t);
    assert_true(after.flushes > before.flushes);
    before = stats(&t);
    target_expect(&t, t.orig);
    after = stats(&t);
    assert_true(after.misses > before.misses);
    target_finish(&t);
}

#define PER_ARCH(check)                                                                            \
    static void test_##check##_x86(void **state)                                                  \
    {                                                                                              \
        (void)state;                                                                               \
        check_##check(NTMM_ARCH_X86);                                                              \
    }                                                                                              \
    static void test_##check##_pae(void **state)                                                  \
    {                                                                                              \
        (void)state;                                                                               \
        check_##check(NTMM_ARCH_X86_PAE);                                                          \
    }                                                                                              \
    static void test_##check##_x64(void **state)                                                  \
    {                                                                                              \
        (void)state;                                                                               \
        check_##check(NTMM_ARCH_X64);                                                              \
    }

PER_FORMAT(miss_hit_invalidate)
PER_FORMAT(write_after_read)
PER_FORMAT(global)
PER_FORMAT(invalidate_all_kinds)
PER_FORMAT(kernel_entry_not_for_user)
PER_FORMAT(physical_write_flushes)
PER_ARCH(never_stale_self_map)
PER_ARCH(never_stale_physical)
PER_ARCH(pde_write_flushes)

int main(void)
{
    const struct CMUnitTest tests[] = {
        PER_FORMAT_TESTS(miss_hit_invalidate),
        PER_FORMAT_TESTS(write_after_read),
        PER_FORMAT_TESTS(global),
        PER_FORMAT_TESTS(invalidate_all_kinds),
        PER_FORMAT_TESTS(kernel_entry_not_for_user),
        PER_FORMAT_TESTS(physical_write_flushes),
        PER_FORMAT_TESTS(never_stale_self_map),
        PER_FORMAT_TESTS(never_stale_physical),
        PER_FORMAT_TESTS(pde_write_flushes),
        cmocka_unit_test(test_pae_pdpt_write_flushes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
