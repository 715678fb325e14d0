/*
 * test_virtual.c — the Win32 and Nt virtual-memory API of a process
 * (VirtualAlloc / VirtualFree / VirtualProtect / VirtualQuery / VirtualLock,
 * their *Ex forms, the Nt services under them, GetSystemInfo,
 * GlobalMemoryStatusEx, GetProcessMemoryInfo), each case asserting what
 * Windows returns: values, last errors, NTSTATUS codes, written-back
 * BaseAddress / RegionSize, and the verifier after every change.
 *
 * Where Windows' behaviour is not obvious, the case names its evidence
 * (Wine's kernel32 and ntdll conformance tests, whose ok() lines record what
 * Windows returns; ReactOS's kmtest for ZwAllocateVirtualMemory; Microsoft's
 * documentation). The Nt-level, counter, system-information, address-space
 * profile and absurd-input cases are in test_virtual_nt.c.
 */
#include "virtual_testing.h"

/* ---- reserve, commit, both ---- */

/* MEM_RESERVE alone: address space only, 64 KB aligned, nothing readable. */
static void test_reserve_gives_reserved_region(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    assert_int_equal(base & 0xffff, 0);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
    char byte;
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_ACCESS_VIOLATION);
}

/* E1: MEM_COMMIT with a NULL address reserves and commits at once. */
static void test_commit_null_reserves_and_commits(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    assert_int_equal(base & 0xffff, 0);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x2000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    /* the rest of the 64 KB granule is not part of the allocation */
    expect_region(base + 0x2000, base + 0x2000, 0, 0, NEXT_FREE, MEM_FREE, PAGE_NOACCESS, 0);
}

/* Committing inside a reservation: the start rounds down to its page, the
 * end up to the end of the last page touched. */
static void test_commit_inside_reservation_rounds_to_pages(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x10000, PAGE_NOACCESS);
    assert_int_equal(U(VirtualAlloc(VA(base + 0x1234), 0x1000, MEM_COMMIT, PAGE_READWRITE)),
                     base + 0x1000);
    test_verify(m);
    expect_region(base, base, base, PAGE_NOACCESS, 0x1000, MEM_RESERVE, 0, MEM_PRIVATE);
    expect_region(base + 0x1000, base + 0x1000, base, PAGE_NOACCESS, 0x2000, MEM_COMMIT,
                  PAGE_READWRITE, MEM_PRIVATE);
    expect_region(base + 0x3000, base + 0x3000, base, PAGE_NOACCESS, 0xd000, MEM_RESERVE, 0,
                  MEM_PRIVATE);
}

/* Committing free address space fails (Wine kernel32 test_VirtualAlloc:
 * MEM_COMMIT requires a reservation when an address is given). */
static void test_commit_outside_reservation_fails(void **state)
{
    (void)state;
    setup();
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(0x20000000), 0x1000, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
    expect_unchanged(&before);
    expect_region(0x20000000, 0x20000000, 0, 0, NEXT_FREE, MEM_FREE, PAGE_NOACCESS, 0);
}

/* A commit running past the end of its reservation fails as a whole. */
static void test_commit_crossing_reservation_end_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x10000, PAGE_READWRITE);
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(base + 0xf000), 0x2000, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
    expect_unchanged(&before);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
}

/* A reservation at an unaligned address starts at its 64 KB boundary and
 * covers whole pages up to the end of the range asked for. */
static void test_reserve_rounds_base_to_granularity(void **state)
{
    (void)state;
    setup();
    assert_int_equal(U(VirtualAlloc(VA(0x20001234), 0x10, MEM_RESERVE, PAGE_READWRITE)),
                     0x20000000);
    test_verify(m);
    expect_region(0x20000000, 0x20000000, 0x20000000, PAGE_READWRITE, 0x2000, MEM_RESERVE, 0,
                  MEM_PRIVATE);
}

/* Reserving over an existing reservation fails: inside it, straddling its
 * start, and (Wine ntdll test_NtAllocateVirtualMemory) a page after a one-page
 * allocation's base, because that rounds down to the same 64 KB granule. */
static void test_overlapping_reservation_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x20000, PAGE_READWRITE);
    struct snapshot before = snap();
    static const struct { uint64_t at, size; } tries[] = {
        { 0x20010000, 0x10000 }, { 0x1fff0000, 0x20000 }, { 0x20001000, 0x1000 },
        { 0x1ffff000, 0x2000 },
    };
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(tries[i].at), tries[i].size, MEM_RESERVE, PAGE_READWRITE));
        expect_error(ERROR_INVALID_ADDRESS);
        test_verify(m);
    }
    expect_unchanged(&before);
    expect_region(base, base, base, PAGE_READWRITE, 0x20000, MEM_RESERVE, 0, MEM_PRIVATE);
}

/* Committing pages that are already committed succeeds and charges nothing
 * twice (VirtualAlloc documentation: "An attempt to commit a page that is
 * already committed does not cause the function to fail"). */
static void test_commit_twice_succeeds(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    SIZE_T usage = private_usage();
    assert_int_equal(U(VirtualAlloc(VA(base), 0x4000, MEM_COMMIT, PAGE_READWRITE)), base);
    test_verify(m);
    assert_int_equal(private_usage(), usage);
    expect_region(base, base, base, PAGE_READWRITE, 0x4000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

/* ---- MEM_TOP_DOWN ---- */

/* The highest free 64 KB-aligned range: the granule below KUSER_SHARED_DATA's
 * reservation (0x7FFE0000) in a fresh 2 GB space, the next one down for a
 * second allocation. */
static void test_top_down_takes_highest_range(void **state)
{
    (void)state;
    setup();
    uint64_t low = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE));
    uint64_t top = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE));
    uint64_t next = U(VirtualAlloc(NULL, 0x2000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE));
    test_verify(m);
    assert_int_equal(top, 0x7ffd0000);
    assert_int_equal(next, 0x7ffc0000);
    assert_true(low < next);
    expect_region(top, top, top, PAGE_READWRITE, 0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
}

