/*
 * test_faults.c — fault injection, SQLite-style (design.md section 5): each
 * scenario runs once to count its frame and host allocations
 * (ntmm_fault_count), then once more for every N up to that count with the
 * Nth allocation of one kind failing (ntmm_inject_fault), on x86, PAE and
 * x64. Every step must succeed or fail with a status Windows returns when
 * memory runs out (STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES,
 * STATUS_COMMITMENT_LIMIT; Win32 8, 1450, 1455), the verifier must pass after
 * every step, exactly one step must fail (no failure is swallowed), and
 * retrying that step must succeed (the fault is one-shot and the failure left
 * nothing half-made). After every process is gone and the zero page thread
 * has run, MmAvailablePages is back to its boot value; ASan's leak checker
 * sees the host side.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"

#define U(ptr) ((uint64_t)(uintptr_t)(ptr))
#define VA(addr) ((LPVOID)(uintptr_t)(addr))
#define RAM (16ull << 20)

struct run {
    struct ntmm_machine *m;
    struct ntmm_process *live[2]; /* the scenario's processes still running */
    unsigned failures; /* steps that failed (and were retried) */
};

/* virtual.c (1), which the verifier does not count: the committed bytes
 * VirtualQuery reports are the commit charge GetProcessMemoryInfo reports
 * (plus the KUSER_SHARED_DATA page, committed but charged to no one). */
#define MAX_REGIONS 64

/* What a process's address space looks like from user mode. */
struct view {
    unsigned regions;
    MEMORY_BASIC_INFORMATION region[MAX_REGIONS]; /* VirtualQuery, region by region */
    SIZE_T private_usage;                         /* GetProcessMemoryInfo */
};

static void look(struct ntmm_process *process, struct view *v)
{
    struct ntmm_process *current = ntmm_current_process();
    ntmm_set_current_process(process);
    HANDLE h = ntmm_process_handle(process);
    uint64_t va = 0;
    memset(v, 0, sizeof *v);
    MEMORY_BASIC_INFORMATION info;
    while (VirtualQueryEx(h, VA(va), &info, sizeof info) == sizeof info) {
        assert_true(v->regions < MAX_REGIONS);
        v->region[v->regions++] = info;
        if (U(info.BaseAddress) + info.RegionSize <= va)
            break;
        va = U(info.BaseAddress) + info.RegionSize;
    }
    PROCESS_MEMORY_COUNTERS_EX counters;
    assert_true(GetProcessMemoryInfo(h, (PPROCESS_MEMORY_COUNTERS)&counters, sizeof counters));
    v->private_usage = counters.PrivateUsage;
    ntmm_set_current_process(current);
}

static void check_commit(struct ntmm_process *process)
{
    struct view v;
    look(process, &v);
    uint64_t committed = 0;
    /* views charge what their VADs say (the verifier checks each VAD's count
     * against its pages; mm/section.h (5)) */
    for (unsigned i = 0; i < v.regions; i++)
        if (v.region[i].State == MEM_COMMIT && U(v.region[i].BaseAddress) != 0x7ffe0000ull &&
            v.region[i].Type == MEM_PRIVATE)
            committed += v.region[i].RegionSize;
    struct ntmm_vad_info vad;
    for (unsigned i = 0; ntmm_vad_at(process, i, &vad); i++)
        if (!vad.private_memory)
            committed += vad.commit_charge * NTMM_PAGE_SIZE;
    if (committed != v.private_usage)
        fail_msg("VirtualQuery finds %llu bytes committed, PrivateUsage is %llu",
                 (unsigned long long)committed, (unsigned long long)v.private_usage);
}

static void verify(struct run *r)
{
    test_verify(r->m);
    for (size_t i = 0; i < sizeof r->live / sizeof r->live[0]; i++)
        if (r->live[i])
            check_commit(r->live[i]);
}

static void forget(struct run *r, struct ntmm_process *process)
{
    for (size_t i = 0; i < sizeof r->live / sizeof r->live[0]; i++)
        if (r->live[i] == process)
            r->live[i] = NULL;
}

static void terminate(struct run *r, struct ntmm_process *process)
{
    forget(r, process);
    ntmm_process_terminate(process);
    verify(r);
}

