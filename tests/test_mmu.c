/*
 * test_mmu.c — the page-table walk (walk.c) and memory access through it
 * (cpu.c), for each of the three paging formats, on a standalone processor
 * whose page tables the tests build by hand in simulated physical memory.
 *
 * (1) Page tables are written with plain memcpy of raw entries built from the
 *     PTE_HW_* bits, never through encode, so the walk is checked against the
 *     hardware layout and not against the library's own encoder.
 * (2) Each format-dependent test runs once per format, named after it.
 */
#include "testing.h"

#include <string.h>

#include "cpu_env.h"

#define RAM_BYTES (8ull << 20)
#define DATA_PFN 0x123u /* above ENV_TABLE_FRAMES */
#define OUTSIDE_PFN 0x10000u /* 256 MB: outside RAM, representable in every format */

static void set_bits(struct env *e, uint64_t pa, uint64_t set, uint64_t clear)
{
    put(e, pa, (get(e, pa) | set) & ~clear);
}

static struct walk walk(struct env *e, uint64_t va, enum cpu_access access, enum cpu_mode mode,
                        bool update)
{
    struct walk w;
    walk_translate(e->cpu.fmt, &e->cpu.phys, e->cpu.cr3, va, access, mode, update, &w);
    return w;
}

static void expect_ok(struct env *e, uint64_t va, enum cpu_access access, enum cpu_mode mode)
{
    struct walk w = walk(e, va, access, mode, false);
    if (w.status != WALK_OK)
        fail_msg("va %llx access %d mode %d: %s at level %u", (unsigned long long)va, access, mode,
                 walk_status_name(w.status), w.fault_level);
}

static void expect_fault(struct env *e, uint64_t va, enum cpu_access access, enum cpu_mode mode,
                         enum walk_status status, unsigned level)
{
    struct walk w = walk(e, va, access, mode, true);
    assert_int_equal(w.status, status);
    assert_int_equal(w.fault_level, level);
    assert_int_equal(w.depth, level + 1);
    struct cpu_fault f;
    memset(&f, 0, sizeof f);
    assert_null(cpu_translate(&e->cpu, va, access, mode, &f));
    assert_int_equal(f.va, va);
    assert_int_equal(f.access, access);
    assert_int_equal(f.mode, mode);
    assert_int_equal(f.walk.status, status);
    assert_int_equal(f.walk.fault_level, level);
}


static uint64_t large_va(const struct pte_format *fmt)
{
    return fmt->va_bits == 48 ? 0xFFFFF8A040000000ull : 0x12800000ull; /* 1 GB aligned on x64 */
}


/* ---- translation ---- */

static void check_translate(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    map(&e, va, DATA_PFN, RW_USER, fmt->levels - 1);
    uint64_t pa = ((uint64_t)DATA_PFN << PAGE_SHIFT) + 0x234;
    memcpy(phys_address(&e.cpu.phys, pa), "ntmm-mmu", 8);

    for (unsigned m = 0; m < 2; m++) {
        for (unsigned a = 0; a < 3; a++) {
            struct walk w = walk(&e, va + 0x234, accesses[a], modes[m], true);
            assert_int_equal(w.status, WALK_OK);
            assert_int_equal(w.pa, pa);
            assert_int_equal(w.page_size, PAGE_SIZE);
            assert_int_equal(w.depth, fmt->levels);
            assert_false(w.global);
            struct cpu_fault f;
            assert_ptr_equal(cpu_translate(&e.cpu, va + 0x234, accesses[a], modes[m], &f),
                             phys_address(&e.cpu.phys, pa));
        }
        char buf[8];
        struct cpu_fault f;
        assert_true(cpu_read(&e.cpu, va + 0x234, buf, 8, modes[m], &f));
        assert_memory_equal(buf, "ntmm-mmu", 8);
        assert_true(cpu_fetch(&e.cpu, va + 0x234, modes[m], &f));
        const char *text = m == MODE_USER ? "by-user!" : "kernel!!";
        assert_true(cpu_write(&e.cpu, va + 0x300 + 8 * m, text, 8, modes[m], &f));
        assert_memory_equal(phys_address(&e.cpu.phys, pa - 0x234 + 0x300 + 8 * m), text, 8);
    }
    env_destroy(&e);
}

