/*
 * test_perfinfo.c — the system-wide counters as Windows reports them:
 * NtQuerySystemInformation(SystemPerformanceInformation) (its layout, its
 * length and class errors, its counters after demand-zero, transition and
 * copy-on-write faults, commit and its peak, paged pool), GetPerformanceInfo,
 * and the agreement of those with GlobalMemoryStatusEx, GetProcessMemoryInfo,
 * the kernel variables and !vm.
 */
#include <stdlib.h>
#include <string.h>

#include "virtual_testing.h"

#include "tools/tools.h"

#define MB (1ull << 20)
#define PAGE 0x1000u

static SYSTEM_PERFORMANCE_INFORMATION performance(void)
{
    SYSTEM_PERFORMANCE_INFORMATION info;
    memset(&info, 0xcc, sizeof info);
    ULONG length = 0;
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, &info, sizeof info,
                                              &length),
                     STATUS_SUCCESS);
    assert_int_equal(length, sizeof info);
    return info;
}

static PERFORMANCE_INFORMATION performance_info(void)
{
    PERFORMANCE_INFORMATION info;
    memset(&info, 0xcc, sizeof info);
    assert_true(GetPerformanceInfo(&info, sizeof info));
    return info;
}

/* size bytes at offset in the kernel variable name, as simulated memory
 * holds them. */
static uint64_t kernel_bytes(const char *name, unsigned offset, unsigned size)
{
    struct ntmm_symbol s;
    assert_int_equal(ntmm_symbol_lookup(m, name, &s), STATUS_SUCCESS);
    uint64_t v = 0;
    assert_int_equal(ntmm_read_virtual(m, s.address + offset, &v, size), STATUS_SUCCESS);
    return v;
}

static uint64_t kernel_variable(const char *name)
{
    struct ntmm_symbol s;
    assert_int_equal(ntmm_symbol_lookup(m, name, &s), STATUS_SUCCESS);
    return kernel_bytes(name, 0, s.size);
}

/* ---- layout ---- */

/* The XP / Server 2003 SYSTEM_PERFORMANCE_INFORMATION: four LARGE_INTEGERs,
 * then 70 ULONGs, 0x138 bytes with no pointer in it (so on both bitnesses);
 * psapi's PERFORMANCE_INFORMATION in its _WIN64 layout, 104 bytes. */
static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(SYSTEM_PERFORMANCE_INFORMATION), 0x138);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, IdleProcessTime), 0);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, IoOtherTransferCount), 0x18);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, IoReadOperationCount), 0x20);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, AvailablePages), 0x2c);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, CommittedPages), 0x30);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, CommitLimit), 0x34);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PeakCommitment), 0x38);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PageFaultCount), 0x3c);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, DemandZeroCount), 0x4c);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, MappedWriteIoCount), 0x6c);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, PagedPoolPages), 0x70);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, FreeSystemPtes), 0x88);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, AvailablePagedPoolPages), 0xa0);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, CcFastReadNoWait), 0xb0);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, CcDataPages), 0x124);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, ContextSwitches), 0x128);
    assert_int_equal(offsetof(SYSTEM_PERFORMANCE_INFORMATION, SystemCalls), 0x134);
    assert_int_equal(sizeof(PERFORMANCE_INFORMATION), 104);
    assert_int_equal(offsetof(PERFORMANCE_INFORMATION, CommitTotal), 8);
    assert_int_equal(offsetof(PERFORMANCE_INFORMATION, PhysicalAvailable), 0x28);
    assert_int_equal(offsetof(PERFORMANCE_INFORMATION, PageSize), 0x50);
    assert_int_equal(offsetof(PERFORMANCE_INFORMATION, HandleCount), 0x58);
    assert_int_equal(offsetof(PERFORMANCE_INFORMATION, ThreadCount), 0x60);
}

/* ---- errors ---- */

/* A shorter buffer: STATUS_INFO_LENGTH_MISMATCH, nothing written, not even
 * ReturnLength; a longer one: only the structure written; no buffer:
 * STATUS_ACCESS_VIOLATION; other classes STATUS_INVALID_INFO_CLASS;
 * SystemBasicInformation still takes exactly its size. */