static const char *kind_name(enum ntmm_fault_kind kind)
{
    return kind == NTMM_FAULT_FRAME ? "frame" : "host allocation";
}

/* A step's NTSTATUS: success, or one Windows gives when memory runs out;
 * the verifier passes either way. */
/* nt/virtual.c (1): a call that fails changes nothing a process can see. */
static void snapshot(struct run *r, struct view *views)
{
    for (size_t i = 0; i < sizeof r->live / sizeof r->live[0]; i++)
        if (r->live[i])
            look(r->live[i], &views[i]);
}

static bool same_region(const MEMORY_BASIC_INFORMATION *a, const MEMORY_BASIC_INFORMATION *b)
{
    return a->BaseAddress == b->BaseAddress && a->AllocationBase == b->AllocationBase &&
           a->AllocationProtect == b->AllocationProtect && a->RegionSize == b->RegionSize &&
           a->State == b->State && a->Protect == b->Protect && a->Type == b->Type;
}

static void expect_unchanged(struct run *r, const struct view *views)
{
    for (size_t i = 0; i < sizeof r->live / sizeof r->live[0]; i++) {
        if (!r->live[i])
            continue;
        struct view now;
        look(r->live[i], &now);
        bool same = now.private_usage == views[i].private_usage &&
                    now.regions == views[i].regions;
        for (unsigned k = 0; same && k < now.regions; k++)
            same = same_region(&now.region[k], &views[i].region[k]);
        if (!same)
            fail_msg("a failed call changed process %zu's address space", i);
    }
}

static bool nt_step(struct run *r, NTSTATUS st)
{
    verify(r);
    if (NT_SUCCESS(st))
        return true;
    if (st != STATUS_NO_MEMORY && st != STATUS_INSUFFICIENT_RESOURCES &&
        st != STATUS_COMMITMENT_LIMIT)
        fail_msg("status %08x is not one Windows returns when memory runs out", (unsigned)st);
    r->failures++;
    return false;
}

/* A Win32 step: TRUE, or FALSE with ERROR_NOT_ENOUGH_MEMORY,
 * ERROR_NO_SYSTEM_RESOURCES or ERROR_COMMITMENT_LIMIT. */
static bool win32_step(struct run *r, bool ok)
{
    DWORD error = ok ? 0 : GetLastError();
    verify(r);
    if (ok)
        return true;
    if (error != ERROR_NOT_ENOUGH_MEMORY && error != ERROR_NO_SYSTEM_RESOURCES &&
        error != ERROR_COMMITMENT_LIMIT)
        fail_msg("last error %lu is not one Windows gives when memory runs out",
                 (unsigned long)error);
    r->failures++;
    return false;
}

/* A failed step changed nothing and is retried once: the fault is gone,
 * so the retry must succeed. */
#define STEP(r, check, call)                                                                    \
    do {                                                                                        \
        struct view before_[2];                                                                 \
        snapshot((r), before_);                                                                 \
        if (!check((r), (call))) {                                                              \
            expect_unchanged((r), before_);                                                     \
            assert_true(check((r), (call)));                                                    \
        }                                                                                       \
    } while (0)
#define NT(r, call) STEP(r, nt_step, call)
#define WIN32(r, call) STEP(r, win32_step, call)

static struct ntmm_process *create(struct run *r, bool is_64bit)
{
    struct ntmm_process_options options = { "fault.exe", is_64bit, is_64bit, NULL };
    struct ntmm_process *process = NULL;
    NT(r, ntmm_process_create(r->m, &options, &process));
    assert_non_null(process);
    ntmm_set_current_process(process);
    r->live[r->live[0] ? 1 : 0] = process;
    verify(r);
    return process;
}

static LPVOID alloc(struct run *r, uint64_t at, SIZE_T size, DWORD type)
{
    LPVOID p = NULL;
    WIN32(r, (p = VirtualAlloc(VA(at), size, type, PAGE_READWRITE)) != NULL);
    return p;
}

