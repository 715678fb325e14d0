/*
 * test_process.c — processes and their address spaces at the memory
 * manager's level: creation and termination give back every frame (the
 * verifier and the page counts agree), address-space profiles, and the page
 * faults of private memory (demand zero as in E2, access violations, one-shot
 * guard pages, transition pages). The Win32 and Nt layers are tested in
 * test_virtual.c.
 */
#include <string.h>

#include "testing.h"

#include "ps/process.h"

static struct ntmm_process *spawn(struct ntmm_machine *m, bool is_64bit, bool laa)
{
    struct ntmm_process_options o = { "test.exe", is_64bit, laa, NULL };
    struct ntmm_process *p = NULL;
    assert_int_equal(ntmm_process_create(m, &o, &p), STATUS_SUCCESS);
    assert_non_null(p);
    return p;
}

static uint64_t reserve(struct ntmm_process *p, uint64_t size, bool commit, unsigned protection)
{
    uint64_t base = 0;
    assert_int_equal(mm_reserve(&p->machine->mm, &p->as, &base, size, p->as.highest_user_address, false, commit, protection,
                                0),
                     STATUS_SUCCESS);
    return base;
}

/* Create and terminate: the frames taken come back (after the zero page
 * thread, the machine is page for page as it was). */
static void test_create_terminate(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *m = test_boot(arch, 32ull << 20);
        struct ntmm_machine_info before, after;
        ntmm_machine_info(m, &before);
        struct ntmm_process *a = spawn(m, arch == NTMM_ARCH_X64, false);
        struct ntmm_process *b = spawn(m, false, true);
        assert_int_not_equal(a->cid, b->cid);
        assert_int_not_equal(a->as.directory_table_base, b->as.directory_table_base);
        test_verify(m);
        uint64_t base = reserve(a, 0x40000, true, MM_READWRITE);
        for (uint64_t off = 0; off < 0x40000; off += 0x3000)
            assert_int_equal(ntmm_write(a, base + off, "x", 1), STATUS_SUCCESS);
        test_verify(m);
        ntmm_process_terminate(a);
        test_verify(m);
        ntmm_process_terminate(b);
        test_verify(m);
        ntmm_machine_idle(m);
        ntmm_machine_info(m, &after);
        assert_int_equal(after.available_pages, before.available_pages);
        ntmm_machine_destroy(m);
    }
}

/* E12's profiles: 2 GB for 32-bit processes, 4 GB for LARGE_ADDRESS_AWARE
 * ones under WOW64, 8 TB (or 128 TB) for LARGE_ADDRESS_AWARE 64-bit
 * processes, 2 GB for the others. */
