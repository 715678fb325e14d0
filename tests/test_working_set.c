/*
 * test_working_set.c — the working-set calls: GetProcessWorkingSetSize(Ex),
 * SetProcessWorkingSetSize(Ex) and ProcessQuotaLimits, EmptyWorkingSet,
 * QueryWorkingSet(Ex) and MemoryWorkingSet(Ex)Information; defaults by RAM,
 * clamping, errors and last errors, hard limits, trimming to a lower
 * maximum, soft faults after emptying, VirtualLock within the minimum, and
 * GetProcessMemoryInfo agreeing with QueryWorkingSet, and a view page's own
 * protection kept in its WSLE and then its PTE.
 */
#include <stddef.h>
#include <stdlib.h>

#include "virtual_testing.h"

#define MB (1ull << 20)
#define PAGE 0x1000ull

static HANDLE self(void)
{
    return GetCurrentProcess();
}

static void expect_limits(SIZE_T minimum_pages, SIZE_T maximum_pages, DWORD flags)
{
    SIZE_T minimum = 0, maximum = 0;
    DWORD got = 0;
    assert_true(GetProcessWorkingSetSizeEx(self(), &minimum, &maximum, &got));
    assert_int_equal(minimum, minimum_pages * PAGE);
    assert_int_equal(maximum, maximum_pages * PAGE);
    assert_int_equal(got, flags);
    assert_true(GetProcessWorkingSetSize(self(), &minimum, &maximum));
    assert_int_equal(minimum, minimum_pages * PAGE);
    assert_int_equal(maximum, maximum_pages * PAGE);
}

#define SOFT_LIMITS (QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE)

static uint64_t working_set_pages(void)
{
    PROCESS_MEMORY_COUNTERS c;
    assert_true(GetProcessMemoryInfo(self(), &c, sizeof c));
    return c.WorkingSetSize / PAGE;
}