/* Writes one word into every page of [base, base + size). */
static void touch(struct run *r, struct ntmm_process *process, uint64_t base, uint64_t size)
{
    for (uint64_t va = base; va < base + size; va += NTMM_PAGE_SIZE) {
        uint32_t value = (uint32_t)va;
        NT(r, ntmm_write(process, va, &value, sizeof value));
        uint32_t back = 0;
        assert_int_equal(ntmm_read(process, va, &back, sizeof back), STATUS_SUCCESS);
        assert_int_equal(back, value);
    }
}

/* A failed VirtualProtect changed nothing: the retry sees the old protection. */
static void protect(struct run *r, uint64_t base, SIZE_T size, DWORD protection, DWORD expected_old)
{
    DWORD old = 0;
    WIN32(r, VirtualProtect(VA(base), size, protection, &old));
    assert_int_equal(old, expected_old);
}

/* (a) One process: reserve and commit 64 KB, touch every page, make part of
 * it no-access and back, lock two pages, decommit half, release. */
static void scenario_basic(struct run *r, bool is_64bit)
{
    struct ntmm_process *process = create(r, is_64bit);
    uint64_t p = U(alloc(r, 0, 0x10000, MEM_RESERVE | MEM_COMMIT));
    touch(r, process, p, 0x10000);
    protect(r, p + 0x4000, 0x4000, PAGE_NOACCESS, PAGE_READWRITE);
    protect(r, p + 0x4000, 0x4000, PAGE_READWRITE, PAGE_NOACCESS);
    WIN32(r, VirtualLock(VA(p), 0x2000));
    WIN32(r, VirtualFree(VA(p + 0x8000), 0x8000, MEM_DECOMMIT));
    WIN32(r, VirtualFree(VA(p), 0, MEM_RELEASE));
    terminate(r, process);
}

/* (b) A 64-bit process with allocations far apart, so that every level of
 * page table is created: commit, protect and decommit of untouched pages
 * across page-table boundaries need their tables. */
static void scenario_far_apart(struct run *r, bool is_64bit)
{
    (void)is_64bit;
    struct ntmm_process *process = create(r, true);
    uint64_t a = U(alloc(r, 0x10000000ull, 0x10000, MEM_RESERVE | MEM_COMMIT));
    touch(r, process, a, 0x2000);
    /* 64 GB: another PDPT entry; commit two pages across a page-table boundary */
    uint64_t b = U(alloc(r, 0x1000000000ull, 0x400000, MEM_RESERVE));
    alloc(r, b + 0x1ff000, 0x2000, MEM_COMMIT);
    touch(r, process, b + 0x1ff000, 0x2000);
    /* 5 TB: another PML4 entry; protection and decommit of untouched MemCommit pages */
    uint64_t c = U(alloc(r, 0x50000000000ull, 0x800000, MEM_RESERVE | MEM_COMMIT));
    protect(r, c + 0x1ff000, 0x2000, PAGE_READONLY, PAGE_READWRITE);
    WIN32(r, VirtualFree(VA(c + 0x5ff000), 0x2000, MEM_DECOMMIT));
    touch(r, process, c, 0x1000);
    WIN32(r, VirtualLock(VA(c), 0x1000));
    WIN32(r, VirtualFree(VA(b), 0, MEM_RELEASE));
    terminate(r, process);
}

/* (c) Two processes with allocations; one terminates while the other goes on. */
static void scenario_two_processes(struct run *r, bool is_64bit)
{
    struct ntmm_process *first = create(r, is_64bit);
    uint64_t a = U(alloc(r, 0, 0x10000, MEM_RESERVE | MEM_COMMIT));
    touch(r, first, a, 0x4000);
    struct ntmm_process *second = create(r, is_64bit);
    uint64_t b = U(alloc(r, 0, 0x20000, MEM_RESERVE | MEM_COMMIT));
    touch(r, second, b + 0x10000, 0x4000);
    WIN32(r, VirtualLock(VA(b + 0x10000), 0x1000));
    terminate(r, first);
    ntmm_set_current_process(second);
    uint64_t c = U(alloc(r, 0, 0x10000, MEM_RESERVE));
    alloc(r, c, 0x3000, MEM_COMMIT);
    touch(r, second, c, 0x3000);
    protect(r, c, 0x3000, PAGE_READONLY, PAGE_READWRITE);
    terminate(r, second);
}