/* ---- MEM_RESET / MEM_RESET_UNDO ---- */

/* MEM_RESET cannot be combined with MEM_COMMIT or MEM_RESERVE (ReactOS
 * kmtest ZwAllocateVirtualMemory: STATUS_INVALID_PARAMETER_5). */
static void test_reset_with_commit_or_reserve_invalid(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    static const DWORD types[] = { MEM_RESET | MEM_COMMIT, MEM_RESET | MEM_RESERVE,
                                   MEM_RESET | MEM_COMMIT | MEM_RESERVE,
                                   MEM_RESET_UNDO | MEM_COMMIT, MEM_RESET | MEM_RESET_UNDO };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(base), 0x1000, types[i], PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* MEM_RESET "cannot be used with any other value" (VirtualAlloc
 * documentation); MEM_TOP_DOWN | MEM_RESET gives STATUS_INVALID_PARAMETER_5
 * (ReactOS kmtest ZwAllocateVirtualMemory, SimpleErrorChecks). */
static void test_reset_with_top_down_invalid(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(base), 0x1000, MEM_RESET | MEM_TOP_DOWN, PAGE_NOACCESS));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
}

/* MEM_RESET on committed memory returns the (page-rounded) address and
 * changes neither state nor protection; nothing is paged out here, so the
 * data is still readable. */
static void test_reset_committed_returns_address(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_write(p, base, "abcd", 4), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(VirtualAlloc(VA(base + 0x10), 0x1000, MEM_RESET, PAGE_NOACCESS)), base);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    char data[4];
    assert_int_equal(ntmm_read(p, base, data, 4), STATUS_SUCCESS);
    assert_memory_equal(data, "abcd", 4);
}

/* MEM_RESET on reserved (uncommitted) pages of an allocation succeeds and
 * leaves them reserved (Wine kernel32 test_VirtualAlloc: MEM_RESET at
 * addr1 + 0x1000 of a reservation returns that address, region still
 * MEM_RESERVE, Protect 0). */
static void test_reset_reserved_pages_succeeds(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x10000, PAGE_NOACCESS);
    assert_non_null(VirtualAlloc(VA(base), 0x1000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    uint64_t got = U(VirtualAlloc(VA(base + 0x1000), 0x1000, MEM_RESET, PAGE_NOACCESS));
    DWORD error = GetLastError();
    test_verify(m);
    assert_int_equal(got, base + 0x1000);
    assert_int_equal(error, 0xdeadbeef);
    expect_region(base + 0x1000, base + 0x1000, base, PAGE_NOACCESS, 0xf000, MEM_RESERVE, 0,
                  MEM_PRIVATE);
}

/* MEM_RESET of a range running past the allocation fails with
 * ERROR_INVALID_ADDRESS (Wine kernel32 test_VirtualAlloc). */
static void test_reset_crossing_allocation_end_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(base + 0xf000), 0x2000, MEM_RESET, PAGE_NOACCESS));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
}

/* MEM_RESET_UNDO after MEM_RESET, with nothing reclaimed meanwhile:
 * succeeds, and the data is intact. */
static void test_reset_undo_keeps_data(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_write(p, base + 0x1000, "wxyz", 4), STATUS_SUCCESS);
    assert_int_equal(U(VirtualAlloc(VA(base), 0x2000, MEM_RESET, PAGE_NOACCESS)), base);
    test_verify(m);
    assert_int_equal(U(VirtualAlloc(VA(base), 0x2000, MEM_RESET_UNDO, PAGE_NOACCESS)), base);
    test_verify(m);
    char data[4];
    assert_int_equal(ntmm_read(p, base + 0x1000, data, 4), STATUS_SUCCESS);
    assert_memory_equal(data, "wxyz", 4);
}

/* ---- decommit and release ---- */

/* MEM_RELEASE needs a size of 0 (Wine kernel32 test_VirtualAlloc). */
static void test_release_with_size_invalid(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base), 0x10000, MEM_RELEASE));
    expect_error(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base), 1, MEM_RELEASE));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
    expect_unchanged(&before);
}

/* MEM_RELEASE away from the allocation base fails
 * (STATUS_FREE_VM_NOT_AT_BASE, Wine ntdll test_NtAllocateVirtualMemory). */
static void test_release_not_at_base_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base + 0x1000), 0, MEM_RELEASE));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
    expect_unchanged(&before);
}

/* MEM_RELEASE at the base frees the whole allocation. */
static void test_release_frees_allocation(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x30000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_write(p, base + 0x11000, "x", 1), STATUS_SUCCESS);
    assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
    test_verify(m);
    expect_region(base, base, 0, 0, NEXT_FREE, MEM_FREE, PAGE_NOACCESS, 0);
    char byte;
    assert_int_equal(ntmm_read(p, base + 0x11000, &byte, 1), STATUS_ACCESS_VIOLATION);
}

/* Decommitting the middle of a committed allocation leaves three regions. */
static void test_partial_decommit_splits_region(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualFree(VA(base + 0x4000), 0x2000, MEM_DECOMMIT));
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x4000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    expect_region(base + 0x4000, base + 0x4000, base, PAGE_READWRITE, 0x2000, MEM_RESERVE, 0,
                  MEM_PRIVATE);
    expect_region(base + 0x6000, base + 0x6000, base, PAGE_READWRITE, 0xa000, MEM_COMMIT,
                  PAGE_READWRITE, MEM_PRIVATE);
}

/* Decommitting past the end of the allocation fails and changes nothing
 * (Windows: STATUS_UNABLE_TO_FREE_VM). */
static void test_decommit_crossing_allocation_end_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base + 0xf000), 0x2000, MEM_DECOMMIT));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
    expect_unchanged(&before);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