/* ---- rights ---- */

static void check_user_denied(const struct pte_format *fmt)
{
    for (unsigned level = 0; level < fmt->levels; level++) {
        struct env e;
        env_init(&e, fmt, RAM_BYTES);
        uint64_t va = test_va(fmt);
        map(&e, va, DATA_PFN, RW_USER, fmt->levels - 1);
        if (permissionless(&e, level)) {
            /* PAE PDPTEs have no Owner: a Valid-only PDPTE lets user mode in. */
            assert_int_equal(get(&e, entry_pa(&e, va, level)) & ~fmt->pfn_mask, PTE_HW_VALID);
            expect_ok(&e, va, ACCESS_WRITE, MODE_USER);
            env_destroy(&e);
            continue;
        }
        set_bits(&e, entry_pa(&e, va, level), 0, PTE_HW_OWNER);
        for (unsigned a = 0; a < 3; a++) {
            expect_fault(&e, va, accesses[a], MODE_USER, WALK_USER_DENIED, level);
            expect_ok(&e, va, accesses[a], MODE_KERNEL);
        }
        env_destroy(&e);
    }
}

static void check_write_denied(const struct pte_format *fmt)
{
    for (unsigned level = 0; level < fmt->levels; level++) {
        struct env e;
        env_init(&e, fmt, RAM_BYTES);
        if (permissionless(&e, level)) {
            env_destroy(&e);
            continue;
        }
        uint64_t va = test_va(fmt);
        map(&e, va, DATA_PFN, RW_USER, fmt->levels - 1);
        set_bits(&e, entry_pa(&e, va, level), 0, PTE_HW_WRITE);
        for (unsigned m = 0; m < 2; m++) {
            /* kernel mode too: Windows runs with CR0.WP set */
            expect_fault(&e, va, ACCESS_WRITE, modes[m], WALK_WRITE_DENIED, level);
            expect_ok(&e, va, ACCESS_READ, modes[m]);
            expect_ok(&e, va, ACCESS_EXECUTE, modes[m]);
        }
        env_destroy(&e);
    }
}

static void check_no_execute(const struct pte_format *fmt)
{
    for (unsigned level = 0; level < fmt->levels; level++) {
        struct env e;
        env_init(&e, fmt, RAM_BYTES);
        uint64_t va = test_va(fmt);
        map(&e, va, DATA_PFN, fmt->has_nx ? RW_USER : PTE_HW_OWNER, fmt->levels - 1);
        if (!fmt->has_nx) {
            /* x86 without NX: every readable page is executable */
            for (unsigned m = 0; m < 2; m++) {
                struct cpu_fault f;
                expect_ok(&e, va, ACCESS_EXECUTE, modes[m]);
                assert_true(cpu_fetch(&e.cpu, va, modes[m], &f));
            }
            env_destroy(&e);
            return;
        }
        if (permissionless(&e, level)) {
            env_destroy(&e);
            continue;
        }
        set_bits(&e, entry_pa(&e, va, level), PTE_HW_NO_EXECUTE, 0);
        for (unsigned m = 0; m < 2; m++) {
            expect_fault(&e, va, ACCESS_EXECUTE, modes[m], WALK_NO_EXECUTE, level);
            expect_ok(&e, va, ACCESS_READ, modes[m]);
            expect_ok(&e, va, ACCESS_WRITE, modes[m]);
            struct cpu_fault f;
            assert_false(cpu_fetch(&e.cpu, va, modes[m], &f));
        }
        env_destroy(&e);
    }
}

/* ---- not present ---- */