static void test_length_and_class_errors(void **state)
{
    (void)state;
    setup();
    uint8_t buffer[0x140];
    ULONG length = 0x5a5a;
    memset(buffer, 0xcc, sizeof buffer);
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, buffer, 0x137, &length),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(length, 0x5a5a);
    assert_int_equal(buffer[0x2c], 0xcc);
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, buffer, 0, &length),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, NULL, 0, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, buffer, sizeof buffer,
                                              &length),
                     STATUS_SUCCESS);
    assert_int_equal(length, 0x138);
    assert_int_equal(buffer[0x138], 0xcc);
    assert_int_equal(buffer[0x13f], 0xcc);
    ULONG committed;
    memcpy(&committed, buffer + 0x30, 4);
    assert_int_equal(committed, kernel_variable("MmTotalCommittedPages"));
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, NULL, 0x138, NULL),
                     STATUS_ACCESS_VIOLATION);
    static const ULONG classes[] = { 1, 3, 5, 0x7fffffff, 0xffffffff };
    for (unsigned i = 0; i < sizeof classes / sizeof classes[0]; i++)
        assert_int_equal(NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)classes[i], buffer,
                                                  sizeof buffer, &length),
                         STATUS_INVALID_INFO_CLASS);
    assert_int_equal(NtQuerySystemInformation(SystemBasicInformation, buffer,
                                              sizeof(SYSTEM_BASIC_INFORMATION) + 1, &length),
                     STATUS_INFO_LENGTH_MISMATCH);
    ntmm_set_current_process(NULL);
    memset(buffer, 0xcc, sizeof buffer);
    assert_false(NT_SUCCESS(NtQuerySystemInformation(SystemPerformanceInformation, buffer,
                                                     sizeof buffer, NULL)));
    assert_int_equal(buffer[0], 0xcc);
    ntmm_set_current_process(p);
}

/* GetPerformanceInfo: cb below the structure's size fails with
 * ERROR_BAD_LENGTH and writes nothing; a larger cb succeeds with cb set to
 * the structure's size. */
static void test_get_performance_info_errors(void **state)
{
    (void)state;
    setup();
    uint8_t buffer[sizeof(PERFORMANCE_INFORMATION) + 8];
    memset(buffer, 0xcc, sizeof buffer);
    SetLastError(0);
    assert_false(GetPerformanceInfo((PPERFORMANCE_INFORMATION)buffer, sizeof buffer - 9));
    expect_error(ERROR_BAD_LENGTH);
    assert_false(GetPerformanceInfo((PPERFORMANCE_INFORMATION)buffer, 0));
    expect_error(ERROR_BAD_LENGTH);
    assert_int_equal(buffer[0], 0xcc);
    assert_true(GetPerformanceInfo((PPERFORMANCE_INFORMATION)buffer, sizeof buffer));
    DWORD cb;
    memcpy(&cb, buffer, 4);
    assert_int_equal(cb, sizeof(PERFORMANCE_INFORMATION));
    assert_int_equal(buffer[sizeof(PERFORMANCE_INFORMATION)], 0xcc);
}

/* ---- counters ---- */

/* The counters are MmInfoCounters' bytes, in _MMINFO_COUNTERS' order; the
 * commit fields are the kernel variables. */
static void expect_kernel_values(const SYSTEM_PERFORMANCE_INFORMATION *s)
{
    const uint8_t *counters = (const uint8_t *)s + offsetof(SYSTEM_PERFORMANCE_INFORMATION,
                                                            PageFaultCount);
    for (unsigned i = 0; i < 13; i++) {
        uint32_t v;
        memcpy(&v, counters + 4 * i, 4);
        assert_int_equal(v, kernel_bytes("MmInfoCounters", 4 * i, 4));
    }
    assert_int_equal(s->AvailablePages, kernel_variable("MmAvailablePages"));
    assert_int_equal(s->CommittedPages, kernel_variable("MmTotalCommittedPages"));
    assert_int_equal(s->CommitLimit, kernel_variable("MmTotalCommitLimit"));
    assert_int_equal(s->PeakCommitment, kernel_variable("MmPeakCommitment"));
}