static LPVOID map(struct run *r, HANDLE section, DWORD access)
{
    LPVOID p = NULL;
    WIN32(r, (p = MapViewOfFile(section, access, 0, 0, 0)) != NULL);
    return p;
}

static void read_back(struct run *r, struct ntmm_process *process, uint64_t va, uint32_t expected)
{
    uint32_t value = 0;
    NT(r, ntmm_read(process, va, &value, sizeof value));
    assert_int_equal(value, expected);
}

/* (d) Sections: a named pagefile-backed section shared by two processes, a
 * copy-on-write view, SEC_RESERVE pages committed, a file mapped, views
 * unmapped and the last handle closed (paged pool, prototype PTEs, control
 * areas and views each fail once). */
static void scenario_sections(struct run *r, bool is_64bit)
{
    struct ntmm_process *first = create(r, is_64bit);
    HANDLE section = NULL;
    WIN32(r, (section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                           0x10000, "FaultShared")) != NULL);
    uint64_t a = U(map(r, section, FILE_MAP_WRITE));
    touch(r, first, a, 0x3000);
    uint64_t copy = U(map(r, section, FILE_MAP_COPY));
    touch(r, first, copy + 0x1000, 0x1000);
    protect(r, a + 0x2000, 0x1000, PAGE_NOACCESS, PAGE_READWRITE);
    protect(r, copy, 0x2000, PAGE_READONLY, PAGE_WRITECOPY);
    struct ntmm_process *second = create(r, is_64bit);
    HANDLE opened = NULL;
    WIN32(r, (opened = OpenFileMappingA(FILE_MAP_READ, FALSE, "FaultShared")) != NULL);
    uint64_t b = U(map(r, opened, FILE_MAP_READ));
    read_back(r, second, b + 0x2000, (uint32_t)(a + 0x2000));
    HANDLE reserve = NULL;
    WIN32(r, (reserve = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
                                           PAGE_READWRITE | SEC_RESERVE, 0, 0x20000,
                                           NULL)) != NULL);
    uint64_t c = U(map(r, reserve, FILE_MAP_WRITE));
    alloc(r, c + 0x4000, 0x2000, MEM_COMMIT);
    touch(r, second, c + 0x4000, 0x2000);
    HANDLE file = INVALID_HANDLE_VALUE;
    WIN32(r, (file = CreateFileA("C:\\fault.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL,
                                 CREATE_ALWAYS, 0, NULL)) != INVALID_HANDLE_VALUE);
    HANDLE mapping = NULL;
    WIN32(r, (mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, 0x3000, NULL)) != NULL);
    uint64_t f = U(map(r, mapping, FILE_MAP_WRITE));
    touch(r, second, f, 0x3000);
    WIN32(r, FlushViewOfFile(VA(f), 0));
    WIN32(r, UnmapViewOfFile(VA(f)));
    WIN32(r, CloseHandle(mapping));
    WIN32(r, CloseHandle(file));
    WIN32(r, UnmapViewOfFile(VA(b)));
    terminate(r, second);
    ntmm_set_current_process(first);
    WIN32(r, UnmapViewOfFile(VA(copy)));
    WIN32(r, CloseHandle(section));
    read_back(r, first, a + 0x1000, (uint32_t)(a + 0x1000));
    terminate(r, first);
}

/* The fixture DLL's bytes ($NTMM_PE_DIR, built by make check). */
static uint8_t *fixture(const char *name, size_t *size)
{
    const char *dir = getenv("NTMM_PE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: no such fixture (make check builds it into NTMM_PE_DIR)", path);
    static uint8_t bytes[1 << 16];
    *size = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    return bytes;
}

/* (e) Images: a DLL written to C: with WriteFile, loaded by two processes
 * (the image control area, its prototype PTEs, the views), its .data written
 * (copy-on-write), freed, and the processes gone. */