/* A decommitted page raises an access violation when touched. */
static void test_decommitted_page_faults(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x3000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_write(p, base + 0x1000, "x", 1), STATUS_SUCCESS);
    assert_true(VirtualFree(VA(base + 0x1000), 0x1000, MEM_DECOMMIT));
    test_verify(m);
    char byte;
    assert_int_equal(ntmm_read(p, base + 0x1008, &byte, 1), STATUS_ACCESS_VIOLATION);
    expect_exception(STATUS_ACCESS_VIOLATION, base + 0x1008, 0);
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_SUCCESS);
    test_verify(m);
}

/* Committed pages read as zeros on first touch, and again after a
 * decommit and recommit. */
static void test_committed_pages_are_zero(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    static uint8_t data[0x2000];
    static const uint8_t zero[0x2000];
    memset(data, 0xcc, sizeof data);
    assert_int_equal(ntmm_read(p, base, data, sizeof data), STATUS_SUCCESS);
    test_verify(m);
    assert_memory_equal(data, zero, sizeof data);
    assert_int_equal(ntmm_write(p, base, "dirty", 5), STATUS_SUCCESS);
    assert_true(VirtualFree(VA(base), 0x1000, MEM_DECOMMIT));
    assert_int_equal(U(VirtualAlloc(VA(base), 0x1000, MEM_COMMIT, PAGE_READWRITE)), base);
    test_verify(m);
    memset(data, 0xcc, sizeof data);
    assert_int_equal(ntmm_read(p, base, data, 0x1000), STATUS_SUCCESS);
    assert_memory_equal(data, zero, 0x1000);
}

/* MEM_DECOMMIT | MEM_RELEASE together, or no free type, is invalid (Wine
 * kernel32 test_VirtualAlloc: type 0 and MEM_FREE give
 * ERROR_INVALID_PARAMETER). */
static void test_free_type_combinations_invalid(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    static const DWORD types[] = { MEM_DECOMMIT | MEM_RELEASE, 0, MEM_FREE, 0x80 };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        SetLastError(0xdeadbeef);
        assert_false(VirtualFree(VA(base), 0, types[i]));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* Freeing free address space fails with ERROR_INVALID_ADDRESS. */
static void test_free_of_free_address_fails(void **state)
{
    (void)state;
    setup();
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(0x30000000), 0, MEM_RELEASE));
    expect_error(ERROR_INVALID_ADDRESS);
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(0x30000000), 0x1000, MEM_DECOMMIT));
    expect_error(ERROR_INVALID_ADDRESS);
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base), 0, MEM_RELEASE));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
}

/* MEM_DECOMMIT with size 0 away from the allocation base fails with
 * STATUS_FREE_VM_NOT_AT_BASE (Wine ntdll test_NtAllocateVirtualMemory:
 * NtFreeVirtualMemory(addr1 + 0x1001, size 0, MEM_DECOMMIT)). */
static void test_decommit_size_zero_not_at_base_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base + 0x1000), 0, MEM_DECOMMIT));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
    expect_unchanged(&before);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

/* ---- VirtualProtect ---- */

/* It returns the previous protection and applies the new one. */
static void test_protect_returns_old_protection(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_NOACCESS));
    DWORD old = 0xdeadbeef;
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_READONLY, &old));
    test_verify(m);
    assert_int_equal(old, PAGE_NOACCESS);
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_READWRITE, &old));
    test_verify(m);
    assert_int_equal(old, PAGE_READONLY);
    expect_region(base, base, base, PAGE_NOACCESS, 0x1000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    expect_region(base + 0x1000, base + 0x1000, base, PAGE_NOACCESS, 0x1000, MEM_COMMIT,
                  PAGE_NOACCESS, MEM_PRIVATE);
}

/* Reserved pages, or a range only partly committed, cannot change
 * protection (Wine kernel32 test_VirtualAlloc: ERROR_INVALID_ADDRESS). */
static void test_protect_uncommitted_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x10000, PAGE_NOACCESS);
    DWORD old = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    assert_false(VirtualProtect(VA(base), 0xfffc, PAGE_READONLY, &old));
    expect_error(ERROR_INVALID_ADDRESS);
    assert_non_null(VirtualAlloc(VA(base), 0x1000, MEM_COMMIT, PAGE_NOACCESS));
    SetLastError(0xdeadbeef);
    assert_false(VirtualProtect(VA(base), 0xfffc, PAGE_READONLY, &old));
    expect_error(ERROR_INVALID_ADDRESS);
    assert_int_equal(old, 0xdeadbeef);
    test_verify(m);
    expect_region(base, base, base, PAGE_NOACCESS, 0x1000, MEM_COMMIT, PAGE_NOACCESS,
                  MEM_PRIVATE);
}

/* Free address space cannot change protection either. */
static void test_protect_free_fails(void **state)
{
    (void)state;
    setup();
    DWORD old = 0xdeadbeef;
    SetLastError(0xdeadbeef);
    assert_false(VirtualProtect(VA(0x30000000), 0x1000, PAGE_READONLY, &old));
    expect_error(ERROR_INVALID_ADDRESS);
    test_verify(m);
}

/* lpflOldProtect may not be NULL: the write to it faults (ERROR_NOACCESS)
 * and the protection stays as it was. */
static void test_protect_null_old_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    assert_false(VirtualProtect(VA(base), 0x1000, PAGE_READONLY, NULL));
    expect_error(ERROR_NOACCESS);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

/* A change spanning pages of different protections reports the first
 * page's, and leaves one region. */
static void test_protect_mixed_range_returns_first(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x3000, MEM_COMMIT, PAGE_READWRITE));
    DWORD old;
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_READONLY, &old));
    assert_true(VirtualProtect(VA(base + 0x2000), 0x1000, PAGE_EXECUTE_READWRITE, &old));
    test_verify(m);
    old = 0;
    assert_true(VirtualProtect(VA(base), 0x3000, PAGE_EXECUTE_READ, &old));
    test_verify(m);
    assert_int_equal(old, PAGE_READONLY);
    expect_region(base, base, base, PAGE_READWRITE, 0x3000, MEM_COMMIT, PAGE_EXECUTE_READ,
                  MEM_PRIVATE);
}

