/*
 * test_pfn.c — the PFN database and list heads in Windows' byte layout, read
 * the way seed 004 reads them (experiment E8): dd MmZeroedPageListHead, then
 * MmPfnDatabase + sizeof(_MMPFN) * index, PageLocation in u3, Flink in u1,
 * Blink in u2, for each architecture. The offsets below are the
 * specification (seed 004's dt _MMPFN for PAE, the same family for x86 and
 * x64); the test reads raw simulated memory, not the library's accessors.
 */
#include <string.h>

#include "testing.h"

struct layout {
    enum ntmm_arch arch;
    unsigned size, word, flink, pte_address, blink, u3, refcount, original_pte, u4;
    unsigned head_total, head_name, head_flink, head_blink;
    uint64_t empty;
};

static const struct layout layouts[] = {
    { NTMM_ARCH_X86, 0x18, 4, 0, 4, 8, 0xc, 0xe, 0x10, 0x14, 0, 4, 8, 0xc, 0xffffffffull },
    { NTMM_ARCH_X86_PAE, 0x1c, 4, 0, 4, 8, 0xc, 0xe, 0x10, 0x18, 0, 4, 8, 0xc, 0xffffffffull },
    { NTMM_ARCH_X64, 0x30, 8, 0, 8, 0x10, 0x18, 0x1a, 0x20, 0x28, 0, 8, 0x10, 0x18, ~0ull },
};

static uint64_t read_word(struct ntmm_machine *m, uint64_t va, unsigned width)
{
    uint64_t v = 0;
    assert_int_equal(ntmm_read_virtual(m, va, &v, width), STATUS_SUCCESS);
    return v;
}

static uint64_t symbol(struct ntmm_machine *m, const char *name)
{
    struct ntmm_symbol s;
    assert_int_equal(ntmm_symbol_lookup(m, name, &s), STATUS_SUCCESS);
    return s.address;
}

static unsigned page_location(struct ntmm_machine *m, const struct layout *l, uint64_t entry)
{
    return (unsigned)(read_word(m, entry + l->u3, 2) >> 8) & 7;
}

/* E8, whole list: every page on the zeroed list has PageLocation 0 and only
 * zero bytes; Blink points back; the count is Total; the last Flink ends it. */
static void walk_zeroed_list(const struct layout *l)
{
    struct ntmm_machine *m = test_boot(l->arch, 32ull << 20);
    uint64_t head = symbol(m, "MmZeroedPageListHead");
    uint64_t database = read_word(m, symbol(m, "nt!MmPfnDatabase"), l->word);
    struct ntmm_machine_info info;
    ntmm_machine_info(m, &info);
    assert_int_equal(database, info.pfn_database);
    assert_int_equal(info.pfn_entry_size, l->size);
    uint64_t total = read_word(m, head + l->head_total, l->word);
    assert_int_equal(read_word(m, head + l->head_name, 4), 0); /* ZeroedPageList */
    assert_true(total > 0);
    assert_int_equal(total, info.available_pages);
    static uint8_t page[4096], zero[4096];
    uint64_t prev = l->empty, count = 0;
    for (uint64_t pfn = read_word(m, head + l->head_flink, l->word); pfn != l->empty; count++) {
        assert_true(count < total);
        uint64_t entry = database + l->size * pfn;
        assert_int_equal(page_location(m, l, entry), 0);
        assert_int_equal(read_word(m, entry + l->blink, l->word), prev);
        assert_int_equal(read_word(m, entry + l->refcount, 2), 0);
        assert_int_equal(ntmm_read_physical(m, pfn << 12, page, sizeof page), STATUS_SUCCESS);
        assert_memory_equal(page, zero, sizeof page);
        prev = pfn;
        pfn = read_word(m, entry + l->flink, l->word);
    }
    assert_int_equal(count, total);
    assert_int_equal(read_word(m, head + l->head_blink, l->word), prev);
    ntmm_machine_destroy(m);
}

static void test_e8_zeroed_list(void **state)
{
    (void)state;
    for (size_t i = 0; i < 3; i++)
        walk_zeroed_list(&layouts[i]);
}

/* The other heads: named with their ListName (the ROM list carries
 * StandbyPageList, as Windows sets it), empty, and MmPageLocationList points
 * at the six of PageLocation 0-5. */