static void test_profiles(void **state)
{
    (void)state;
    struct ntmm_machine *x86 = test_boot(NTMM_ARCH_X86_PAE, 16ull << 20);
    struct ntmm_process *p = spawn(x86, false, true);
    assert_int_equal(p->as.highest_user_address, 0x7ffeffff);
    struct ntmm_process_options wide = { "x.exe", true, false, NULL };
    struct ntmm_process *none = (struct ntmm_process *)x86;
    assert_int_equal(ntmm_process_create(x86, &wide, &none), STATUS_NOT_SUPPORTED);
    assert_null(none);
    ntmm_machine_destroy(x86);

    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = NTMM_ARCH_X64;
    config.ram_bytes = 16ull << 20;
    for (int big = 0; big < 2; big++) {
        config.user_space_128tb = big;
        struct ntmm_machine *m = NULL;
        assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
        assert_int_equal(spawn(m, false, false)->as.highest_user_address, 0x7ffeffff);
        assert_int_equal(spawn(m, false, true)->as.highest_user_address, 0xfffeffff);
        assert_int_equal(spawn(m, true, true)->as.highest_user_address,
                         big ? 0x7ffffffeffffull : 0x7fffffeffffull);
        /* /LARGEADDRESSAWARE:NO keeps a 64-bit process below 2 GB */
        assert_int_equal(spawn(m, true, false)->as.highest_user_address, 0x7ffeffff);
        struct ntmm_process *def = NULL;
        assert_int_equal(ntmm_process_create(m, NULL, &def), STATUS_SUCCESS);
        assert_true(def->is_64bit);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
}

/* E12 on 32-bit Windows: increaseuserva 3072 gives LARGE_ADDRESS_AWARE
 * processes 3 GB (the kernel moves above 0xC0000000); RAM is limited to 16
 * GB; the option does not exist on x64. */
static void test_increase_user_va(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X86_PAE; arch++) {
        struct ntmm_config config;
        ntmm_config_init(&config);
        config.arch = arch;
        config.ram_bytes = 32ull << 20;
        config.increase_user_va = 3072;
        struct ntmm_machine *m = NULL;
        assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
        struct ntmm_process *laa = spawn(m, false, true), *plain = spawn(m, false, false);
        assert_int_equal(laa->as.highest_user_address, 0xbffeffff);
        assert_int_equal(plain->as.highest_user_address, 0x7ffeffff);
        uint64_t base = 0xa0000000;
        assert_int_equal(mm_reserve(&m->mm, &laa->as, &base, 0x10000, laa->as.highest_user_address, false, true, MM_READWRITE, 0),
                         STATUS_SUCCESS);
        assert_int_equal(ntmm_write(laa, base + 8, "3GB", 4), STATUS_SUCCESS);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.increase_user_va = 3072;
    config.ram_bytes = 20ull << 30;
    assert_int_equal(ntmm_config_validate(&config, NULL, 0), STATUS_NOT_SUPPORTED);
    config.ram_bytes = 32ull << 20;
    config.increase_user_va = 4096;
    assert_int_equal(ntmm_config_validate(&config, NULL, 0), STATUS_INVALID_PARAMETER);
    config.increase_user_va = 3072;
    config.arch = NTMM_ARCH_X64;
    assert_int_equal(ntmm_config_validate(&config, NULL, 0), STATUS_INVALID_PARAMETER);
}

/* E2: committed memory has no frame until touched: the PTE is zero and only
 * the VAD says the page is committed; the first write takes a frame off the
 * zeroed list and leaves a valid PTE. */
static void test_demand_zero(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *m = test_boot(arch, 16ull << 20);
        struct ntmm_process *p = spawn(m, false, false);
        uint64_t base = reserve(p, 0x2000, true, MM_READWRITE);
        struct ntmm_walk w;
        assert_int_equal(ntmm_pte_walk(m, p, base, &w), STATUS_SUCCESS);
        assert_false(w.translated);
        struct ntmm_list_info zeroed;
        ntmm_list_query(m, NTMM_ZEROED, &zeroed);
        uint64_t expected_pfn = zeroed.flink;
        uint32_t value = 0x12345678, back = 0;
        assert_int_equal(ntmm_write(p, base, &value, 4), STATUS_SUCCESS);
        assert_int_equal(ntmm_pte_walk(m, p, base, &w), STATUS_SUCCESS);
        assert_true(w.translated);
        struct ntmm_pte_info *pte = &w.level[w.levels - 1].pte;
        assert_int_equal(pte->kind, NTMM_PTE_VALID);
        assert_true(pte->owner && pte->write && pte->dirty);
        /* the page table came first, then the page: both off the zeroed list */
        assert_true(pte->pfn >= expected_pfn);
        struct ntmm_pfn_info info;
        ntmm_pfn_query(m, pte->pfn, &info);
        assert_int_equal(info.page_location, NTMM_ACTIVE);
        assert_int_equal(info.u2, 1);
        assert_int_equal(ntmm_read(p, base, &back, 4), STATUS_SUCCESS);
        assert_int_equal(back, value);
        assert_int_equal(ntmm_read(p, base + 0x1000, &back, 4), STATUS_SUCCESS);
        assert_int_equal(back, 0);
        assert_int_equal(p->as.page_fault_count, 2);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
}

static void expect_exception(struct ntmm_process *p, NTSTATUS code, uint64_t address,
                             unsigned access)
{
    struct ntmm_exception e;
    assert_true(ntmm_last_exception(p, &e));
    assert_int_equal(e.code, code);
    assert_int_equal(e.address, address);
    assert_int_equal(e.access, access);
}

static void test_access_violations(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, 16ull << 20);
    struct ntmm_process *p = spawn(m, false, false);
    uint8_t b = 0;
    assert_int_equal(ntmm_read(p, 0, &b, 1), STATUS_ACCESS_VIOLATION);
    expect_exception(p, STATUS_ACCESS_VIOLATION, 0, 0);
    uint64_t reserved = reserve(p, 0x10000, false, MM_READWRITE);
    assert_int_equal(ntmm_write(p, reserved + 5, &b, 1), STATUS_ACCESS_VIOLATION);
    expect_exception(p, STATUS_ACCESS_VIOLATION, reserved + 5, 1);
    uint64_t ro = reserve(p, 0x1000, true, MM_READONLY);
    assert_int_equal(ntmm_read(p, ro, &b, 1), STATUS_SUCCESS);
    assert_int_equal(ntmm_write(p, ro, &b, 1), STATUS_ACCESS_VIOLATION);
    expect_exception(p, STATUS_ACCESS_VIOLATION, ro, 1);
    assert_int_equal(ntmm_execute(p, ro), STATUS_ACCESS_VIOLATION); /* NX on PAE */
    expect_exception(p, STATUS_ACCESS_VIOLATION, ro, 8);
    uint64_t rx = reserve(p, 0x1000, true, MM_EXECUTE_READ);
    assert_int_equal(ntmm_execute(p, rx + 0x10), STATUS_SUCCESS);
    /* a kernel address from user mode */
    assert_int_equal(ntmm_read(p, 0x80400000, &b, 1), STATUS_ACCESS_VIOLATION);
    /* crossing from a committed page into a reserved one: the first bytes land */
    uint64_t half = reserve(p, 0x2000, false, MM_READWRITE);
    assert_int_equal(mm_commit(&m->mm, &p->as, half, 0x1000, MM_READWRITE), STATUS_SUCCESS);
    uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    assert_int_equal(ntmm_write(p, half + 0xffc, bytes, 8), STATUS_ACCESS_VIOLATION);
    expect_exception(p, STATUS_ACCESS_VIOLATION, half + 0x1000, 1);
    uint32_t first = 0;
    assert_int_equal(ntmm_read(p, half + 0xffc, &first, 4), STATUS_SUCCESS);
    assert_int_equal(first, 0x04030201);
    test_verify(m);
    ntmm_machine_destroy(m);
}

