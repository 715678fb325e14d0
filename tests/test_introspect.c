/*
 * test_introspect.c — the read-only views tools use (introspect.h): symbols,
 * the !pte walk with every level's entry address (MiGetPteAddress) and
 * contents, PTE decoding and WinDbg's flag columns, TLB counters, memory
 * access errors, and that taking a view changes nothing.
 */
#include <string.h>

#include "testing.h"

static void test_symbols(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X64, 16ull << 20);
    struct ntmm_symbol a, b;
    assert_int_equal(ntmm_symbol_lookup(m, "MmPfnDatabase", &a), STATUS_SUCCESS);
    assert_int_equal(ntmm_symbol_lookup(m, "nt!MmPfnDatabase", &b), STATUS_SUCCESS);
    assert_int_equal(a.address, b.address);
    assert_string_equal(a.type, "Ptr64 _MMPFN");
    assert_int_equal(a.size, 8);
    assert_int_equal(ntmm_symbol_lookup(m, "MmNoSuchThing", &a), STATUS_OBJECT_NAME_NOT_FOUND);
    assert_int_equal(ntmm_symbol_lookup(m, NULL, &a), STATUS_INVALID_PARAMETER);
    unsigned count = 0;
    uint64_t previous_end = 0;
    for (struct ntmm_symbol s; ntmm_symbol_at(m, count, &s); count++) {
        assert_true(s.address >= previous_end); /* laid out in order, no overlap */
        previous_end = s.address + s.size;
        struct ntmm_symbol again;
        assert_int_equal(ntmm_symbol_lookup(m, s.name, &again), STATUS_SUCCESS);
        assert_int_equal(again.address, s.address);
    }
    assert_int_equal(count, 17);
    assert_int_equal(ntmm_symbol_lookup(m, "MmZeroedPageListHead", &a), STATUS_SUCCESS);
    assert_string_equal(a.type, "_MMPFNLIST");
    assert_int_equal(a.size, 0x20);
    ntmm_machine_destroy(m);
}

/* !pte of a kernel address: entry addresses are the self-map addresses
 * MiGetPteAddress gives, contents are what physical memory holds there, and
 * the walk ends at the frame the translation names. */
static void test_pte_walk(void **state)
{
    (void)state;
    static const struct {
        enum ntmm_arch arch;
        unsigned levels;
        const char *names[4];
        uint64_t pte_of_kernel_base;
    } cases[] = {
        { NTMM_ARCH_X86, 2, { "PDE", "PTE" }, 0xc0201000 },
        { NTMM_ARCH_X86_PAE, 3, { "PPE", "PDE", "PTE" }, 0xc0402000 },
        { NTMM_ARCH_X64, 4, { "PXE", "PPE", "PDE", "PTE" }, 0xfffff6fc00014000 },
    };
    for (size_t i = 0; i < 3; i++) {
        struct ntmm_machine *m = test_boot(cases[i].arch, 16ull << 20);
        struct ntmm_symbol sym;
        ntmm_symbol_lookup(m, "MmPfnDatabase", &sym);
        uint64_t kernel_base = sym.address - 0x1000;
        struct ntmm_walk w;
        assert_int_equal(ntmm_pte_walk(m, NULL, kernel_base, &w), STATUS_SUCCESS);
        assert_true(w.translated);
        assert_null(w.stopped);
        assert_int_equal(w.levels, cases[i].levels);
        assert_int_equal(w.page_size, 4096);
        assert_int_equal(w.level[w.levels - 1].entry_address, cases[i].pte_of_kernel_base);
        for (unsigned l = 0; l < w.levels; l++) {
            assert_string_equal(w.level[l].name, cases[i].names[l]);
            uint64_t raw = 0;
            struct ntmm_machine_info info;
            ntmm_machine_info(m, &info);
            ntmm_read_physical(m, w.level[l].entry_physical, &raw, info.pte_size);
            assert_int_equal(raw, w.level[l].pte.raw);
            assert_int_equal(w.level[l].pte.kind, NTMM_PTE_VALID);
            if (w.level[l].entry_address) {
                uint64_t through_self_map = 0;
                assert_int_equal(ntmm_read_virtual(m, w.level[l].entry_address, &through_self_map,
                                                   info.pte_size),
                                 STATUS_SUCCESS);
                assert_int_equal(through_self_map, raw);
            }
        }
        struct ntmm_pte_info *leaf = &w.level[w.levels - 1].pte;
        assert_int_equal(w.physical, leaf->pfn << 12);
        char flags[12];
        ntmm_pte_flags_string(leaf, flags);
        assert_string_equal(flags, "-G-DA--KWEV");
        /* an unmapped user address stops at the first invalid level */
        assert_int_equal(ntmm_pte_walk(m, NULL, 0x00390000, &w), STATUS_SUCCESS);
        assert_false(w.translated);
        assert_string_equal(w.stopped, "not present");
        assert_int_equal(w.level[w.levels - 1].pte.kind, NTMM_PTE_ZERO);
        ntmm_machine_destroy(m);
    }
}

