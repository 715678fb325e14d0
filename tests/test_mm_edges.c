/*
 * test_mm_edges.c — probes of the memory manager at its edges: TLB
 * freshness across mm operations and process switches, transition (guard,
 * no-access) pages under reset/decommit/lock, page-table creation and
 * freeing at x64 1 GB / 512 GB boundaries, the edges of the user address
 * space, and very large ranges with no page tables.
 */
#include "testing.h"


#include "virtual_testing.h"

static const struct ntmm_process_options x64_opts = { "big.exe", true, true, NULL };
static const struct ntmm_process_options wow_laa = { "laa.exe", false, true, NULL };

static uint32_t rd32(struct ntmm_process *proc, uint64_t va)
{
    uint32_t v = 0xdeadbeef;
    assert_int_equal(ntmm_read(proc, va, &v, sizeof v), STATUS_SUCCESS);
    return v;
}

static void wr32(struct ntmm_process *proc, uint64_t va, uint32_t v)
{
    assert_int_equal(ntmm_write(proc, va, &v, sizeof v), STATUS_SUCCESS);
}

/* Decommit then recommit gives zero-filled pages (VirtualAlloc docs:
 * "memory allocated by this function is automatically initialized to zero"),
 * even though the TLB held the old translation. */
static void review_decommit_recommit_reads_zero(void **state)
{
    (void)state;
    enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
    for (unsigned i = 0; i < 3; i++) {
        boot(arches[i], 32ull << 20, NULL);
        uint64_t b = U(VirtualAlloc(NULL, 0x2000, MEM_COMMIT, PAGE_READWRITE));
        wr32(p, b, 0x11111111);
        assert_int_equal(rd32(p, b), 0x11111111);
        assert_true(VirtualFree(VA(b), 0x1000, MEM_DECOMMIT));
        assert_non_null(VirtualAlloc(VA(b), 0x1000, MEM_COMMIT, PAGE_READWRITE));
        assert_int_equal(rd32(p, b), 0);
        test_verify(m);
        teardown(NULL);
    }
}

/* Two processes with the same user addresses never see each other's data,
 * whatever cross-process *Ex calls run in between. */
static void review_two_processes_same_address(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 32ull << 20, NULL);
    struct ntmm_process *q = spawn(NULL);
    uint64_t a = U(VirtualAlloc(VA(0x10000000), 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    uint64_t b = U(VirtualAllocEx(q, VA(0x10000000), 0x10000, MEM_RESERVE | MEM_COMMIT,
                                  PAGE_READWRITE));
    assert_int_equal(a, 0x10000000);
    assert_int_equal(b, 0x10000000);
    wr32(p, a, 0xaaaa);
    wr32(q, a, 0xbbbb);
    assert_int_equal(rd32(p, a), 0xaaaa);
    /* cross-process decommit while p is the attached process */
    assert_int_equal(rd32(p, a), 0xaaaa);
    assert_true(VirtualFreeEx(q, VA(a), 0x1000, MEM_DECOMMIT));
    assert_int_equal(rd32(p, a), 0xaaaa);
    /* cross-process protect: q's page is read-only, p's still writable */
    DWORD old;
    assert_non_null(VirtualAllocEx(q, VA(a), 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualProtectEx(q, VA(a), 0x1000, PAGE_READONLY, &old));
    wr32(p, a, 0xcccc);
    uint32_t v = 1;
    assert_int_equal(ntmm_write(q, a, &v, 4), STATUS_ACCESS_VIOLATION);
    assert_int_equal(rd32(q, a), 0);
    assert_int_equal(rd32(p, a), 0xcccc);
    test_verify(m);
    ntmm_process_terminate(q);
    test_verify(m);
}

/* A protection change takes effect at once, even with a warm TLB. */
static void review_protect_immediate(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X64, 32ull << 20, NULL);
    uint64_t b = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    wr32(p, b, 5);
    DWORD old;
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_READONLY, &old));
    uint32_t v = 6;
    assert_int_equal(ntmm_write(p, b, &v, 4), STATUS_ACCESS_VIOLATION);
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_NOACCESS, &old));
    assert_int_equal(ntmm_read(p, b, &v, 4), STATUS_ACCESS_VIOLATION);
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_READWRITE, &old));
    assert_int_equal(old, PAGE_NOACCESS);
    assert_int_equal(rd32(p, b), 5);
    wr32(p, b, 7);
    assert_int_equal(rd32(p, b), 7);
    test_verify(m);
}