/* PAGE_WRITECOPY and PAGE_EXECUTE_WRITECOPY are for views of sections, not
 * private memory (ReactOS kmtest ZwAllocateVirtualMemory:
 * STATUS_INVALID_PAGE_PROTECTION; Wine kernel32 test_VirtualProtect). */
static void test_protect_writecopy_refused(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    static const DWORD bad[] = { PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY };
    for (size_t i = 0; i < 2; i++) {
        DWORD old = 0xdeadbeef;
        SetLastError(0xdeadbeef);
        assert_false(VirtualProtect(VA(base), 0x1000, bad[i], &old));
        expect_error(ERROR_INVALID_PARAMETER);
        assert_int_equal(old, 0xdeadbeef);
        test_verify(m);
    }
    expect_region(base, base, base, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

static void test_alloc_writecopy_refused(void **state)
{
    (void)state;
    setup();
    struct snapshot before = snap();
    static const DWORD bad[] = { PAGE_WRITECOPY, PAGE_EXECUTE_WRITECOPY };
    static const DWORD types[] = { MEM_RESERVE, MEM_COMMIT, MEM_RESERVE | MEM_COMMIT };
    for (size_t i = 0; i < 2; i++)
        for (size_t t = 0; t < 3; t++) {
            SetLastError(0xdeadbeef);
            assert_null(VirtualAlloc(NULL, 0x1000, types[t], bad[i]));
            expect_error(ERROR_INVALID_PARAMETER);
            test_verify(m);
        }
    expect_unchanged(&before);
}

/* Invalid protections for VirtualProtect as for VirtualAlloc (Wine kernel32
 * test_VirtualAlloc: 0 and PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY). */
static void test_protect_invalid_values_refused(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    static const DWORD bad[] = { 0, PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY,
                                 PAGE_READONLY | PAGE_READWRITE, PAGE_GUARD,
                                 PAGE_NOACCESS | PAGE_GUARD, PAGE_READWRITE | 0x800 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        DWORD old = 0xdeadbeef;
        SetLastError(0xdeadbeef);
        assert_false(VirtualProtect(VA(base), 0x1000, bad[i], &old));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
}

/* ---- VirtualQuery ---- */

/* The region at address 0 is free up to the first allocation. */
static void test_query_free_region_at_zero(void **state)
{
    (void)state;
    setup();
    reserve_at(0x20000000, 0x10000, PAGE_READWRITE);
    expect_region(0, 0, 0, 0, 0x20000000, MEM_FREE, PAGE_NOACCESS, 0);
    expect_region(0x1234, 0x1000, 0, 0, 0x20000000 - 0x1000, MEM_FREE, PAGE_NOACCESS, 0);
}

/* Past the last allocation, the free region runs to the reservation every
 * process has at 0x7FFE0000, KUSER_SHARED_DATA: its first page committed
 * read-only, the rest of the 64 KB reserved, up to the user limit
 * (0x7FFEFFFF, the last byte of a 2 GB space). The process can neither
 * change nor free it. */
static void test_query_free_region_to_user_limit(void **state)
{
    (void)state;
    setup();
    reserve_at(0x20000000, 0x10000, PAGE_READWRITE);
    expect_region(0x20010000, 0x20010000, 0, 0, 0x7ffe0000 - 0x20010000, MEM_FREE,
                  PAGE_NOACCESS, 0);
    expect_region(0x7ffe0000, 0x7ffe0000, 0x7ffe0000, PAGE_READONLY, 0x1000, MEM_COMMIT,
                  PAGE_READONLY, MEM_PRIVATE);
    expect_region(0x7ffe1000, 0x7ffe1000, 0x7ffe0000, PAGE_READONLY, 0xf000, MEM_RESERVE, 0,
                  MEM_PRIVATE);
    expect_region(0x7ffeffff, 0x7ffef000, 0x7ffe0000, PAGE_READONLY, 0x1000, MEM_RESERVE, 0,
                  MEM_PRIVATE);
    uint16_t major = 0;
    assert_int_equal(ntmm_read(p, 0x7ffe026c, &major, 2), STATUS_SUCCESS);
    assert_int_equal(major, 5);
    assert_int_equal(ntmm_write(p, 0x7ffe026c, &major, 2), STATUS_ACCESS_VIOLATION);
    DWORD old = 0;
    assert_false(VirtualProtect(VA(0x7ffe0000), 0x1000, PAGE_READWRITE, &old));
    expect_error(ERROR_INVALID_PARAMETER);
    assert_false(VirtualFree(VA(0x7ffe0000), 0, MEM_RELEASE));
    expect_error(ERROR_INVALID_PARAMETER);
    assert_false(VirtualFree(VA(0x7ffe0000), 0x1000, MEM_DECOMMIT));
    expect_error(ERROR_INVALID_PARAMETER);
    assert_null(VirtualAlloc(VA(0x7ffe1000), 0x1000, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
}

/* Addresses past the user limit: 0, ERROR_INVALID_PARAMETER. */
static void test_query_past_user_limit_fails(void **state)
{
    (void)state;
    setup();
    static const uint64_t bad[] = { 0x7fff0000, 0x80000000, 0xffffffff, UINT64_MAX };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        MEMORY_BASIC_INFORMATION info;
        SetLastError(0xdeadbeef);
        assert_int_equal(VirtualQuery(VA(bad[i]), &info, sizeof info), 0);
        expect_error(ERROR_INVALID_PARAMETER);
    }
    test_verify(m);
}

/* A buffer smaller than MEMORY_BASIC_INFORMATION: 0, ERROR_BAD_LENGTH
 * (STATUS_INFO_LENGTH_MISMATCH). */
static void test_query_short_length_fails(void **state)
{
    (void)state;
    setup();
    MEMORY_BASIC_INFORMATION info;
    SetLastError(0xdeadbeef);
    assert_int_equal(VirtualQuery(VA(0x20000000), &info, sizeof info - 1), 0);
    expect_error(ERROR_BAD_LENGTH);
    SetLastError(0xdeadbeef);
    assert_int_equal(VirtualQuery(VA(0x20000000), &info, 0), 0);
    expect_error(ERROR_BAD_LENGTH);
}

/* A query inside a region describes it from the queried page on. */
static void test_query_unaligned_address(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x8000, MEM_COMMIT, PAGE_EXECUTE_READ));
    expect_region(base + 0x1234, base + 0x1000, base, PAGE_EXECUTE_READ, 0x7000, MEM_COMMIT,
                  PAGE_EXECUTE_READ, MEM_PRIVATE);
}

/* Pages of one allocation with different protections are separate regions,
 * each with the allocation's AllocationBase and AllocationProtect. */
static void test_query_groups_by_protection(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x5000, MEM_COMMIT, PAGE_READWRITE));
    DWORD old;
    assert_true(VirtualProtect(VA(base + 0x1000), 0x2000, PAGE_READONLY, &old));
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    expect_region(base + 0x1000, base + 0x1000, base, PAGE_READWRITE, 0x2000, MEM_COMMIT,
                  PAGE_READONLY, MEM_PRIVATE);
    expect_region(base + 0x3000, base + 0x3000, base, PAGE_READWRITE, 0x2000, MEM_COMMIT,
                  PAGE_READWRITE, MEM_PRIVATE);
}