static void scenario_images(struct run *r, bool is_64bit)
{
    struct ntmm_process *first = create(r, is_64bit);
    size_t size;
    const uint8_t *dll = fixture(is_64bit ? "dll64.dll" : "dll32.dll", &size);
    uint64_t buffer = U(alloc(r, 0, 0x10000, MEM_RESERVE | MEM_COMMIT));
    NT(r, ntmm_write(first, buffer, dll, size));
    HANDLE file = INVALID_HANDLE_VALUE;
    WIN32(r, (file = CreateFileA("C:\\fault.dll", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0,
                                 NULL)) != INVALID_HANDLE_VALUE);
    WIN32(r, WriteFile(file, VA(buffer), (DWORD)size, VA(buffer + 0xf000), NULL));
    WIN32(r, CloseHandle(file));
    HMODULE module = NULL;
    WIN32(r, (module = LoadLibraryA("fault.dll")) != NULL);
    uint64_t base = U(module);
    touch(r, first, base + 0x3000, 0x1000); /* .data: a private copy */
    struct ntmm_process *second = create(r, is_64bit);
    HMODULE again = NULL;
    WIN32(r, (again = LoadLibraryA("fault.dll")) != NULL);
    assert_ptr_equal(again, module);
    read_back(r, second, base + 0x3000, 7); /* dll_counter, the original */
    WIN32(r, FreeLibrary(again));
    terminate(r, second);
    ntmm_set_current_process(first);
    WIN32(r, FreeLibrary(module));
    terminate(r, first);
}

typedef void (*scenario)(struct run *r, bool is_64bit);

/* One run on a fresh machine, with the nth allocation of kind failing (0:
 * none); returns the allocations of kind the run made. */
static uint64_t run_once(scenario s, enum ntmm_arch arch, enum ntmm_fault_kind kind, uint64_t nth)
{
    struct run r = { .m = test_boot(arch, RAM) };
    struct ntmm_machine_info boot;
    ntmm_machine_info(r.m, &boot);
    uint64_t before = ntmm_fault_count(r.m, kind);
    ntmm_inject_fault(r.m, kind, nth);
    s(&r, arch == NTMM_ARCH_X64);
    ntmm_set_current_process(NULL);
    uint64_t made = ntmm_fault_count(r.m, kind) - before;
    if (r.failures != (nth ? 1u : 0u))
        fail_msg("%s fault %llu on %s: %u steps failed, expected %u", kind_name(kind),
                 (unsigned long long)nth, boot.arch_name, r.failures, nth ? 1u : 0u);
    ntmm_machine_idle(r.m);
    struct ntmm_machine_info after;
    ntmm_machine_info(r.m, &after);
    assert_int_equal(after.available_pages, boot.available_pages);
    test_verify(r.m);
    ntmm_machine_destroy(r.m);
    return made;
}

/* Every N from 1 to the allocations a fault-free run makes, for each kind. */
static void sweep(scenario s, enum ntmm_arch arch)
{
    static const enum ntmm_fault_kind kinds[] = { NTMM_FAULT_FRAME, NTMM_FAULT_HOST_ALLOCATION };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        uint64_t total = run_once(s, arch, kinds[k], 0);
        assert_true(total > 0);
        for (uint64_t n = 1; n <= total; n++)
            run_once(s, arch, kinds[k], n);
    }
}

static void test_basic_x86(void **state)
{
    (void)state;
    sweep(scenario_basic, NTMM_ARCH_X86);
}

static void test_basic_pae(void **state)
{
    (void)state;
    sweep(scenario_basic, NTMM_ARCH_X86_PAE);
}

static void test_basic_x64(void **state)
{
    (void)state;
    sweep(scenario_basic, NTMM_ARCH_X64);
}

static void test_far_apart_x64(void **state)
{
    (void)state;
    sweep(scenario_far_apart, NTMM_ARCH_X64);
}

static void test_two_processes_x86(void **state)
{
    (void)state;
    sweep(scenario_two_processes, NTMM_ARCH_X86);
}

static void test_two_processes_pae(void **state)
{
    (void)state;
    sweep(scenario_two_processes, NTMM_ARCH_X86_PAE);
}

static void test_two_processes_x64(void **state)
{
    (void)state;
    sweep(scenario_two_processes, NTMM_ARCH_X64);
}

/* The controls themselves: nth counts from the call, 0 cancels, one-shot,
 * unknown kinds are ignored. */
static void test_sections_x86(void **state)
{
    (void)state;
    sweep(scenario_sections, NTMM_ARCH_X86);
}