static void check_not_present(const struct pte_format *fmt)
{
    for (unsigned level = 0; level < fmt->levels; level++) {
        struct env e;
        env_init(&e, fmt, RAM_BYTES);
        uint64_t va = test_va(fmt);
        map(&e, va, DATA_PFN, RW_USER, fmt->levels - 1);
        uint64_t pa = entry_pa(&e, va, level);
        uint64_t raw = get(&e, pa) & ~PTE_HW_VALID;
        put(&e, pa, raw);
        for (unsigned m = 0; m < 2; m++)
            for (unsigned a = 0; a < 3; a++)
                expect_fault(&e, va, accesses[a], modes[m], WALK_NOT_PRESENT, level);
        struct walk w = walk(&e, va, ACCESS_READ, MODE_KERNEL, true);
        assert_int_equal(w.entry_pa[level], pa);
        assert_int_equal(w.entry[level], raw);
        assert_int_equal(get(&e, pa), raw);
        put(&e, pa, raw | PTE_HW_VALID);
        expect_ok(&e, va, ACCESS_READ, MODE_KERNEL);
        env_destroy(&e);
    }
}

/* ---- Accessed and Dirty ---- */

static void check_accessed_dirty(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    unsigned leaf = fmt->levels - 1;
    map(&e, va, DATA_PFN, RW_USER, leaf);
    uint64_t pa[PTE_MAX_LEVELS], before[PTE_MAX_LEVELS];
    for (unsigned l = 0; l < fmt->levels; l++) {
        pa[l] = entry_pa(&e, va, l);
        before[l] = get(&e, pa[l]);
        assert_int_equal(before[l] & (PTE_HW_ACCESSED | PTE_HW_DIRTY), 0);
    }

    /* update = false: nothing moves, whatever the access */
    for (unsigned a = 0; a < 3; a++) {
        struct walk w = walk(&e, va, accesses[a], MODE_USER, false);
        assert_int_equal(w.status, WALK_OK);
        for (unsigned l = 0; l < fmt->levels; l++)
            assert_int_equal(get(&e, pa[l]), before[l]);
    }

    /* a read: Accessed everywhere it exists, Dirty nowhere */
    struct walk w = walk(&e, va, ACCESS_READ, MODE_USER, true);
    assert_int_equal(w.status, WALK_OK);
    for (unsigned l = 0; l < fmt->levels; l++) {
        uint64_t expect = permissionless(&e, l) ? before[l] : before[l] | PTE_HW_ACCESSED;
        assert_int_equal(get(&e, pa[l]), expect);
        assert_int_equal(w.entry[l], expect);
        assert_int_equal(w.entry_pa[l], pa[l]);
    }

    /* an execute: same as a read */
    w = walk(&e, va, ACCESS_EXECUTE, MODE_KERNEL, true);
    assert_int_equal(get(&e, pa[leaf]) & PTE_HW_DIRTY, 0);

    /* a write: Dirty in the leaf only */
    w = walk(&e, va, ACCESS_WRITE, MODE_USER, true);
    assert_int_equal(w.status, WALK_OK);
    for (unsigned l = 0; l < fmt->levels; l++) {
        uint64_t expect = permissionless(&e, l) ? before[l] : before[l] | PTE_HW_ACCESSED;
        if (l == leaf)
            expect |= PTE_HW_DIRTY;
        assert_int_equal(get(&e, pa[l]), expect);
        assert_int_equal(w.entry[l], expect);
    }
    env_destroy(&e);
}

/* A walk that fails on a rights check or a not-present leaf leaves the leaf
 * as it was. */
