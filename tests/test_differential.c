/*
 * test_differential.c — a randomized differential test of the Win32
 * virtual-memory API (VirtualAlloc, VirtualFree, VirtualProtect,
 * VirtualQuery) and of user-mode reads and writes (ntmm_read, ntmm_write)
 * against a small reference model that follows Windows' documented rules,
 * on each of the three architectures.
 *
 * The model is a list of allocations (reservations); each holds, per page,
 * its state (reserved / committed), its protection (a PAGE_* base value), a
 * guard flag, and the page's bytes. Everything the library answers is
 * predicted from the model alone: success or failure, the last error, the
 * address returned, the old protection, the whole MEMORY_BASIC_INFORMATION
 * (regions are grouped by the model), the status of an access, the
 * exception record, and every byte read. ntmm_verify runs after every
 * operation.
 *
 * Most operations use explicit addresses in a 4 MB window above 0x10000;
 * NULL reservations (bottom-up or MEM_TOP_DOWN) are predicted by first fit
 * over the model's allocations, so the model stays exact everywhere.
 *
 * Windows' rules modelled:
 *   - a reservation's base rounds down to 64 KB and its end up to a page;
 *     commit, decommit and protect round base down and end up to pages;
 *   - a range that is not inside one allocation fails (ERROR_INVALID_ADDRESS;
 *     a decommit that starts in one but runs past its end gives
 *     ERROR_INVALID_PARAMETER, Windows' STATUS_UNABLE_TO_FREE_VM);
 *   - committing a committed page keeps its bytes and takes the new
 *     protection; a page committed again after a decommit reads as zero;
 *   - protect needs every page committed and returns the first page's old
 *     protection (with PAGE_GUARD if it is still armed);
 *   - release only at the allocation's base page with size 0 (a size gives
 *     ERROR_INVALID_PARAMETER); a decommit with size 0 likewise only at the
 *     base page (else ERROR_INVALID_ADDRESS, STATUS_FREE_VM_NOT_AT_BASE), where
 *     it decommits the whole allocation;
 *   - an access stops at the first page that is free, reserved, no-access or
 *     (for a write) read-only with STATUS_ACCESS_VIOLATION, or at a guard page
 *     with STATUS_GUARD_PAGE_VIOLATION, which disarms the guard; the bytes of
 *     the pages before it have been transferred.
 * Execute access is not modelled (x86 has no NX).
 *
 * Replay: NTMM_DIFF_SEED=n runs only seed n (on every architecture);
 * NTMM_DIFF_OPS=n changes the number of operations per seed;
 * NTMM_DIFF_TRACE=1 prints every operation; NTMM_DIFF_SKIP_OFF_BASE=1 never
 * generates a size-0 decommit away from the allocation's base (to look past
 * that known divergence while it stands).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"

#define WINDOW_BASE 0x10000ull
#define WINDOW_PAGES 1024u /* 4 MB */
#define PAGE 0x1000ull
#define GRANULE 0x10000ull
#define MAX_ALLOCS 96
#define MAX_PAGES_RESERVED 1800 /* keeps every page touchable in RAM */
#define DEFAULT_OPS 3500
#define LOG_LINES 24
#define LAST_ERROR_SENTINEL 0x5eed1234u

static const uint64_t default_seeds[] = { 1, 0x9e3779b97f4a7c15ull, 20240607, 777 };

/* ---- the reference model ---- */

enum { ST_RESERVED = 1, ST_COMMITTED = 2 };

struct mpage {
    uint8_t state;
    bool guard;
    DWORD protect; /* PAGE_* base value of a committed page */
};

struct alloc {
    uint64_t base;  /* 64 KB aligned */
    uint64_t pages;
    DWORD allocation_protect;
    struct mpage *pg;
    uint8_t *bytes; /* pages * 4 KB */
    bool fixed;     /* there before the run (KUSER_SHARED_DATA, a buffer below it): never picked */
};

struct diff {
    /* the model */
    struct alloc a[MAX_ALLOCS];
    int n;
    uint64_t reserved_pages;
    uint64_t highest; /* highest user address */
    /* the subject */
    enum ntmm_arch arch;
    struct ntmm_machine *machine;
    struct ntmm_process *process;
    /* the run */
    uint64_t seed, rng;
    unsigned op;
    bool trace;
    bool skip_off_base; /* NTMM_DIFF_SKIP_OFF_BASE: no size-0 decommit away from the base */
    bool failed;
    char message[1024];
    char log[LOG_LINES][200];
    /* statistics, to show the generator reaches the interesting cases */
    unsigned ok_calls, failed_calls, guard_hits, violations;
};

