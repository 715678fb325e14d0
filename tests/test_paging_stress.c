/*
 * test_paging_stress.c — the randomized paging stress test (issue 10, part
 * 4): three processes on a 16 MB machine with a 64 MB pagefile allocate,
 * write, read (within a page and across two), protect, lock, reset and
 * free private memory, share pagefile-backed sections between two
 * processes and map files of the C: drive (writable and copy-on-write
 * views), far beyond RAM (up to 40 MB committed and touched), with a
 * pagefile read or write failure or a frame failure injected every 25th
 * step. Fixed seeds (splitmix64); each run prints its step count. A host shadow copy
 * of every committed page checks every byte read back; the verifier runs
 * after every step; at the end no frame, pagefile slot or byte of commit is
 * left over.
 *
 * Invariants checked:
 *  1. Every successful read returns the bytes last written (zeroes if none);
 *     a page reset with MEM_RESET reads as its old bytes or zeroes until it
 *     is written again.
 *  2. An access Windows refuses fails with STATUS_ACCESS_VIOLATION; while an
 *     injected fault is pending an access may also fail with
 *     STATUS_IN_PAGE_ERROR or STATUS_INSUFFICIENT_RESOURCES and then changes
 *     nothing.
 *  3. Writes through one view of a section are read through the other; a
 *     mapped file holds the view's bytes after FlushViewOfFile and after
 *     UnmapViewOfFile.
 *  4. ntmm_verify passes after every step.
 *  5. After every process is terminated and the machine idles,
 *     MmAvailablePages, MmTotalCommittedPages and the pagefiles' usage are
 *     what they were before the processes were created.
 */
#include <stdlib.h>
#include <string.h>

#include "testing.h"

#include "ntmm/win32.h"

#define MB (1ull << 20)
#define PAGE 4096u
#define PROCESSES 3
#define MAX_REGIONS 24
#define MAX_SECTIONS 6
#define MAX_LOCKED 8
#define BUDGET_PAGES ((40 * MB) / PAGE) /* private and section pages committed at once */
#define FILE_PAGES 16                   /* the largest mapped file */
#define FAULT_WINDOW 8                  /* steps an injected fault stays pending */

#define U(ptr) ((uint64_t)(uintptr_t)(ptr))
#define VA(addr) ((LPVOID)(uintptr_t)(addr))

/* ---- the generator: splitmix64 ---- */
static uint64_t rng_state;

static uint64_t next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(next() % n);
}

static void random_bytes(uint8_t *out, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = (uint8_t)next();
}

/* ---- the reference model ---- */
struct page {
    uint8_t *data;  /* NULL: zeroes */
    bool committed;
    bool reset;     /* MEM_RESET: data or zeroes */
    bool locked;
    DWORD protect;
};

struct section;

struct region {
    uint64_t base;
    unsigned pages;
    struct page *page;        /* a private region's own, or its section's */
    struct section *section;  /* NULL: private memory */
    struct page *copy;        /* a copy-on-write view's copies (committed: made), or NULL */
};

struct proc {
    struct ntmm_process *process;
    struct region region[MAX_REGIONS];
    unsigned regions;
    unsigned locked;
    uint64_t scratch; /* FILE_PAGES pages and a DWORD for ReadFile */
};

struct section {
    bool used;
    bool file;               /* a mapped file; else backed by the pagefile */
    unsigned pages;
    struct page *page;
    unsigned owner[2];       /* processes with a view */
    HANDLE mapping[2];       /* their handles to the section, one a view */
    unsigned views;
    HANDLE file_handle;      /* the file, in owner[0] */
};

static struct ntmm_machine *m;
static struct proc procs[PROCESSES];
static struct section sections[MAX_SECTIONS];
static uint64_t committed_pages, peak_pages;
static unsigned window;       /* steps left with an injected fault pending */
static unsigned name_counter;
static uint64_t stat_accesses, stat_tolerated;

static void use(struct proc *pr)
{
    ntmm_set_current_process(pr->process);
}

static const uint8_t zero_page[PAGE];
/* A page just committed read-write: zeroes. */
static const struct page fresh_page = { NULL, true, false, false, PAGE_READWRITE };

static const uint8_t *contents(const struct page *pg)
{
    return pg->data ? pg->data : zero_page;
}

static void set_contents(struct page *pg, const uint8_t *bytes)
{
    if (!pg->data) {
        pg->data = malloc(PAGE);
        assert_non_null(pg->data);
    }
    memcpy(pg->data, bytes, PAGE);
}