static void check_failed_walk_leaf(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    unsigned leaf = fmt->levels - 1;
    struct {
        uint64_t flags;
        enum cpu_access access;
        enum cpu_mode mode;
        enum walk_status status;
    } cases[] = {
        { PTE_HW_OWNER, ACCESS_WRITE, MODE_USER, WALK_WRITE_DENIED },
        { PTE_HW_OWNER, ACCESS_WRITE, MODE_KERNEL, WALK_WRITE_DENIED },
        { PTE_HW_WRITE, ACCESS_READ, MODE_USER, WALK_USER_DENIED },
        { PTE_HW_WRITE, ACCESS_WRITE, MODE_USER, WALK_USER_DENIED },
        { RW_USER | PTE_HW_NO_EXECUTE, ACCESS_EXECUTE, MODE_KERNEL, WALK_NO_EXECUTE },
    };
    unsigned count = fmt->has_nx ? 5 : 4;
    for (unsigned c = 0; c < count; c++) {
        uint64_t pa = map(&e, va, DATA_PFN, cases[c].flags, leaf);
        uint64_t raw = get(&e, pa);
        struct walk w = walk(&e, va, cases[c].access, cases[c].mode, true);
        assert_int_equal(w.status, cases[c].status);
        assert_int_equal(w.fault_level, leaf);
        assert_int_equal(get(&e, pa), raw);
    }
    /* not present: nothing to update */
    uint64_t pa = entry_pa(&e, va, leaf);
    put(&e, pa, ((uint64_t)DATA_PFN << PAGE_SHIFT) | PTE_HW_WRITE);
    struct walk w = walk(&e, va, ACCESS_WRITE, MODE_KERNEL, true);
    assert_int_equal(w.status, WALK_NOT_PRESENT);
    assert_int_equal(get(&e, pa), ((uint64_t)DATA_PFN << PAGE_SHIFT) | PTE_HW_WRITE);
    env_destroy(&e);
}

/* walk.h (2): a failed walk changes nothing but upper-level Accessed bits;
 * that holds as well when the leaf's frame lies outside RAM. */
static void check_bad_physical_leaf_unchanged(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    uint64_t pa = map(&e, va, OUTSIDE_PFN, RW_USER, fmt->levels - 1);
    uint64_t raw = get(&e, pa);
    struct walk w = walk(&e, va, ACCESS_WRITE, MODE_KERNEL, true);
    assert_int_equal(w.status, WALK_BAD_PHYSICAL);
    assert_int_equal(w.fault_level, fmt->levels - 1);
    if (get(&e, pa) != raw)
        fail_msg("%s: failed walk (bad physical) changed the leaf %llx -> %llx", fmt->name,
                 (unsigned long long)raw, (unsigned long long)get(&e, pa));
    env_destroy(&e);
}

/* ---- large pages ---- */

static void check_large(const struct pte_format *fmt, unsigned level, uint64_t ram,
                        uint64_t pfn, uint64_t offset)
{
    struct env e;
    env_init(&e, fmt, ram);
    uint64_t va = large_va(fmt);
    uint64_t size = 1ull << fmt->level_shift[level];
    assert_true(offset < size);
    uint64_t pa_leaf = map(&e, va, pfn, RW_USER | PTE_HW_GLOBAL, level);
    uint64_t pa = (pfn << PAGE_SHIFT) + offset;
    memcpy(phys_address(&e.cpu.phys, pa), "largepg!", 8);

    struct walk w = walk(&e, va + offset, ACCESS_READ, MODE_USER, true);
    assert_int_equal(w.status, WALK_OK);
    assert_int_equal(w.pa, pa);
    assert_int_equal(w.page_size, size);
    assert_int_equal(w.depth, level + 1);
    assert_true(w.global);

    char buf[8];
    struct cpu_fault f;
    assert_true(cpu_read(&e.cpu, va + offset, buf, 8, MODE_USER, &f));
    assert_memory_equal(buf, "largepg!", 8);
    assert_true(cpu_write(&e.cpu, va + offset + 8, "written!", 8, MODE_KERNEL, &f));
    assert_memory_equal(phys_address(&e.cpu.phys, pa + 8), "written!", 8);
    /* the first and last bytes of the large page */
    w = walk(&e, va, ACCESS_READ, MODE_KERNEL, false);
    assert_int_equal(w.pa, pfn << PAGE_SHIFT);
    w = walk(&e, va + size - 1, ACCESS_READ, MODE_KERNEL, false);
    assert_int_equal(w.pa, (pfn << PAGE_SHIFT) + size - 1);
    /* the large entry is the leaf: it keeps LargePage and takes Accessed and Dirty */
    assert_int_equal(get(&e, pa_leaf), (pfn << PAGE_SHIFT) | PTE_HW_VALID | RW_USER | PTE_HW_GLOBAL |
                                          PTE_HW_LARGE_PAGE | PTE_HW_ACCESSED | PTE_HW_DIRTY);
    env_destroy(&e);
}