/* PAGE_GUARD is one-shot: the first touch raises STATUS_GUARD_PAGE_VIOLATION
 * and clears the guard, the next succeeds; on a page already in memory the
 * page waits in transition and keeps its contents. */
static void test_guard_pages(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *m = test_boot(arch, 16ull << 20);
        struct ntmm_process *p = spawn(m, false, false);
        uint64_t base = reserve(p, 0x2000, true, MM_READWRITE);
        uint32_t v = 0xfeedface, r = 0;
        unsigned old = 0;
        assert_int_equal(mm_protect(&m->mm, &p->as, base + 0x1000, 0x1000,
                                    MM_READWRITE | MM_GUARD_PAGE, &old),
                         STATUS_SUCCESS);
        assert_int_equal(old, MM_READWRITE);
        assert_int_equal(ntmm_read(p, base + 0x1000, &r, 4), STATUS_GUARD_PAGE_VIOLATION);
        expect_exception(p, STATUS_GUARD_PAGE_VIOLATION, base + 0x1000, 0);
        assert_int_equal(ntmm_read(p, base + 0x1000, &r, 4), STATUS_SUCCESS);
        /* a resident page */
        assert_int_equal(ntmm_write(p, base, &v, 4), STATUS_SUCCESS);
        assert_int_equal(mm_protect(&m->mm, &p->as, base, 0x1000, MM_READWRITE | MM_GUARD_PAGE,
                                    &old),
                         STATUS_SUCCESS);
        struct ntmm_list_info modified;
        ntmm_list_query(m, NTMM_MODIFIED, &modified);
        assert_int_equal(modified.total, 1);
        test_verify(m);
        assert_int_equal(ntmm_write(p, base, &v, 4), STATUS_GUARD_PAGE_VIOLATION);
        test_verify(m);
        assert_int_equal(ntmm_read(p, base, &r, 4), STATUS_SUCCESS);
        assert_int_equal(r, v);
        /* no access: the page stays in transition, every touch faults */
        assert_int_equal(mm_protect(&m->mm, &p->as, base, 0x1000, MM_NOACCESS, &old),
                         STATUS_SUCCESS);
        assert_int_equal(ntmm_read(p, base, &r, 4), STATUS_ACCESS_VIOLATION);
        assert_int_equal(ntmm_read(p, base, &r, 4), STATUS_ACCESS_VIOLATION);
        assert_int_equal(mm_protect(&m->mm, &p->as, base, 0x1000, MM_READONLY, &old),
                         STATUS_SUCCESS);
        assert_int_equal(old, MM_NOACCESS);
        assert_int_equal(ntmm_read(p, base, &r, 4), STATUS_SUCCESS);
        assert_int_equal(r, v);
        test_verify(m);
        ntmm_process_terminate(p);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_terminate),
        cmocka_unit_test(test_profiles),
        cmocka_unit_test(test_increase_user_va),
        cmocka_unit_test(test_demand_zero),
        cmocka_unit_test(test_access_violations),
        cmocka_unit_test(test_guard_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