static void test_pte_decode(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, 16ull << 20);
    struct ntmm_pte_info info;
    char flags[12];
    ntmm_pte_decode(m, 0x8000000012345867ull, &info); /* valid, user, writable, NX, dirty */
    assert_int_equal(info.kind, NTMM_PTE_VALID);
    assert_int_equal(info.pfn, 0x12345);
    assert_true(info.no_execute && info.owner && info.dirty && info.accessed && info.write);
    ntmm_pte_flags_string(&info, flags);
    assert_string_equal(flags, "---DA--UW-V");
    ntmm_pte_decode(m, 4u << 5, &info); /* demand zero, READWRITE */
    assert_int_equal(info.kind, NTMM_PTE_DEMAND_ZERO);
    assert_int_equal(info.protection, 4);
    ntmm_pte_decode(m, (0x1234ull << 32) | (1 << 1) | (4 << 5), &info); /* pagefile 1, offset 0x1234 */
    assert_int_equal(info.kind, NTMM_PTE_PAGEFILE);
    assert_int_equal(info.page_file_number, 1);
    assert_int_equal(info.page_file_offset, 0x1234);
    ntmm_pte_decode(m, (0x777ull << 12) | (1 << 11) | (4 << 5), &info); /* transition */
    assert_int_equal(info.kind, NTMM_PTE_TRANSITION);
    assert_int_equal(info.pfn, 0x777);
    ntmm_pte_decode(m, (0xe1234568ull << 32) | (1 << 10), &info); /* prototype */
    assert_int_equal(info.kind, NTMM_PTE_PROTOTYPE);
    assert_int_equal(info.proto_address, 0xe1234568);
    ntmm_pte_decode(m, 0, &info);
    assert_int_equal(info.kind, NTMM_PTE_ZERO);
    ntmm_machine_destroy(m);
}