/* Commits and writes `pages` pages; returns the base. */
static uint64_t touch(uint64_t pages)
{
    uint64_t base = U(VirtualAlloc(NULL, pages * PAGE, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    for (uint64_t i = 0; i < pages; i++)
        write32(base + i * PAGE, (uint32_t)i + 1);
    return base;
}

/* The whole list QueryWorkingSet gives (free it). */
static PSAPI_WORKING_SET_INFORMATION *working_set(void)
{
    ULONG_PTR count = 0;
    assert_false(QueryWorkingSet(self(), &count, sizeof count));
    expect_error(ERROR_BAD_LENGTH);
    assert_true(count > 0);
    DWORD cb = (DWORD)(sizeof(ULONG_PTR) + count * sizeof(PSAPI_WORKING_SET_BLOCK));
    PSAPI_WORKING_SET_INFORMATION *info = malloc(cb);
    assert_non_null(info);
    assert_true(QueryWorkingSet(self(), info, cb));
    assert_int_equal(info->NumberOfEntries, count);
    return info;
}

static const PSAPI_WORKING_SET_BLOCK *find_block(const PSAPI_WORKING_SET_INFORMATION *info,
                                                 uint64_t va)
{
    for (ULONG_PTR i = 0; i < info->NumberOfEntries; i++)
        if (info->WorkingSetInfo[i].VirtualPage == va / PAGE)
            return &info->WorkingSetInfo[i];
    return NULL;
}

static PSAPI_WORKING_SET_EX_BLOCK attributes(uint64_t va)
{
    PSAPI_WORKING_SET_EX_INFORMATION e = { .VirtualAddress = VA(va) };
    e.VirtualAttributes.Flags = 0xdeadbeef;
    assert_true(QueryWorkingSetEx(self(), &e, sizeof e));
    assert_int_equal(U(e.VirtualAddress), va);
    return e.VirtualAttributes;
}

/* ---- defaults and round trips ---- */

/* Windows' defaults: 20 / 45 pages below 19 MB, 30 / 145 below 64 MB,
 * 50 / 345 from 64 MB; both limits soft. */
static void test_defaults_by_ram(void **state)
{
    (void)state;
    static const struct {
        uint64_t ram;
        SIZE_T minimum, maximum;
    } cases[] = { { 16 * MB, 20, 45 }, { 32 * MB, 30, 145 }, { 64 * MB, 50, 345 },
                  { 256 * MB, 50, 345 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        boot(NTMM_ARCH_X86_PAE, cases[i].ram, NULL);
        expect_limits(cases[i].minimum, cases[i].maximum, SOFT_LIMITS);
        teardown(NULL);
    }
}

static void test_set_get_round_trip(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 64 * MB, NULL);
    assert_true(SetProcessWorkingSetSize(self(), 100 * PAGE, 500 * PAGE));
    expect_limits(100, 500, SOFT_LIMITS);
    test_verify(m);
    /* bytes are truncated to pages; a minimum under 20 pages becomes 20 */
    assert_true(SetProcessWorkingSetSize(self(), 3 * PAGE + 5, 400 * PAGE + 0xfff));
    expect_limits(20, 400, SOFT_LIMITS);
    assert_true(SetProcessWorkingSetSizeEx(self(), 60 * PAGE, 300 * PAGE,
                                           QUOTA_LIMITS_HARDWS_MIN_ENABLE));
    expect_limits(60, 300, QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE);
    /* Flags 0 keeps the hard minimum */
    assert_true(SetProcessWorkingSetSizeEx(self(), 70 * PAGE, 300 * PAGE, 0));
    expect_limits(70, 300, QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE);
    assert_true(SetProcessWorkingSetSizeEx(self(), 70 * PAGE, 300 * PAGE,
                                           QUOTA_LIMITS_HARDWS_MIN_DISABLE |
                                               QUOTA_LIMITS_HARDWS_MAX_ENABLE));
    expect_limits(70, 300, QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_ENABLE);
    test_verify(m);
}

/* The Nt level: both structure sizes, STATUS_WORKING_SET_LIMIT_RANGE for a
 * clamped limit, both sizes 0 changing only the flags. */
static void test_quota_limits_service(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86, 64 * MB, NULL);
    QUOTA_LIMITS q;
    ULONG length = 0;
    assert_int_equal(NtQueryInformationProcess(self(), ProcessQuotaLimits, &q, sizeof q, &length),
                     STATUS_SUCCESS);
    assert_int_equal(length, sizeof q);
    assert_int_equal(q.MinimumWorkingSetSize, 50 * PAGE);
    assert_int_equal(q.MaximumWorkingSetSize, 345 * PAGE);
    assert_int_equal(q.PagedPoolLimit, (SIZE_T)-1);
    assert_int_equal(q.TimeLimit.QuadPart, -1);
    QUOTA_LIMITS_EX qx;
    assert_int_equal(
        NtQueryInformationProcess(self(), ProcessQuotaLimits, &qx, sizeof qx - 1, NULL),
        STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtQueryInformationProcess(self(), ProcessQuotaLimits, &qx, sizeof qx, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(qx.Flags, SOFT_LIMITS);
    q.MinimumWorkingSetSize = 5 * PAGE;
    assert_int_equal(NtSetInformationProcess(self(), ProcessQuotaLimits, &q, sizeof q),
                     STATUS_WORKING_SET_LIMIT_RANGE);
    expect_limits(20, 345, SOFT_LIMITS);
    assert_int_equal(NtSetInformationProcess(self(), ProcessQuotaLimits, &q, sizeof q + 1),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(NtSetInformationProcess(self(), ProcessVmCounters, &q, sizeof q),
                     STATUS_INVALID_INFO_CLASS);
    memset(&qx, 0, sizeof qx);
    qx.Flags = QUOTA_LIMITS_HARDWS_MAX_ENABLE;
    assert_int_equal(NtSetInformationProcess(self(), ProcessQuotaLimits, &qx, sizeof qx),
                     STATUS_SUCCESS);
    expect_limits(20, 345, QUOTA_LIMITS_HARDWS_MIN_DISABLE | QUOTA_LIMITS_HARDWS_MAX_ENABLE);
    test_verify(m);
}

/* ---- errors ---- */

static void expect_set_fails(SIZE_T minimum, SIZE_T maximum, DWORD flags, DWORD error)
{
    SetLastError(0);
    assert_false(SetProcessWorkingSetSizeEx(self(), minimum, maximum, flags));
    expect_error(error);
}

static void test_errors(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64 * MB, NULL);
    expect_set_fails(0, 100 * PAGE, 0, ERROR_INVALID_PARAMETER);
    expect_set_fails(100 * PAGE, 0, 0, ERROR_INVALID_PARAMETER);
    expect_set_fails(200 * PAGE, 100 * PAGE, 0, ERROR_INVALID_PARAMETER); /* minimum > maximum */
    /* a maximum the locked entries and MM_FLUID_WORKING_SET would fill */
    expect_set_fails(1 * PAGE, 10 * PAGE, 0, ERROR_INVALID_PARAMETER);
    expect_set_fails(100 * PAGE, 200 * PAGE, 0x10, ERROR_INVALID_PARAMETER);
    expect_set_fails(100 * PAGE, 200 * PAGE,
                     QUOTA_LIMITS_HARDWS_MIN_ENABLE | QUOTA_LIMITS_HARDWS_MIN_DISABLE,
                     ERROR_INVALID_PARAMETER);
    expect_set_fails(100 * PAGE, 200 * PAGE,
                     QUOTA_LIMITS_HARDWS_MAX_ENABLE | QUOTA_LIMITS_HARDWS_MAX_DISABLE,
                     ERROR_INVALID_PARAMETER);
    /* hard limits need MM_FLUID_WORKING_SET pages between them */
    expect_set_fails(100 * PAGE, 108 * PAGE, QUOTA_LIMITS_HARDWS_MAX_ENABLE,
                     ERROR_INVALID_PARAMETER);
    /* a minimum the machine's resident pages cannot back */
    expect_set_fails(64 * MB, 64 * MB, 0, ERROR_NO_SYSTEM_RESOURCES);
    expect_limits(50, 345, SOFT_LIMITS); /* nothing changed */
    /* a maximum above the system's is clamped: a success */
    assert_true(SetProcessWorkingSetSize(self(), 50 * PAGE, 1024 * MB));
    expect_limits(50, 64 * MB / PAGE - 512, SOFT_LIMITS);
    test_verify(m);
}

/* Each call needs its access right; the pseudo-handle has them all. */
static void test_access_rights(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64 * MB, NULL);
    touch(4);
    DWORD pid = GetCurrentProcessId();
    HANDLE query = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, pid);
    HANDLE quota = OpenProcess(PROCESS_SET_QUOTA, FALSE, pid);
    HANDLE both = OpenProcess(PROCESS_SET_QUOTA | PROCESS_QUERY_INFORMATION, FALSE, pid);
    assert_non_null(query);
    assert_non_null(quota);
    assert_non_null(both);
    SIZE_T minimum, maximum;
    assert_true(GetProcessWorkingSetSize(query, &minimum, &maximum));
    SetLastError(0);
    assert_false(GetProcessWorkingSetSize(quota, &minimum, &maximum));
    expect_error(ERROR_ACCESS_DENIED);
    SetLastError(0);
    assert_false(SetProcessWorkingSetSize(query, 60 * PAGE, 300 * PAGE));
    expect_error(ERROR_ACCESS_DENIED);
    assert_true(SetProcessWorkingSetSize(quota, 60 * PAGE, 300 * PAGE));
    SetLastError(0);
    assert_false(EmptyWorkingSet(query));
    expect_error(ERROR_ACCESS_DENIED);
    SetLastError(0);
    assert_false(EmptyWorkingSet(quota));
    expect_error(ERROR_ACCESS_DENIED);
    assert_true(EmptyWorkingSet(both));
    ULONG_PTR buffer[512];
    assert_true(QueryWorkingSet(query, buffer, sizeof buffer));
    SetLastError(0);
    assert_false(QueryWorkingSet(quota, buffer, sizeof buffer));
    expect_error(ERROR_ACCESS_DENIED);
    SetLastError(0);
    assert_false(QueryWorkingSet((HANDLE)(uintptr_t)0x1234, buffer, sizeof buffer));
    expect_error(ERROR_INVALID_HANDLE);
    PSAPI_WORKING_SET_EX_INFORMATION e = { 0 };
    SetLastError(0);
    assert_false(QueryWorkingSetEx(quota, &e, sizeof e));
    expect_error(ERROR_ACCESS_DENIED);
    assert_true(CloseHandle(query));
    assert_true(CloseHandle(quota));
    assert_true(CloseHandle(both));
    test_verify(m);
}

/* ---- emptying and trimming ---- */

static SYSTEM_PERFORMANCE_INFORMATION performance(void)
{
    SYSTEM_PERFORMANCE_INFORMATION perf;
    assert_int_equal(NtQuerySystemInformation(SystemPerformanceInformation, &perf, sizeof perf,
                                              NULL),
                     STATUS_SUCCESS);
    return perf;
}

static uint32_t transition_count(void)
{
    return performance().TransitionCount;
}

static uint64_t available_pages(void)
{
    return performance().AvailablePages;
}

/* Both sizes (SIZE_T)-1 trims every unlocked user page and keeps the
 * limits; what stays is locked or the process's own tables. */
static void test_minus_one_empties(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64 * MB, NULL);
    uint64_t base = touch(40);
    uint64_t before = working_set_pages();
    assert_true(SetProcessWorkingSetSize(self(), (SIZE_T)-1, (SIZE_T)-1));
    uint64_t after = working_set_pages();
    assert_true(after + 40 <= before);
    expect_limits(50, 345, SOFT_LIMITS);
    PSAPI_WORKING_SET_INFORMATION *info = working_set();
    assert_int_equal(info->NumberOfEntries, after);
    for (ULONG_PTR i = 0; i < info->NumberOfEntries; i++) {
        uint64_t va = (uint64_t)info->WorkingSetInfo[i].VirtualPage * PAGE;
        assert_true(va > user_limit() || attributes(va).Locked);
    }
    free(info);
    assert_int_equal(attributes(base).Flags, 0);
    test_verify(m);
}