static void test_large_x86_4mb(void **state)
{
    (void)state;
    check_large(&pte_format_x86, 0, RAM_BYTES, 0x400, 0x123456);
}

static void test_large_pae_2mb(void **state)
{
    (void)state;
    check_large(&pte_format_pae, 1, RAM_BYTES, 0x200, 0x1ABCDE);
}

static void test_large_x64_2mb(void **state)
{
    (void)state;
    check_large(&pte_format_x64, 2, RAM_BYTES, 0x200, 0x1ABCDE);
}

static void test_large_x64_1gb(void **state)
{
    (void)state;
    /* 2 GB of RAM reserved with MAP_NORESERVE: only touched frames cost */
    check_large(&pte_format_x64, 1, 2ull << 30, 0x40000, 0x3ABCDEF0);
}

/* A large page outside RAM, or reaching past its end. */
static void check_large_bad_physical(const struct pte_format *fmt, unsigned level, uint64_t pfn,
                                     uint64_t ram)
{
    struct env e;
    env_init(&e, fmt, ram);
    uint64_t va = large_va(fmt);
    map(&e, va, pfn, RW_USER, level);
    struct walk w = walk(&e, va, ACCESS_READ, MODE_KERNEL, false);
    assert_int_equal(w.status, WALK_BAD_PHYSICAL);
    assert_int_equal(w.fault_level, level);
    env_destroy(&e);
}

static void test_large_bad_physical(void **state)
{
    (void)state;
    /* x64 1 GB page at 1 GB, 8 MB of RAM */
    check_large_bad_physical(&pte_format_x64, 1, 0x40000, RAM_BYTES);
    /* a 2 MB page at 8 MB, just past RAM */
    check_large_bad_physical(&pte_format_x64, 2, 0x800, RAM_BYTES);
    check_large_bad_physical(&pte_format_pae, 1, 0x800, RAM_BYTES);
    /* x86 4 MB page at 8 MB */
    check_large_bad_physical(&pte_format_x86, 0, 0x800, RAM_BYTES);

    /* a 4 MB page at 4 MB with 6 MB of RAM: its first 2 MB translate, the rest not */
    struct env e;
    env_init(&e, &pte_format_x86, 6ull << 20);
    uint64_t va = large_va(&pte_format_x86);
    map(&e, va, 0x400, RW_USER, 0);
    struct walk w = walk(&e, va + 0x1FF000, ACCESS_READ, MODE_KERNEL, false);
    assert_int_equal(w.status, WALK_OK);
    assert_int_equal(w.pa, 0x5FF000);
    w = walk(&e, va + 0x200000, ACCESS_READ, MODE_KERNEL, false);
    assert_int_equal(w.status, WALK_BAD_PHYSICAL);
    env_destroy(&e);
}

/* ---- bad physical, non-canonical ---- */