/* Views change nothing: no Accessed bit, no TLB counter, no list. */
static void test_views_change_nothing(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86, 16ull << 20);
    struct ntmm_symbol sym;
    ntmm_symbol_lookup(m, "MmPfnDatabase", &sym);
    struct ntmm_walk before, after;
    struct ntmm_tlb_stats s0, s1;
    uint64_t va = sym.address + 0x10000; /* an image page nobody touched since boot */
    ntmm_pte_walk(m, NULL, va, &before);
    uint64_t pte_pa = before.level[1].entry_physical, raw = 0;
    uint32_t clear = (uint32_t)before.level[1].pte.raw & ~0x60u; /* clear Accessed, Dirty */
    ntmm_write_physical(m, pte_pa, &clear, 4);
    ntmm_tlb_stats(m, &s0);
    for (int i = 0; i < 3; i++)
        ntmm_pte_walk(m, NULL, va, &after);
    struct ntmm_pfn_info pfn;
    struct ntmm_list_info list;
    uint64_t counts[8];
    ntmm_pfn_query(m, 0x100, &pfn);
    ntmm_list_query(m, 0, &list);
    ntmm_memusage(m, counts);
    ntmm_tlb_stats(m, &s1);
    assert_int_equal(s1.hits, s0.hits);
    assert_int_equal(s1.misses, s0.misses);
    assert_int_equal(s1.flushes, s0.flushes);
    assert_int_equal(s1.invalidations, s0.invalidations);
    ntmm_read_physical(m, pte_pa, &raw, 4);
    assert_int_equal(raw, clear);
    /* a kernel-mode access through the MMU does set Accessed, then Dirty */
    uint32_t v = 0;
    assert_int_equal(ntmm_read_virtual(m, va, &v, 4), STATUS_SUCCESS);
    ntmm_read_physical(m, pte_pa, &raw, 4);
    assert_int_equal(raw & 0x60, 0x20);
    assert_int_equal(ntmm_write_virtual(m, va, &v, 4), STATUS_SUCCESS);
    ntmm_read_physical(m, pte_pa, &raw, 4);
    assert_int_equal(raw & 0x60, 0x60);
    ntmm_tlb_stats(m, &s1);
    assert_int_equal(s1.misses, s0.misses + 2);
    assert_int_equal(s1.entries, 256);
    test_verify(m);
    ntmm_machine_destroy(m);
}

static void test_access_errors(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, 16ull << 20);
    uint8_t buffer[16] = { 0 };
    assert_int_equal(ntmm_read_virtual(m, 0x00390000, buffer, 4), STATUS_ACCESS_VIOLATION);
    assert_int_equal(ntmm_write_virtual(m, 0x00390000, buffer, 4), STATUS_ACCESS_VIOLATION);
    assert_int_equal(ntmm_read_virtual(m, 0x100000000ull, buffer, 4), STATUS_ACCESS_VIOLATION);
    assert_int_equal(ntmm_read_virtual(m, 0x80400000, NULL, 4), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_read_physical(m, 16ull << 20, buffer, 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_read_physical(m, (16ull << 20) - 8, buffer, 16), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_read_physical(m, ~0ull - 4, buffer, 16), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_write_physical(m, 16ull << 20, buffer, 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_write_physical(m, 0, NULL, 1), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_read_physical(m, (16ull << 20) - 16, buffer, 16), STATUS_SUCCESS);
    struct ntmm_walk w;
    assert_int_equal(ntmm_pte_walk(m, NULL, 0x80400000, NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(ntmm_pte_walk(m, NULL, 0x100000000ull, &w), STATUS_INVALID_PARAMETER);
    assert_string_equal(ntmm_status_name(STATUS_ACCESS_VIOLATION), "STATUS_ACCESS_VIOLATION");
    assert_string_equal(ntmm_status_name((NTSTATUS)0xC0001234), "unknown NTSTATUS");
    test_verify(m);
    ntmm_machine_destroy(m);
}

/* Same configuration and seed, same bytes: two boots are identical. */
static void test_deterministic_boot(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *a = test_boot(arch, 20ull << 20);
        struct ntmm_machine *b = test_boot(arch, 20ull << 20);
        static uint8_t pa[4096], pb[4096];
        for (uint64_t pfn = 0; pfn < (20ull << 20) >> 12; pfn++) {
            ntmm_read_physical(a, pfn << 12, pa, sizeof pa);
            ntmm_read_physical(b, pfn << 12, pb, sizeof pb);
            if (memcmp(pa, pb, sizeof pa))
                fail_msg("arch %d: frame %llx differs between two boots", arch,
                         (unsigned long long)pfn);
        }
        ntmm_machine_destroy(a);
        ntmm_machine_destroy(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_pte_walk),
        cmocka_unit_test(test_pte_decode),
        cmocka_unit_test(test_views_change_nothing),
        cmocka_unit_test(test_access_errors),
        cmocka_unit_test(test_deterministic_boot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
