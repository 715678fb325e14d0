/*
 * test_virtual_nt.c — the second half of test_virtual.c: the Nt services
 * themselves (exact NTSTATUS values, written-back BaseAddress and
 * RegionSize), the process counters (E14), GetSystemInfo and
 * GlobalMemoryStatusEx, the address-space profiles (E12), and absurd inputs
 * (none may crash or change anything).
 *
 * Evidence for Windows' behaviour is named per case: Wine's ntdll and
 * kernel32 conformance tests (their ok() lines record Windows' results),
 * ReactOS's kmtest ZwAllocateVirtualMemory, Microsoft's documentation and
 * the message texts ntstatus.h gives the informational statuses.
 */
#include "virtual_testing.h"

/* ---- NtAllocateVirtualMemory ---- */

/* A reservation writes back the 64 KB-rounded base and the page-rounded size
 * from it (ReactOS kmtest ZwAllocateVirtualMemory, CustomBaseAllocation). */
static void test_nt_allocate_writes_back_rounded_range(void **state)
{
    (void)state;
    setup();
    PVOID base = VA(0x20001234);
    SIZE_T size = 0x10;
    assert_int_equal(NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, &size, MEM_RESERVE,
                                             PAGE_READWRITE),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(base), 0x20000000);
    assert_int_equal(size, 0x2000);
    base = VA(0x20000ffe);
    size = 0x4;
    assert_int_equal(NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, &size, MEM_COMMIT,
                                             PAGE_READWRITE),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(base), 0x20000000);
    assert_int_equal(size, 0x2000);
}

/* A NULL base with MEM_COMMIT reserves too: size rounded up to pages (ReactOS
 * kmtest SimpleAllocation: 200 bytes give 4096). */
static void test_nt_allocate_null_base_rounds_size(void **state)
{
    (void)state;
    setup();
    PVOID base = NULL;
    SIZE_T size = 200;
    assert_int_equal(NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, &size, MEM_COMMIT,
                                             PAGE_READWRITE),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(base) & 0xffff, 0);
    assert_int_not_equal(U(base), 0);
    assert_int_equal(size, 0x1000);
}

/* Conflicts: STATUS_CONFLICTING_ADDRESSES, nothing written back (Wine ntdll
 * test_NtAllocateVirtualMemory: a page after a one-page allocation). */
static void test_nt_allocate_conflict(void **state)
{
    (void)state;
    setup();
    PVOID first = NULL;
    SIZE_T size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(GetCurrentProcess(), &first, 0, &size,
                                             MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE),
                     STATUS_SUCCESS);
    struct snapshot before = snap();
    PVOID second = VA(U(first) + 0x1000);
    size = 0x1000;
    assert_int_equal(NtAllocateVirtualMemory(GetCurrentProcess(), &second, 0, &size,
                                             MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE),
                     STATUS_CONFLICTING_ADDRESSES);
    test_verify(m);
    assert_int_equal(U(second), U(first) + 0x1000);
    assert_int_equal(size, 0x1000);
    expect_unchanged(&before);
}

/* Argument statuses (ReactOS kmtest ZwAllocateVirtualMemory,
 * SimpleErrorChecks; Wine ntdll: 22 zero bits). */
static void test_nt_allocate_argument_statuses(void **state)
{
    (void)state;
    setup();
    static const struct {
        ULONG_PTR zero_bits;
        SIZE_T size;
        ULONG type, protect;
        NTSTATUS expected;
    } cases[] = {
        { 22, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, STATUS_INVALID_PARAMETER_3 },
        { (ULONG_PTR)-1, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE,
          STATUS_INVALID_PARAMETER_3 },
        { 0, 0, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, STATUS_INVALID_PARAMETER_4 },
        { 0, (SIZE_T)-1, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, STATUS_INVALID_PARAMETER_4 },
        { 0, 0xffffffff, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE, STATUS_INVALID_PARAMETER_4 },
        { 0, 0x1000, 0, PAGE_READWRITE, STATUS_INVALID_PARAMETER_5 },
        { 0, 0x1000, MEM_TOP_DOWN, PAGE_READWRITE, STATUS_INVALID_PARAMETER_5 },
        { 0, 0x1000, MEM_COMMIT | MEM_RESET, PAGE_READWRITE, STATUS_INVALID_PARAMETER_5 },
        { 0, 0x1000, (ULONG)-1, PAGE_READWRITE, STATUS_INVALID_PARAMETER_5 },
        { 0, 0x1000, MEM_RESERVE, PAGE_WRITECOPY, STATUS_INVALID_PAGE_PROTECTION },
        { 0, 0x1000, MEM_RESERVE, PAGE_EXECUTE_WRITECOPY, STATUS_INVALID_PAGE_PROTECTION },
        { 0, 0x1000, MEM_RESERVE | MEM_COMMIT, 0, STATUS_INVALID_PAGE_PROTECTION },
        { 0, 0x1000, MEM_RESERVE | MEM_COMMIT, (ULONG)-1, STATUS_INVALID_PAGE_PROTECTION },
        { 0, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS | PAGE_GUARD,
          STATUS_INVALID_PAGE_PROTECTION },
        { 0, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS | PAGE_WRITECOMBINE,
          STATUS_INVALID_PAGE_PROTECTION },
    };
    struct snapshot before = snap();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        PVOID base = NULL;
        SIZE_T size = cases[i].size;
        NTSTATUS st = NtAllocateVirtualMemory(GetCurrentProcess(), &base, cases[i].zero_bits,
                                              &size, cases[i].type, cases[i].protect);
        assert_int_equal(st, cases[i].expected);
        assert_null(base);
        assert_int_equal(size, cases[i].size);
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* A base in system space: STATUS_INVALID_PARAMETER_2 for allocation and free
 * (ReactOS kmtest: MmSystemRangeStart + 200). */
static void test_nt_kernel_address_invalid_parameter_2(void **state)
{
    (void)state;
    setup();
    PVOID base = VA(0x80000000 + 200);
    SIZE_T size = 200;
    assert_int_equal(NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0, &size,
                                             MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE),
                     STATUS_INVALID_PARAMETER_2);
    size = 0;
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &base, &size, MEM_RELEASE),
                     STATUS_INVALID_PARAMETER_2);
    ULONG old = 0;
    size = 0x1000;
    assert_int_equal(NtProtectVirtualMemory(GetCurrentProcess(), &base, &size, PAGE_READONLY,
                                            &old),
                     STATUS_INVALID_PARAMETER_2);
    assert_int_equal(U(base), 0x80000000 + 200);
    test_verify(m);
}

