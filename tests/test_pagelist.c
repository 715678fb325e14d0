/*
 * test_pagelist.c — page allocation as Windows does it (MiRemoveZeroPage,
 * MiRemoveAnyPage, MiInsertPageInFreeList), the zero page thread, O(1) list
 * surgery, MiInitializePfn's share counting, and the verifier after each step.
 * These tests use the mm's internal interface (src/mm/mm.h).
 */
#include <string.h>

#include "testing.h"

#include "ke/machine.h"

static struct mm *mm_of(struct ntmm_machine *m)
{
    return &m->mm;
}

static bool frame_is_zero(struct ntmm_machine *m, uint64_t pfn)
{
    static const uint8_t zero[4096];
    return memcmp(phys_frame(&m->cpu.phys, pfn), zero, 4096) == 0;
}

/* A demand-zero allocation takes the head of the zeroed list; freeing puts
 * the frame at the tail of the free list; the zero page thread moves it to
 * the tail of the zeroed list with its bytes cleared. */
static void test_zero_free_cycle(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *m = test_boot(arch, 16ull << 20);
        struct mm *mm = mm_of(m);
        uint64_t first = pagelist_first(mm, ZeroedPageList);
        uint64_t zeroed = pagelist_total(mm, ZeroedPageList);
        uint64_t available = mm_available_pages(mm);
        uint64_t pfn = mm_remove_zero_page(mm);
        assert_int_equal(pfn, first);
        assert_int_equal(pagelist_total(mm, ZeroedPageList), zeroed - 1);
        assert_int_equal(mm_available_pages(mm), available - 1);
        memset(phys_frame(&m->cpu.phys, pfn), 0xa5, 4096);
        mm_insert_page_in_free_list(mm, pfn);
        assert_int_equal(pfn_location(mm, pfn), FreePageList);
        assert_int_equal(pagelist_last(mm, FreePageList), pfn);
        assert_int_equal(pagelist_total(mm, FreePageList), 1);
        assert_int_equal(mm_available_pages(mm), available);
        assert_false(frame_is_zero(m, pfn));
        test_verify(m);
        assert_int_equal(ntmm_machine_idle(m), 1);
        assert_int_equal(pfn_location(mm, pfn), ZeroedPageList);
        assert_int_equal(pagelist_last(mm, ZeroedPageList), pfn);
        assert_int_equal(pagelist_total(mm, FreePageList), 0);
        assert_true(frame_is_zero(m, pfn));
        assert_int_equal(ntmm_machine_idle(m), 0);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
}

/* Pages about to be overwritten come from the free list first (no zeroing);
 * demand-zero pages come from the zeroed list first, and when it is empty a
 * free page is zeroed on the way out; with both empty there is no page. */
static void test_allocation_order(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, 16ull << 20);
    struct mm *mm = mm_of(m);
    uint64_t empty = MM_EMPTY_LIST(mm);
    uint64_t total = pagelist_total(mm, ZeroedPageList);
    static uint64_t taken[16384];
    assert_true(total <= 16384);
    for (uint64_t i = 0; i < total; i++) {
        taken[i] = mm_remove_any_page(mm);
        assert_int_not_equal(taken[i], empty);
    }
    assert_int_equal(mm_remove_any_page(mm), empty);
    assert_int_equal(mm_remove_zero_page(mm), empty);
    assert_int_equal(mm_available_pages(mm), 0);
    for (uint64_t i = 0; i < total; i++) {
        memset(phys_frame(&m->cpu.phys, taken[i]), 0x11, 4096);
        mm_insert_page_in_free_list(mm, taken[i]);
    }
    test_verify(m);
    uint64_t any = mm_remove_any_page(mm);
    assert_int_equal(any, taken[0]);
    assert_false(frame_is_zero(m, any)); /* MiRemoveAnyPage does not zero */
    uint64_t demand = mm_remove_zero_page(mm);
    assert_int_equal(demand, taken[1]);
    assert_true(frame_is_zero(m, demand)); /* MiRemoveZeroPage zeroed the free page */
    mm_insert_page_in_free_list(mm, any);
    mm_insert_page_in_free_list(mm, demand);
    assert_int_equal(ntmm_machine_idle(m), total);
    assert_int_equal(pagelist_total(mm, ZeroedPageList), total);
    test_verify(m);
    ntmm_machine_destroy(m);
}