static void forget(struct page *pg)
{
    free(pg->data);
    pg->data = NULL;
    pg->committed = false;
    pg->reset = false;
    pg->locked = false;
}

static bool tolerated_status(NTSTATUS status)
{
    return window && (status == STATUS_IN_PAGE_ERROR || status == STATUS_INSUFFICIENT_RESOURCES);
}

static bool tolerated_error(DWORD error)
{
    return window && (error == ERROR_NOT_ENOUGH_MEMORY || error == ERROR_NO_SYSTEM_RESOURCES ||
                      error == ERROR_COMMITMENT_LIMIT || error == ERROR_SWAPERROR ||
                      error == ERROR_WORKING_SET_QUOTA);
}

/* A Win32 call's result: success as expected, or a failure a pending fault explains. */
static bool succeeded(BOOL ok, const char *what)
{
    if (ok)
        return true;
    DWORD error = GetLastError();
    if (tolerated_error(error)) {
        stat_tolerated++;
        return false;
    }
    fail_msg("%s failed with error %lu", what, (unsigned long)error);
    return false;
}

/* An access's status: as expected (true), or a failure a pending fault
 * explains (false: nothing changed); anything else fails the test. */
static bool as_expected(NTSTATUS status, NTSTATUS expected, const char *what, uint64_t va)
{
    if (status == expected)
        return true;
    if (!tolerated_status(status))
        fail_msg("%s at %#llx: %#x, expected %#x", what, (unsigned long long)va, (unsigned)status,
                 (unsigned)expected);
    stat_tolerated++;
    return false;
}

static NTSTATUS expected_access(const struct page *pg, bool write)
{
    if (!pg->committed || pg->protect == PAGE_NOACCESS)
        return STATUS_ACCESS_VIOLATION;
    if (write && pg->protect != PAGE_READWRITE)
        return STATUS_ACCESS_VIOLATION;
    return STATUS_SUCCESS;
}

/* Reads the whole page and checks it against the model (invariant 1). */
static bool check_page(struct proc *pr, uint64_t va, struct page *pg)
{
    static uint8_t got[PAGE];
    use(pr);
    NTSTATUS status = ntmm_read(pr->process, va, got, PAGE);
    if (status != STATUS_SUCCESS) {
        if (tolerated_status(status)) {
            stat_tolerated++;
            return false;
        }
        fail_msg("read of the page at %#llx: %#x", (unsigned long long)va, (unsigned)status);
    }
    if (memcmp(got, contents(pg), PAGE) == 0)
        return true;
    if (pg->reset && memcmp(got, zero_page, PAGE) == 0) {
        forget(pg);
        pg->committed = true; /* a reset page discarded: zeroes from now on */
        return true;
    }
    for (unsigned i = 0; i < PAGE; i++)
        if (got[i] != contents(pg)[i])
            fail_msg("page %#llx byte %u: read %#x, model %#x", (unsigned long long)va, i,
                     got[i], contents(pg)[i]);
    return true;
}

/* A write of random bytes into one page; a reset page is read back whole
 * afterwards: the rest of it is its old bytes or zeroes. */
static bool write_page(struct proc *pr, uint64_t base, struct page *pg, unsigned offset,
                       unsigned size)
{
    uint8_t bytes[PAGE];
    random_bytes(bytes, size);
    use(pr);
    NTSTATUS expected = expected_access(pg, true);
    if (pg->reset && expected == STATUS_SUCCESS && window)
        return false;
    stat_accesses++;
    NTSTATUS status = ntmm_write(pr->process, base + offset, bytes, size);
    if (!as_expected(status, expected, "write", base + offset))
        return false;
    if (status != STATUS_SUCCESS)
        return false;
    if (pg->reset) {
        static uint8_t got[PAGE], old[PAGE];
        assert_int_equal(ntmm_read(pr->process, base, got, PAGE), STATUS_SUCCESS);
        memcpy(old, contents(pg), PAGE);
        memcpy(old + offset, bytes, size);
        uint8_t zeroed[PAGE] = { 0 };
        memcpy(zeroed + offset, bytes, size);
        if (memcmp(got, old, PAGE) != 0 && memcmp(got, zeroed, PAGE) != 0)
            fail_msg("reset page %#llx after a write is neither old nor zero",
                     (unsigned long long)base);
        set_contents(pg, got);
        pg->reset = false;
        return true;
    }
    uint8_t page_bytes[PAGE];
    memcpy(page_bytes, contents(pg), PAGE);
    memcpy(page_bytes + offset, bytes, size);
    set_contents(pg, page_bytes);
    return true;
}