static uint64_t rnd(struct diff *d)
{
    uint64_t x = d->rng; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    d->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

static uint64_t below(struct diff *d, uint64_t n)
{
    return n ? rnd(d) % n : 0;
}

static bool chance(struct diff *d, unsigned percent)
{
    return below(d, 100) < percent;
}

static const char *arch_name(enum ntmm_arch arch)
{
    return arch == NTMM_ARCH_X86 ? "x86" : arch == NTMM_ARCH_X86_PAE ? "PAE" : "x64";
}

static void note(struct diff *d, const char *format, ...)
{
    char *line = d->log[d->op % LOG_LINES];
    va_list ap;
    int len = snprintf(line, sizeof d->log[0], "op %u: ", d->op);
    va_start(ap, format);
    vsnprintf(line + len, sizeof d->log[0] - (size_t)len, format, ap);
    va_end(ap);
    if (d->trace)
        printf("[%s seed %llu] %s\n", arch_name(d->arch), (unsigned long long)d->seed, line);
}

static void mismatch(struct diff *d, const char *format, ...)
{
    if (d->failed)
        return;
    d->failed = true;
    int len = snprintf(d->message, sizeof d->message, "%s seed %llu op %u: ", arch_name(d->arch),
                       (unsigned long long)d->seed, d->op);
    va_list ap;
    va_start(ap, format);
    vsnprintf(d->message + len, sizeof d->message - (size_t)len, format, ap);
    va_end(ap);
    printf("MISMATCH %s\nlast operations (replay: NTMM_DIFF_SEED=%llu):\n", d->message,
           (unsigned long long)d->seed);
    unsigned first = d->op + 1 >= LOG_LINES ? d->op + 1 - LOG_LINES : 0;
    for (unsigned i = first; i <= d->op; i++)
        printf("  %s\n", d->log[i % LOG_LINES]);
    fflush(stdout);
}

#define EXPECT(d, cond, ...)                                                                     \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            mismatch((d), __VA_ARGS__);                                                          \
            return;                                                                              \
        }                                                                                        \
    } while (0)

static struct alloc *alloc_at(struct diff *d, uint64_t va)
{
    for (int i = 0; i < d->n; i++)
        if (va >= d->a[i].base && va < d->a[i].base + d->a[i].pages * PAGE)
            return &d->a[i];
    return NULL;
}

/* True if [start, end] (inclusive) meets no allocation. */
static bool range_free(const struct diff *d, uint64_t start, uint64_t end)
{
    for (int i = 0; i < d->n; i++)
        if (start < d->a[i].base + d->a[i].pages * PAGE && end >= d->a[i].base)
            return false;
    return true;
}

static struct mpage *page_of(struct alloc *a, uint64_t va)
{
    return &a->pg[(va - a->base) / PAGE];
}

static uint8_t *bytes_of(struct alloc *a, uint64_t va)
{
    return a->bytes + (va - a->base);
}

static void model_add(struct diff *d, uint64_t base, uint64_t pages, DWORD protect, bool commit)
{
    struct alloc *a = &d->a[d->n++];
    a->base = base;
    a->pages = pages;
    a->allocation_protect = protect;
    a->pg = calloc(pages, sizeof *a->pg);
    a->bytes = calloc(pages, PAGE);
    assert_non_null(a->pg);
    assert_non_null(a->bytes);
    for (uint64_t i = 0; i < pages; i++)
        a->pg[i] = (struct mpage){ commit ? ST_COMMITTED : ST_RESERVED,
                                   commit && (protect & PAGE_GUARD), protect & ~PAGE_GUARD };
    d->reserved_pages += pages;
}

static void model_remove(struct diff *d, struct alloc *a)
{
    d->reserved_pages -= a->pages;
    free(a->pg);
    free(a->bytes);
    *a = d->a[--d->n];
}

/* Where a NULL reservation of `pages` goes: the lowest (highest with
 * top_down) 64 KB-aligned free range inside [0x10000, highest]. The answer
 * is either at a bound or next to an allocation, so those are the only
 * candidates. */
static bool model_first_fit(const struct diff *d, uint64_t pages, bool top_down, uint64_t *out)
{
    uint64_t size = pages * PAGE;
    bool found = false;
    uint64_t best = 0;
    for (int i = -1; i < d->n; i++) {
        uint64_t c;
        if (!top_down) {
            c = i < 0 ? WINDOW_BASE
                      : (d->a[i].base + d->a[i].pages * PAGE + GRANULE - 1) & ~(GRANULE - 1);
        } else {
            uint64_t limit = i < 0 ? d->highest + 1 : d->a[i].base;
            if (limit < size + WINDOW_BASE)
                continue;
            c = (limit - size) & ~(GRANULE - 1);
        }
        if (c < WINDOW_BASE || c + size - 1 > d->highest || !range_free(d, c, c + size - 1))
            continue;
        if (!found || (top_down ? c > best : c < best))
            best = c;
        found = true;
    }
    *out = best;
    return found;
}