/* ---- NtFreeVirtualMemory ---- */

/* Decommit rounds out to pages and writes the range back; release at an
 * address inside the base page frees the whole allocation (Wine ntdll
 * test_NtAllocateVirtualMemory, NtFreeVirtualMemory tests). */
static void test_nt_free_writes_back_rounded_range(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_COMMIT,
                                   PAGE_EXECUTE_READWRITE));
    PVOID at = VA(base + 0x1fff);
    SIZE_T size = 2;
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, MEM_DECOMMIT),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(at), base + 0x1000);
    assert_int_equal(size, 0x2000);
    at = VA(base + 0xfff);
    size = 0;
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, MEM_RELEASE),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(at), base);
    assert_int_equal(size, 0x10000);
}

/* Size 0 away from the base: STATUS_FREE_VM_NOT_AT_BASE for MEM_DECOMMIT as
 * for MEM_RELEASE, and nothing written back (Wine ntdll
 * test_NtAllocateVirtualMemory: addr1 + 0x1001). */
static void test_nt_free_size_zero_not_at_base(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    static const ULONG types[] = { MEM_RELEASE, MEM_DECOMMIT };
    for (size_t i = 0; i < 2; i++) {
        PVOID at = VA(base + 0x1001);
        SIZE_T size = 0;
        assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, types[i]),
                         STATUS_FREE_VM_NOT_AT_BASE);
        test_verify(m);
        assert_int_equal(U(at), base + 0x1001);
        assert_int_equal(size, 0);
    }
    expect_unchanged(&before);
}

/* Size 0 at (the page of) the base decommits the whole allocation (Wine
 * ntdll: addr1 + 0xffe). The written-back size differs between Windows
 * versions (0 since 10 1803, the allocation's size before), so only the
 * base is checked. */
static void test_nt_decommit_size_zero_at_base(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    PVOID at = VA(base + 0xffe);
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, MEM_DECOMMIT),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(at), base);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
    assert_int_equal(private_usage(), 0);
}

/* Freeing what was never allocated: STATUS_MEMORY_NOT_ALLOCATED (ReactOS
 * kmtest: the free after each failed allocation); an unknown free type:
 * STATUS_INVALID_PARAMETER_4. */
static void test_nt_free_statuses(void **state)
{
    (void)state;
    setup();
    PVOID at = NULL;
    SIZE_T size = 0;
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, MEM_RELEASE),
                     STATUS_MEMORY_NOT_ALLOCATED);
    at = VA(0x30000000);
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, MEM_RELEASE),
                     STATUS_MEMORY_NOT_ALLOCATED);
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    at = VA(base);
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size, 0),
                     STATUS_INVALID_PARAMETER_4);
    assert_int_equal(NtFreeVirtualMemory(GetCurrentProcess(), &at, &size,
                                         MEM_DECOMMIT | MEM_RELEASE),
                     STATUS_INVALID_PARAMETER_4);
    test_verify(m);
}

/* ---- NtProtectVirtualMemory ---- */

static void test_nt_protect_writes_back_and_old(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    PVOID at = VA(base + 0x1234);
    SIZE_T size = 0x1000;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(GetCurrentProcess(), &at, &size, PAGE_READONLY,
                                            &old),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(at), base + 0x1000);
    assert_int_equal(size, 0x2000);
    assert_int_equal(old, PAGE_READWRITE);
}

/* Uncommitted pages: STATUS_NOT_COMMITTED; free space:
 * STATUS_CONFLICTING_ADDRESSES (both ERROR_INVALID_ADDRESS for
 * VirtualProtect, as Windows reports it). */