static void read_page(struct proc *pr, uint64_t base, struct page *pg, unsigned offset,
                      unsigned size)
{
    NTSTATUS expected = expected_access(pg, false);
    stat_accesses++;
    if (expected == STATUS_SUCCESS && (pg->reset || size == PAGE)) {
        check_page(pr, base, pg);
        return;
    }
    uint8_t got[PAGE];
    use(pr);
    NTSTATUS status = ntmm_read(pr->process, base + offset, got, size);
    if (!as_expected(status, expected, "read", base + offset))
        return;
    if (status == STATUS_SUCCESS && memcmp(got, contents(pg) + offset, size) != 0)
        fail_msg("read at %#llx differs from the model", (unsigned long long)(base + offset));
}

/* An access to page i of a region; the first write to a page of a
 * copy-on-write view makes the view's own copy of the section's page. */
static void access_page(struct proc *pr, struct region *r, unsigned i, bool write,
                        unsigned offset, unsigned size)
{
    uint64_t va = r->base + (uint64_t)i * PAGE;
    struct page *pg = &r->page[i];
    if (r->copy && !r->copy[i].committed && write) {
        struct page *copy = &r->copy[i];
        *copy = fresh_page;
        if (pg->data)
            set_contents(copy, pg->data);
        if (!write_page(pr, va, copy, offset, size))
            forget(copy);
        return;
    }
    if (r->copy && r->copy[i].committed)
        pg = &r->copy[i];
    if (write)
        write_page(pr, va, pg, offset, size);
    else
        read_page(pr, va, pg, offset, size);
}

static struct region *random_region(struct proc **owner)
{
    struct proc *pr = &procs[below(PROCESSES)];
    *owner = pr;
    return pr->regions ? &pr->region[below(pr->regions)] : NULL;
}

static void op_access(void)
{
    struct proc *pr;
    struct region *r = random_region(&pr);
    if (!r)
        return;
    unsigned i = below(r->pages);
    unsigned offset = below(4) ? below(PAGE) : 0;
    unsigned size = offset ? 1 + below(PAGE - offset < 256 ? PAGE - offset : 256) : PAGE;
    access_page(pr, r, i, below(2), offset, size);
}

/* The page an access to page i of a region reaches. */
static struct page *reached(struct region *r, unsigned i)
{
    return r->copy && r->copy[i].committed ? &r->copy[i] : &r->page[i];
}

/* An access across the boundary of two pages of a region (not reset, not
 * first writes of copy-on-write pages): when the second page refuses it,
 * the bytes before it have moved (invariant 2). */
static void op_cross(void)
{
    struct proc *pr;
    struct region *r = random_region(&pr);
    if (!r || r->pages < 2)
        return;
    unsigned i = below(r->pages - 1), before = 1 + below(64), after = 1 + below(64);
    struct page *a = reached(r, i), *b = reached(r, i + 1);
    bool write = below(2);
    if (a->reset || b->reset || (write && (window || (r->copy && (a == &r->page[i] ||
                                                                  b == &r->page[i + 1])))))
        return;
    uint64_t va = r->base + (uint64_t)(i + 1) * PAGE - before;
    uint8_t bytes[128];
    NTSTATUS first = expected_access(a, write), second = expected_access(b, write);
    NTSTATUS expected = first != STATUS_SUCCESS ? first : second;
    use(pr);
    stat_accesses++;
    NTSTATUS status;
    if (write) {
        random_bytes(bytes, before + after);
        status = ntmm_write(pr->process, va, bytes, before + after);
    } else {
        status = ntmm_read(pr->process, va, bytes, before + after);
    }
    if (!as_expected(status, expected, "access across", va + before))
        return;
    uint8_t page_bytes[PAGE];
    if (first == STATUS_SUCCESS && write) {
        memcpy(page_bytes, contents(a), PAGE);
        memcpy(page_bytes + PAGE - before, bytes, before);
        set_contents(a, page_bytes);
    }
    if (status == STATUS_SUCCESS && write) {
        memcpy(page_bytes, contents(b), PAGE);
        memcpy(page_bytes, bytes + before, after);
        set_contents(b, page_bytes);
    }
    if (status == STATUS_SUCCESS && !write &&
        (memcmp(bytes, contents(a) + PAGE - before, before) != 0 ||
         memcmp(bytes + before, contents(b), after) != 0))
        fail_msg("read across %#llx differs from the model", (unsigned long long)(va + before));
}