static DWORD page_protect(const struct mpage *p)
{
    return p->protect | (p->guard ? PAGE_GUARD : 0);
}

/* ---- random arguments ---- */

static DWORD random_protect(struct diff *d, bool allow_guard)
{
    static const DWORD bases[] = { PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE,
                                   PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE };
    DWORD p = bases[below(d, 5)];
    if (allow_guard && p != PAGE_NOACCESS && chance(d, 20))
        p |= PAGE_GUARD;
    return p;
}

static DWORD invalid_protect(struct diff *d)
{
    static const DWORD bad[] = { 0, PAGE_NOACCESS | PAGE_GUARD, PAGE_READONLY | PAGE_READWRITE,
                                 0x1000, PAGE_READWRITE | PAGE_GUARD | PAGE_NOCACHE };
    return bad[below(d, 5)];
}

static uint64_t window_address(struct diff *d)
{
    uint64_t va = WINDOW_BASE + below(d, WINDOW_PAGES) * PAGE;
    return chance(d, 50) ? va : va + below(d, PAGE);
}

static struct alloc *random_alloc(struct diff *d)
{
    int movable = 0;
    for (int i = 0; i < d->n; i++)
        movable += !d->a[i].fixed;
    if (!movable)
        return NULL;
    uint64_t pick = below(d, (uint64_t)movable);
    for (int i = 0; i < d->n; i++)
        if (!d->a[i].fixed && pick-- == 0)
            return &d->a[i];
    return NULL;
}

/* A random byte range [*addr, *addr + *size) mostly inside one allocation
 * (sometimes spilling one page over either end), else in the window. */
static void random_range(struct diff *d, uint64_t *addr, uint64_t *size)
{
    struct alloc *a = random_alloc(d);
    if (!a || chance(d, 15)) {
        *addr = window_address(d);
        *size = 1 + below(d, 16 * PAGE);
        return;
    }
    uint64_t first = below(d, a->pages), last = first + below(d, a->pages - first);
    if (chance(d, 8) && first > 0)
        first = 0, last = a->pages; /* one page past the end */
    else if (chance(d, 4) && a->base > WINDOW_BASE)
        first = (uint64_t)-1; /* one page before the start */
    uint64_t start = a->base + first * PAGE, end = a->base + last * PAGE + PAGE - 1;
    uint64_t lo = chance(d, 50) ? 0 : below(d, PAGE), hi = chance(d, 50) ? 0 : below(d, PAGE);
    *addr = start + lo;
    *size = end - hi >= *addr ? end - hi - *addr + 1 : 1;
}

/* ---- checks ---- */

static void set_sentinel(void)
{
    SetLastError(LAST_ERROR_SENTINEL);
}

static void check_call(struct diff *d, const char *what, bool ok, bool expect_ok, DWORD error)
{
    DWORD got = GetLastError();
    if (ok)
        d->ok_calls++;
    else
        d->failed_calls++;
    EXPECT(d, !ok || expect_ok, "%s succeeded, model expects failure with error %lu", what,
           (unsigned long)error);
    EXPECT(d, ok || !expect_ok, "%s failed with error %lu, model expects success", what,
           (unsigned long)got);
    if (expect_ok)
        EXPECT(d, got == LAST_ERROR_SENTINEL, "%s succeeded but changed the last error to %lu",
               what, (unsigned long)got);
    else
        EXPECT(d, got == error, "%s: last error %lu, model expects %lu", what, (unsigned long)got,
               (unsigned long)error);
}

/* ---- operations ---- */

static void access_range(struct diff *d, uint64_t va, uint64_t size, bool write);

static void op_reserve(struct diff *d, bool commit)
{
    uint64_t pages = 1 + below(d, 64);
    uint64_t size = pages * PAGE - (chance(d, 50) ? below(d, PAGE) : 0);
    unsigned how = (unsigned)below(d, 10);
    uint64_t addr = how < 4 ? 0 : window_address(d);
    DWORD type = (commit ? MEM_RESERVE | MEM_COMMIT : MEM_RESERVE) | (how == 3 ? MEM_TOP_DOWN : 0);
    if (commit && !addr && chance(d, 30))
        type &= ~(DWORD)MEM_RESERVE; /* MEM_COMMIT at NULL reserves too */
    DWORD protect = random_protect(d, true);
    bool bad_size = chance(d, 2);
    if (bad_size)
        size = 0;
    note(d, "VirtualAlloc(%#llx, %#llx, %#lx, %#lx)", (unsigned long long)addr,
         (unsigned long long)size, (unsigned long)type, (unsigned long)protect);

    /* the model's prediction */
    uint64_t start = 0, end = 0;
    bool expect_ok = false;
    DWORD error = ERROR_INVALID_PARAMETER;
    if (!bad_size) {
        start = addr & ~(GRANULE - 1);
        end = (addr + size - 1) | (PAGE - 1);
        if (!addr) {
            uint64_t bytes = end + 1;
            expect_ok = model_first_fit(d, bytes / PAGE, type & MEM_TOP_DOWN, &start);
            end = start + bytes - 1;
            error = ERROR_NOT_ENOUGH_MEMORY;
        } else {
            expect_ok = range_free(d, start, end);
            error = ERROR_INVALID_ADDRESS;
        }
    }

    set_sentinel();
    LPVOID got = VirtualAlloc((LPVOID)(uintptr_t)addr, (SIZE_T)size, type, protect);
    check_call(d, "VirtualAlloc", got != NULL, expect_ok, error);
    if (d->failed || !got)
        return;
    EXPECT(d, (uint64_t)(uintptr_t)got == start, "VirtualAlloc returned %p, model expects %#llx",
           got, (unsigned long long)start);
    model_add(d, start, (end + 1 - start) / PAGE, protect, commit);
}