static void test_list_heads(void **state)
{
    (void)state;
    static const char *const heads[] = {
        "MmZeroedPageListHead", "MmFreePageListHead", "MmStandbyPageListHead",
        "MmModifiedPageListHead", "MmModifiedNoWritePageListHead", "MmBadPageListHead",
        "MmRomPageListHead",
    };
    for (size_t a = 0; a < 3; a++) {
        const struct layout *l = &layouts[a];
        struct ntmm_machine *m = test_boot(l->arch, 16ull << 20);
        uint64_t locations = symbol(m, "MmPageLocationList");
        for (unsigned i = 0; i < 7; i++) {
            uint64_t head = symbol(m, heads[i]);
            assert_int_equal(read_word(m, head + l->head_name, 4), i == 6 ? 2 : i);
            struct ntmm_list_info info;
            assert_int_equal(ntmm_list_query(m, i, &info), STATUS_SUCCESS);
            assert_string_equal(info.symbol, heads[i]);
            assert_int_equal(info.address, head);
            assert_int_equal(info.empty, l->empty);
            if (i != 0) {
                assert_int_equal(read_word(m, head + l->head_total, l->word), 0);
                assert_int_equal(read_word(m, head + l->head_flink, l->word), l->empty);
                assert_int_equal(read_word(m, head + l->head_blink, l->word), l->empty);
            }
            if (i < 6)
                assert_int_equal(read_word(m, locations + i * l->word, l->word), head);
        }
        assert_int_equal(ntmm_list_query(m, 7, &(struct ntmm_list_info){ 0 }),
                         STATUS_INVALID_PARAMETER);
        ntmm_machine_destroy(m);
    }
}

/* Boot pages are Active (6), referenced once, with PteAddress the address of
 * the PTE that maps them and PteFrame the frame of its page table. */
static void test_active_boot_pages(void **state)
{
    (void)state;
    for (size_t a = 0; a < 3; a++) {
        const struct layout *l = &layouts[a];
        struct ntmm_machine *m = test_boot(l->arch, 16ull << 20);
        uint64_t database = read_word(m, symbol(m, "MmPfnDatabase"), l->word);
        struct ntmm_walk walk;
        assert_int_equal(ntmm_pte_walk(m, NULL, database, &walk), STATUS_SUCCESS);
        assert_true(walk.translated);
        uint64_t pfn = walk.physical >> 12;
        uint64_t entry = database + l->size * pfn;
        struct ntmm_walk_level *pte = &walk.level[walk.levels - 1];
        assert_int_equal(page_location(m, l, entry), 6);
        assert_int_equal(read_word(m, entry + l->refcount, 2), 1);
        assert_int_equal(read_word(m, entry + l->blink, l->word), 1); /* ShareCount */
        assert_int_equal(read_word(m, entry + l->pte_address, l->word), pte->entry_address);
        uint64_t pte_frame = read_word(m, entry + l->u4, l->word) &
                             (l->word == 4 ? 0x1ffffffu : 0xfffffffffffffull);
        assert_int_equal(pte_frame, pte->entry_physical >> 12);
        struct ntmm_pfn_info info;
        assert_int_equal(ntmm_pfn_query(m, pfn, &info), STATUS_SUCCESS);
        assert_int_equal(info.page_location, NTMM_ACTIVE);
        assert_int_equal(info.entry_address, entry);
        assert_int_equal(info.pte_address, pte->entry_address);
        assert_int_equal(info.pte_frame, pte_frame);
        assert_int_equal(info.u2, 1);
        /* the page table holding that PTE counts it: ShareCount > 1 */
        struct ntmm_pfn_info table;
        assert_int_equal(ntmm_pfn_query(m, pte_frame, &table), STATUS_SUCCESS);
        assert_int_equal(table.page_location, NTMM_ACTIVE);
        assert_true(table.u2 > 1);
        assert_int_equal(ntmm_pfn_query(m, 1ull << 40, &info), STATUS_INVALID_PARAMETER);
        ntmm_machine_destroy(m);
    }
}

/* !memusage's counts add up to MmNumberOfPhysicalPages and agree with the
 * list Totals and the boot page count. */
static void test_memusage(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, 24ull << 20);
    uint64_t counts[8];
    struct ntmm_machine_info info;
    struct ntmm_list_info zeroed;
    ntmm_memusage(m, counts);
    ntmm_machine_info(m, &info);
    ntmm_list_query(m, 0, &zeroed);
    assert_int_equal(counts[NTMM_ZEROED], zeroed.total);
    assert_int_equal(counts[NTMM_ACTIVE], info.boot_pages);
    assert_int_equal(counts[NTMM_ZEROED] + counts[NTMM_ACTIVE], info.number_of_physical_pages);
    assert_string_equal(ntmm_page_location_name(NTMM_ZEROED), "Zeroed");
    assert_string_equal(ntmm_page_location_name(NTMM_MODIFIED_NO_WRITE), "ModifiedNoWrite");
    assert_string_equal(ntmm_page_location_name(NTMM_TRANSITION), "Transition");
    ntmm_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_e8_zeroed_list),
        cmocka_unit_test(test_list_heads),
        cmocka_unit_test(test_active_boot_pages),
        cmocka_unit_test(test_memusage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