/* Touches every page of a region: a write of 16 bytes or a check of the page. */
static void sweep(struct proc *pr, struct region *r, bool write)
{
    for (unsigned i = 0; i < r->pages; i++)
        access_page(pr, r, i, write, write ? below(PAGE / 16) * 16 : 0, write ? 16 : PAGE);
}

static void op_sweep(void)
{
    struct proc *pr;
    struct region *r = random_region(&pr);
    if (r)
        sweep(pr, r, below(2));
}

static unsigned unlock_run(struct proc *pr, struct region *r, unsigned first, unsigned count)
{
    unsigned unlocked = 0;
    use(pr);
    for (unsigned i = first; i < first + count; i++)
        if (r->page[i].locked) {
            assert_true(VirtualUnlock(VA(r->base + (uint64_t)i * PAGE), PAGE));
            r->page[i].locked = false;
            pr->locked--;
            unlocked++;
        }
    return unlocked;
}

static void op_allocate(void)
{
    struct proc *pr = &procs[below(PROCESSES)];
    unsigned pages = 1 + below(below(3) ? 64 : 2048);
    if (pr->regions == MAX_REGIONS || committed_pages + pages > BUDGET_PAGES)
        return;
    use(pr);
    bool reserve_first = below(2);
    uint64_t base = U(VirtualAlloc(NULL, (SIZE_T)pages * PAGE,
                                   reserve_first ? MEM_RESERVE : MEM_RESERVE | MEM_COMMIT,
                                   PAGE_READWRITE));
    if (!succeeded(base != 0, "VirtualAlloc"))
        return;
    struct region *r = &pr->region[pr->regions++];
    *r = (struct region){ base, pages, calloc(pages, sizeof *r->page), NULL, NULL };
    assert_non_null(r->page);
    unsigned first = 0, count = pages;
    if (reserve_first) {
        first = below(pages);
        count = 1 + below(pages - first);
        if (!succeeded(VirtualAlloc(VA(base + (uint64_t)first * PAGE), (SIZE_T)count * PAGE,
                                    MEM_COMMIT, PAGE_READWRITE) != NULL,
                       "VirtualAlloc commit"))
            return;
    }
    for (unsigned i = first; i < first + count; i++)
        r->page[i] = fresh_page;
    committed_pages += count;
    sweep(pr, r, true);
}

static struct region *random_private(struct proc **owner, unsigned *first, unsigned *count)
{
    struct region *r = random_region(owner);
    if (!r || r->section)
        return NULL;
    *first = below(r->pages);
    *count = 1 + below(r->pages - *first < 32 ? r->pages - *first : 32);
    return r;
}

/* VirtualAlloc of a run of a region's pages, which returns the run's address. */
static bool allocate_run(struct proc *pr, struct region *r, unsigned first, unsigned count,
                         DWORD type, DWORD protect)
{
    use(pr);
    uint64_t va = r->base + (uint64_t)first * PAGE;
    uint64_t got = U(VirtualAlloc(VA(va), (SIZE_T)count * PAGE, type, protect));
    if (!succeeded(got != 0, "VirtualAlloc of a run"))
        return false;
    assert_int_equal(got, va);
    return true;
}

/* Commits a run of decommitted pages of a reservation. */
static void op_commit(void)
{
    struct proc *pr;
    unsigned first, count;
    struct region *r = random_private(&pr, &first, &count);
    if (!r || committed_pages + count > BUDGET_PAGES)
        return;
    for (unsigned i = first; i < first + count; i++)
        if (r->page[i].committed)
            return;
    if (!allocate_run(pr, r, first, count, MEM_COMMIT, PAGE_READWRITE))
        return;
    for (unsigned i = first; i < first + count; i++)
        r->page[i] = fresh_page;
    committed_pages += count;
}

static void op_decommit(void)
{
    struct proc *pr;
    unsigned first, count;
    struct region *r = random_private(&pr, &first, &count);
    if (!r)
        return;
    unlock_run(pr, r, first, count);
    use(pr);
    if (!succeeded(VirtualFree(VA(r->base + (uint64_t)first * PAGE), (SIZE_T)count * PAGE,
                               MEM_DECOMMIT),
                   "VirtualFree decommit"))
        return;
    for (unsigned i = first; i < first + count; i++) {
        committed_pages -= r->page[i].committed;
        forget(&r->page[i]);
    }
}