static void test_nt_protect_statuses(void **state)
{
    (void)state;
    setup();
    uint64_t base = reserve_at(0x20000000, 0x10000, PAGE_READWRITE);
    PVOID at = VA(base);
    SIZE_T size = 0x1000;
    ULONG old = 0x1234;
    assert_int_equal(NtProtectVirtualMemory(GetCurrentProcess(), &at, &size, PAGE_READONLY,
                                            &old),
                     STATUS_NOT_COMMITTED);
    at = VA(0x30000000);
    assert_int_equal(NtProtectVirtualMemory(GetCurrentProcess(), &at, &size, PAGE_READONLY,
                                            &old),
                     STATUS_CONFLICTING_ADDRESSES);
    assert_int_equal(old, 0x1234);
    assert_int_equal(U(at), 0x30000000);
    test_verify(m);
}

/* A no-access change to a locked resident page unlocks it and says so:
 * STATUS_WAS_UNLOCKED, whose ntstatus.h text is "The page protection of a
 * locked page was changed to 'No Access' and the page was unlocked from
 * memory and from the process". */
static void test_nt_protect_noaccess_locked_was_unlocked(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualLock(VA(base), 0x1000));
    PVOID at = VA(base);
    SIZE_T size = 0x1000;
    ULONG old = 0;
    assert_int_equal(NtProtectVirtualMemory(GetCurrentProcess(), &at, &size, PAGE_NOACCESS,
                                            &old),
                     STATUS_WAS_UNLOCKED);
    test_verify(m);
    assert_int_equal(old, PAGE_READWRITE);
}

/* ---- NtQueryVirtualMemory ---- */