/* Fields ntmm has no source for are 0. */
static void expect_unmodelled_zero(const SYSTEM_PERFORMANCE_INFORMATION *s)
{
    assert_int_equal(s->IdleProcessTime.QuadPart, 0);
    assert_int_equal(s->IoReadTransferCount.QuadPart, 0);
    assert_int_equal(s->IoOtherOperationCount, 0);
    assert_int_equal(s->NonPagedPoolPages, 0);
    assert_int_equal(s->FreeSystemPtes, 0);
    assert_int_equal(s->ResidentSystemCachePage, 0);
    assert_int_equal(s->CcFastReadNoWait, 0);
    assert_int_equal(s->CcDataPages, 0);
    assert_int_equal(s->ContextSwitches, 0);
    assert_int_equal(s->SystemCalls, 0);
}

/* Demand-zero faults count in PageFaultCount and DemandZeroCount and take
 * available pages; a protection round trip makes a transition fault; a
 * first write to a copy-on-write view counts a copy-on-write (and the
 * demand-zero fault of its prototype); commit follows VirtualAlloc. */
static void test_counters_follow_faults(void **state)
{
    (void)state;
    setup();
    SYSTEM_PERFORMANCE_INFORMATION s0 = performance();
    expect_kernel_values(&s0);
    expect_unmodelled_zero(&s0);
    uint64_t base = U(VirtualAlloc(NULL, 8 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    SYSTEM_PERFORMANCE_INFORMATION s1 = performance();
    assert_int_equal(s1.CommittedPages, s0.CommittedPages + 8);
    assert_int_equal(s1.PageFaultCount, s0.PageFaultCount);
    for (unsigned i = 0; i < 8; i++)
        write32(base + i * PAGE, i);
    SYSTEM_PERFORMANCE_INFORMATION s2 = performance();
    expect_kernel_values(&s2);
    assert_int_equal(s2.PageFaultCount, s1.PageFaultCount + 8);
    assert_int_equal(s2.DemandZeroCount, s1.DemandZeroCount + 8);
    assert_int_equal(s2.TransitionCount, s1.TransitionCount);
    assert_int_equal(s2.CopyOnWriteCount, s1.CopyOnWriteCount);
    assert_true(s2.AvailablePages <= s1.AvailablePages - 8);
    DWORD old;
    assert_true(VirtualProtect(VA(base), PAGE, PAGE_NOACCESS, &old));
    assert_true(VirtualProtect(VA(base), PAGE, PAGE_READONLY, &old));
    assert_int_equal(read32(base), 0);
    SYSTEM_PERFORMANCE_INFORMATION s3 = performance();
    assert_int_equal(s3.PageFaultCount, s2.PageFaultCount + 1);
    assert_int_equal(s3.TransitionCount, s2.TransitionCount + 1);
    assert_int_equal(s3.DemandZeroCount, s2.DemandZeroCount);
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2 * PAGE,
                                        NULL);
    assert_non_null(section);
    uint64_t view = U(MapViewOfFile(section, FILE_MAP_COPY, 0, 0, 0));
    assert_int_not_equal(view, 0);
    write32(view, 7);
    SYSTEM_PERFORMANCE_INFORMATION s4 = performance();
    expect_kernel_values(&s4);
    assert_int_equal(s4.PageFaultCount, s3.PageFaultCount + 1);
    assert_int_equal(s4.CopyOnWriteCount, s3.CopyOnWriteCount + 1);
    assert_int_equal(s4.DemandZeroCount, s3.DemandZeroCount + 1);
    assert_int_equal(s4.PageReadCount, s0.PageReadCount);
    assert_true(UnmapViewOfFile(VA(view)));
    assert_true(CloseHandle(section));
    test_verify(m);
}

/* PeakCommitment is the highest the commit charge has been: it rises with
 * it and stays when commit is returned. */
static void test_peak_commitment(void **state)
{
    (void)state;
    setup();
    SYSTEM_PERFORMANCE_INFORMATION s0 = performance();
    assert_true(s0.PeakCommitment >= s0.CommittedPages);
    uint64_t big = U(VirtualAlloc(NULL, 64 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(big, 0);
    SYSTEM_PERFORMANCE_INFORMATION s1 = performance();
    assert_int_equal(s1.CommittedPages, s0.CommittedPages + 64);
    assert_int_equal(s1.PeakCommitment, s1.CommittedPages);
    assert_true(VirtualFree(VA(big), 0, MEM_RELEASE));
    uint64_t small = U(VirtualAlloc(NULL, 8 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(small, 0);
    SYSTEM_PERFORMANCE_INFORMATION s2 = performance();
    assert_int_equal(s2.CommittedPages, s0.CommittedPages + 8);
    assert_int_equal(s2.PeakCommitment, s1.PeakCommitment);
    expect_kernel_values(&s2);
    assert_int_equal(performance_info().CommitPeak, s1.PeakCommitment);
    /* a charge the limit refuses, even once the pagefile has grown to its
     * maximum (3 x RAM), leaves the peak alone */
    assert_null(VirtualAlloc(NULL, ((SIZE_T)s2.CommitLimit * 4) * PAGE, MEM_COMMIT,
                             PAGE_READWRITE));
    assert_int_equal(performance().PeakCommitment, s1.PeakCommitment);
}

/* PagedPoolPages counts the paged pool pages in use (a section's prototype
 * PTEs take some), AvailablePagedPoolPages the rest of the pool;
 * GetPerformanceInfo's KernelPaged is the same count. */
static void test_paged_pool_pages(void **state)
{
    (void)state;
    setup();
    SYSTEM_PERFORMANCE_INFORMATION s0 = performance();
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 16 * MB,
                                        NULL);
    assert_non_null(section);
    SYSTEM_PERFORMANCE_INFORMATION s1 = performance();
    assert_true(s1.PagedPoolPages > s0.PagedPoolPages);
    assert_int_equal(s1.PagedPoolPages + s1.AvailablePagedPoolPages,
                     s0.PagedPoolPages + s0.AvailablePagedPoolPages);
    PERFORMANCE_INFORMATION i = performance_info();
    assert_int_equal(i.KernelPaged, s1.PagedPoolPages);
    assert_int_equal(i.KernelTotal, s1.PagedPoolPages);
    assert_int_equal(i.KernelNonpaged, 0);
    assert_true(CloseHandle(section));
    assert_int_equal(performance().PagedPoolPages, s0.PagedPoolPages);
}

/* ---- agreement ---- */

static MEMORYSTATUSEX memory_status(void)
{
    MEMORYSTATUSEX s = { .dwLength = sizeof s };
    assert_true(GlobalMemoryStatusEx(&s));
    return s;
}

static PROCESS_MEMORY_COUNTERS_EX process_counters(void)
{
    PROCESS_MEMORY_COUNTERS_EX c;
    assert_true(GetProcessMemoryInfo(GetCurrentProcess(), (PPROCESS_MEMORY_COUNTERS)&c, sizeof c));
    return c;
}

/* One snapshot of the three calls, taken with nothing in between. */
static void expect_agreement(void)
{
    SYSTEM_PERFORMANCE_INFORMATION s = performance();
    PERFORMANCE_INFORMATION i = performance_info();
    MEMORYSTATUSEX g = memory_status();
    SYSTEM_BASIC_INFORMATION basic;
    assert_int_equal(NtQuerySystemInformation(SystemBasicInformation, &basic, sizeof basic, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(i.PageSize, PAGE);
    assert_int_equal(i.CommitTotal, s.CommittedPages);
    assert_int_equal(i.CommitLimit, s.CommitLimit);
    assert_int_equal(i.CommitPeak, s.PeakCommitment);
    assert_int_equal(i.PhysicalAvailable, s.AvailablePages);
    assert_int_equal(i.PhysicalTotal, basic.NumberOfPhysicalPages);
    assert_int_equal(g.ullTotalPhys, (uint64_t)i.PhysicalTotal * PAGE);
    assert_int_equal(g.ullAvailPhys, (uint64_t)s.AvailablePages * PAGE);
    assert_int_equal(g.ullTotalPageFile, (uint64_t)s.CommitLimit * PAGE);
    assert_int_equal(g.ullAvailPageFile, (uint64_t)(s.CommitLimit - s.CommittedPages) * PAGE);
    uint64_t total = i.PhysicalTotal;
    assert_int_equal(g.dwMemoryLoad, 100 * (total - s.AvailablePages) / total);
    PROCESS_MEMORY_COUNTERS_EX c = process_counters();
    assert_true(c.PagefileUsage <= (uint64_t)s.CommittedPages * PAGE);
    assert_true(c.PeakPagefileUsage <= (uint64_t)s.PeakCommitment * PAGE);
    assert_true(c.PageFaultCount <= s.PageFaultCount);
}

/* After allocations, faults, a shared section and a second process, on each
 * architecture: GetPerformanceInfo, GlobalMemoryStatusEx and
 * SystemPerformanceInformation report the same pages, and the current
 * process's GetProcessMemoryInfo moves with them. */
static void test_three_apis_agree(void **state)
{
    (void)state;
    static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
    for (unsigned a = 0; a < 3; a++) {
        boot(arches[a], 32 * MB, NULL);
        expect_agreement();
        SYSTEM_PERFORMANCE_INFORMATION s0 = performance();
        PROCESS_MEMORY_COUNTERS_EX c0 = process_counters();
        uint64_t base = U(VirtualAlloc(NULL, 32 * PAGE, MEM_COMMIT, PAGE_READWRITE));
        assert_int_not_equal(base, 0);
        for (unsigned i = 0; i < 20; i++)
            write32(base + i * PAGE, i);
        expect_agreement();
        SYSTEM_PERFORMANCE_INFORMATION s1 = performance();
        PROCESS_MEMORY_COUNTERS_EX c1 = process_counters();
        assert_int_equal(c1.PagefileUsage - c0.PagefileUsage,
                         (uint64_t)(s1.CommittedPages - s0.CommittedPages) * PAGE);
        assert_int_equal(c1.PageFaultCount - c0.PageFaultCount,
                         s1.PageFaultCount - s0.PageFaultCount);
        HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                            4 * PAGE, NULL);
        assert_non_null(section);
        uint64_t view = U(MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0));
        assert_int_not_equal(view, 0);
        write32(view, 1);
        expect_agreement();
        struct ntmm_process *second = spawn(NULL);
        ntmm_set_current_process(second);
        assert_non_null(VirtualAlloc(NULL, 16 * PAGE, MEM_COMMIT, PAGE_READWRITE));
        expect_agreement();
        ntmm_set_current_process(p);
        assert_true(UnmapViewOfFile(VA(view)));
        assert_true(CloseHandle(section));
        assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
        expect_agreement();
        test_verify(m);
        teardown(NULL);
    }
}

/* Under 100 available pages, dwMemoryLoad is 100, as kernelbase reports it;
 * above, the share of physical pages not available. A machine with no
 * pagefile keeps every written page resident. */
static void test_memory_load_when_memory_is_short(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X86_PAE, 16 * MB, 0, false, NULL);
    SYSTEM_PERFORMANCE_INFORMATION s = performance();
    uint64_t base = U(VirtualAlloc(NULL, (SIZE_T)(s.CommitLimit - s.CommittedPages) * PAGE,
                                   MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    for (uint64_t va = base; performance().AvailablePages >= 100; va += PAGE) {
        if ((va - base) % (64 * PAGE) == 0)
            expect_agreement();
        write32(va, 1);
    }
    assert_int_equal(memory_status().dwMemoryLoad, 100);
    assert_int_equal(performance_info().PhysicalAvailable, performance().AvailablePages);
    test_verify(m);
}

/* !vm's Available Pages, Committed pages and Commit limit are the numbers
 * SystemPerformanceInformation gives. */
static uint64_t vm_value(const char *text, const char *label)
{
    const char *line = strstr(text, label);
    assert_non_null(line);
    return strtoull(line + strlen(label), NULL, 10);
}

static void test_vm_agrees(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 12 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    for (unsigned i = 0; i < 5; i++)
        write32(base + i * PAGE, i);
    struct tool_context context = { m, p };
    struct tool_output out = { 0 };
    assert_int_equal(tools_run(&context, "!vm", &out), STATUS_SUCCESS);
    SYSTEM_PERFORMANCE_INFORMATION s = performance();
    assert_int_equal(vm_value(out.text, "Available Pages:"), s.AvailablePages);
    assert_int_equal(vm_value(out.text, "Committed pages:"), s.CommittedPages);
    assert_int_equal(vm_value(out.text, "Commit limit:"), s.CommitLimit);
    tool_output_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        T(test_length_and_class_errors),
        T(test_get_performance_info_errors),
        T(test_counters_follow_faults),
        T(test_peak_commitment),
        T(test_paged_pool_pages),
        T(test_three_apis_agree),
        T(test_memory_load_when_memory_is_short),
        T(test_vm_agrees),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