/* MEM_RESET on a resident guard page (a transition page on the modified
 * list), then decommit, recommit and release: every invariant holds. */
static void review_reset_transition_pages(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 32ull << 20, NULL);
    uint64_t b = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    for (int i = 0; i < 4; i++)
        wr32(p, b + i * 0x1000, 0x100 + i);
    DWORD old;
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
    assert_true(VirtualProtect(VA(b + 0x1000), 0x1000, PAGE_NOACCESS, &old));
    test_verify(m);
    assert_non_null(VirtualAlloc(VA(b), 0x4000, MEM_RESET, PAGE_NOACCESS));
    test_verify(m);
    /* the guard still fires once, then the page reads */
    uint32_t v;
    assert_int_equal(ntmm_read(p, b, &v, 4), STATUS_GUARD_PAGE_VIOLATION);
    assert_int_equal(ntmm_read(p, b, &v, 4), STATUS_SUCCESS);
    test_verify(m);
    assert_true(VirtualFree(VA(b + 0x1000), 0x1000, MEM_DECOMMIT));
    test_verify(m);
    assert_non_null(VirtualAlloc(VA(b + 0x1000), 0x1000, MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(rd32(p, b + 0x1000), 0);
    test_verify(m);
    assert_true(VirtualFree(VA(b), 0, MEM_RELEASE));
    test_verify(m);
}

/* Locks, then no-access, then commit over it, then decommit. */
static void review_lock_protect_decommit(void **state)
{
    (void)state;
    boot(NTMM_ARCH_X86_PAE, 32ull << 20, NULL);
    uint64_t b = U(VirtualAlloc(NULL, 0x4000, MEM_COMMIT, PAGE_READWRITE));
    assert_true(VirtualLock(VA(b), 0x4000));
    test_verify(m);
    assert_non_null(VirtualAlloc(VA(b), 0x2000, MEM_COMMIT, PAGE_NOACCESS));
    test_verify(m);
    /* page 0 lost its lock with its residence; 2 and 3 still locked */
    assert_true(VirtualUnlock(VA(b + 0x2000), 0x2000));
    assert_true(VirtualLock(VA(b + 0x2000), 0x1000));
    assert_true(VirtualFree(VA(b + 0x1000), 0x2000, MEM_DECOMMIT));
    test_verify(m);
    assert_false(VirtualUnlock(VA(b + 0x2000), 0x1000));
    assert_true(VirtualFree(VA(b), 0, MEM_RELEASE));
    test_verify(m);
}

/* x64: a 64-bit process's allocation spanning 1 GB and 512 GB boundaries
 * builds PDPT/PD/PT pages on each side and frees them all again. */
static void review_x64_boundaries(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X64, 64ull << 20, 0, false, &x64_opts);
    struct ntmm_machine_info before;
    ntmm_machine_info(m, &before);
    uint64_t bounds[] = { 1ull << 30, 512ull << 30, 1024ull << 30, (8ull << 40) - (1ull << 30) };
    for (unsigned i = 0; i < 4; i++) {
        uint64_t want = bounds[i] - 0x10000;
        uint64_t b = U(VirtualAlloc(VA(want), 0x20000, MEM_RESERVE, PAGE_READWRITE));
        assert_int_equal(b, want);
        assert_non_null(VirtualAlloc(VA(b + 0xf000), 0x2000, MEM_COMMIT, PAGE_READWRITE));
        wr32(p, b + 0xf000, 1);
        wr32(p, b + 0x10000, 2);
        test_verify(m);
        expect_region(b + 0xf000, b + 0xf000, b, PAGE_READWRITE, 0x2000, MEM_COMMIT,
                      PAGE_READWRITE, MEM_PRIVATE);
        /* partial decommit frees the tables of the side it empties */
        assert_true(VirtualFree(VA(b + 0x10000), 0x1000, MEM_DECOMMIT));
        test_verify(m);
        assert_int_equal(rd32(p, b + 0xf000), 1);
        assert_true(VirtualFree(VA(b), 0, MEM_RELEASE));
        test_verify(m);
        struct ntmm_machine_info after;
        ntmm_machine_info(m, &after);
        assert_int_equal(after.available_pages, before.available_pages);
    }
}