/* EmptyWorkingSet, then each page comes back by a soft fault (from the
 * modified list: no I/O) with its contents. */
static void test_empty_then_soft_faults(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X86_PAE, 64 * MB, 64 * MB, false, NULL);
    uint64_t base = touch(20);
    assert_true(EmptyWorkingSet(self()));
    test_verify(m);
    for (uint64_t i = 0; i < 20; i++)
        assert_false(attributes(base + i * PAGE).Valid);
    uint32_t transitions = transition_count();
    uint64_t pages = working_set_pages();
    for (uint64_t i = 0; i < 20; i++)
        assert_int_equal(read32(base + i * PAGE), (uint32_t)i + 1);
    assert_int_equal(transition_count() - transitions, 20);
    assert_int_equal(working_set_pages(), pages + 20);
    assert_true(attributes(base).Valid);
    test_verify(m);
}

/* A lower maximum trims the working set down to it. */
static void test_lower_maximum_trims(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 64 * MB, NULL);
    uint64_t base = touch(150);
    assert_true(working_set_pages() > 150);
    assert_true(SetProcessWorkingSetSize(self(), 20 * PAGE, 60 * PAGE));
    assert_true(working_set_pages() <= 60);
    expect_limits(20, 60, SOFT_LIMITS);
    test_verify(m);
    for (uint64_t i = 0; i < 150; i++)
        assert_int_equal(read32(base + i * PAGE), (uint32_t)i + 1);
    test_verify(m);
}