/* Unlinking from the middle, head and tail keeps both directions intact. */
static void test_unlink_anywhere(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X64, 16ull << 20);
    struct mm *mm = mm_of(m);
    uint64_t a = mm_remove_any_page(mm), b = mm_remove_any_page(mm), c = mm_remove_any_page(mm);
    mm_insert_page_in_free_list(mm, a);
    mm_insert_page_in_free_list(mm, b);
    mm_insert_page_in_free_list(mm, c);
    assert_int_equal(pfn_flink(mm, a), b);
    assert_int_equal(pfn_blink(mm, c), b);
    pagelist_unlink(mm, b);
    assert_int_equal(pfn_flink(mm, a), c);
    assert_int_equal(pfn_blink(mm, c), a);
    pagelist_insert_tail(mm, FreePageList, b);
    pagelist_unlink(mm, a);
    assert_int_equal(pagelist_first(mm, FreePageList), c);
    assert_int_equal(pfn_blink(mm, c), MM_EMPTY_LIST(mm));
    pagelist_insert_tail(mm, FreePageList, a);
    pagelist_unlink(mm, a);
    assert_int_equal(pagelist_last(mm, FreePageList), b);
    assert_int_equal(pfn_flink(mm, b), MM_EMPTY_LIST(mm));
    pagelist_insert_tail(mm, FreePageList, a);
    assert_int_equal(pagelist_total(mm, FreePageList), 3);
    test_verify(m);
    ntmm_machine_destroy(m);
}

/* MiInitializePfn: a frame mapped into system space by hand is Active with
 * ShareCount 1 and counts in its page table's ShareCount; the verifier agrees
 * while mapped, and again after the mapping is torn down and the frame freed. */
static void test_initialize_active(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        struct ntmm_machine *m = test_boot(arch, 32ull << 20);
        struct mm *mm = mm_of(m);
        const struct pte_format *fmt = m->cpu.fmt;
        uint64_t db_pages = (mm->frames * mm->pfn_layout->size + 4095) / 4096;
        uint64_t va = mm->layout.pfn_database + db_pages * 4096; /* same page table, unused PTE */
        uint64_t pte_va = pte_address(fmt, va, 0);
        struct ntmm_walk walk;
        assert_int_equal(ntmm_pte_walk(m, NULL, va, &walk), STATUS_SUCCESS);
        assert_false(walk.translated);
        assert_int_equal(walk.levels, fmt->levels);
        uint64_t table = walk.level[fmt->levels - 1].entry_physical >> 12;
        uint64_t table_share = pfn_share_count(mm, table);
        uint64_t pfn = mm_remove_zero_page(mm);
        pfn_initialize_active(mm, pfn, pte_va, table, 0);
        uint64_t pte = (pfn << 12) | PTE_HW_VALID | PTE_HW_WRITE;
        assert_int_equal(ntmm_write_virtual(m, pte_va, &pte, fmt->pte_size), STATUS_SUCCESS);
        assert_int_equal(pfn_share_count(mm, table), table_share + 1);
        assert_int_equal(pfn_location(mm, pfn), ActiveAndValid);
        assert_int_equal(pfn_reference_count(mm, pfn), 1);
        test_verify(m);
        uint32_t value = 0x12345678, back = 0;
        assert_int_equal(ntmm_write_virtual(m, va, &value, 4), STATUS_SUCCESS);
        assert_int_equal(ntmm_read_physical(m, pfn << 12, &back, 4), STATUS_SUCCESS);
        assert_int_equal(back, value);
        pte = 0;
        assert_int_equal(ntmm_write_virtual(m, pte_va, &pte, fmt->pte_size), STATUS_SUCCESS);
        assert_int_equal(ntmm_read_virtual(m, va, &back, 4), STATUS_ACCESS_VIOLATION);
        pfn_set_share_count(mm, table, table_share);
        pfn_set_share_count(mm, pfn, 0);
        mm_insert_page_in_free_list(mm, pfn);
        test_verify(m);
        ntmm_machine_idle(m);
        test_verify(m);
        ntmm_machine_destroy(m);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_free_cycle),
        cmocka_unit_test(test_allocation_order),
        cmocka_unit_test(test_unlink_anywhere),
        cmocka_unit_test(test_initialize_active),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