/* The last 64 KB of a 64-bit process's user space (8 TB and 128 TB) and of a
 * large-address-aware WOW64 process (0xFFFE0000-0xFFFEFFFF). */
static void review_top_of_user_space(void **state)
{
    (void)state;
    for (int big = 0; big < 2; big++) {
        boot_config(NTMM_ARCH_X64, 64ull << 20, 0, big, &x64_opts);
        uint64_t top = user_limit() + 1 - 0x10000;
        uint64_t b = U(VirtualAlloc(VA(top), 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
        assert_int_equal(b, top);
        wr32(p, top + 0xfffc, 9);
        assert_int_equal(rd32(p, top + 0xfffc), 9);
        assert_null(VirtualAlloc(VA(top), 0x10001, MEM_RESERVE, PAGE_READWRITE));
        test_verify(m);
        assert_true(VirtualFree(VA(b), 0, MEM_RELEASE));
        uint64_t t = U(VirtualAlloc(NULL, 0x10000, MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE));
        assert_int_equal(t, top);
        test_verify(m);
        teardown(NULL);
    }
    boot_config(NTMM_ARCH_X64, 64ull << 20, 0, false, &wow_laa);
    assert_int_equal(user_limit(), 0xfffeffff);
    uint64_t b = U(VirtualAlloc(VA(0xfffe0000), 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));
    assert_int_equal(b, 0xfffe0000);
    wr32(p, 0xfffefffc, 3);
    test_verify(m);
    assert_true(VirtualFree(VA(b), 0, MEM_RELEASE));
    test_verify(m);
}

/* Very large ranges: reserving, querying, decommitting and releasing a
 * reservation of hundreds of GB should not take time proportional to its
 * pages (Windows walks only the page tables that exist). */
#define HUGE (256ull << 30)
static uint64_t huge_reserve(void)
{
    boot_config(NTMM_ARCH_X64, 64ull << 20, 0, false, &x64_opts);
    uint64_t b = U(VirtualAlloc(NULL, HUGE, MEM_RESERVE, PAGE_READWRITE));
    assert_int_not_equal(b, 0);
    return b;
}

/* 256 GB ranges with no page tables: each operation must skip absent
 * table spans instead of visiting 2^26 pages (that speed is a property of
 * the algorithm; these cases check the results). */

static void review_huge_release(void **state)
{
    (void)state;
    uint64_t b = huge_reserve();
    assert_true(VirtualFree(VA(b), 0, MEM_RELEASE));
    test_verify(m);
}

static void review_huge_query(void **state)
{
    (void)state;
    uint64_t b = huge_reserve();
    expect_region(b, b, b, PAGE_READWRITE, HUGE, MEM_RESERVE, 0, MEM_PRIVATE);
}

/* VirtualFree(MEM_DECOMMIT) of a whole 256 GB reservation that was never
 * committed: mm_decommit (src/mm/virtual.c) calls mi_read_page for every
 * 4 KB page, 2^26 page-table walks (about 5 s under ASan; 80 s for 4 TB,
 * 40 min for 128 TB). */
static void review_huge_decommit(void **state)
{
    (void)state;
    uint64_t b = huge_reserve();
    assert_true(VirtualFree(VA(b), HUGE, MEM_DECOMMIT));
    test_verify(m);
}

/* Committing more than the commit limit fails with ERROR_COMMITMENT_LIMIT
 * — and should fail without visiting each of the 2^26 pages first:
 * mm_commit counts the missing pages with mi_read_page per 4 KB page before
 * it charges. */
static void review_huge_commit_fails_fast(void **state)
{
    (void)state;
    uint64_t b = huge_reserve();
    assert_null(VirtualAlloc(VA(b), HUGE, MEM_COMMIT, PAGE_READWRITE));
    expect_error(ERROR_COMMITMENT_LIMIT);
    test_verify(m);
}

/* VirtualLock of more than the working-set quota fails at once
 * (ERROR_WORKING_SET_QUOTA). */
static void review_huge_lock_fails_fast(void **state)
{
    (void)state;
    uint64_t b = huge_reserve();
    assert_non_null(VirtualAlloc(VA(b), 0x10000, MEM_COMMIT, PAGE_READWRITE));
    assert_false(VirtualLock(VA(b), HUGE));
    test_verify(m);
}

/* Wine's test_guard_page (kernel32/virtual.c) records Windows: VirtualLock of
 * a resident PAGE_GUARD page fails with last error
 * STATUS_GUARD_PAGE_VIOLATION, clears the guard, and a second VirtualLock
 * succeeds with the data intact; VirtualQuery then shows PAGE_READWRITE. */
static void review_lock_guard_page_wine(void **state)
{
    (void)state;
    setup();
    uint64_t b = U(VirtualAlloc(NULL, 0x1000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD));
    DWORD old;
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_READWRITE, &old));
    assert_int_equal(old, PAGE_READWRITE | PAGE_GUARD);
    wr32(p, b, 1);
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_READWRITE | PAGE_GUARD, &old));
    SetLastError(0xdeadbeef);
    assert_false(VirtualLock(VA(b), 0x1000));
    expect_error((DWORD)STATUS_GUARD_PAGE_VIOLATION);
    test_verify(m);
    assert_true(VirtualLock(VA(b), 0x1000));
    assert_int_equal(rd32(p, b), 1);
    assert_true(VirtualUnlock(VA(b), 0x1000));
    expect_region(b, b, b, PAGE_READWRITE | PAGE_GUARD, 0x1000, MEM_COMMIT, PAGE_READWRITE,
                  MEM_PRIVATE);
    test_verify(m);
}