/* With memory plentiful a soft maximum is passed; a hard one never is. */
static void test_hard_maximum_never_exceeded(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64 * MB, NULL);
    assert_true(SetProcessWorkingSetSize(self(), 20 * PAGE, 40 * PAGE));
    touch(100);
    assert_true(working_set_pages() > 40);
    teardown(NULL);
    boot(NTMM_ARCH_X86_PAE, 64 * MB, NULL);
    assert_true(SetProcessWorkingSetSizeEx(self(), 20 * PAGE, 40 * PAGE,
                                           QUOTA_LIMITS_HARDWS_MAX_ENABLE));
    uint64_t base = U(VirtualAlloc(NULL, 200 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    for (uint64_t i = 0; i < 200; i++) {
        write32(base + i * PAGE, (uint32_t)i);
        assert_true(working_set_pages() <= 40);
    }
    for (uint64_t i = 0; i < 200; i++)
        assert_int_equal(read32(base + i * PAGE), (uint32_t)i);
    assert_true(working_set_pages() <= 40);
    test_verify(m);
}

/* When memory runs out, a process with a soft minimum is trimmed below it;
 * one with a hard minimum keeps it. A second process locks most of memory
 * (its minimum raised for it), then touches more than is left. */
static uint64_t pressed_working_set(DWORD flags)
{
    boot_config(NTMM_ARCH_X86_PAE, 16 * MB, 64 * MB, false, NULL);
    assert_true(SetProcessWorkingSetSizeEx(self(), 40 * PAGE, 200 * PAGE, flags));
    touch(100);
    struct ntmm_process *first = p;
    p = spawn(NULL);
    ntmm_set_current_process(p);
    assert_true(SetProcessWorkingSetSize(self(), 3000 * PAGE, 3580 * PAGE));
    uint64_t base = U(VirtualAlloc(NULL, 14 * MB, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    assert_true(VirtualLock(VA(base), 2900 * PAGE));
    uint64_t more = available_pages() + 80; /* all that is free, and most of the first's */
    for (uint64_t i = 2900; i < 2900 + more; i++)
        write32(base + i * PAGE, 1);
    test_verify(m);
    p = first;
    ntmm_set_current_process(p);
    return working_set_pages();
}

static void test_hard_minimum_kept(void **state)
{
    (void)state;
    assert_true(pressed_working_set(0) < 40);
    teardown(NULL);
    assert_true(pressed_working_set(QUOTA_LIMITS_HARDWS_MIN_ENABLE) >= 40);
    test_verify(m);
}

/* ---- QueryWorkingSet and QueryWorkingSetEx ---- */

/* The Flags of a block with only `field` set to value. */
#define EXPECT_FIELD(type, field, value, flags)   \
    do {                                          \
        type block_ = { .Flags = 0 };             \
        block_.field = value;                     \
        assert_int_equal(block_.Flags, (flags));  \
    } while (0)

static void test_layouts(void **state)
{
    (void)state;
    assert_int_equal(sizeof(PSAPI_WORKING_SET_BLOCK), 8);
    assert_int_equal(offsetof(PSAPI_WORKING_SET_INFORMATION, WorkingSetInfo), 8);
    assert_int_equal(sizeof(PSAPI_WORKING_SET_EX_INFORMATION), 16);
    assert_int_equal(offsetof(PSAPI_WORKING_SET_EX_INFORMATION, VirtualAttributes), 8);
    assert_int_equal(sizeof(QUOTA_LIMITS), 48);
    assert_int_equal(sizeof(QUOTA_LIMITS_EX), 88);
    assert_int_equal(offsetof(QUOTA_LIMITS_EX, Flags), 80);
    EXPECT_FIELD(PSAPI_WORKING_SET_BLOCK, Protection, 0x1f, 0x1f);
    EXPECT_FIELD(PSAPI_WORKING_SET_BLOCK, ShareCount, 7, 0xe0);
    EXPECT_FIELD(PSAPI_WORKING_SET_BLOCK, Shared, 1, 0x100);
    EXPECT_FIELD(PSAPI_WORKING_SET_BLOCK, VirtualPage, 0xfffff70001080ull, 0xfffff70001080000ull);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, Valid, 1, 1);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, ShareCount, 7, 0xe);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, Win32Protection, 0x7ff, 0x7ff0);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, Shared, 1, 0x8000);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, Node, 0x3f, 0x3f0000);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, Locked, 1, 0x400000);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, LargePage, 1, 0x800000);
    EXPECT_FIELD(PSAPI_WORKING_SET_EX_BLOCK, Bad, 1, 0x80000000ull);
}