static void drop_region(struct proc *pr, struct region *r)
{
    if (!r->section) {
        for (unsigned i = 0; i < r->pages; i++) {
            committed_pages -= r->page[i].committed;
            forget(&r->page[i]);
        }
        free(r->page);
    }
    if (r->copy) {
        for (unsigned i = 0; i < r->pages; i++)
            forget(&r->copy[i]);
        free(r->copy);
    }
    *r = pr->region[--pr->regions];
}

static void op_release(void)
{
    struct proc *pr;
    struct region *r = random_region(&pr);
    if (!r || r->section)
        return;
    unlock_run(pr, r, 0, r->pages);
    use(pr);
    if (succeeded(VirtualFree(VA(r->base), 0, MEM_RELEASE), "VirtualFree release"))
        drop_region(pr, r);
}

/* A protection change of a run: it fails with ERROR_INVALID_ADDRESS and
 * changes nothing if the run holds a page that is not committed. */
static void op_protect(void)
{
    static const DWORD protections[] = { PAGE_READONLY, PAGE_NOACCESS, PAGE_READWRITE };
    struct proc *pr;
    unsigned first, count;
    struct region *r = random_private(&pr, &first, &count);
    if (!r)
        return;
    unlock_run(pr, r, first, count);
    bool all_committed = true;
    for (unsigned i = first; i < first + count; i++)
        all_committed &= r->page[i].committed;
    DWORD protect = protections[below(3)], old = 0xdead;
    use(pr);
    SetLastError(0);
    BOOL ok = VirtualProtect(VA(r->base + (uint64_t)first * PAGE), (SIZE_T)count * PAGE, protect,
                             &old);
    if (!all_committed) {
        assert_false(ok);
        assert_int_equal(GetLastError(), ERROR_INVALID_ADDRESS);
        return;
    }
    if (!succeeded(ok, "VirtualProtect"))
        return;
    assert_int_equal(old, r->page[first].protect);
    for (unsigned i = first; i < first + count; i++)
        r->page[i].protect = protect;
}

/* Locks one accessible page, or unlocks one; unlocking a page that is not
 * locked fails with ERROR_NOT_LOCKED. */
static void op_lock(void)
{
    struct proc *pr;
    unsigned first, count;
    struct region *r = random_private(&pr, &first, &count);
    if (!r)
        return;
    struct page *pg = &r->page[first];
    uint64_t va = r->base + (uint64_t)first * PAGE;
    use(pr);
    if (pg->locked) {
        assert_true(VirtualUnlock(VA(va), PAGE));
        pg->locked = false;
        pr->locked--;
    } else if (pg->committed && pg->protect != PAGE_NOACCESS && pr->locked < MAX_LOCKED) {
        if (succeeded(VirtualLock(VA(va), PAGE), "VirtualLock")) {
            pg->locked = true;
            pr->locked++;
        }
    } else if (pg->committed && pg->protect != PAGE_NOACCESS) {
        SetLastError(0);
        assert_false(VirtualUnlock(VA(va), PAGE));
        assert_int_equal(GetLastError(), ERROR_NOT_LOCKED);
    }
}

/* MEM_RESET of a run of committed read-write pages. */
static void op_reset(void)
{
    struct proc *pr;
    unsigned first, count;
    struct region *r = random_private(&pr, &first, &count);
    if (!r)
        return;
    for (unsigned i = first; i < first + count; i++)
        if (!r->page[i].committed || r->page[i].protect != PAGE_READWRITE || r->page[i].locked)
            return;
    if (!allocate_run(pr, r, first, count, MEM_RESET, PAGE_NOACCESS))
        return;
    for (unsigned i = first; i < first + count; i++)
        r->page[i].reset = true;
}

static struct section *free_section(void)
{
    for (unsigned i = 0; i < MAX_SECTIONS; i++)
        if (!sections[i].used)
            return &sections[i];
    return NULL;
}