/* A deterministic random walk of Win32 calls over two processes (one of
 * them not current), with the verifier after every step and a shadow copy
 * of each committed page's first dword checked through ntmm_read. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

#define FZ_PAGES 48
static void fuzz_arch(enum ntmm_arch arch, uint64_t seed, unsigned steps)
{
    rng_state = seed;
    boot(arch, 32ull << 20, NULL);
    struct ntmm_process *procs[2] = { p, spawn(NULL) };
    uint64_t base = 0x20000000;
    for (int k = 0; k < 2; k++) {
        HANDLE h = procs[k];
        assert_int_equal(U(VirtualAllocEx(h, VA(base), FZ_PAGES * 0x1000, MEM_RESERVE,
                                          PAGE_READWRITE)), base);
    }
    /* shadow: 0 = unknown/not readable, else value+1 expected */
    static int64_t shadow[2][FZ_PAGES];
    memset(shadow, 0, sizeof shadow);
    static const DWORD prots[] = { PAGE_READWRITE, PAGE_READONLY, PAGE_NOACCESS,
                                   PAGE_READWRITE | PAGE_GUARD, PAGE_EXECUTE_READWRITE };
    for (unsigned step = 0; step < steps; step++) {
        int k = (int)(rng() % 2);
        struct ntmm_process *proc = procs[k];
        HANDLE h = proc;
        uint64_t pg = rng() % FZ_PAGES, n = 1 + rng() % 4;
        if (pg + n > FZ_PAGES)
            n = FZ_PAGES - pg;
        uint64_t va = base + pg * 0x1000;
        DWORD old;
        unsigned op = (unsigned)(rng() % 9);
        switch (op) {
        case 0: /* commit */
            VirtualAllocEx(h, VA(va), n * 0x1000, MEM_COMMIT, prots[rng() % 5]);
            for (uint64_t i = pg; i < pg + n; i++)
                shadow[k][i] = 0; /* protection may forbid reading; re-learn */
            break;
        case 1:
            VirtualFreeEx(h, VA(va), n * 0x1000, MEM_DECOMMIT);
            for (uint64_t i = pg; i < pg + n; i++)
                shadow[k][i] = 0;
            break;
        case 2:
            VirtualProtectEx(h, VA(va), n * 0x1000, prots[rng() % 5], &old);
            break;
        case 3: { /* write */
            uint32_t v = (uint32_t)rng();
            if (ntmm_write(proc, va, &v, 4) == STATUS_SUCCESS)
                shadow[k][pg] = (int64_t)v + 1;
            break;
        }
        case 4: { /* read and compare */
            uint32_t v;
            if (ntmm_read(proc, va, &v, 4) == STATUS_SUCCESS && shadow[k][pg])
                if ((int64_t)v + 1 != shadow[k][pg])
                    fail_msg("seed %llu step %u: process %d page %llu read %x expected %llx",
                             (unsigned long long)seed, step, k, (unsigned long long)pg, v,
                             (unsigned long long)(shadow[k][pg] - 1));
            break;
        }
        case 5:
            if (k == 0)
                VirtualLock(VA(va), n * 0x1000);
            break;
        case 6:
            if (k == 0)
                VirtualUnlock(VA(va), n * 0x1000);
            break;
        case 7:
            VirtualAllocEx(h, VA(va), n * 0x1000, rng() % 2 ? MEM_RESET : MEM_RESET_UNDO,
                           PAGE_NOACCESS);
            break;
        case 8: { /* query must agree on the whole range */
            MEMORY_BASIC_INFORMATION info;
            assert_int_equal(VirtualQueryEx(h, VA(va), &info, sizeof info), sizeof info);
            assert_true(U(info.BaseAddress) == va);
            assert_true(info.RegionSize >= 0x1000);
            break;
        }
        }
        char message[512];
        if (!NT_SUCCESS(ntmm_verify(m, message, sizeof message)))
            fail_msg("seed %llu step %u op %u: verifier: %s", (unsigned long long)seed, step, op,
                     message);
    }
    ntmm_process_terminate(procs[1]);
    test_verify(m);
    teardown(NULL);
}