/* ---- protections ---- */

static const DWORD valid_protections[] = {
    PAGE_NOACCESS,
    PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE,
    PAGE_READONLY | PAGE_GUARD, PAGE_READWRITE | PAGE_GUARD, PAGE_EXECUTE | PAGE_GUARD,
    PAGE_EXECUTE_READ | PAGE_GUARD, PAGE_EXECUTE_READWRITE | PAGE_GUARD,
    PAGE_READONLY | PAGE_NOCACHE, PAGE_READWRITE | PAGE_NOCACHE, PAGE_EXECUTE | PAGE_NOCACHE,
    PAGE_EXECUTE_READ | PAGE_NOCACHE, PAGE_EXECUTE_READWRITE | PAGE_NOCACHE,
    PAGE_READONLY | PAGE_WRITECOMBINE, PAGE_READWRITE | PAGE_WRITECOMBINE,
    PAGE_EXECUTE | PAGE_WRITECOMBINE, PAGE_EXECUTE_READ | PAGE_WRITECOMBINE,
    PAGE_EXECUTE_READWRITE | PAGE_WRITECOMBINE,
};

/* Every valid protection of private memory is accepted at commit and
 * reported back as given (ReactOS kmtest: PAGE_READONLY | PAGE_WRITECOMBINE
 * succeeds; ZwAllocateVirtualMemory's guard test reads back
 * PAGE_GUARD | PAGE_READWRITE). */
static void test_every_valid_protection_reported(void **state)
{
    (void)state;
    setup();
    for (size_t i = 0; i < sizeof valid_protections / sizeof valid_protections[0]; i++) {
        DWORD prot = valid_protections[i];
        uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, prot));
        assert_int_not_equal(base, 0);
        test_verify(m);
        expect_region(base, base, base, prot, 0x1000, MEM_COMMIT, prot, MEM_PRIVATE);
        assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
        test_verify(m);
    }
}

/* ... and each one is accepted for a reservation, kept as AllocationProtect,
 * and can be set later with VirtualProtect. */
static void test_every_valid_protection_reserve_and_protect(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    DWORD previous = PAGE_READWRITE;
    for (size_t i = 0; i < sizeof valid_protections / sizeof valid_protections[0]; i++) {
        DWORD prot = valid_protections[i], old = 0;
        uint64_t r = U(VirtualAlloc(NULL, 0x1000, MEM_RESERVE, prot));
        assert_int_not_equal(r, 0);
        expect_region(r, r, r, prot, 0x1000, MEM_RESERVE, 0, MEM_PRIVATE);
        assert_true(VirtualFree(VA(r), 0, MEM_RELEASE));
        assert_true(VirtualProtect(VA(base), 0x1000, prot, &old));
        test_verify(m);
        assert_int_equal(old, previous);
        expect_region(base, base, base, PAGE_READWRITE, 0x1000, MEM_COMMIT, prot, MEM_PRIVATE);
        previous = prot;
    }
}

/* Invalid protections are refused with ERROR_INVALID_PARAMETER and
 * reserve nothing (VirtualAlloc / memory protection constants
 * documentation; Wine kernel32 test_VirtualAlloc; ReactOS kmtest). */
static void test_invalid_protections_refused(void **state)
{
    (void)state;
    setup();
    static const DWORD bad[] = {
        0,
        PAGE_READONLY | PAGE_READWRITE,
        PAGE_READONLY | PAGE_EXECUTE,
        PAGE_GUARD,
        PAGE_NOCACHE,
        PAGE_WRITECOMBINE,
        PAGE_NOACCESS | PAGE_GUARD,
        PAGE_NOACCESS | PAGE_NOCACHE,
        PAGE_NOACCESS | PAGE_WRITECOMBINE,
        PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD,
        PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE,
        PAGE_READWRITE | PAGE_GUARD | PAGE_WRITECOMBINE,
        0x800,
        PAGE_READWRITE | 0x800,
        0xffffffff,
    };
    struct snapshot before = snap();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        static const DWORD types[] = { MEM_RESERVE, MEM_COMMIT, MEM_RESERVE | MEM_COMMIT };
        for (size_t t = 0; t < 3; t++) {
            SetLastError(0xdeadbeef);
            assert_null(VirtualAlloc(NULL, 0x1000, types[t], bad[i]));
            expect_error(ERROR_INVALID_PARAMETER);
        }
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* ---- guard pages and access checks ---- */

/* PAGE_GUARD is one-shot: the first read raises STATUS_GUARD_PAGE_VIOLATION,
 * the guard is gone afterwards (ReactOS kmtest ZwAllocateVirtualMemory,
 * GUARD PAGES), and the next read succeeds. */
static void test_guard_page_read_is_one_shot(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD));
    char byte = 1;
    assert_int_equal(ntmm_read(p, base + 0x10, &byte, 1), STATUS_GUARD_PAGE_VIOLATION);
    test_verify(m);
    expect_exception(STATUS_GUARD_PAGE_VIOLATION, base + 0x10, 0);
    expect_region(base, base, base, PAGE_READWRITE | PAGE_GUARD, 0x1000, MEM_COMMIT,
                  PAGE_READWRITE, MEM_PRIVATE);
    expect_region(base + 0x1000, base + 0x1000, base, PAGE_READWRITE | PAGE_GUARD, 0x1000,
                  MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, MEM_PRIVATE);
    assert_int_equal(ntmm_read(p, base + 0x10, &byte, 1), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(byte, 0);
}