/* Private pages carry their protection and ShareCount 1; a page mapped by
 * two views is Shared with ShareCount 2; a locked page is Locked; the
 * process's tables are in the list; the count is WorkingSetSize. */
static void query_contents(enum ntmm_arch arch, size_t top_tables)
{
    boot(arch, 64 * MB, NULL);
    uint64_t base = touch(4);
    uint64_t ro = U(VirtualAlloc(NULL, PAGE, MEM_COMMIT, PAGE_READONLY));
    assert_int_equal(read32(ro), 0);
    assert_true(VirtualLock(VA(base + PAGE), PAGE));
    HANDLE section = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0x1000, NULL);
    assert_non_null(section);
    uint64_t v1 = U(MapViewOfFile(section, FILE_MAP_WRITE, 0, 0, 0));
    uint64_t v2 = U(MapViewOfFile(section, FILE_MAP_READ, 0, 0, 0));
    write32(v1, 5);
    assert_int_equal(read32(v2), 5);
    test_verify(m);

    PSAPI_WORKING_SET_INFORMATION *info = working_set();
    assert_int_equal(info->NumberOfEntries, working_set_pages());
    PROCESS_MEMORY_COUNTERS c;
    assert_true(GetProcessMemoryInfo(self(), &c, sizeof c));
    assert_true(c.PeakWorkingSetSize >= info->NumberOfEntries * PAGE);
    const PSAPI_WORKING_SET_BLOCK *b = find_block(info, base);
    assert_non_null(b);
    assert_int_equal(b->Protection, 4); /* MM_READWRITE */
    assert_int_equal(b->ShareCount, 1);
    assert_int_equal(b->Shared, 0);
    b = find_block(info, ro);
    assert_non_null(b);
    assert_int_equal(b->Protection, 1); /* MM_READONLY */
    b = find_block(info, v2);
    assert_non_null(b);
    assert_int_equal(b->Shared, 1);
    assert_int_equal(b->ShareCount, 2);
    assert_int_equal(b->Protection, 1);
    size_t tables = 0;
    for (ULONG_PTR i = 0; i < info->NumberOfEntries; i++)
        tables += (uint64_t)info->WorkingSetInfo[i].VirtualPage * PAGE > user_limit();
    assert_true(tables >= top_tables);
    free(info);

    PSAPI_WORKING_SET_EX_BLOCK a = attributes(base);
    assert_int_equal(a.Valid, 1);
    assert_int_equal(a.ShareCount, 1);
    assert_int_equal(a.Win32Protection, PAGE_READWRITE);
    assert_int_equal(a.Shared, 0);
    assert_int_equal(a.Locked, 0);
    assert_int_equal(attributes(base + PAGE).Locked, 1);
    assert_int_equal(attributes(ro).Win32Protection, PAGE_READONLY);
    a = attributes(v1 + 0x123);
    assert_int_equal(a.Valid, 1);
    assert_int_equal(a.Shared, 1);
    assert_int_equal(a.ShareCount, 2);
    assert_int_equal(attributes(0x50000000).Flags, 0); /* free memory */
    assert_int_equal(attributes(user_limit() + 1).Flags & 1, 0);

    PSAPI_WORKING_SET_EX_INFORMATION two[2] = { { .VirtualAddress = VA(base) },
                                                { .VirtualAddress = VA(0x50000000) } };
    assert_true(QueryWorkingSetEx(self(), two, sizeof two));
    assert_int_equal(two[0].VirtualAttributes.Valid, 1);
    assert_int_equal(two[1].VirtualAttributes.Valid, 0);
    SetLastError(0);
    assert_false(QueryWorkingSetEx(self(), two, sizeof two[0] - 1));
    expect_error(ERROR_BAD_LENGTH);
    assert_true(UnmapViewOfFile(VA(v1)));
    assert_true(UnmapViewOfFile(VA(v2)));
    assert_true(CloseHandle(section));
    test_verify(m);
}