/* A view of the whole section, writable or copy-on-write. */
static void add_view(struct section *s, unsigned owner, HANDLE mapping, bool copy)
{
    struct proc *pr = &procs[owner];
    use(pr);
    uint64_t base = U(MapViewOfFile(mapping, copy ? FILE_MAP_COPY : FILE_MAP_WRITE, 0, 0, 0));
    if (!base)
        fail_msg("MapViewOfFile%s: error %lu", copy ? " (copy)" : "",
                 (unsigned long)GetLastError());
    struct page *copies = NULL;
    if (copy) {
        copies = calloc(s->pages, sizeof *copies);
        assert_non_null(copies);
    }
    pr->region[pr->regions++] = (struct region){ base, s->pages, s->page, s, copies };
    s->owner[s->views] = owner;
    s->mapping[s->views++] = mapping;
}

static void remove_views(struct section *s)
{
    for (unsigned v = 0; v < s->views; v++) {
        struct proc *pr = &procs[s->owner[v]];
        use(pr);
        for (unsigned i = 0; i < pr->regions; i++)
            if (pr->region[i].section == s) {
                assert_true(UnmapViewOfFile(VA(pr->region[i].base)));
                drop_region(pr, &pr->region[i]);
                i--;
            }
        assert_true(CloseHandle(s->mapping[v]));
    }
    s->views = 0;
}

/* The file of a mapped-file section holds the model's bytes (invariant 3). */
static void check_file(struct section *s)
{
    struct proc *pr = &procs[s->owner[0]];
    use(pr);
    assert_int_not_equal(SetFilePointer(s->file_handle, 0, NULL, FILE_BEGIN),
                         INVALID_SET_FILE_POINTER);
    uint64_t count_va = pr->scratch + FILE_PAGES * PAGE;
    if (!ReadFile(s->file_handle, VA(pr->scratch), s->pages * PAGE, VA(count_va), NULL))
        fail_msg("ReadFile of a mapped file: error %lu", (unsigned long)GetLastError());
    DWORD count = 0;
    assert_int_equal(ntmm_read(pr->process, count_va, &count, sizeof count), STATUS_SUCCESS);
    assert_int_equal(count, s->pages * PAGE);
    for (unsigned i = 0; i < s->pages; i++) {
        struct page copy = { NULL, true, false, false, PAGE_READWRITE };
        set_contents(&copy, contents(&s->page[i]));
        check_page(pr, pr->scratch + (uint64_t)i * PAGE, &copy);
        free(copy.data);
    }
}

static void close_section(struct section *s)
{
    remove_views(s);
    if (s->file) {
        check_file(s);
        use(&procs[s->owner[0]]);
        assert_true(CloseHandle(s->file_handle));
    } else {
        committed_pages -= s->pages;
    }
    for (unsigned i = 0; i < s->pages; i++)
        forget(&s->page[i]);
    free(s->page);
    s->used = false;
}

static bool room_for_view(unsigned owner)
{
    return procs[owner].regions + 1 < MAX_REGIONS;
}

/* A pagefile-backed section, named, with a view in two processes (the
 * second one copy-on-write now and then). */
static void op_section(void)
{
    struct section *s = free_section();
    unsigned a = below(PROCESSES), b = (a + 1 + below(PROCESSES - 1)) % PROCESSES;
    unsigned pages = 1 + below(128);
    if (!s || window || !room_for_view(a) || !room_for_view(b) ||
        committed_pages + pages > BUDGET_PAGES)
        return;
    char name[32];
    snprintf(name, sizeof name, "stress%u", name_counter++);
    use(&procs[a]);
    HANDLE mapping = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                        pages * PAGE, name);
    assert_non_null(mapping);
    *s = (struct section){ .used = true, .pages = pages };
    s->page = calloc(pages, sizeof *s->page);
    assert_non_null(s->page);
    for (unsigned i = 0; i < pages; i++)
        s->page[i] = fresh_page;
    committed_pages += pages;
    add_view(s, a, mapping, false);
    use(&procs[b]);
    HANDLE opened = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
    assert_non_null(opened);
    add_view(s, b, opened, below(3) == 0);
}

/* A file of the C: drive mapped into one process, and now and then a
 * copy-on-write view of it beside: its copies go to the pagefile, never to
 * the file. */