static void test_sections_pae(void **state)
{
    (void)state;
    sweep(scenario_sections, NTMM_ARCH_X86_PAE);
}

static void test_sections_x64(void **state)
{
    (void)state;
    sweep(scenario_sections, NTMM_ARCH_X64);
}

static void test_images_pae(void **state)
{
    (void)state;
    sweep(scenario_images, NTMM_ARCH_X86_PAE);
}

static void test_images_x64(void **state)
{
    (void)state;
    sweep(scenario_images, NTMM_ARCH_X64);
}

static void test_injector_controls(void **state)
{
    (void)state;
    struct ntmm_machine *m = test_boot(NTMM_ARCH_X86_PAE, RAM);
    assert_int_equal(ntmm_fault_count(m, NTMM_FAULT_FRAME), 0);
    assert_int_equal(ntmm_fault_count(m, NTMM_FAULT_HOST_ALLOCATION), 0);
    assert_int_equal(ntmm_fault_count(m, (enum ntmm_fault_kind)7), 0);
    ntmm_inject_fault(m, (enum ntmm_fault_kind)7, 1);
    struct ntmm_process *p = NULL;
    /* a process takes one host allocation for itself first */
    ntmm_inject_fault(m, NTMM_FAULT_HOST_ALLOCATION, 1);
    assert_int_equal(ntmm_process_create(m, NULL, &p), STATUS_NO_MEMORY);
    assert_null(p);
    assert_int_equal(ntmm_fault_count(m, NTMM_FAULT_HOST_ALLOCATION), 1);
    test_verify(m);
    /* one-shot: the next creation succeeds */
    assert_int_equal(ntmm_process_create(m, NULL, &p), STATUS_SUCCESS);
    ntmm_set_current_process(p);
    /* cancelled: nothing fails */
    ntmm_inject_fault(m, NTMM_FAULT_FRAME, 1);
    ntmm_inject_fault(m, NTMM_FAULT_FRAME, 0);
    uint64_t base = U(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_not_equal(base, 0);
    uint64_t frames = ntmm_fault_count(m, NTMM_FAULT_FRAME);
    assert_int_equal(ntmm_write(p, base, "x", 1), STATUS_SUCCESS);
    assert_true(ntmm_fault_count(m, NTMM_FAULT_FRAME) > frames);
    /* the second frame from now: the first page's frame is there, the next one fails */
    ntmm_inject_fault(m, NTMM_FAULT_FRAME, 2);
    assert_int_equal(ntmm_write(p, base + 0x1000, "x", 1), STATUS_SUCCESS);
    assert_int_equal(ntmm_write(p, base + 0x2000, "x", 1), STATUS_INSUFFICIENT_RESOURCES);
    struct ntmm_exception e;
    assert_true(ntmm_last_exception(p, &e));
    assert_int_equal(e.code, STATUS_INSUFFICIENT_RESOURCES);
    assert_int_equal(e.address, base + 0x2000);
    test_verify(m);
    assert_int_equal(ntmm_write(p, base + 0x2000, "x", 1), STATUS_SUCCESS);
    /* Win32 sees the host failure as ERROR_NOT_ENOUGH_MEMORY */
    ntmm_inject_fault(m, NTMM_FAULT_HOST_ALLOCATION, 1);
    assert_null(VirtualAlloc(NULL, 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(GetLastError(), ERROR_NOT_ENOUGH_MEMORY);
    test_verify(m);
    ntmm_set_current_process(NULL);
    ntmm_machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_x86),
        cmocka_unit_test(test_sections_pae),
        cmocka_unit_test(test_sections_x64),
        cmocka_unit_test(test_images_pae),
        cmocka_unit_test(test_images_x64),
        cmocka_unit_test(test_injector_controls),
        cmocka_unit_test(test_basic_x86),
        cmocka_unit_test(test_basic_pae),
        cmocka_unit_test(test_basic_x64),
        cmocka_unit_test(test_far_apart_x64),
        cmocka_unit_test(test_two_processes_x86),
        cmocka_unit_test(test_two_processes_pae),
        cmocka_unit_test(test_two_processes_x64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