/* The same for a write: access 1 in the exception, and the write is not
 * done until it is retried. */
static void test_guard_page_write_is_one_shot(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD));
    assert_int_equal(ntmm_write(p, base + 0x20, "g", 1), STATUS_GUARD_PAGE_VIOLATION);
    test_verify(m);
    expect_exception(STATUS_GUARD_PAGE_VIOLATION, base + 0x20, 1);
    expect_region(base, base, base, PAGE_READWRITE | PAGE_GUARD, 0x1000, MEM_COMMIT,
                  PAGE_READWRITE, MEM_PRIVATE);
    assert_int_equal(ntmm_write(p, base + 0x20, "g", 1), STATUS_SUCCESS);
    char byte = 0;
    assert_int_equal(ntmm_read(p, base + 0x20, &byte, 1), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(byte, 'g');
}

/* A guard set by VirtualProtect on a resident page is one-shot too. */
static void test_guard_set_by_protect_on_resident_page(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_write(p, base, "q", 1), STATUS_SUCCESS);
    DWORD old;
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_READONLY | PAGE_GUARD, &old));
    test_verify(m);
    assert_int_equal(old, PAGE_READWRITE);
    char byte = 0;
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_GUARD_PAGE_VIOLATION);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READONLY,
                  MEM_PRIVATE);
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_SUCCESS);
    assert_int_equal(byte, 'q');
}

/* NX on PAE: executing PAGE_READWRITE memory is an access violation with
 * access 8 (EXCEPTION_EXECUTE_FAULT). */
static void test_nx_enforced_on_pae(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_execute(p, base + 0x40), STATUS_ACCESS_VIOLATION);
    test_verify(m);
    expect_exception(STATUS_ACCESS_VIOLATION, base + 0x40, 8);
}

static void test_nx_enforced_on_x64(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 32ull << 20, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_execute(p, base + 0x40), STATUS_ACCESS_VIOLATION);
    test_verify(m);
    expect_exception(STATUS_ACCESS_VIOLATION, base + 0x40, 8);
}

/* Without PAE there is no NX bit: readable memory executes. */
static void test_no_nx_on_plain_x86(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86, 32ull << 20, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(ntmm_execute(p, base + 0x40), STATUS_SUCCESS);
    test_verify(m);
}

/* PAGE_EXECUTE_READ executes on every architecture. */
static void test_execute_read_executes(void **state)
{
    (void)state;
    for (enum ntmm_arch arch = NTMM_ARCH_X86; arch <= NTMM_ARCH_X64; arch++) {
        boot(arch, 32ull << 20, NULL);
        uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_EXECUTE_READ));
        assert_int_equal(ntmm_execute(p, base), STATUS_SUCCESS);
        test_verify(m);
        char byte = 1;
        assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_SUCCESS);
        assert_int_equal(byte, 0);
        teardown(NULL);
    }
}

/* Writing PAGE_READONLY memory: access violation, access 1, data kept. */
static void test_write_to_readonly_faults(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READONLY));
    assert_int_equal(ntmm_write(p, base + 8, "w", 1), STATUS_ACCESS_VIOLATION);
    test_verify(m);
    expect_exception(STATUS_ACCESS_VIOLATION, base + 8, 1);
    char byte = 1;
    assert_int_equal(ntmm_read(p, base + 8, &byte, 1), STATUS_SUCCESS);
    assert_int_equal(byte, 0);
}

/* PAGE_NOACCESS memory faults on reads. */
static void test_read_noaccess_faults(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_NOACCESS));
    char byte;
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_ACCESS_VIOLATION);
    test_verify(m);
    expect_exception(STATUS_ACCESS_VIOLATION, base, 0);
}

/* ---- VirtualLock / VirtualUnlock ---- */

/* Locking committed pages makes them resident: every PTE translates. */
static void test_lock_makes_pages_valid(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    struct ntmm_walk walk;
    assert_int_equal(ntmm_pte_walk(m, p, base, &walk), STATUS_SUCCESS);
    assert_false(walk.translated);
    assert_true(VirtualLock(VA(base + 0x10), 0x3ff0));
    test_verify(m);
    for (uint64_t va = base; va < base + 0x4000; va += 0x1000) {
        assert_int_equal(ntmm_pte_walk(m, p, va, &walk), STATUS_SUCCESS);
        assert_true(walk.translated);
    }
}

/* Unlock succeeds once; a second unlock gives ERROR_NOT_LOCKED
 * (VirtualUnlock documentation). */
static void test_unlock_twice_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualLock(VA(base), 0x2000));
    test_verify(m);
    assert_true(VirtualUnlock(VA(base), 0x2000));
    test_verify(m);
    SetLastError(0xdeadbeef);
    assert_false(VirtualUnlock(VA(base), 0x2000));
    expect_error(ERROR_NOT_LOCKED);
    test_verify(m);
}

/* Unlocking pages that were never locked: ERROR_NOT_LOCKED. */
static void test_unlock_never_locked_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    assert_false(VirtualUnlock(VA(base), 0x1000));
    expect_error(ERROR_NOT_LOCKED);
    test_verify(m);
}

/* Locking reserved-only memory fails: the probe of the page faults
 * (STATUS_ACCESS_VIOLATION, ERROR_NOACCESS). */
