/*
 * test_paging.c — the paging groundwork: explicit TLB invalidation and its
 * follower, MmInfoCounters, frame states as named primitives (a frame in the
 * wrong state stops the machine), and the one frame-taking path reusing the
 * standby list when the zeroed and free lists are empty.
 */
#include "virtual_testing.h"

#define MB (1ull << 20)

/* ---- the TLB follower ---- */
struct event {
    enum ntmm_tlb_event event;
    uint64_t base, address;
};
static struct event events[4096];
static unsigned event_count;

static void follow(enum ntmm_tlb_event event, uint64_t base, uint64_t address, void *context)
{
    (void)context;
    if (event_count < sizeof events / sizeof events[0])
        events[event_count] = (struct event){ event, base, address };
    event_count++;
}

static bool announced(enum ntmm_tlb_event event, uint64_t base, uint64_t address)
{
    for (unsigned i = 0; i < event_count; i++)
        if (events[i].event == event && events[i].base == base && events[i].address == address)
            return true;
    return false;
}

static uint64_t cr3(void)
{
    struct ntmm_process_info info;
    ntmm_process_info(p, &info);
    return info.directory_table_base;
}

/* A PTE that was valid is announced when it changes, in its own space; one
 * that was never valid cannot be cached and is not; a freed page table
 * flushes the space. On all three architectures. */
static void test_invalidations_are_announced(void **state)
{
    (void)state;
    static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
    for (unsigned a = 0; a < 3; a++) {
        boot(arches[a], 32 * MB, NULL);
        ntmm_register_tlb_callback(m, follow, NULL);
        event_count = 0;
        uint64_t base = U(VirtualAlloc(NULL, 0x3000, MEM_COMMIT, PAGE_READWRITE));
        write32(base, 1);
        write32(base + 0x1000, 2);
        assert_false(announced(NTMM_TLB_PAGE, cr3(), base)); /* demand zero: was invalid */
        DWORD old;
        assert_true(VirtualProtect(VA(base), 0x1000, PAGE_NOACCESS, &old));
        assert_true(announced(NTMM_TLB_PAGE, cr3(), base));
        assert_false(announced(NTMM_TLB_PAGE, cr3(), base + 0x1000));
        assert_true(VirtualFree(VA(base + 0x1000), 0x1000, MEM_DECOMMIT));
        assert_true(announced(NTMM_TLB_PAGE, cr3(), base + 0x1000));
        assert_false(announced(NTMM_TLB_ADDRESS_SPACE, cr3(), 0));
        assert_true(VirtualFree(VA(base), 0, MEM_RELEASE)); /* its page table goes */
        assert_true(announced(NTMM_TLB_ADDRESS_SPACE, cr3(), 0));
        ntmm_register_tlb_callback(m, NULL, NULL);
        event_count = 0;
        base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
        write32(base, 3);
        assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
        assert_int_equal(event_count, 0);
        test_verify(m);
        teardown(NULL);
    }
}

/* ---- MmInfoCounters ---- */
static uint32_t counter(unsigned index)
{
    struct ntmm_symbol s;
    assert_int_equal(ntmm_symbol_lookup(m, "MmInfoCounters", &s), STATUS_SUCCESS);
    assert_string_equal(s.type, "_MMINFO_COUNTERS");
    assert_int_equal(s.size, 13 * 4);
    uint32_t v;
    assert_int_equal(ntmm_read_virtual(m, s.address + 4 * index, &v, 4), STATUS_SUCCESS);
    return v;
}

enum { PAGE_FAULT, COPY_ON_WRITE, TRANSITION, DEMAND_ZERO = 4, PAGE_READ, PAGE_READ_IO };

static void expect_counts(const uint32_t *before, int faults, int cow, int transition,
                          int demand_zero, int reads)
{
    assert_int_equal(counter(PAGE_FAULT) - before[PAGE_FAULT], faults);
    assert_int_equal(counter(COPY_ON_WRITE) - before[COPY_ON_WRITE], cow);
    assert_int_equal(counter(TRANSITION) - before[TRANSITION], transition);
    assert_int_equal(counter(DEMAND_ZERO) - before[DEMAND_ZERO], demand_zero);
    assert_int_equal(counter(PAGE_READ) - before[PAGE_READ], reads);
    assert_int_equal(counter(PAGE_READ_IO) - before[PAGE_READ_IO], reads);
}

static void snapshot(uint32_t *c)
{
    for (unsigned i = 0; i < 13; i++)
        c[i] = counter(i);
}

/* Each resolved fault counts once in PageFaultCount and in the counter of
 * its kind; a write to an untouched copy-on-write page counts one fault,
 * one demand-zero and one copy-on-write; a guard page counts a fault only;
 * access violations count nothing. */