static void op_commit(struct diff *d)
{
    uint64_t addr, size;
    random_range(d, &addr, &size);
    DWORD protect = random_protect(d, true);
    note(d, "VirtualAlloc(%#llx, %#llx, MEM_COMMIT, %#lx)", (unsigned long long)addr,
         (unsigned long long)size, (unsigned long)protect);
    uint64_t start = addr & ~(PAGE - 1), end = (addr + size - 1) | (PAGE - 1);
    struct alloc *a = alloc_at(d, start);
    bool past_top = addr + size - 1 > d->highest;
    bool expect_ok = !past_top && a && end < a->base + a->pages * PAGE;

    set_sentinel();
    LPVOID got = VirtualAlloc((LPVOID)(uintptr_t)addr, (SIZE_T)size, MEM_COMMIT, protect);
    check_call(d, "VirtualAlloc(MEM_COMMIT)", got != NULL, expect_ok,
               past_top ? ERROR_INVALID_PARAMETER : ERROR_INVALID_ADDRESS);
    if (d->failed || !got)
        return;
    EXPECT(d, (uint64_t)(uintptr_t)got == start, "VirtualAlloc returned %p, model expects %#llx",
           got, (unsigned long long)start);
    for (uint64_t va = start; va < end; va += PAGE) {
        struct mpage *p = page_of(a, va);
        if (p->state != ST_COMMITTED)
            memset(bytes_of(a, va), 0, PAGE);
        *p = (struct mpage){ ST_COMMITTED, (protect & PAGE_GUARD) != 0, protect & ~PAGE_GUARD };
    }
    /* read the committed pages back: fresh ones are zero, the others kept
     * their bytes */
    for (uint64_t va = start; chance(d, 50) && va < end && !d->failed; va += PAGE)
        access_range(d, va, PAGE, false);
}

static void op_decommit(struct diff *d)
{
    uint64_t addr, size;
    struct alloc *target = random_alloc(d);
    bool whole = target && chance(d, 10);
    if (whole) { /* size 0: the rest of the allocation, allowed only at its base */
        uint64_t page = target->pages > 1 && chance(d, 25) && !d->skip_off_base
                            ? 1 + below(d, target->pages - 1) : 0;
        addr = target->base + page * PAGE + (chance(d, 50) ? below(d, PAGE) : 0);
        size = 0;
    }
    else
        random_range(d, &addr, &size);
    note(d, "VirtualFree(%#llx, %#llx, MEM_DECOMMIT)", (unsigned long long)addr,
         (unsigned long long)size);
    uint64_t start = addr & ~(PAGE - 1), end = (addr + size - 1) | (PAGE - 1);
    struct alloc *a = alloc_at(d, start);
    if (whole)
        end = a->base + a->pages * PAGE - 1;
    bool past_top = !whole && addr + size - 1 > d->highest;
    bool expect_ok = !past_top && a && end < a->base + a->pages * PAGE;
    DWORD error = a || past_top ? ERROR_INVALID_PARAMETER : ERROR_INVALID_ADDRESS;
    if (whole && start != a->base) { /* Windows: STATUS_FREE_VM_NOT_AT_BASE */
        expect_ok = false;
        error = ERROR_INVALID_ADDRESS;
    }

    set_sentinel();
    BOOL ok = VirtualFree((LPVOID)(uintptr_t)addr, (SIZE_T)size, MEM_DECOMMIT);
    check_call(d, "VirtualFree(MEM_DECOMMIT)", ok != 0, expect_ok, error);
    if (d->failed || !ok)
        return;
    for (uint64_t va = start; va < end; va += PAGE)
        *page_of(a, va) = (struct mpage){ ST_RESERVED, false, 0 };
}