static void test_lock_reserved_fails(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x10000, PAGE_READWRITE);
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_false(VirtualLock(VA(base), 0x1000));
    expect_error(ERROR_NOACCESS);
    test_verify(m);
    expect_unchanged(&before);
    SetLastError(0xdeadbeef);
    assert_false(VirtualUnlock(VA(base), 0x1000));
    expect_error(ERROR_NOT_LOCKED);
}

/* The quota: the minimum working set less the lock overhead, 42 pages on
 * a machine of 64 MB (a minimum of 50 pages). */
static void test_lock_up_to_quota_succeeds(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64ull << 20, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 0x40000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualLock(VA(base), 42 * 0x1000));
    test_verify(m);
    /* locking pages already locked adds nothing to the count */
    assert_true(VirtualLock(VA(base), 0x1000));
    test_verify(m);
}

static void test_lock_beyond_quota_fails(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64ull << 20, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 0x40000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    assert_false(VirtualLock(VA(base), 43 * 0x1000));
    expect_error(ERROR_WORKING_SET_QUOTA);
    test_verify(m);
    assert_true(VirtualLock(VA(base), 40 * 0x1000));
    SetLastError(0xdeadbeef);
    assert_false(VirtualLock(VA(base + 40 * 0x1000), 3 * 0x1000));
    expect_error(ERROR_WORKING_SET_QUOTA);
    test_verify(m);
}

/* Smaller machines give smaller minimums, as Windows does: 30 pages below
 * 64 MB (22 lockable), 20 below 19 MB (12 lockable). */
static void test_lock_quota_follows_machine_size(void **state)
{
    (void)state;
    static const struct {
        uint64_t ram;
        unsigned lockable;
    } machines[] = { { 16ull << 20, 12 }, { 32ull << 20, 22 } };
    for (unsigned i = 0; i < 2; i++) {
        boot(NTMM_ARCH_X86, machines[i].ram, NULL);
        uint64_t base = U(VirtualAlloc(NULL, 0x40000, MEM_COMMIT, PAGE_READWRITE));
        assert_false(VirtualLock(VA(base), (machines[i].lockable + 1) * 0x1000));
        expect_error(ERROR_WORKING_SET_QUOTA);
        assert_true(VirtualLock(VA(base), machines[i].lockable * 0x1000));
        test_verify(m);
        teardown(NULL);
    }
}

/* Making a locked, resident page PAGE_NOACCESS takes it out of memory and
 * unlocks it; the call still succeeds (STATUS_WAS_UNLOCKED, a success
 * status whose ntstatus.h text says exactly this). */
static void test_protect_noaccess_unlocks_locked_page(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualLock(VA(base), 0x2000));
    DWORD old = 0;
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_NOACCESS, &old));
    test_verify(m);
    assert_int_equal(old, PAGE_READWRITE);
    SetLastError(0xdeadbeef);
    assert_false(VirtualUnlock(VA(base), 0x1000));
    expect_error(ERROR_NOT_LOCKED);
    assert_true(VirtualUnlock(VA(base + 0x1000), 0x1000));
    test_verify(m);
}

/* Decommitting locked pages forgets their locks. */
static void test_decommit_forgets_lock(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualLock(VA(base), 0x2000));
    assert_true(VirtualFree(VA(base), 0x2000, MEM_DECOMMIT));
    test_verify(m);
    assert_non_null(VirtualAlloc(VA(base), 0x2000, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0xdeadbeef);
    assert_false(VirtualUnlock(VA(base), 0x2000));
    expect_error(ERROR_NOT_LOCKED);
    test_verify(m);
}

/* ---- the commit limit ---- */

/* With 16 MB of RAM and no pagefile, 64 MB can be reserved but not
 * committed; the failure changes nothing. */
static void test_commit_limit_refuses_commit(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X86_PAE, 16ull << 20, 0, false, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 64ull << 20, MEM_RESERVE, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    test_verify(m);
    MEMORY_STATUS_SNAPSHOT(status_before);
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(base), 64ull << 20, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_COMMITMENT_LIMIT);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 64ull << 20, MEM_RESERVE, 0, MEM_PRIVATE);
    MEMORY_STATUS_SNAPSHOT(status_after);
    assert_int_equal(status_after.ullAvailPageFile, status_before.ullAvailPageFile);
    expect_unchanged(&before);
}

/* Reserve-and-commit beyond the limit leaves no reservation behind. */
static void test_commit_limit_refuses_reserve_and_commit(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X86_PAE, 16ull << 20, 0, false, NULL);
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(NULL, 64ull << 20, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_COMMITMENT_LIMIT);
    test_verify(m);
    expect_unchanged(&before);
}

/* ---- other processes (the *Ex functions) ---- */