/* The process's own tables are listed: at least the top-level table (on
 * PAE the four page directories). */
static void test_query_contents(void **state)
{
    (void)state;
    query_contents(NTMM_ARCH_X86, 1);
    teardown(NULL);
    query_contents(NTMM_ARCH_X86_PAE, 4);
    teardown(NULL);
    query_contents(NTMM_ARCH_X64, 1);
}

/* A buffer one entry short: ERROR_BAD_LENGTH, NumberOfEntries the count
 * needed, the entries untouched; under a ULONG_PTR nothing is written. */
static void test_bad_length(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86, 32 * MB, NULL);
    touch(3);
    ULONG_PTR count = 0;
    assert_false(QueryWorkingSet(self(), &count, sizeof count));
    expect_error(ERROR_BAD_LENGTH);
    assert_int_equal(count, working_set_pages());
    ULONG_PTR *buffer = malloc((count + 1) * sizeof *buffer);
    assert_non_null(buffer);
    memset(buffer, 0xcc, (count + 1) * sizeof *buffer);
    SetLastError(0);
    assert_false(QueryWorkingSet(self(), buffer, (DWORD)(count * sizeof *buffer)));
    expect_error(ERROR_BAD_LENGTH);
    assert_int_equal(buffer[0], count);
    assert_int_equal(buffer[1], (ULONG_PTR)0xcccccccccccccccc);
    assert_true(QueryWorkingSet(self(), buffer, (DWORD)((count + 1) * sizeof *buffer)));
    assert_int_equal(buffer[0], count);
    free(buffer);
    uint32_t small = 0x11111111;
    SetLastError(0);
    assert_false(QueryWorkingSet(self(), &small, sizeof small));
    expect_error(ERROR_BAD_LENGTH);
    assert_int_equal(small, 0x11111111);
    SIZE_T length = 0;
    MEMORY_WORKING_SET_INFORMATION one;
    assert_int_equal(NtQueryVirtualMemory(self(), NULL, MemoryWorkingSetInformation, &one,
                                          sizeof one, &length),
                     STATUS_INFO_LENGTH_MISMATCH);
    assert_int_equal(one.NumberOfEntries, count);
    test_verify(m);
}