static void op_file(void)
{
    struct section *s = free_section();
    unsigned a = below(PROCESSES);
    if (!s || window || !room_for_view(a))
        return;
    unsigned pages = 1 + below(FILE_PAGES);
    char name[32];
    snprintf(name, sizeof name, "C:\\stress%u.bin", name_counter++);
    use(&procs[a]);
    HANDLE file = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                              FILE_ATTRIBUTE_NORMAL, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    HANDLE mapping = CreateFileMappingA(file, NULL, PAGE_READWRITE, 0, pages * PAGE, NULL);
    assert_non_null(mapping);
    *s = (struct section){ .used = true, .file = true, .pages = pages, .file_handle = file };
    s->page = calloc(pages, sizeof *s->page);
    assert_non_null(s->page);
    for (unsigned i = 0; i < pages; i++)
        s->page[i] = fresh_page;
    add_view(s, a, mapping, false);
    if (below(2)) {
        HANDLE second;
        assert_true(DuplicateHandle(GetCurrentProcess(), mapping, GetCurrentProcess(), &second, 0,
                                    FALSE, DUPLICATE_SAME_ACCESS));
        s->owner[1] = a;
        add_view(s, a, second, true);
    }
}

/* Flushes a mapped file's view and checks the file, or closes a section. */
static void op_flush_or_close(void)
{
    struct section *s = &sections[below(MAX_SECTIONS)];
    if (!s->used || window)
        return;
    if (s->file && below(2)) {
        struct proc *pr = &procs[s->owner[0]];
        for (unsigned i = 0; i < pr->regions; i++)
            if (pr->region[i].section == s) {
                use(pr);
                assert_true(FlushViewOfFile(VA(pr->region[i].base), 0));
            }
        check_file(s);
        return;
    }
    close_section(s);
}

/* Every Nth step: a pagefile read or write, or a frame, fails soon. */
static void inject(void)
{
    static const enum ntmm_fault_kind kinds[] = { NTMM_FAULT_PAGEFILE_READ,
                                                  NTMM_FAULT_PAGEFILE_WRITE, NTMM_FAULT_FRAME };
    ntmm_inject_fault(m, kinds[below(3)], 1 + below(16));
    window = FAULT_WINDOW;
}

static void cancel_faults(void)
{
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_READ, 0);
    ntmm_inject_fault(m, NTMM_FAULT_PAGEFILE_WRITE, 0);
    ntmm_inject_fault(m, NTMM_FAULT_FRAME, 0);
    window = 0;
}

static void end_window(void)
{
    if (window && --window == 0)
        cancel_faults();
}

static void step(void)
{
    unsigned op = below(100);
    if (op < 50)
        op_access();
    else if (op < 56)
        op_sweep();
    else if (op < 63)
        op_allocate();
    else if (op < 66)
        op_commit();
    else if (op < 68)
        op_decommit();
    else if (op < 69)
        op_release();
    else if (op < 76)
        op_protect();
    else if (op < 82)
        op_lock();
    else if (op < 86)
        op_reset();
    else if (op < 89)
        op_section();
    else if (op < 92)
        op_file();
    else if (op < 95)
        op_flush_or_close();
    else if (op < 96)
        ntmm_machine_idle(m);
    else if (op < 98)
        op_cross();
    else
        op_access();
}

static uint64_t kernel_field(const char *name, unsigned offset, unsigned size)
{
    struct ntmm_symbol s;
    uint64_t value = 0;
    assert_int_equal(ntmm_symbol_lookup(m, name, &s), STATUS_SUCCESS);
    assert_int_equal(ntmm_read_virtual(m, s.address + offset, &value, size ? size : s.size),
                     STATUS_SUCCESS);
    return value;
}

static uint64_t kernel_variable(const char *name)
{
    return kernel_field(name, 0, 0);
}

/* MmInfoCounters' PageReadCount and DirtyPagesWriteCount. */
static uint64_t pages_read(void)
{
    return kernel_field("MmInfoCounters", 5 * 4, 4);
}

static uint64_t pages_written(void)
{
    return kernel_field("MmInfoCounters", 9 * 4, 4);
}

static uint64_t available_pages(void)
{
    struct ntmm_machine_info info;
    ntmm_machine_info(m, &info);
    return info.available_pages;
}

static uint64_t pagefile_usage(void)
{
    struct ntmm_paging_file_info files[NTMM_MAXIMUM_PAGING_FILES];
    unsigned count = 0;
    ntmm_query_paging_files(m, files, NTMM_MAXIMUM_PAGING_FILES, &count);
    uint64_t usage = 0;
    for (unsigned i = 0; i < count && i < NTMM_MAXIMUM_PAGING_FILES; i++)
        usage += files[i].current_usage;
    return usage;
}