static void op_release(struct diff *d)
{
    struct alloc *a = random_alloc(d);
    uint64_t addr = a ? a->base : window_address(d), size = 0;
    unsigned how = (unsigned)below(d, 20);
    if (how == 0)
        addr = window_address(d);
    else if (how == 1 && a)
        addr = a->base + below(d, a->pages) * PAGE + below(d, PAGE); /* maybe not at base */
    else if (how == 2)
        size = 1 + below(d, 4 * PAGE);
    else if (how < 8)
        addr += below(d, PAGE); /* inside the first page: still the base */
    note(d, "VirtualFree(%#llx, %#llx, MEM_RELEASE)", (unsigned long long)addr,
         (unsigned long long)size);
    struct alloc *at = alloc_at(d, addr);
    bool expect_ok = !size && at && (addr & ~(PAGE - 1)) == at->base;
    DWORD error = size ? ERROR_INVALID_PARAMETER : ERROR_INVALID_ADDRESS;

    set_sentinel();
    BOOL ok = VirtualFree((LPVOID)(uintptr_t)addr, (SIZE_T)size, MEM_RELEASE);
    check_call(d, "VirtualFree(MEM_RELEASE)", ok != 0, expect_ok, error);
    if (d->failed || !ok)
        return;
    model_remove(d, at);
}

static void op_protect(struct diff *d)
{
    uint64_t addr = 0, size = 0;
    struct alloc *a = random_alloc(d);
    /* mostly a run of committed pages, so that most calls succeed */
    if (a && chance(d, 75)) {
        uint64_t first = below(d, a->pages);
        while (first < a->pages && a->pg[first].state != ST_COMMITTED)
            first++;
        if (first < a->pages) {
            uint64_t last = first, want = below(d, 12);
            while (last + 1 < a->pages && want-- && a->pg[last + 1].state == ST_COMMITTED)
                last++;
            uint64_t lo = chance(d, 50) ? below(d, PAGE) : 0;
            uint64_t hi = chance(d, 50) ? below(d, PAGE - lo) : 0;
            addr = a->base + first * PAGE + lo;
            size = a->base + last * PAGE + PAGE - hi - addr;
        }
    }
    if (!size)
        random_range(d, &addr, &size);
    bool bad = chance(d, 4);
    DWORD protect = bad ? invalid_protect(d) : random_protect(d, true);
    note(d, "VirtualProtect(%#llx, %#llx, %#lx)", (unsigned long long)addr,
         (unsigned long long)size, (unsigned long)protect);
    uint64_t start = addr & ~(PAGE - 1), end = (addr + size - 1) | (PAGE - 1);
    struct alloc *at = alloc_at(d, start);
    bool past_top = addr + size - 1 > d->highest;
    bool expect_ok = !bad && !past_top && at && end < at->base + at->pages * PAGE;
    for (uint64_t va = start; expect_ok && va < end; va += PAGE)
        expect_ok = page_of(at, va)->state == ST_COMMITTED;
    DWORD old = 0xdeadbeef;

    set_sentinel();
    BOOL ok = VirtualProtect((LPVOID)(uintptr_t)addr, (SIZE_T)size, protect, &old);
    check_call(d, "VirtualProtect", ok != 0, expect_ok,
               bad || past_top ? ERROR_INVALID_PARAMETER : ERROR_INVALID_ADDRESS);
    if (d->failed || !ok)
        return;
    DWORD want_old = page_protect(page_of(at, start));
    EXPECT(d, old == want_old, "VirtualProtect: old protection %#lx, model expects %#lx",
           (unsigned long)old, (unsigned long)want_old);
    for (uint64_t va = start; va < end; va += PAGE)
        *page_of(at, va) = (struct mpage){ ST_COMMITTED, (protect & PAGE_GUARD) != 0,
                                           protect & ~PAGE_GUARD };
}

/* The region VirtualQuery should describe at va (<= highest). */
static MEMORY_BASIC_INFORMATION model_query(struct diff *d, uint64_t va)
{
    MEMORY_BASIC_INFORMATION m;
    memset(&m, 0, sizeof m);
    uint64_t base = va & ~(PAGE - 1);
    m.BaseAddress = (PVOID)(uintptr_t)base;
    struct alloc *a = alloc_at(d, base);
    if (!a) {
        uint64_t next = d->highest + 1;
        for (int i = 0; i < d->n; i++)
            if (d->a[i].base > base && d->a[i].base < next)
                next = d->a[i].base;
        m.RegionSize = (SIZE_T)(next - base);
        m.State = MEM_FREE;
        m.Protect = PAGE_NOACCESS;
        return m;
    }
    const struct mpage *first = page_of(a, base);
    uint64_t at = base;
    while (at < a->base + a->pages * PAGE) {
        const struct mpage *p = page_of(a, at);
        if (p->state != first->state ||
            (p->state == ST_COMMITTED && page_protect(p) != page_protect(first)))
            break;
        at += PAGE;
    }
    m.AllocationBase = (PVOID)(uintptr_t)a->base;
    m.AllocationProtect = a->allocation_protect;
    m.RegionSize = (SIZE_T)(at - base);
    m.State = first->state == ST_COMMITTED ? MEM_COMMIT : MEM_RESERVE;
    m.Protect = first->state == ST_COMMITTED ? page_protect(first) : 0;
    m.Type = MEM_PRIVATE;
    return m;
}