/* ---- VirtualLock within the minimum ---- */

/* VirtualLock may hold the minimum less 8 pages; a raised minimum lets it
 * hold more. */
static void test_lock_within_minimum(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 64 * MB, NULL);
    uint64_t base = U(VirtualAlloc(NULL, 200 * PAGE, MEM_COMMIT, PAGE_READWRITE));
    SetLastError(0);
    assert_false(VirtualLock(VA(base), 43 * PAGE));
    expect_error(ERROR_WORKING_SET_QUOTA);
    assert_true(VirtualLock(VA(base), 42 * PAGE));
    assert_true(VirtualUnlock(VA(base), 42 * PAGE));
    assert_true(SetProcessWorkingSetSize(self(), 200 * PAGE, 400 * PAGE));
    assert_true(VirtualLock(VA(base), 192 * PAGE));
    SetLastError(0);
    assert_false(VirtualLock(VA(base + 192 * PAGE), PAGE));
    expect_error(ERROR_WORKING_SET_QUOTA);
    /* locked pages stay through EmptyWorkingSet */
    assert_true(EmptyWorkingSet(self()));
    assert_true(attributes(base).Locked);
    assert_true(working_set_pages() >= 192);
    test_verify(m);
}

/* ---- a view page's own protection: its WSLE, then its PTE ---- */

#define MM_READONLY_VALUE 1u    /* the MM_* protections the WSLE and PTE carry */
#define MM_READWRITE_VALUE 4u
#define MM_NOACCESS_VALUE 0x18u
#define MM_GUARD_VALUE 0x10u

/* The Protection of va's working-set entry; false if va has none. */
static bool entry_protection(uint64_t va, unsigned *protection)
{
    struct ntmm_working_set_info info;
    assert_int_equal(ntmm_working_set_info(p, &info), STATUS_SUCCESS);
    for (uint64_t i = 0; i <= info.last_entry; i++) {
        struct ntmm_wsle_info e;
        assert_int_equal(ntmm_working_set_entry(p, i, &e), STATUS_SUCCESS);
        if (e.valid && e.virtual_address == va) {
            *protection = e.protection;
            return true;
        }
    }
    return false;
}

/* The PTE of va, decoded. */
static struct ntmm_pte_info pte_of(uint64_t va)
{
    struct ntmm_walk w;
    assert_int_equal(ntmm_pte_walk(m, p, va, &w), STATUS_SUCCESS);
    return w.level[w.levels - 1].pte;
}

static void expect_lookup_needed(uint64_t va, uint64_t marker, unsigned protection)
{
    struct ntmm_pte_info pte = pte_of(va);
    assert_int_equal(pte.kind, NTMM_PTE_PROTOTYPE);
    assert_int_equal(pte.proto_address, marker);
    assert_int_equal(pte.protection, protection);
}

static DWORD protect_of(uint64_t va)
{
    MEMORY_BASIC_INFORMATION mbi;
    assert_int_equal(VirtualQuery(VA(va), &mbi, sizeof mbi), sizeof mbi);
    return mbi.Protect;
}

/* VirtualProtect on a shared page of a view keeps the new protection where
 * Windows does: in the page's WSLE while resident, in its process PTE as
 * MI_PTE_LOOKUP_NEEDED once trimmed; it comes back with the page, a page
 * made no-access leaves the working set, a protection equal to the view's
 * leaves neither mark, and another process's view of the section keeps
 * its own protection. */