static void test_info_counters(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 32 * MB, NULL);
    uint32_t c[13];
    snapshot(c);
    uint64_t base = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    for (unsigned i = 0; i < 4; i++)
        write32(base + i * 0x1000, i);
    expect_counts(c, 4, 0, 0, 4, 0);
    snapshot(c);
    DWORD old;
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_NOACCESS, &old));
    uint32_t v;
    assert_int_equal(ntmm_read(p, base, &v, 4), STATUS_ACCESS_VIOLATION);
    expect_counts(c, 0, 0, 0, 0, 0);
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
    assert_int_equal(ntmm_read(p, base, &v, 4), STATUS_GUARD_PAGE_VIOLATION);
    expect_counts(c, 1, 0, 0, 0, 0);
    assert_int_equal(read32(base), 0); /* the guard made it valid again: no second fault */
    expect_counts(c, 1, 0, 0, 0, 0);
    assert_true(VirtualProtect(VA(base + 0x1000), 0x1000, PAGE_NOACCESS, &old));
    assert_true(VirtualProtect(VA(base + 0x1000), 0x1000, PAGE_READONLY, &old));
    assert_int_equal(read32(base + 0x1000), 1);
    expect_counts(c, 2, 0, 1, 0, 0);
    snapshot(c);
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x2000, NULL);
    assert_non_null(section);
    uint64_t view = U(MapViewOfFile(section, FILE_MAP_COPY, 0, 0, 0));
    assert_int_not_equal(view, 0);
    write32(view, 7);
    expect_counts(c, 1, 1, 0, 1, 0);
    assert_true(UnmapViewOfFile(VA(view)));
    assert_true(CloseHandle(section));
    test_verify(m);
}

/* ---- the frame-taking path and the standby list ---- */
static uint64_t list_total(unsigned list)
{
    struct ntmm_list_info info;
    assert_int_equal(ntmm_list_query(m, list, &info), STATUS_SUCCESS);
    return info.total;
}

/* When the zeroed and free lists are empty a standby frame is repurposed:
 * pages MEM_RESET and then made no-access went to standby; once their
 * frames are taken their PTEs are demand zero again and read as zeroes. */
static void test_standby_frames_are_repurposed(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X86, 16 * MB, 0, false, NULL); /* no pagefile: nothing else reaches standby */
    uint64_t standby = 64, stand = U(VirtualAlloc(NULL, standby * 0x1000, MEM_COMMIT, PAGE_READWRITE));
    for (uint64_t i = 0; i < standby; i++)
        write32(stand + i * 0x1000, 0x5a5a0000 + (uint32_t)i);
    assert_non_null(VirtualAlloc(VA(stand), standby * 0x1000, MEM_RESET, PAGE_READWRITE));
    DWORD old;
    assert_true(VirtualProtect(VA(stand), standby * 0x1000, PAGE_NOACCESS, &old));
    assert_int_equal(list_total(NTMM_STANDBY), standby);
    test_verify(m);
    /* touch pages until only the standby frames are left, then some of them */
    MEMORYSTATUSEX status = { .dwLength = sizeof status };
    assert_true(GlobalMemoryStatusEx(&status));
    uint64_t size = status.ullAvailPageFile & ~0xfffull; /* all the commit left */
    uint64_t big = U(VirtualAlloc(NULL, size, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(big, 0);
    uint64_t touched = 0;
    while (list_total(NTMM_ZEROED) + list_total(NTMM_FREE) > 0)
        write32(big + touched++ * 0x1000, 1);
    for (unsigned i = 0; i < 8; i++)
        write32(big + touched++ * 0x1000, 1);
    assert_int_equal(list_total(NTMM_STANDBY), standby - 8);
    test_verify(m);
    assert_true(VirtualFree(VA(big), 0, MEM_RELEASE));
    assert_true(VirtualProtect(VA(stand), standby * 0x1000, PAGE_READWRITE, &old));
    for (uint64_t i = 0; i < 8; i++)
        assert_int_equal(read32(stand + i * 0x1000), 0); /* repurposed: demand zero again */
    for (uint64_t i = 8; i < standby; i++)
        assert_int_equal(read32(stand + i * 0x1000), 0x5a5a0000 + (uint32_t)i);
    test_verify(m);
}

/* A frame whose PFN entry a script edited out of its state stops the
 * machine when a primitive meets it: MEMORY_MANAGEMENT 0x403 with the PFN,
 * the PageLocation it has and its ShareCount. */
static void test_wrong_state_is_a_bug_check(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 32 * MB, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    write32(base, 1);
    DWORD old;
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_NOACCESS, &old));
    uint64_t frames[8];
    unsigned found = 0;
    for (uint64_t pfn = 0; found < 8 && pfn < (32 * MB) >> 12; pfn++) {
        struct ntmm_pfn_info info;
        assert_int_equal(ntmm_pfn_query(m, pfn, &info), STATUS_SUCCESS);
        if (info.page_location == NTMM_MODIFIED)
            frames[found++] = pfn;
    }
    assert_int_equal(found, 1);
    struct ntmm_pfn_info info;
    assert_int_equal(ntmm_pfn_query(m, frames[0], &info), STATUS_SUCCESS);
    uint16_t flags = (uint16_t)((info.flags & ~0x700u) | (NTMM_ACTIVE << 8));
    assert_int_equal(ntmm_write_virtual(m, info.entry_address + 0x18, &flags, 2), STATUS_SUCCESS);
    assert_true(VirtualProtect(VA(base), 0x1000, PAGE_READWRITE, &old));
    uint32_t v;
    assert_int_equal(ntmm_read(p, base, &v, 4), STATUS_SHUTDOWN_IN_PROGRESS);
    struct ntmm_bug_check bc;
    assert_true(ntmm_machine_bug_check(m, &bc));
    assert_int_equal(bc.code, 0x1a);
    assert_int_equal(bc.parameters[0], 0x403);
    assert_int_equal(bc.parameters[1], frames[0]);
    assert_int_equal(bc.parameters[2], NTMM_ACTIVE);
}