static void op_query(struct diff *d)
{
    uint64_t va;
    unsigned how = (unsigned)below(d, 20);
    struct alloc *a = random_alloc(d);
    if (how == 0)
        va = d->highest + 1 + below(d, 0x10000);
    else if (how == 1)
        va = below(d, WINDOW_BASE);
    else if (how < 12 && a)
        va = a->base + below(d, a->pages * PAGE + PAGE);
    else
        va = window_address(d);
    note(d, "VirtualQuery(%#llx)", (unsigned long long)va);
    MEMORY_BASIC_INFORMATION got;
    memset(&got, 0xa5, sizeof got);
    set_sentinel();
    SIZE_T n = VirtualQuery((LPCVOID)(uintptr_t)va, &got, sizeof got);
    bool expect_ok = va <= d->highest;
    check_call(d, "VirtualQuery", n != 0, expect_ok, ERROR_INVALID_PARAMETER);
    if (d->failed || !n)
        return;
    EXPECT(d, n == sizeof got, "VirtualQuery returned %zu", (size_t)n);
    MEMORY_BASIC_INFORMATION m = model_query(d, va);
    EXPECT(d,
           got.BaseAddress == m.BaseAddress && got.AllocationBase == m.AllocationBase &&
               got.AllocationProtect == m.AllocationProtect && got.RegionSize == m.RegionSize &&
               got.State == m.State && got.Protect == m.Protect && got.Type == m.Type,
           "VirtualQuery(%#llx): got {Base %p AllocBase %p AllocProt %#lx Size %#zx State %#lx "
           "Prot %#lx Type %#lx}, model {Base %p AllocBase %p AllocProt %#lx Size %#zx State "
           "%#lx Prot %#lx Type %#lx}",
           (unsigned long long)va, got.BaseAddress, got.AllocationBase,
           (unsigned long)got.AllocationProtect, (size_t)got.RegionSize, (unsigned long)got.State,
           (unsigned long)got.Protect, (unsigned long)got.Type, m.BaseAddress, m.AllocationBase,
           (unsigned long)m.AllocationProtect, (size_t)m.RegionSize, (unsigned long)m.State,
           (unsigned long)m.Protect, (unsigned long)m.Type);
}

/* Reads or writes [va, va + size); the model decides page by page. */
static void access_range(struct diff *d, uint64_t va, uint64_t size, bool write)
{
    uint8_t *buffer = malloc(size), *want = malloc(size);
    assert_non_null(buffer);
    assert_non_null(want);
    for (uint64_t i = 0; i < size; i++)
        buffer[i] = write ? (uint8_t)rnd(d) : 0xcc;
    memcpy(want, buffer, size);
    note(d, "ntmm_%s(%#llx, %#llx)", write ? "write" : "read", (unsigned long long)va,
         (unsigned long long)size);

    /* the model: page by page, up to the first one that raises */
    NTSTATUS expect = STATUS_SUCCESS;
    uint64_t fault_va = 0, done = 0;
    while (done < size) {
        uint64_t at = va + done, chunk = PAGE - (at & (PAGE - 1));
        if (chunk > size - done)
            chunk = size - done;
        struct alloc *h = alloc_at(d, at);
        struct mpage *p = h ? page_of(h, at) : NULL;
        if (!p || p->state != ST_COMMITTED) {
            expect = STATUS_ACCESS_VIOLATION;
        } else if (p->guard) {
            expect = STATUS_GUARD_PAGE_VIOLATION;
        } else if (p->protect == PAGE_NOACCESS ||
                   (write && p->protect != PAGE_READWRITE && p->protect != PAGE_EXECUTE_READWRITE)) {
            expect = STATUS_ACCESS_VIOLATION;
        } else {
            if (write)
                memcpy(bytes_of(h, at), buffer + done, chunk);
            else
                memcpy(want + done, bytes_of(h, at), chunk);
            done += chunk;
            continue;
        }
        if (expect == STATUS_GUARD_PAGE_VIOLATION)
            p->guard = false; /* one-shot */
        fault_va = at;
        break;
    }

    NTSTATUS st = write ? ntmm_write(d->process, va, buffer, size)
                        : ntmm_read(d->process, va, buffer, size);
    if (st == STATUS_GUARD_PAGE_VIOLATION)
        d->guard_hits++;
    else if (st == STATUS_ACCESS_VIOLATION)
        d->violations++;
    if (st != expect) {
        mismatch(d, "ntmm_%s(%#llx, %#llx): status %#lx (%s), model expects %#lx (%s)",
                 write ? "write" : "read", (unsigned long long)va, (unsigned long long)size,
                 (unsigned long)(uint32_t)st, ntmm_status_name(st),
                 (unsigned long)(uint32_t)expect, ntmm_status_name(expect));
    } else if (!write && memcmp(buffer, want, done) != 0) {
        uint64_t i = 0;
        while (buffer[i] == want[i])
            i++;
        mismatch(d, "ntmm_read(%#llx, %#llx): byte at %#llx is %#x, model expects %#x",
                 (unsigned long long)va, (unsigned long long)size,
                 (unsigned long long)(va + i), buffer[i], want[i]);
    } else if (expect != STATUS_SUCCESS) {
        struct ntmm_exception e = { 0, 0, 0 };
        bool have = ntmm_last_exception(d->process, &e);
        if (!have || e.code != expect || e.address != fault_va || e.access != (write ? 1u : 0u))
            mismatch(d, "ntmm_%s(%#llx, %#llx): exception record {%d, code %#lx, address "
                        "%#llx, access %u}, model expects {code %#lx, address %#llx, access %u}",
                     write ? "write" : "read", (unsigned long long)va, (unsigned long long)size,
                     have, (unsigned long)(uint32_t)e.code, (unsigned long long)e.address,
                     e.access, (unsigned long)(uint32_t)expect, (unsigned long long)fault_va,
                     write ? 1u : 0u);
    }
    free(buffer);
    free(want);
}