/* The model of every section whose views and handles went with their processes. */
static void free_sections(void)
{
    for (unsigned i = 0; i < MAX_SECTIONS; i++)
        if (sections[i].used) {
            for (unsigned j = 0; j < sections[i].pages; j++)
                forget(&sections[i].page[j]);
            free(sections[i].page);
            sections[i].used = false;
        }
}

static void run(enum ntmm_arch arch, uint64_t seed, unsigned steps)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = 16 * MB;
    config.seed = seed;
    config.pagefile_count = 1;
    config.pagefiles[0] = (struct ntmm_pagefile_config){ 64 * MB, 64 * MB };
    assert_int_equal(ntmm_machine_create(&config, &m), STATUS_SUCCESS);
    rng_state = seed;
    memset(sections, 0, sizeof sections);
    ntmm_machine_idle(m);
    uint64_t available = available_pages(), commit = kernel_variable("MmTotalCommittedPages");
    for (unsigned i = 0; i < PROCESSES; i++) {
        procs[i] = (struct proc){ 0 };
        assert_int_equal(ntmm_process_create(m, NULL, &procs[i].process), STATUS_SUCCESS);
        use(&procs[i]);
        procs[i].scratch = U(VirtualAlloc(NULL, (FILE_PAGES + 1) * PAGE, MEM_COMMIT,
                                          PAGE_READWRITE));
        assert_int_not_equal(procs[i].scratch, 0);
    }
    committed_pages = peak_pages = 0;
    window = 0;
    stat_accesses = stat_tolerated = 0;
    for (unsigned s = 0; s < steps; s++) {
        if (s % 25 == 24)
            inject();
        step();
        end_window();
        if (committed_pages > peak_pages)
            peak_pages = committed_pages;
        test_verify(m);
    }
    cancel_faults();
    for (unsigned i = 0; i < PROCESSES; i++)
        for (unsigned r = 0; r < procs[i].regions; r++)
            sweep(&procs[i], &procs[i].region[r], false);
    bool close_first = below(2); /* else the views and handles go with their processes */
    for (unsigned i = 0; close_first && i < MAX_SECTIONS; i++)
        if (sections[i].used)
            close_section(&sections[i]);
    for (unsigned i = 0; i < PROCESSES; i++) {
        while (procs[i].regions)
            drop_region(&procs[i], &procs[i].region[procs[i].regions - 1]);
        ntmm_process_terminate(procs[i].process);
        test_verify(m);
    }
    free_sections();
    ntmm_set_current_process(NULL);
    ntmm_machine_idle(m);
    test_verify(m);
    struct ntmm_machine_info info;
    ntmm_machine_info(m, &info);
    print_message("%s seed %llu: %u steps, verifier after each; %llu accesses, peak %llu MB "
                  "committed, %llu pages written to and %llu read from files, %llu failures "
                  "tolerated\n",
                  info.arch_name, (unsigned long long)seed, steps,
                  (unsigned long long)stat_accesses, (unsigned long long)(peak_pages * PAGE / MB),
                  (unsigned long long)pages_written(), (unsigned long long)pages_read(),
                  (unsigned long long)stat_tolerated);
    assert_true(pages_written() > 0 && pages_read() > 0);
    assert_int_equal(available_pages(), available);
    assert_int_equal(pagefile_usage(), 0);
    assert_int_equal(kernel_variable("MmTotalCommittedPages"), commit);
    ntmm_machine_destroy(m);
    m = NULL;
}

/* After a failed check: the machine goes, and the model's host memory. */
static int teardown(void **state)
{
    (void)state;
    for (unsigned i = 0; m && i < PROCESSES; i++)
        while (procs[i].regions)
            drop_region(&procs[i], &procs[i].region[procs[i].regions - 1]);
    if (m)
        free_sections();
    ntmm_set_current_process(NULL);
    if (m)
        ntmm_machine_destroy(m);
    m = NULL;
    return 0;
}

static void test_stress_pae(void **state)
{
    (void)state;
    run(NTMM_ARCH_X86_PAE, 1, 3000);
}

static void test_stress_each_architecture(void **state)
{
    (void)state;
    run(NTMM_ARCH_X86, 2, 800);
    run(NTMM_ARCH_X86_PAE, 3, 800);
    run(NTMM_ARCH_X64, 4, 800);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_stress_pae, teardown),
        cmocka_unit_test_teardown(test_stress_each_architecture, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
