/*
 * virtual_testing.h — what test_virtual.c and test_virtual_nt.c share: a
 * machine with a current process (setup/teardown), VirtualQuery and
 * last-error expectations, and snapshots that prove a failed call changed
 * nothing.
 */
#ifndef NTMM_VIRTUAL_TESTING_H
#define NTMM_VIRTUAL_TESTING_H

#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"

#define U(ptr) ((uint64_t)(uintptr_t)(ptr))
#define VA(addr) ((LPVOID)(uintptr_t)(addr))
#define T(f) cmocka_unit_test_teardown(f, teardown)
/* expect_region's size for a free region that runs to the end of user space */
#define NEXT_FREE ((SIZE_T)-1)

static struct ntmm_machine *m;  /* the test's machine */
static struct ntmm_process *p;  /* its current process */

static inline int teardown(void **state)
{
    (void)state;
    ntmm_set_current_process(NULL);
    if (m)
        ntmm_machine_destroy(m);
    m = NULL;
    p = NULL;
    return 0;
}

static inline struct ntmm_process *spawn(const struct ntmm_process_options *options)
{
    struct ntmm_process *process = NULL;
    assert_int_equal(ntmm_process_create(m, options, &process), STATUS_SUCCESS);
    assert_non_null(process);
    return process;
}

/* Boots a machine of this configuration, creates a process with options
 * (NULL: the defaults) and makes it current. */
static inline void boot_config(enum ntmm_arch arch, uint64_t ram, uint64_t pagefile, bool big,
                        const struct ntmm_process_options *options)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = ram;
    config.pagefile_count = pagefile ? 1 : 0; /* 0: no pagefile */
    config.pagefiles[0] = (struct ntmm_pagefile_config){ pagefile, pagefile };
    config.user_space_128tb = big;
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    p = spawn(options);
    ntmm_set_current_process(p);
    test_verify(m);
}

static inline void boot(enum ntmm_arch arch, uint64_t ram, const struct ntmm_process_options *options)
{
    m = test_boot(arch, ram);
    p = spawn(options);
    ntmm_set_current_process(p);
    test_verify(m);
}

static inline void setup(void)
{
    boot(NTMM_ARCH_X86_PAE, 32ull << 20, NULL);
}

/* A 32-bit write or read of the current process that must succeed. */
static inline void write32(uint64_t va, uint32_t v)
{
    assert_int_equal(ntmm_write(p, va, &v, 4), STATUS_SUCCESS);
}

static inline uint32_t read32(uint64_t va)
{
    uint32_t v = 0xdeadbeef;
    assert_int_equal(ntmm_read(p, va, &v, 4), STATUS_SUCCESS);
    return v;
}

/* The last error, read in a statement of its own after the call. */
static inline void expect_error(DWORD expected)
{
    DWORD error = GetLastError();
    assert_int_equal(error, expected);
}

static inline uint64_t user_limit(void)
{
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return U(info.lpMaximumApplicationAddress);
}

static inline MEMORY_BASIC_INFORMATION query(uint64_t addr)
{
    MEMORY_BASIC_INFORMATION info;
    memset(&info, 0xcc, sizeof info);
    SIZE_T got = VirtualQuery(VA(addr), &info, sizeof info);
    assert_int_equal(got, sizeof info);
    return info;
}

/* VirtualQuery(addr) describes exactly this region. */
static inline void expect_region(uint64_t addr, uint64_t base, uint64_t allocation_base,
                          DWORD allocation_protect, SIZE_T size, DWORD state, DWORD protect,
                          DWORD type)
{
    MEMORY_BASIC_INFORMATION info = query(addr);
    if (size == NEXT_FREE) /* up to KUSER_SHARED_DATA's reservation, or the user limit */
        size = (base < 0x7ffe0000 ? 0x7ffe0000 : user_limit() + 1) - base;
    assert_int_equal(U(info.BaseAddress), base);
    assert_int_equal(U(info.AllocationBase), allocation_base);
    assert_int_equal(info.AllocationProtect, allocation_protect);
    assert_int_equal(info.RegionSize, size);
    assert_int_equal(info.State, state);
    assert_int_equal(info.Protect, protect);
    assert_int_equal(info.Type, type);
}

/* Reserves at a fixed address and checks the address came back. */
static inline uint64_t reserve_at(uint64_t addr, SIZE_T size, DWORD protect)
{
    uint64_t got = U(VirtualAlloc(VA(addr), size, MEM_RESERVE, protect));
    assert_int_equal(got, addr);
    test_verify(m);
    return got;
}

static inline PROCESS_MEMORY_COUNTERS_EX counters_of(HANDLE process)
{
    PROCESS_MEMORY_COUNTERS_EX c;
    memset(&c, 0, sizeof c);
    assert_true(GetProcessMemoryInfo(process, (PPROCESS_MEMORY_COUNTERS)&c, sizeof c));
    return c;
}

static inline SIZE_T private_usage(void)
{
    return counters_of(GetCurrentProcess()).PrivateUsage;
}

#define MEMORY_STATUS_SNAPSHOT(name)                                                           \
    MEMORYSTATUSEX name;                                                                       \
    memset(&name, 0, sizeof name);                                                             \
    name.dwLength = sizeof name;                                                               \
    assert_true(GlobalMemoryStatusEx(&name))

/* What a failed call must leave as it was. */
struct snapshot {
    VM_COUNTERS_EX vm;
    uint64_t available_pages;
    DWORDLONG avail_page_file;
};

static inline struct snapshot snap(void)
{
    struct snapshot s;
    memset(&s, 0, sizeof s);
    assert_int_equal(NtQueryInformationProcess(GetCurrentProcess(), ProcessVmCounters, &s.vm,
                                               sizeof s.vm, NULL),
                     STATUS_SUCCESS);
    struct ntmm_machine_info info;
    ntmm_machine_info(m, &info);
    s.available_pages = info.available_pages;
    MEMORY_STATUS_SNAPSHOT(status);
    s.avail_page_file = status.ullAvailPageFile;
    return s;
}

static inline void expect_unchanged(const struct snapshot *before)
{
    struct snapshot now = snap();
    assert_int_equal(now.vm.VirtualSize, before->vm.VirtualSize);
    assert_int_equal(now.vm.PrivateUsage, before->vm.PrivateUsage);
    assert_int_equal(now.vm.PagefileUsage, before->vm.PagefileUsage);
    assert_int_equal(now.vm.WorkingSetSize, before->vm.WorkingSetSize);
    assert_int_equal(now.available_pages, before->available_pages);
    assert_int_equal(now.avail_page_file, before->avail_page_file);
}

/* The process's last exception was this one. */
static inline void expect_exception(NTSTATUS code, uint64_t address, unsigned access)
{
    struct ntmm_exception e;
    assert_true(ntmm_last_exception(p, &e));
    assert_int_equal(e.code, code);
    assert_int_equal(e.address, address);
    assert_int_equal(e.access, access);
}

#endif