/* A random committed page of a, or 0 if it has none. */
static uint64_t committed_page(struct diff *d, const struct alloc *a)
{
    uint64_t from = below(d, a->pages);
    for (uint64_t i = 0; i < a->pages; i++) {
        uint64_t k = (from + i) % a->pages;
        if (a->pg[k].state == ST_COMMITTED)
            return a->base + k * PAGE;
    }
    return 0;
}

/* A random small range (sometimes a few pages) of an allocation or the window. */
static void op_access(struct diff *d, bool write)
{
    uint64_t va, size;
    struct alloc *a = random_alloc(d);
    uint64_t target = a && chance(d, 50) ? committed_page(d, a) : 0;
    if (target) {
        va = target + below(d, PAGE);
    } else if (a && chance(d, 85)) {
        va = a->base + below(d, a->pages * PAGE + 2 * PAGE);
        if (va >= PAGE && chance(d, 5))
            va -= below(d, PAGE) + 1; /* just before the allocation */
    } else {
        va = window_address(d);
    }
    size = chance(d, 10) ? 1 + below(d, 3 * PAGE) : 1 + below(d, 64);
    if (write && chance(d, 15)) { /* a whole page, so that later reads see stale data */
        va &= ~(PAGE - 1);
        size = PAGE;
    }
    access_range(d, va, size, write);
}

/* Every page of an allocation read in full, one page per access: checks the
 * contents the model holds, zero-fill after decommit included. */
static void op_scan(struct diff *d)
{
    struct alloc *a = random_alloc(d);
    if (!a)
        return;
    for (uint64_t i = 0; i < a->pages && !d->failed; i++)
        access_range(d, a->base + i * PAGE, PAGE, false);
}

static void one_op(struct diff *d)
{
    unsigned r = (unsigned)below(d, 100);
    bool full = d->n >= MAX_ALLOCS - 1 || d->reserved_pages + 64 > MAX_PAGES_RESERVED;
    if (full && r < 14)
        r = 20; /* release instead of reserving */
    if (r < 7)
        op_reserve(d, false);
    else if (r < 14)
        op_reserve(d, true);
    else if (r < 24)
        op_commit(d);
    else if (r < 31)
        op_decommit(d);
    else if (r < 36)
        op_release(d);
    else if (r < 50)
        op_protect(d);
    else if (r < 64)
        op_query(d);
    else if (r < 66)
        op_scan(d);
    else if (r < 82)
        op_access(d, false);
    else
        op_access(d, true);
}

/* What every process has before the run: KUSER_SHARED_DATA's 64 KB at
 * 0x7FFE0000 (first page committed read-only, holding the kernel's data),
 * and a 64 KB reservation below it so that no operation that spills past
 * an allocation's end reaches it (its NoChange rules are test_virtual's). */
static void model_fixed(struct diff *d)
{
    model_add(d, 0x7ffe0000, GRANULE / PAGE, PAGE_READONLY, false);
    struct alloc *k = &d->a[d->n - 1];
    k->fixed = true;
    k->pg[0] = (struct mpage){ ST_COMMITTED, false, PAGE_READONLY };
    assert_int_equal(ntmm_read(d->process, 0x7ffe0000, k->bytes, PAGE), STATUS_SUCCESS);
    assert_non_null(VirtualAlloc((LPVOID)(uintptr_t)0x7ffd0000, GRANULE, MEM_RESERVE,
                                 PAGE_NOACCESS));
    model_add(d, 0x7ffd0000, GRANULE / PAGE, PAGE_NOACCESS, false);
    d->a[d->n - 1].fixed = true;
}