static void test_view_protection_in_wsle_and_pte(void **state)
{
    (void)state;
    static const enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
    for (unsigned a = 0; a < 3; a++) {
        boot(arches[a], 64 * MB, NULL);
        uint64_t marker = arches[a] == NTMM_ARCH_X64 ? ~0ull : 0xFFFFFFFFull;
        HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                      4 * PAGE, NULL);
        assert_non_null(h);
        uint64_t v = U(MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0));
        assert_int_not_equal(v, 0);
        for (uint64_t i = 0; i < 4; i++)
            write32(v + i * PAGE, 0x100 + (uint32_t)i);
        DWORD old = 0;
        assert_true(VirtualProtect(VA(v + PAGE), PAGE, PAGE_READONLY, &old));
        assert_int_equal(old, PAGE_READWRITE);
        unsigned prot = 99;
        assert_true(entry_protection(v + PAGE, &prot));
        assert_int_equal(prot, MM_READONLY_VALUE);
        assert_true(entry_protection(v, &prot));
        assert_int_equal(prot, 0);
        assert_int_equal(protect_of(v + PAGE), PAGE_READONLY);
        uint32_t x = 7;
        assert_int_equal(ntmm_write(p, v + PAGE, &x, 4), STATUS_ACCESS_VIOLATION);
        test_verify(m);

        assert_true(EmptyWorkingSet(self()));
        expect_lookup_needed(v + PAGE, marker, MM_READONLY_VALUE);
        assert_int_not_equal(pte_of(v).proto_address, marker);
        assert_int_equal(protect_of(v + PAGE), PAGE_READONLY);
        test_verify(m);
        assert_int_equal(read32(v + PAGE), 0x101);
        assert_true(entry_protection(v + PAGE, &prot));
        assert_int_equal(prot, MM_READONLY_VALUE);
        assert_int_equal(ntmm_write(p, v + PAGE, &x, 4), STATUS_ACCESS_VIOLATION);

        assert_true(VirtualProtect(VA(v + 2 * PAGE), PAGE, PAGE_NOACCESS, &old));
        assert_false(entry_protection(v + 2 * PAGE, &prot));
        expect_lookup_needed(v + 2 * PAGE, marker, MM_NOACCESS_VALUE);
        assert_int_equal(ntmm_read(p, v + 2 * PAGE, &x, 4), STATUS_ACCESS_VIOLATION);
        assert_int_equal(protect_of(v + 2 * PAGE), PAGE_NOACCESS);
        test_verify(m);

        assert_true(VirtualProtect(VA(v + PAGE), 2 * PAGE, PAGE_READWRITE, &old));
        assert_int_equal(old, PAGE_READONLY);
        assert_true(entry_protection(v + PAGE, &prot));
        assert_int_equal(prot, 0);
        assert_int_not_equal(pte_of(v + 2 * PAGE).proto_address, marker);
        write32(v + PAGE, 0x201);
        assert_true(VirtualProtect(VA(v + 3 * PAGE), PAGE, PAGE_READONLY, &old));
        assert_true(EmptyWorkingSet(self()));
        assert_int_not_equal(pte_of(v + PAGE).proto_address, marker);
        expect_lookup_needed(v + 3 * PAGE, marker, MM_READONLY_VALUE);
        test_verify(m);

        /* a guard page of the view: the PTE carries the guard until the
         * first access takes it off */
        assert_true(VirtualProtect(VA(v), PAGE, PAGE_READWRITE | PAGE_GUARD, &old));
        expect_lookup_needed(v, marker, MM_GUARD_VALUE | MM_READWRITE_VALUE);
        assert_int_equal(ntmm_read(p, v, &x, 4), STATUS_GUARD_PAGE_VIOLATION);
        assert_int_not_equal(pte_of(v).proto_address, marker);
        assert_int_equal(read32(v), 0x100);
        test_verify(m);

        struct ntmm_process *first = p;
        p = spawn(NULL);
        ntmm_set_current_process(p);
        HANDLE h2 = NULL;
        assert_true(DuplicateHandle(ntmm_process_handle(first), h, GetCurrentProcess(), &h2, 0,
                                    FALSE, DUPLICATE_SAME_ACCESS));
        uint64_t w = U(MapViewOfFile(h2, FILE_MAP_WRITE, 0, 0, 0));
        assert_int_not_equal(w, 0);
        assert_int_equal(protect_of(w + 3 * PAGE), PAGE_READWRITE);
        write32(w + 3 * PAGE, 0x303);
        assert_true(entry_protection(w + 3 * PAGE, &prot));
        assert_int_equal(prot, 0);
        ntmm_set_current_process(first);
        p = first;
        assert_int_equal(read32(v + 3 * PAGE), 0x303);
        assert_int_equal(protect_of(v + 3 * PAGE), PAGE_READONLY);
        test_verify(m);
        teardown(NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_defaults_by_ram),
        T(test_set_get_round_trip),
        T(test_quota_limits_service),
        T(test_errors),
        T(test_access_rights),
        T(test_minus_one_empties),
        T(test_empty_then_soft_faults),
        T(test_lower_maximum_trims),
        T(test_hard_maximum_never_exceeded),
        T(test_hard_minimum_kept),
        T(test_layouts),
        T(test_query_contents),
        T(test_bad_length),
        T(test_lock_within_minimum),
        T(test_view_protection_in_wsle_and_pte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