static void test_nt_query_statuses(void **state)
{
    (void)state;
    setup();
    MEMORY_BASIC_INFORMATION info;
    SIZE_T length = 0;
    assert_int_equal(NtQueryVirtualMemory(GetCurrentProcess(), VA(0x20000000),
                                          MemoryBasicInformation, &info, sizeof info, &length),
                     STATUS_SUCCESS);
    assert_int_equal(length, sizeof info);
    assert_int_equal(info.State, MEM_FREE);
    assert_int_equal(NtQueryVirtualMemory(GetCurrentProcess(), VA(0x20000000),
                                          MemoryBasicInformation, &info, sizeof info - 1, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtQueryVirtualMemory(GetCurrentProcess(), VA(0x80000000),
                                          MemoryBasicInformation, &info, sizeof info, NULL),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(NtQueryVirtualMemory(GetCurrentProcess(), VA(0x20000000),
                                          (MEMORY_INFORMATION_CLASS)99, &info, sizeof info,
                                          NULL),
                     STATUS_INVALID_INFO_CLASS);
}

/* ---- NtLockVirtualMemory / NtUnlockVirtualMemory ---- */

/* Locking writes back the page-rounded range. */
static void test_nt_lock_writes_back(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    PVOID at = VA(base + 0xff0);
    SIZE_T size = 0x20;
    assert_int_equal(NtLockVirtualMemory(GetCurrentProcess(), &at, &size, MAP_PROCESS),
                     STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(at), base);
    assert_int_equal(size, 0x2000);
    at = VA(base);
    size = 0x2000;
    assert_int_equal(NtUnlockVirtualMemory(GetCurrentProcess(), &at, &size, MAP_PROCESS),
                     STATUS_SUCCESS);
    assert_int_equal(NtUnlockVirtualMemory(GetCurrentProcess(), &at, &size, MAP_PROCESS),
                     STATUS_NOT_LOCKED);
    test_verify(m);
}

/* Locking pages that are locked already succeeds with the informational
 * STATUS_WAS_LOCKED ("One of the pages to lock was already locked", its
 * ntstatus.h text). */
static void test_nt_lock_again_was_locked(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    PVOID at = VA(base);
    SIZE_T size = 0x1000;
    assert_int_equal(NtLockVirtualMemory(GetCurrentProcess(), &at, &size, MAP_PROCESS),
                     STATUS_SUCCESS);
    assert_int_equal(NtLockVirtualMemory(GetCurrentProcess(), &at, &size, MAP_PROCESS),
                     STATUS_WAS_LOCKED);
    test_verify(m);
    assert_true(VirtualLock(VA(base), 0x1000));
}

/* MAP_SYSTEM needs SeLockMemoryPrivilege, which a process does not hold. */
static void test_nt_lock_map_system_privilege(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    PVOID at = VA(base);
    SIZE_T size = 0x1000;
    assert_int_equal(NtLockVirtualMemory(GetCurrentProcess(), &at, &size, MAP_SYSTEM),
                     STATUS_PRIVILEGE_NOT_HELD);
    test_verify(m);
    assert_int_equal(U(at), base);
    expect_unchanged(&before);
}

/* ---- NULL out-pointers: STATUS_ACCESS_VIOLATION, nothing changed ---- */

static void test_nt_null_pointers(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    HANDLE self = GetCurrentProcess();
    PVOID at = VA(base);
    SIZE_T size = 0x1000;
    ULONG old;
    assert_int_equal(NtAllocateVirtualMemory(self, NULL, 0, &size, MEM_COMMIT, PAGE_READWRITE),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtAllocateVirtualMemory(self, &at, 0, NULL, MEM_COMMIT, PAGE_READWRITE),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtFreeVirtualMemory(self, NULL, &size, MEM_DECOMMIT),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtFreeVirtualMemory(self, &at, NULL, MEM_DECOMMIT),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtProtectVirtualMemory(self, NULL, &size, PAGE_READONLY, &old),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtProtectVirtualMemory(self, &at, NULL, PAGE_READONLY, &old),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtProtectVirtualMemory(self, &at, &size, PAGE_READONLY, NULL),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtQueryVirtualMemory(self, VA(base), MemoryBasicInformation, NULL,
                                          sizeof(MEMORY_BASIC_INFORMATION), NULL),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtLockVirtualMemory(self, NULL, &size, MAP_PROCESS),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtLockVirtualMemory(self, &at, NULL, MAP_PROCESS), STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtUnlockVirtualMemory(self, NULL, &size, MAP_PROCESS),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtQueryInformationProcess(self, ProcessVmCounters, NULL,
                                               sizeof(VM_COUNTERS), NULL),
                     STATUS_ACCESS_VIOLATION);
    assert_int_equal(NtQuerySystemInformation(SystemBasicInformation, NULL,
                                              sizeof(SYSTEM_BASIC_INFORMATION), NULL),
                     STATUS_ACCESS_VIOLATION);
    test_verify(m);
    expect_unchanged(&before);
    expect_region(base, base, base, PAGE_READWRITE, 0x10000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

/* ---- counters (E14) ---- */

/* PrivateUsage is the committed private memory: it grows by exactly what is
 * committed and shrinks by what is decommitted; PagefileUsage with it. */
static void test_private_usage_tracks_commit(void **state)
{
    (void)state;
    setup();
    PROCESS_MEMORY_COUNTERS_EX c0 = counters_of(GetCurrentProcess());
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE));
    assert_int_equal(private_usage(), c0.PrivateUsage);
    assert_non_null(VirtualAlloc(VA(base), 0x5000, MEM_COMMIT, PAGE_READWRITE));
    test_verify(m);
    PROCESS_MEMORY_COUNTERS_EX c1 = counters_of(GetCurrentProcess());
    assert_int_equal(c1.PrivateUsage, c0.PrivateUsage + 0x5000);
    assert_int_equal(c1.PagefileUsage, c0.PagefileUsage + 0x5000);
    assert_true(VirtualFree(VA(base + 0x1000), 0x2000, MEM_DECOMMIT));
    test_verify(m);
    PROCESS_MEMORY_COUNTERS_EX c2 = counters_of(GetCurrentProcess());
    assert_int_equal(c2.PrivateUsage, c0.PrivateUsage + 0x3000);
    assert_int_equal(c2.PeakPagefileUsage, c0.PagefileUsage + 0x5000);
    assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
    assert_int_equal(private_usage(), c0.PrivateUsage);
}

/* Touching pages grows the working set by the pages and the page table
 * created for them; the peak follows; demand-zero faults are counted. */
static void test_working_set_grows_on_touch(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(VA(0x20000000), 0x10000, MEM_RESERVE | MEM_COMMIT,
                                   PAGE_READWRITE));
    PROCESS_MEMORY_COUNTERS_EX c0 = counters_of(GetCurrentProcess());
    for (uint64_t off = 0; off < 0x3000; off += 0x1000)
        assert_int_equal(ntmm_write(p, base + off, "w", 1), STATUS_SUCCESS);
    test_verify(m);
    PROCESS_MEMORY_COUNTERS_EX c1 = counters_of(GetCurrentProcess());
    /* three pages and the page table that maps them */
    assert_int_equal(c1.WorkingSetSize, c0.WorkingSetSize + 4 * 0x1000);
    assert_true(c1.PeakWorkingSetSize >= c1.WorkingSetSize);
    assert_int_equal(c1.PageFaultCount, c0.PageFaultCount + 3);
    /* touching them again faults no more */
    char byte;
    assert_int_equal(ntmm_read(p, base, &byte, 1), STATUS_SUCCESS);
    assert_int_equal(counters_of(GetCurrentProcess()).PageFaultCount, c1.PageFaultCount);
}

/* The peak working set stays when the working set shrinks. */
static void test_peak_working_set_stays(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x8000, MEM_COMMIT, PAGE_READWRITE));
    for (uint64_t off = 0; off < 0x8000; off += 0x1000)
        assert_int_equal(ntmm_write(p, base + off, "w", 1), STATUS_SUCCESS);
    PROCESS_MEMORY_COUNTERS_EX c1 = counters_of(GetCurrentProcess());
    assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
    test_verify(m);
    PROCESS_MEMORY_COUNTERS_EX c2 = counters_of(GetCurrentProcess());
    assert_true(c2.WorkingSetSize <= c1.WorkingSetSize - 8 * 0x1000);
    assert_int_equal(c2.PeakWorkingSetSize, c1.PeakWorkingSetSize);
    assert_true(c2.PeakWorkingSetSize >= c1.WorkingSetSize);
}