/* A machine whose zeroed list is short (verifying it costs a scan of every
 * zeroed frame) and whose free list holds frames with stale data, which the
 * demand-zero path must zero: a first process fills RAM and exits. */
static void boot(struct diff *d)
{
    d->machine = test_boot(d->arch, 16ull << 20);
    struct ntmm_process *ballast = NULL;
    assert_int_equal(ntmm_process_create(d->machine, NULL, &ballast), STATUS_SUCCESS);
    ntmm_set_current_process(ballast);
    struct ntmm_machine_info info;
    ntmm_machine_info(d->machine, &info);
    uint64_t pages = info.available_pages > 64 ? info.available_pages - 64 : 0;
    LPVOID p = VirtualAlloc(NULL, (SIZE_T)(pages * PAGE), MEM_RESERVE | MEM_COMMIT,
                            PAGE_READWRITE);
    assert_non_null(p);
    uint64_t base = (uint64_t)(uintptr_t)p;
    for (uint64_t i = 0; i < pages; i++) {
        uint8_t b = (uint8_t)(0x5a ^ i);
        if (ntmm_write(ballast, base + i * PAGE + (i * 40) % PAGE, &b, 1) != STATUS_SUCCESS)
            break; /* RAM is full (page tables took their share) */
    }
    ntmm_process_terminate(ballast);
    test_verify(d->machine);

    assert_int_equal(ntmm_process_create(d->machine, NULL, &d->process), STATUS_SUCCESS);
    ntmm_set_current_process(d->process);
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    d->highest = (uint64_t)(uintptr_t)si.lpMaximumApplicationAddress;
    assert_int_equal(d->highest, d->arch == NTMM_ARCH_X64 ? 0x7fffffeffffull : 0x7ffeffffull);
    model_fixed(d);
}

static void run_seed(enum ntmm_arch arch, uint64_t seed, unsigned ops)
{
    struct diff *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->arch = arch;
    d->seed = seed;
    d->rng = seed * 0x9e3779b97f4a7c15ull + (uint64_t)arch * 0x632be59bd9b4e019ull + 1;
    const char *trace = getenv("NTMM_DIFF_TRACE");
    d->trace = trace && *trace && *trace != '0';
    const char *skip = getenv("NTMM_DIFF_SKIP_OFF_BASE");
    d->skip_off_base = skip && *skip && *skip != '0';
    boot(d);
    char message[512];
    for (d->op = 0; d->op < ops && !d->failed; d->op++) {
        one_op(d);
        if (!d->failed && !NT_SUCCESS(ntmm_verify(d->machine, message, sizeof message)))
            mismatch(d, "verifier: %s", message);
    }
    printf("# %s seed %llu: %u ops, %u calls ok, %u calls failed, %u guard hits, %u access "
           "violations, %d allocations left\n",
           arch_name(arch), (unsigned long long)seed, d->op, d->ok_calls, d->failed_calls,
           d->guard_hits, d->violations, d->n);
    bool failed = d->failed;
    char why[sizeof d->message];
    memcpy(why, d->message, sizeof why);
    while (d->n)
        model_remove(d, &d->a[0]);
    ntmm_process_terminate(d->process);
    ntmm_set_current_process(NULL);
    if (!failed) {
        test_verify(d->machine);
    }
    ntmm_machine_destroy(d->machine);
    free(d);
    if (failed)
        fail_msg("%s", why);
}

static void run_arch(enum ntmm_arch arch)
{
    const char *seed = getenv("NTMM_DIFF_SEED"), *ops_env = getenv("NTMM_DIFF_OPS");
    unsigned ops = ops_env && *ops_env ? (unsigned)strtoul(ops_env, NULL, 0) : DEFAULT_OPS;
    if (seed && *seed) {
        run_seed(arch, strtoull(seed, NULL, 0), ops);
        return;
    }
    for (size_t i = 0; i < sizeof default_seeds / sizeof default_seeds[0]; i++)
        run_seed(arch, default_seeds[i], ops);
}

static void test_differential_x86(void **state)
{
    (void)state;
    run_arch(NTMM_ARCH_X86);
}

static void test_differential_pae(void **state)
{
    (void)state;
    run_arch(NTMM_ARCH_X86_PAE);
}

static void test_differential_x64(void **state)
{
    (void)state;
    run_arch(NTMM_ARCH_X64);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_differential_x86),
        cmocka_unit_test(test_differential_pae),
        cmocka_unit_test(test_differential_x64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