static void review_fuzz(void **state)
{
    (void)state;
    enum ntmm_arch arches[] = { NTMM_ARCH_X86, NTMM_ARCH_X86_PAE, NTMM_ARCH_X64 };
    for (uint64_t seed = 1; seed <= 9; seed++)
        fuzz_arch(arches[seed % 3], seed, 400);
}

/* VirtualAlloc(NULL) bottom-up returns the lowest 64 KB-aligned free range
 * that fits, top-down the highest (MiFindEmptyAddressRange[DownTree]);
 * checked against a brute-force walk of VirtualQuery after random
 * reservations and releases. */
static uint64_t brute_fit(uint64_t size, bool top_down)
{
    uint64_t best = 0, va = 0, limit = user_limit();
    while (va <= limit) {
        MEMORY_BASIC_INFORMATION info = query(va);
        uint64_t start = U(info.BaseAddress), end = start + info.RegionSize; /* exclusive */
        if (info.State == MEM_FREE) {
            uint64_t lo = (start + 0xffff) & ~0xffffull;
            if (lo < 0x10000)
                lo = 0x10000;
            if (lo < end && end - lo >= size) {
                if (!top_down)
                    return lo;
                best = (end - size) & ~0xffffull;
            }
        }
        va = end;
    }
    return best;
}

static void review_vad_find_free_matches_brute_force(void **state)
{
    (void)state;
    rng_state = 77;
    boot(NTMM_ARCH_X86_PAE, 32ull << 20, NULL);
    uint64_t live[64];
    unsigned nlive = 0;
    for (unsigned step = 0; step < 600; step++) {
        if (nlive && (rng() % 3 == 0 || nlive == 64)) {
            unsigned j = (unsigned)(rng() % nlive);
            assert_true(VirtualFree(VA(live[j]), 0, MEM_RELEASE));
            live[j] = live[--nlive];
            continue;
        }
        uint64_t size = (1 + rng() % 64) * 0x1000 * (rng() % 4 == 0 ? 64 : 1);
        bool top = rng() % 2;
        uint64_t want = brute_fit((size + 0xffff) & ~0xffffull, top);
        uint64_t got = U(VirtualAlloc(NULL, size, MEM_RESERVE | (top ? MEM_TOP_DOWN : 0),
                                      PAGE_READWRITE));
        if (got != want)
            fail_msg("step %u size %llx top %d: got %llx want %llx", step,
                     (unsigned long long)size, top, (unsigned long long)got,
                     (unsigned long long)want);
        live[nlive++] = got;
    }
    test_verify(m);
}

/* On x64 a 64-bit caller may pass ZeroBits as a mask (a value above 32):
 * Windows takes the number of leading zero bits of the mask. A recorded run
 * on x64 Windows (pastebin.com/EdazTV0N: NtAllocateVirtualMemory with
 * ZeroBits 0xFFFFFFFFFFFFFFFF, 0x7FFF..., ... 0x0001FFFFFFFFFFFF,
 * MEM_RESERVE | MEM_TOP_DOWN) succeeds for every mask that covers the user
 * space; ntmm refuses all of them with STATUS_INVALID_PARAMETER_3. */