/* VirtualSize is the reserved address space; PeakVirtualSize its peak. */
static void test_vm_counters_virtual_size(void **state)
{
    (void)state;
    setup();
    VM_COUNTERS_EX v0, v1, v2;
    ULONG length = 0;
    assert_int_equal(NtQueryInformationProcess(GetCurrentProcess(), ProcessVmCounters, &v0,
                                               sizeof v0, &length),
                     STATUS_SUCCESS);
    assert_int_equal(length, sizeof v0);
    uint64_t base = U(VirtualAlloc(NULL, 0x30000, MEM_RESERVE, PAGE_READWRITE));
    assert_non_null(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(NtQueryInformationProcess(GetCurrentProcess(), ProcessVmCounters, &v1,
                                               sizeof v1, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(v1.VirtualSize, v0.VirtualSize + 0x32000);
    assert_int_equal(v1.PeakVirtualSize, v1.VirtualSize);
    assert_int_equal(v1.PrivateUsage, v0.PrivateUsage + 0x2000);
    assert_true(VirtualFree(VA(base), 0, MEM_RELEASE));
    test_verify(m);
    assert_int_equal(NtQueryInformationProcess(GetCurrentProcess(), ProcessVmCounters, &v2,
                                               sizeof(VM_COUNTERS), NULL),
                     STATUS_SUCCESS);
    assert_int_equal(v2.VirtualSize, v0.VirtualSize + 0x2000);
    assert_int_equal(v2.PeakVirtualSize, v1.PeakVirtualSize);
    assert_int_equal(NtQueryInformationProcess(GetCurrentProcess(), ProcessVmCounters, &v2,
                                               sizeof(VM_COUNTERS) - 1, NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
}

/* GetProcessMemoryInfo: cb smaller than PROCESS_MEMORY_COUNTERS gives
 * ERROR_INSUFFICIENT_BUFFER; the short structure is accepted. */
static void test_process_memory_info_sizes(void **state)
{
    (void)state;
    setup();
    PROCESS_MEMORY_COUNTERS_EX c;
    memset(&c, 0, sizeof c);
    SetLastError(0xdeadbeef);
    assert_false(GetProcessMemoryInfo(GetCurrentProcess(), (PPROCESS_MEMORY_COUNTERS)&c,
                                      sizeof(PROCESS_MEMORY_COUNTERS) - 1));
    expect_error(ERROR_INSUFFICIENT_BUFFER);
    assert_non_null(VirtualAlloc(NULL, 0x3000, MEM_COMMIT, PAGE_READWRITE));
    PROCESS_MEMORY_COUNTERS small;
    memset(&small, 0, sizeof small);
    assert_true(GetProcessMemoryInfo(GetCurrentProcess(), &small, sizeof small));
    assert_int_equal(small.PagefileUsage, 0x3000);
}

/* ---- GetSystemInfo, GlobalMemoryStatusEx, SystemBasicInformation ---- */

static void expect_system_info(bool native, WORD arch, uint64_t max)
{
    SYSTEM_INFO info;
    memset(&info, 0xcc, sizeof info);
    if (native)
        GetNativeSystemInfo(&info);
    else
        GetSystemInfo(&info);
    assert_int_equal(info.wProcessorArchitecture, arch);
    assert_int_equal(info.dwPageSize, 4096);
    assert_int_equal(info.dwAllocationGranularity, 65536);
    assert_int_equal(U(info.lpMinimumApplicationAddress), 0x10000);
    if (max)
        assert_int_equal(U(info.lpMaximumApplicationAddress), max);
}

static void test_system_info_32bit(void **state)
{
    (void)state;
    setup();
    expect_system_info(false, PROCESSOR_ARCHITECTURE_INTEL, 0x7ffeffff);
    expect_system_info(true, PROCESSOR_ARCHITECTURE_INTEL, 0x7ffeffff);
}

/* A LARGE_ADDRESS_AWARE 32-bit process under WOW64 sees 4 GB; GetSystemInfo
 * reports the emulated x86, GetNativeSystemInfo the AMD64 processor. */
static void test_system_info_wow64_large_address_aware(void **state)
{
    (void)state;
    struct ntmm_process_options o = { "laa.exe", false, true, NULL };
    boot(NTMM_ARCH_X64, 32ull << 20, &o);
    expect_system_info(false, PROCESSOR_ARCHITECTURE_INTEL, 0xfffeffff);
    expect_system_info(true, PROCESSOR_ARCHITECTURE_AMD64, 0);
}

/* Without the flag, a WOW64 process keeps 2 GB. */
static void test_system_info_wow64_default(void **state)
{
    (void)state;
    struct ntmm_process_options o = { "small.exe", false, false, NULL };
    boot(NTMM_ARCH_X64, 32ull << 20, &o);
    expect_system_info(false, PROCESSOR_ARCHITECTURE_INTEL, 0x7ffeffff);
    expect_system_info(true, PROCESSOR_ARCHITECTURE_AMD64, 0);
}

static void test_system_info_64bit_8tb(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 32ull << 20, NULL);
    expect_system_info(false, PROCESSOR_ARCHITECTURE_AMD64, 0x7fffffeffffull);
    expect_system_info(true, PROCESSOR_ARCHITECTURE_AMD64, 0x7fffffeffffull);
}

static void test_system_info_64bit_128tb(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X64, 32ull << 20, 0, true, NULL);
    expect_system_info(false, PROCESSOR_ARCHITECTURE_AMD64, 0x7ffffffeffffull);
}

/* GlobalMemoryStatusEx needs dwLength set to the structure's size. */
static void test_global_memory_status_length(void **state)
{
    (void)state;
    setup();
    MEMORYSTATUSEX status;
    memset(&status, 0, sizeof status);
    status.dwLength = sizeof status - 1;
    SetLastError(0xdeadbeef);
    assert_false(GlobalMemoryStatusEx(&status));
    expect_error(ERROR_INVALID_PARAMETER);
    status.dwLength = 0;
    SetLastError(0xdeadbeef);
    assert_false(GlobalMemoryStatusEx(&status));
    expect_error(ERROR_INVALID_PARAMETER);
}

/* Physical memory is the machine's RAM; the virtual totals are the
 * process's user space (0x10000-0x7FFEFFFF) and its free part. */
static void test_global_memory_status_values(void **state)
{
    (void)state;
    setup();
    MEMORY_STATUS_SNAPSHOT(s0);
    assert_int_equal(s0.ullTotalPhys, 32ull << 20);
    assert_true(s0.ullAvailPhys <= s0.ullTotalPhys);
    assert_true(s0.dwMemoryLoad <= 100);
    assert_int_equal(s0.ullTotalVirtual, 0x7ffe0000);
    assert_int_equal(s0.ullAvailVirtual, 0x7ffe0000 - 0x10000); /* KUSER_SHARED_DATA's 64 KB */
    assert_int_equal(s0.ullAvailExtendedVirtual, 0);
    assert_non_null(VirtualAlloc(NULL, 0x20000, MEM_RESERVE, PAGE_READWRITE));
    assert_non_null(VirtualAlloc(NULL, 0x3000, MEM_COMMIT, PAGE_READWRITE));
    MEMORY_STATUS_SNAPSHOT(s1);
    assert_int_equal(s1.ullAvailVirtual, 0x7ffe0000 - 0x10000 - 0x23000);
    assert_int_equal(s1.ullAvailPageFile, s0.ullAvailPageFile - 0x3000);
    assert_int_equal(s1.ullTotalPageFile, s0.ullTotalPageFile);
}

static void test_nt_system_basic_information(void **state)
{
    (void)state;
    setup();
    SYSTEM_BASIC_INFORMATION info;
    ULONG length = 0;
    assert_int_equal(NtQuerySystemInformation(SystemBasicInformation, &info, sizeof info,
                                              &length),
                     STATUS_SUCCESS);
    assert_int_equal(length, sizeof info);
    assert_int_equal(info.PageSize, 4096);
    assert_int_equal(info.AllocationGranularity, 65536);
    assert_int_equal(info.MinimumUserModeAddress, 0x10000);
    assert_int_equal(info.MaximumUserModeAddress, 0x7ffeffff);
    assert_int_equal(info.NumberOfPhysicalPages, (32u << 20) / 4096);
    assert_int_equal(NtQuerySystemInformation(SystemBasicInformation, &info, sizeof info - 1,
                                              NULL),
                     STATUS_INFO_LENGTH_MISMATCH);
}

/* ---- E12: the address-space profiles ---- */

/* A LARGE_ADDRESS_AWARE 32-bit process under WOW64 allocates above 2 GB. */
static void test_e12_laa_allocates_high(void **state)
{
    (void)state;
    struct ntmm_process_options o = { "laa.exe", false, true, NULL };
    boot(NTMM_ARCH_X64, 32ull << 20, &o);
    assert_int_equal(U(VirtualAlloc(VA(0xf0000000), 0x10000, MEM_RESERVE | MEM_COMMIT,
                                    PAGE_READWRITE)),
                     0xf0000000);
    test_verify(m);
    assert_int_equal(ntmm_write(p, 0xf0000010, "h", 1), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE)),
                     0xfffe0000);
    MEMORY_STATUS_SNAPSHOT(status);
    assert_int_equal(status.ullTotalVirtual, 0xfffe0000);
}

/* Without the flag the same address is outside the process's space. */
static void test_e12_default_refuses_high(void **state)
{
    (void)state;
    struct ntmm_process_options o = { "small.exe", false, false, NULL };
    boot(NTMM_ARCH_X64, 32ull << 20, &o);
    struct snapshot before = snap();
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(0xf0000000), 0x10000, MEM_RESERVE | MEM_COMMIT,
                             PAGE_READWRITE));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
    expect_unchanged(&before);
    char byte;
    assert_int_equal(ntmm_read(p, 0xf0000000, &byte, 1), STATUS_ACCESS_VIOLATION);
    expect_exception(STATUS_ACCESS_VIOLATION, 0xf0000000, 0);
    assert_int_equal(U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE)),
                     0x7ffd0000); /* below KUSER_SHARED_DATA's reservation */
}