static void check_bad_physical(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    unsigned leaf = fmt->levels - 1;
    uint64_t leaf_pa = map(&e, va, OUTSIDE_PFN, RW_USER, leaf);
    struct walk w = walk(&e, va, ACCESS_READ, MODE_KERNEL, false);
    assert_int_equal(w.status, WALK_BAD_PHYSICAL);
    assert_int_equal(w.fault_level, leaf);
    struct cpu_fault f;
    char buf[4];
    assert_false(cpu_read(&e.cpu, va, buf, sizeof buf, MODE_KERNEL, &f));
    assert_int_equal(f.walk.status, WALK_BAD_PHYSICAL);
    put(&e, leaf_pa, ((uint64_t)DATA_PFN << PAGE_SHIFT) | PTE_HW_VALID | RW_USER);
    expect_ok(&e, va, ACCESS_READ, MODE_KERNEL);

    /* an upper entry whose table lies outside RAM: the next level cannot be read */
    for (unsigned level = 0; level < leaf; level++) {
        uint64_t pa = entry_pa(&e, va, level);
        uint64_t raw = get(&e, pa);
        put(&e, pa, (raw & ~fmt->pfn_mask) | ((uint64_t)OUTSIDE_PFN << PAGE_SHIFT));
        w = walk(&e, va, ACCESS_READ, MODE_KERNEL, true);
        assert_int_equal(w.status, WALK_BAD_PHYSICAL);
        assert_int_equal(w.fault_level, level + 1);
        put(&e, pa, raw);
    }
    env_destroy(&e);
}

static void check_non_canonical(const struct pte_format *fmt, const uint64_t *bad, size_t nbad,
                                uint64_t good)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    for (size_t i = 0; i < nbad; i++) {
        struct walk w = walk(&e, bad[i], ACCESS_READ, MODE_KERNEL, true);
        assert_int_equal(w.status, WALK_NON_CANONICAL);
        assert_int_equal(w.depth, 0);
        struct cpu_fault f;
        char c;
        assert_false(cpu_read(&e.cpu, bad[i], &c, 1, MODE_KERNEL, &f));
        assert_int_equal(f.va, bad[i]);
        assert_int_equal(f.walk.status, WALK_NON_CANONICAL);
    }
    /* a canonical address, nothing mapped: the walk starts and finds nothing */
    struct walk w = walk(&e, good, ACCESS_READ, MODE_KERNEL, true);
    assert_int_equal(w.status, WALK_NOT_PRESENT);
    map(&e, good, DATA_PFN, RW_USER, fmt->levels - 1);
    expect_ok(&e, good, ACCESS_READ, MODE_USER);
    env_destroy(&e);
}

static void test_non_canonical_x64(void **state)
{
    (void)state;
    static const uint64_t bad[] = { 0x0000800000000000ull, 0xFFFF7FFFFFFFF000ull,
                                    0x8000000000000000ull, 0x0001000000000000ull };
    check_non_canonical(&pte_format_x64, bad, 4, 0xFFFF800000000000ull);
    check_non_canonical(&pte_format_x64, bad, 4, 0x00007FFFFFFFF000ull);
}

static void test_non_canonical_32bit(void **state)
{
    (void)state;
    static const uint64_t bad[] = { 0x100000000ull, 0xFFFFFFFF12345000ull, 0x0000000112345000ull };
    check_non_canonical(&pte_format_x86, bad, 3, 0xFFFFF000ull);
    check_non_canonical(&pte_format_pae, bad, 3, 0xFFFFF000ull);
}

/* ---- accesses crossing a page boundary ---- */