/* Memory allocated in another process appears there only. */
static void test_ex_allocates_in_other_process(void **state)
{
    (void)state;
    setup();
    struct ntmm_process *other = spawn(NULL);
    HANDLE h = ntmm_process_handle(other);
    uint64_t base = U(VirtualAllocEx(h, NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    test_verify(m);
    MEMORY_BASIC_INFORMATION info;
    assert_int_equal(VirtualQueryEx(h, VA(base), &info, sizeof info), sizeof info);
    assert_int_equal(info.State, MEM_COMMIT);
    assert_int_equal(U(info.AllocationBase), base);
    expect_region(base, base, 0, 0, NEXT_FREE, MEM_FREE, PAGE_NOACCESS, 0);
    assert_int_equal(ntmm_write(other, base, "o", 1), STATUS_SUCCESS);
    char byte;
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_ACCESS_VIOLATION);
    test_verify(m);
}

/* VirtualProtectEx and VirtualFreeEx act on the named process only. */
static void test_ex_protect_and_free_other_process(void **state)
{
    (void)state;
    setup();
    struct ntmm_process *other = spawn(NULL);
    HANDLE h = ntmm_process_handle(other);
    uint64_t mine = reserve_at(0x20000000, 0x10000, PAGE_READWRITE);
    assert_non_null(VirtualAlloc(VA(mine), 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(U(VirtualAllocEx(h, VA(0x20000000), 0x10000, MEM_RESERVE | MEM_COMMIT,
                                      PAGE_READWRITE)),
                     0x20000000);
    DWORD old = 0;
    assert_true(VirtualProtectEx(h, VA(0x20000000), 0x1000, PAGE_READONLY, &old));
    assert_int_equal(old, PAGE_READWRITE);
    test_verify(m);
    expect_region(mine, mine, mine, PAGE_READWRITE, 0x10000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    assert_true(VirtualFreeEx(h, VA(0x20000000), 0, MEM_RELEASE));
    test_verify(m);
    MEMORY_BASIC_INFORMATION info;
    assert_int_equal(VirtualQueryEx(h, VA(0x20000000), &info, sizeof info), sizeof info);
    assert_int_equal(info.State, MEM_FREE);
    expect_region(mine, mine, mine, PAGE_READWRITE, 0x10000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

/* Process counters through another process's handle are its own. */
static void test_ex_counters_of_other_process(void **state)
{
    (void)state;
    setup();
    struct ntmm_process *other = spawn(NULL);
    HANDLE h = ntmm_process_handle(other);
    SIZE_T mine = private_usage();
    PROCESS_MEMORY_COUNTERS_EX before = counters_of(h);
    assert_non_null(VirtualAllocEx(h, NULL, 0x5000, MEM_COMMIT, PAGE_READWRITE));
    test_verify(m);
    PROCESS_MEMORY_COUNTERS_EX after = counters_of(h);
    assert_int_equal(after.PrivateUsage - before.PrivateUsage, 0x5000);
    assert_int_equal(private_usage(), mine);
}

/* ---- termination ---- */

/* Terminating a process gives back every page: after idle time the
 * available pages are what they were before it was created. */
static void test_terminate_frees_everything(void **state)
{
    (void)state;
    m = test_boot(NTMM_ARCH_X86_PAE, 32ull << 20);
    struct ntmm_machine_info before, after;
    ntmm_machine_idle(m);
    ntmm_machine_info(m, &before);
    p = spawn(NULL);
    ntmm_set_current_process(p);
    uint64_t a = U(VirtualAlloc(NULL, 0x100000, MEM_COMMIT, PAGE_READWRITE));
    uint64_t b = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE));
    assert_non_null(VirtualAlloc(VA(b), 0x3000, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD));
    for (uint64_t off = 0; off < 0x100000; off += 0x7000)
        assert_int_equal(ntmm_write(p, a + off, "t", 1), STATUS_SUCCESS);
    assert_true(VirtualLock(VA(a), 0x8000));
    DWORD old;
    assert_true(VirtualProtect(VA(a + 0x70000), 0x1000, PAGE_NOACCESS, &old));
    test_verify(m);
    ntmm_process_terminate(p);
    p = NULL;
    test_verify(m);
    ntmm_machine_idle(m);
    ntmm_machine_info(m, &after);
    assert_int_equal(after.available_pages, before.available_pages);
    test_verify(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reserve_gives_reserved_region),
        T(test_commit_null_reserves_and_commits),
        T(test_commit_inside_reservation_rounds_to_pages),
        T(test_commit_outside_reservation_fails),
        T(test_commit_crossing_reservation_end_fails),
        T(test_reserve_rounds_base_to_granularity),
        T(test_overlapping_reservation_fails),
        T(test_commit_twice_succeeds),
        T(test_top_down_takes_highest_range),
        T(test_reset_with_commit_or_reserve_invalid),
        T(test_reset_with_top_down_invalid),
        T(test_reset_committed_returns_address),
        T(test_reset_reserved_pages_succeeds),
        T(test_reset_crossing_allocation_end_fails),
        T(test_reset_undo_keeps_data),
        T(test_release_with_size_invalid),
        T(test_release_not_at_base_fails),
        T(test_release_frees_allocation),
        T(test_partial_decommit_splits_region),
        T(test_decommit_crossing_allocation_end_fails),
        T(test_decommitted_page_faults),
        T(test_committed_pages_are_zero),
        T(test_free_type_combinations_invalid),
        T(test_free_of_free_address_fails),
        T(test_decommit_size_zero_not_at_base_fails),
        T(test_protect_returns_old_protection),
        T(test_protect_uncommitted_fails),
        T(test_protect_free_fails),
        T(test_protect_null_old_fails),
        T(test_protect_mixed_range_returns_first),
        T(test_protect_writecopy_refused),
        T(test_alloc_writecopy_refused),
        T(test_protect_invalid_values_refused),
        T(test_query_free_region_at_zero),
        T(test_query_free_region_to_user_limit),
        T(test_query_past_user_limit_fails),
        T(test_query_short_length_fails),
        T(test_query_unaligned_address),
        T(test_query_groups_by_protection),
        T(test_every_valid_protection_reported),
        T(test_every_valid_protection_reserve_and_protect),
        T(test_invalid_protections_refused),
        T(test_guard_page_read_is_one_shot),
        T(test_guard_page_write_is_one_shot),
        T(test_guard_set_by_protect_on_resident_page),
        T(test_nx_enforced_on_pae),
        T(test_nx_enforced_on_x64),
        T(test_no_nx_on_plain_x86),
        T(test_execute_read_executes),
        T(test_write_to_readonly_faults),
        T(test_read_noaccess_faults),
        T(test_lock_makes_pages_valid),
        T(test_unlock_twice_fails),
        T(test_unlock_never_locked_fails),
        T(test_lock_reserved_fails),
        T(test_lock_up_to_quota_succeeds),
        T(test_lock_beyond_quota_fails),
        T(test_lock_quota_follows_machine_size),
        T(test_protect_noaccess_unlocks_locked_page),
        T(test_decommit_forgets_lock),
        T(test_commit_limit_refuses_commit),
        T(test_commit_limit_refuses_reserve_and_commit),
        T(test_ex_allocates_in_other_process),
        T(test_ex_protect_and_free_other_process),
        T(test_ex_counters_of_other_process),
        T(test_terminate_frees_everything),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