/* LARGE_ADDRESS_AWARE means nothing on a 32-bit system without /3GB. */
static void test_e12_laa_on_x86_keeps_2gb(void **state)
{
    (void)state;
    struct ntmm_process_options o = { "laa.exe", false, true, NULL };
    boot(NTMM_ARCH_X86_PAE, 32ull << 20, &o);
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(0x90000000), 0x10000, MEM_RESERVE, PAGE_READWRITE));
    expect_error(ERROR_INVALID_PARAMETER);
    expect_system_info(false, PROCESSOR_ARCHITECTURE_INTEL, 0x7ffeffff);
}

/* A 64-bit process: 8 TB by default, the top granule at 0x7FFFFFE0000. */
static void test_e12_64bit_8tb(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 32ull << 20, NULL);
    assert_int_equal(U(VirtualAlloc(VA(0x7ff00000000ull), 0x10000, MEM_RESERVE | MEM_COMMIT,
                                    PAGE_READWRITE)),
                     0x7ff00000000ull);
    test_verify(m);
    assert_int_equal(ntmm_write(p, 0x7ff00000000ull, "8", 1), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE)),
                     0x7fffffe0000ull);
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(0x80000000000ull), 0x10000, MEM_RESERVE, PAGE_READWRITE));
    expect_error(ERROR_INVALID_PARAMETER);
    MEMORY_STATUS_SNAPSHOT(status);
    assert_int_equal(status.ullTotalVirtual, 0x7fffffe0000ull);
}