/* ---- paging ---- */
static uint32_t pattern(uint64_t page)
{
    return (uint32_t)(page * 2654435761u) ^ 0x9e3779b9u;
}

/* E9 in miniature: twice RAM committed and written on a 16 MB machine
 * with a 64 MB pagefile; the working set is trimmed, dirty pages are
 * written to the pagefile, and reading everything back hard-faults them in
 * (with clustering) with every byte as written. */
static void test_more_than_ram(void **state)
{
    (void)state;
    static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
    for (unsigned a = 0; a < 3; a++) {
        boot_config(arches[a], 16 * MB, 64 * MB, false, NULL);
        uint32_t c[13];
        snapshot(c);
        uint64_t pages = (32 * MB) >> 12;
        uint64_t base = U(VirtualAlloc(NULL, pages << 12, MEM_COMMIT, PAGE_READWRITE));
        assert_int_not_equal(base, 0);
        for (uint64_t i = 0; i < pages; i++)
            write32(base + (i << 12) + (i % 1000) * 4, pattern(i));
        test_verify(m);
        assert_true(counter(9) > c[9]);   /* DirtyPagesWriteCount */
        assert_true(counter(10) > c[10]); /* DirtyWriteIoCount */
        assert_true(counter(9) - c[9] > counter(10) - c[10]); /* clusters of pages */
        snapshot(c);
        for (uint64_t i = 0; i < pages; i++)
            assert_int_equal(read32(base + (i << 12) + (i % 1000) * 4), pattern(i));
        assert_true(counter(PAGE_READ) - c[PAGE_READ] > counter(PAGE_READ_IO) - c[PAGE_READ_IO]);
        assert_true(counter(PAGE_READ_IO) > c[PAGE_READ_IO]);
        assert_true(counter(TRANSITION) > c[TRANSITION]); /* the neighbours read with them */
        test_verify(m);
        assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
        test_verify(m);
        struct ntmm_paging_file_info files[1];
        unsigned count = 0;
        ntmm_query_paging_files(m, files, 1, &count);
        assert_int_equal(files[0].current_usage, 0); /* every slot came back */
        teardown(NULL);
    }
}

/* A pagefile read error fails the faulting access with STATUS_IN_PAGE_ERROR
 * and changes nothing: the next access reads the page; a write error leaves
 * the pages modified, and they are written later. */
static void test_page_file_errors(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X86_PAE, 16 * MB, 64 * MB, false, NULL);
    uint64_t pages = (24 * MB) >> 12;
    uint64_t base = U(VirtualAlloc(NULL, pages << 12, MEM_COMMIT, PAGE_READWRITE));
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_WRITE, 1);
    for (uint64_t i = 0; i < pages; i++)
        write32(base + (i << 12), pattern(i));
    assert_int_equal(ntmm_fault_count(m, NTMM_FAULT_PAGEFILE_WRITE) > 1, true);
    test_verify(m);
    uint32_t v;
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_READ, 1);
    assert_int_equal(ntmm_read(p, base, &v, 4), STATUS_IN_PAGE_ERROR);
    test_verify(m);
    for (uint64_t i = 0; i < pages; i++)
        assert_int_equal(read32(base + (i << 12)), pattern(i));
    test_verify(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_invalidations_are_announced),
        T(test_info_counters),
        T(test_standby_frames_are_repurposed),
        T(test_wrong_state_is_a_bug_check),
        T(test_more_than_ram),
        T(test_page_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