static void check_cross_page(const struct pte_format *fmt)
{
    struct env e;
    env_init(&e, fmt, RAM_BYTES);
    uint64_t va = test_va(fmt);
    unsigned leaf = fmt->levels - 1;
    uint8_t *a = phys_address(&e.cpu.phys, (uint64_t)DATA_PFN << PAGE_SHIFT);
    uint8_t *b = phys_address(&e.cpu.phys, (uint64_t)(DATA_PFN + 7) << PAGE_SHIFT);
    map(&e, va, DATA_PFN, RW_USER, leaf);
    map(&e, va + PAGE_SIZE, DATA_PFN + 7, RW_USER, leaf); /* not contiguous physically */
    struct cpu_fault f;
    assert_true(cpu_write(&e.cpu, va + 0xFF8, "0123456789abcdef", 16, MODE_USER, &f));
    assert_memory_equal(a + 0xFF8, "01234567", 8);
    assert_memory_equal(b, "89abcdef", 8);
    char buf[16];
    assert_true(cpu_read(&e.cpu, va + 0xFF8, buf, 16, MODE_USER, &f));
    assert_memory_equal(buf, "0123456789abcdef", 16);

    /* second page unmapped: the first page's bytes move, the fault names the second page */
    put(&e, entry_pa(&e, va + PAGE_SIZE, leaf), 0);
    tlb_invalidate(&e.cpu.tlb, va + PAGE_SIZE);
    memset(buf, 0xEE, sizeof buf);
    assert_false(cpu_read(&e.cpu, va + 0xFFC, buf, 8, MODE_KERNEL, &f));
    assert_int_equal(f.va, va + PAGE_SIZE);
    assert_int_equal(f.access, ACCESS_READ);
    assert_int_equal(f.walk.status, WALK_NOT_PRESENT);
    assert_int_equal(f.walk.fault_level, leaf);
    assert_memory_equal(buf, a + 0xFFC, 4);
    for (int i = 4; i < 8; i++)
        assert_int_equal((uint8_t)buf[i], 0xEE);

    assert_false(cpu_write(&e.cpu, va + 0xFFC, "WXYZwxyz", 8, MODE_KERNEL, &f));
    assert_int_equal(f.va, va + PAGE_SIZE);
    assert_int_equal(f.access, ACCESS_WRITE);
    assert_int_equal(f.walk.status, WALK_NOT_PRESENT);
    assert_memory_equal(a + 0xFFC, "WXYZ", 4);
    assert_memory_equal(b, "89abcdef", 8); /* the old frame of page 2 is untouched */
    env_destroy(&e);
}

/* ---- names ---- */

static void test_status_names(void **state)
{
    (void)state;
    for (int s = WALK_OK; s <= WALK_NON_CANONICAL; s++) {
        const char *name = walk_status_name((enum walk_status)s);
        assert_non_null(name);
        assert_true(name[0] != '\0');
        assert_string_not_equal(name, "unknown");
        for (int t = WALK_OK; t < s; t++)
            assert_string_not_equal(name, walk_status_name((enum walk_status)t));
    }
    assert_string_equal(walk_status_name((enum walk_status)(WALK_NON_CANONICAL + 1)), "unknown");
}

PER_FORMAT(translate)
PER_FORMAT(user_denied)
PER_FORMAT(write_denied)
PER_FORMAT(no_execute)
PER_FORMAT(not_present)
PER_FORMAT(accessed_dirty)
PER_FORMAT(failed_walk_leaf)
PER_FORMAT(bad_physical_leaf_unchanged)
PER_FORMAT(bad_physical)
PER_FORMAT(cross_page)

int main(void)
{
    const struct CMUnitTest tests[] = {
        PER_FORMAT_TESTS(translate),
        PER_FORMAT_TESTS(user_denied),
        PER_FORMAT_TESTS(write_denied),
        PER_FORMAT_TESTS(no_execute),
        PER_FORMAT_TESTS(not_present),
        PER_FORMAT_TESTS(accessed_dirty),
        PER_FORMAT_TESTS(failed_walk_leaf),
        PER_FORMAT_TESTS(bad_physical_leaf_unchanged),
        cmocka_unit_test(test_large_x86_4mb),
        cmocka_unit_test(test_large_pae_2mb),
        cmocka_unit_test(test_large_x64_2mb),
        cmocka_unit_test(test_large_x64_1gb),
        cmocka_unit_test(test_large_bad_physical),
        PER_FORMAT_TESTS(bad_physical),
        cmocka_unit_test(test_non_canonical_x64),
        cmocka_unit_test(test_non_canonical_32bit),
        PER_FORMAT_TESTS(cross_page),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