/* With the 128 TB layout (Windows 8.1+), addresses up to 0x7FFFFFFEFFFF. */
static void test_e12_64bit_128tb(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X64, 32ull << 20, 0, true, NULL);
    assert_int_equal(U(VirtualAlloc(VA(0x7fff00000000ull), 0x10000, MEM_RESERVE | MEM_COMMIT,
                                    PAGE_READWRITE)),
                     0x7fff00000000ull);
    assert_int_equal(ntmm_write(p, 0x7fff00000000ull, "T", 1), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE)),
                     0x7ffffffe0000ull);
    test_verify(m);
    expect_region(0x7ffffffe0000ull, 0x7ffffffe0000ull, 0x7ffffffe0000ull, PAGE_READWRITE,
                  0x10000, MEM_RESERVE, 0, MEM_PRIVATE);
}

/* ---- absurd inputs: refused, nothing crashes, nothing changes ---- */

/* Size 0 (Wine kernel32 test_VirtualAlloc / test_VirtualAllocEx). */
static void test_absurd_size_zero(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE, PAGE_READWRITE));
    struct snapshot before = snap();
    static const DWORD types[] = { MEM_RESERVE, MEM_COMMIT, MEM_RESERVE | MEM_COMMIT };
    for (size_t t = 0; t < 3; t++) {
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(NULL, 0, types[t], PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
    }
    SetLastError(0xdeadbeef);
    assert_null(VirtualAlloc(VA(base), 0, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
    expect_unchanged(&before);
}

/* Sizes that wrap around 2^64 or leave the user address space. */
static void test_absurd_sizes_wrap_or_overflow(void **state)
{
    (void)state;
    setup();
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    struct snapshot before = snap();
    static const struct { uint64_t at; SIZE_T size; } cases[] = {
        { 0, (SIZE_T)-1 }, { 0, 0x80000000 }, { 0x20000000, (SIZE_T)-1 },
        { 0x20000000, (SIZE_T)0 - 0x20000000 }, { 0x20000000, (SIZE_T)0 - 0x1ffff000 },
        { 0x7ffe0000, 0x20000 }, { 0x20000000, 0x60000000 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(cases[i].at), cases[i].size, MEM_RESERVE, PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
    DWORD old;
    SetLastError(0xdeadbeef);
    assert_false(VirtualProtect(VA(base), (SIZE_T)-1, PAGE_READONLY, &old));
    expect_error(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_false(VirtualFree(VA(base), (SIZE_T)-1, MEM_DECOMMIT));
    expect_error(ERROR_INVALID_PARAMETER);
    SetLastError(0xdeadbeef);
    assert_false(VirtualLock(VA(base), (SIZE_T)-1));
    expect_error(ERROR_INVALID_PARAMETER);
    test_verify(m);
    expect_unchanged(&before);
}

/* Kernel addresses (0x80000000 and up on x86): ERROR_INVALID_PARAMETER for
 * every call. */
static void test_absurd_kernel_addresses(void **state)
{
    (void)state;
    setup();
    struct snapshot before = snap();
    static const uint64_t bad[] = { 0x80000000, 0xc0000000, 0xfffff000, 0x100000000ull,
                                    0xffffffffffff0000ull };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        DWORD old;
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(bad[i]), 0x1000, MEM_RESERVE, PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(bad[i]), 0x1000, MEM_COMMIT, PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        assert_false(VirtualFree(VA(bad[i]), 0, MEM_RELEASE));
        expect_error(ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        assert_false(VirtualProtect(VA(bad[i]), 0x1000, PAGE_READONLY, &old));
        expect_error(ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        assert_false(VirtualLock(VA(bad[i]), 0x1000));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* Addresses in the first 64 KB, below lpMinimumApplicationAddress. */
static void test_absurd_low_addresses(void **state)
{
    (void)state;
    setup();
    struct snapshot before = snap();
    static const uint64_t bad[] = { 0x1000, 0x1, 0xffff };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(bad[i]), 0x1000, MEM_RESERVE, PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(VA(bad[i]), 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
    expect_unchanged(&before);
    expect_region(0, 0, 0, 0, NEXT_FREE, MEM_FREE, PAGE_NOACCESS, 0);
}

/* Unknown or misplaced MEM_* flags (ReactOS kmtest: 0, -1, MEM_TOP_DOWN
 * alone give STATUS_INVALID_PARAMETER_5). */
static void test_absurd_allocation_types(void **state)
{
    (void)state;
    setup();
    struct snapshot before = snap();
    static const DWORD bad[] = { 0, 0xffffffff, MEM_TOP_DOWN, MEM_RESERVE | 0x4,
                                 MEM_RESERVE | 0x10000000, MEM_COMMIT | MEM_DECOMMIT,
                                 MEM_RESERVE | MEM_RELEASE, MEM_DECOMMIT, MEM_RELEASE,
                                 MEM_FREE, MEM_PRIVATE | MEM_RESERVE };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        SetLastError(0xdeadbeef);
        assert_null(VirtualAlloc(NULL, 0x1000, bad[i], PAGE_READWRITE));
        expect_error(ERROR_INVALID_PARAMETER);
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* NULL and bogus process handles: ERROR_INVALID_HANDLE (ReactOS kmtest:
 * NULL and 0xDEADBEEF... give STATUS_INVALID_HANDLE). */
static void test_absurd_handles(void **state)
{
    (void)state;
    setup();
    struct snapshot before = snap();
    static const uintptr_t bad[] = { 0, 0xdeadbeef, (uintptr_t)0xdeadbeefdeadbeefull, 4 };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        HANDLE h = (HANDLE)bad[i];
        DWORD old;
        MEMORY_BASIC_INFORMATION info;
        SetLastError(0xdeadbeef);
        assert_null(VirtualAllocEx(h, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
        expect_error(ERROR_INVALID_HANDLE);
        SetLastError(0xdeadbeef);
        assert_false(VirtualFreeEx(h, VA(0x20000000), 0, MEM_RELEASE));
        expect_error(ERROR_INVALID_HANDLE);
        SetLastError(0xdeadbeef);
        assert_false(VirtualProtectEx(h, VA(0x20000000), 0x1000, PAGE_READONLY, &old));
        expect_error(ERROR_INVALID_HANDLE);
        SetLastError(0xdeadbeef);
        assert_int_equal(VirtualQueryEx(h, VA(0x20000000), &info, sizeof info), 0);
        expect_error(ERROR_INVALID_HANDLE);
        PROCESS_MEMORY_COUNTERS c;
        SetLastError(0xdeadbeef);
        assert_false(GetProcessMemoryInfo(h, &c, sizeof c));
        expect_error(ERROR_INVALID_HANDLE);
        test_verify(m);
    }
    expect_unchanged(&before);
}

/* The handle of a terminated process is no longer valid. */
static void test_absurd_handle_of_terminated_process(void **state)
{
    (void)state;
    setup();
    struct ntmm_process *other = spawn(NULL);
    HANDLE h = ntmm_process_handle(other);
    assert_non_null(VirtualAllocEx(h, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    ntmm_process_terminate(other);
    test_verify(m);
    SetLastError(0xdeadbeef);
    assert_null(VirtualAllocEx(h, NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_INVALID_HANDLE);
    test_verify(m);
}

/* GetCurrentProcess() is the pseudo-handle -1 (= INVALID_HANDLE_VALUE),
 * valid for the *Ex functions. */
static void test_pseudo_handle_is_current_process(void **state)
{
    (void)state;
    setup();
    assert_ptr_equal(GetCurrentProcess(), INVALID_HANDLE_VALUE);
    uint64_t base = U(VirtualAllocEx(INVALID_HANDLE_VALUE, NULL, 0x1000, MEM_COMMIT,
                                     PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    test_verify(m);
    expect_region(base, base, base, PAGE_READWRITE, 0x1000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_nt_allocate_writes_back_rounded_range),
        T(test_nt_allocate_null_base_rounds_size),
        T(test_nt_allocate_conflict),
        T(test_nt_allocate_argument_statuses),
        T(test_nt_kernel_address_invalid_parameter_2),
        T(test_nt_free_writes_back_rounded_range),
        T(test_nt_free_size_zero_not_at_base),
        T(test_nt_decommit_size_zero_at_base),
        T(test_nt_free_statuses),
        T(test_nt_protect_writes_back_and_old),
        T(test_nt_protect_statuses),
        T(test_nt_protect_noaccess_locked_was_unlocked),
        T(test_nt_query_statuses),
        T(test_nt_lock_writes_back),
        T(test_nt_lock_again_was_locked),
        T(test_nt_lock_map_system_privilege),
        T(test_nt_null_pointers),
        T(test_private_usage_tracks_commit),
        T(test_working_set_grows_on_touch),
        T(test_peak_working_set_stays),
        T(test_vm_counters_virtual_size),
        T(test_process_memory_info_sizes),
        T(test_system_info_32bit),
        T(test_system_info_wow64_large_address_aware),
        T(test_system_info_wow64_default),
        T(test_system_info_64bit_8tb),
        T(test_system_info_64bit_128tb),
        T(test_global_memory_status_length),
        T(test_global_memory_status_values),
        T(test_nt_system_basic_information),
        T(test_e12_laa_allocates_high),
        T(test_e12_default_refuses_high),
        T(test_e12_laa_on_x86_keeps_2gb),
        T(test_e12_64bit_8tb),
        T(test_e12_64bit_128tb),
        T(test_absurd_size_zero),
        T(test_absurd_sizes_wrap_or_overflow),
        T(test_absurd_kernel_addresses),
        T(test_absurd_low_addresses),
        T(test_absurd_allocation_types),
        T(test_absurd_handles),
        T(test_absurd_handle_of_terminated_process),
        T(test_pseudo_handle_is_current_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