static void review_zero_bits_mask_on_x64(void **state)
{
    (void)state;
    boot_config(NTMM_ARCH_X64, 64ull << 20, 0, false, &x64_opts);
    PVOID base = NULL;
    SIZE_T size = 0x1000;
    NTSTATUS st = NtAllocateVirtualMemory(GetCurrentProcess(), &base, 0x00007fffffffffffull,
                                          &size, MEM_RESERVE | MEM_TOP_DOWN, PAGE_NOACCESS);
    assert_int_equal(st, STATUS_SUCCESS);
    assert_true(U(base) <= user_limit());
    test_verify(m);
}

/* MEM_RESET: "The pages should not be read from or written to the paging
 * file" (VirtualAlloc documentation). A reset page is clean (Modified 0,
 * PTE Dirty 0); when it then leaves the working set (here: made no-access,
 * which turns it into a transition page) it belongs on the standby list, as
 * every clean page leaving a working set does (Windows Internals, "Page
 * list dynamics"), not on the modified list the modified page writer
 * writes to the pagefile. */
static void review_reset_page_leaving_working_set_is_standby(void **state)
{
    (void)state;
    setup();
    uint64_t b = U(VirtualAlloc(NULL, 0x1000, MEM_COMMIT, PAGE_READWRITE));
    wr32(p, b, 0x1234);
    assert_non_null(VirtualAlloc(VA(b), 0x1000, MEM_RESET, PAGE_NOACCESS));
    struct ntmm_list_info standby0, modified0, standby1, modified1;
    assert_int_equal(ntmm_list_query(m, 2, &standby0), STATUS_SUCCESS);
    assert_int_equal(ntmm_list_query(m, 3, &modified0), STATUS_SUCCESS);
    DWORD old;
    assert_true(VirtualProtect(VA(b), 0x1000, PAGE_NOACCESS, &old));
    assert_int_equal(ntmm_list_query(m, 2, &standby1), STATUS_SUCCESS);
    assert_int_equal(ntmm_list_query(m, 3, &modified1), STATUS_SUCCESS);
    test_verify(m);
    assert_int_equal(modified1.total, modified0.total);
    assert_int_equal(standby1.total, standby0.total + 1);
}

/* Wine's test_VirtualAlloc records Windows: NtAllocateVirtualMemory at
 * addr1 + 0x1000 (addr1 an existing 64 KB allocation) with ZeroBits 12
 * "should conflict, even when zero_bits is explicitly set":
 * STATUS_CONFLICTING_ADDRESSES (ZeroBits is used only when BaseAddress is
 * NULL, ZwAllocateVirtualMemory documentation). ntmm answers
 * STATUS_INVALID_PARAMETER_2 whenever the allocation lies above
 * 0xFFFFFFFF >> ZeroBits. */
static void review_zero_bits_with_base_conflicts(void **state)
{
    (void)state;
    setup();
    uint64_t a1 = U(VirtualAlloc(VA(0x20000000), 0x1000, MEM_RESERVE | MEM_COMMIT,
                                 PAGE_EXECUTE_READWRITE));
    assert_int_equal(a1, 0x20000000);
    PVOID base = VA(a1 + 0x1000);
    SIZE_T size = 0x1000;
    NTSTATUS st = NtAllocateVirtualMemory(GetCurrentProcess(), &base, 12, &size,
                                          MEM_RESERVE | MEM_COMMIT, PAGE_EXECUTE_READWRITE);
    assert_int_equal(st, STATUS_CONFLICTING_ADDRESSES);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(review_decommit_recommit_reads_zero),
        T(review_two_processes_same_address),
        T(review_protect_immediate),
        T(review_reset_transition_pages),
        T(review_lock_protect_decommit),
        T(review_x64_boundaries),
        T(review_top_of_user_space),
        T(review_huge_release),
        T(review_huge_query),
        T(review_huge_decommit),
        T(review_huge_commit_fails_fast),
        T(review_huge_lock_fails_fast),
        T(review_lock_guard_page_wine),
        T(review_fuzz),
        T(review_vad_find_free_matches_brute_force),
        T(review_zero_bits_mask_on_x64),
        T(review_reset_page_leaving_working_set_is_standby),
        T(review_zero_bits_with_base_conflicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
