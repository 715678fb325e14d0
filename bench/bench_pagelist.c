/*
 * bench_pagelist.c — the page lists of a default machine (PAE, 512 MB), each
 * against the host operation that does the same job natively.
 *
 *   pagelist_alloc_free  one mm_remove_any_page (Windows: MiRemoveAnyPage)
 *                        and one mm_insert_page_in_free_list
 *                        (MiInsertPageInFreeList) of the frame just taken:
 *                        ns per pair. The lists, links and counts live in
 *                        simulated memory and every field goes through the
 *                        architecture's _MMPFN layout.
 *     reference malloc_free_4096: glibc malloc(4096) + free pairs. Fair: both
 *     hand out a 4 KB block and take it back, and both reuse the same block
 *     every time (glibc's tcache is LIFO; the free list holds the one frame
 *     the first pair put there, so the next removal takes it again); the
 *     block is escaped through an empty asm so that the compiler cannot pair
 *     away the malloc and free.
 *
 *   zero_page_thread     ns per frame that mm_zero_page_thread takes off the
 *                        free list, zeroes and puts on the zeroed list; the
 *                        free list is refilled with the same N frames before
 *                        every run (untimed), and the first run, which also
 *                        makes the host commit those frames, is not counted.
 *     reference memset_4096: memset of each 4 KB page of a host buffer of the
 *     same N pages. Fair: the same bytes are written by the same libc memset
 *     in 4 KB calls over the same amount of committed memory, so the
 *     difference is the list work around each page.
 */
#include <string.h>

#include "bench.h"
#include "ke/machine.h"
#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"

#define PAIRS 1000000u
#define ZERO_PAGES 4096u /* 16 MB */

struct pair_ctx {
    struct mm *mm;
    uint64_t empty; /* MM_EMPTY_LIST */
    uint64_t failures;
};

static uint64_t pagelist_pairs(void *p)
{
    struct pair_ctx *c = p;
    struct mm *const mm = c->mm;
    const uint64_t empty = c->empty;
    uint64_t sum = 0, failures = 0;
    for (unsigned i = 0; i < PAIRS; i++) {
        uint64_t pfn = mm_remove_any_page(mm);
        if (pfn == empty) {
            failures++;
            continue;
        }
        mm_insert_page_in_free_list(mm, pfn);
        sum += pfn;
        BENCH_KEEP(sum);
    }
    c->failures += failures;
    return sum;
}

static uint64_t malloc_pairs(void *p)
{
    (void)p;
    uint64_t sum = 0;
    for (unsigned i = 0; i < PAIRS; i++) {
        void *block = malloc(4096);
        BENCH_ESCAPE(block);
        sum += (uintptr_t)block >> 12;
        BENCH_KEEP(sum);
        free(block);
    }
    return sum;
}

struct zero_ctx {
    struct mm *mm;
    uint64_t *frames;     /* the N frames the zero page thread works on */
    bool on_zeroed_list;  /* where the last run left them */
    uint64_t short_runs;  /* runs that zeroed fewer than N */
};

/* Untimed: puts the N frames back on the free list (taking them off the
 * zeroed list where the previous run left them). */
static void zero_refill(void *p)
{
    struct zero_ctx *c = p;
    for (unsigned i = 0; i < ZERO_PAGES; i++) {
        if (c->on_zeroed_list)
            pagelist_unlink(c->mm, c->frames[i]);
        mm_insert_page_in_free_list(c->mm, c->frames[i]);
    }
    c->on_zeroed_list = true;
    if (pagelist_total(c->mm, FreePageList) != ZERO_PAGES)
        bench_die("free list does not hold exactly the benchmark's frames");
}

static uint64_t zero_run(void *p)
{
    struct zero_ctx *c = p;
    uint64_t done = mm_zero_page_thread(c->mm, ZERO_PAGES);
    if (done != ZERO_PAGES)
        c->short_runs++;
    return done;
}

struct memset_ctx {
    uint8_t *buffer; /* ZERO_PAGES pages */
};

static uint64_t memset_run(void *p)
{
    struct memset_ctx *c = p;
    uint8_t *const buffer = c->buffer;
    for (unsigned i = 0; i < ZERO_PAGES; i++) {
        uint8_t *page = buffer + (size_t)i * NTMM_PAGE_SIZE;
        memset(page, 0, NTMM_PAGE_SIZE);
        BENCH_ESCAPE(page); /* one call per page, as the zero page thread makes */
    }
    return ZERO_PAGES;
}

int main(void)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    struct ntmm_machine *machine;
    NTSTATUS st = ntmm_machine_create(&config, &machine);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "bench_pagelist: ntmm_machine_create: %s\n", ntmm_status_name(st));
        return 1;
    }
    struct mm *mm = &machine->mm;
    struct ntmm_machine_info info;
    ntmm_machine_info(machine, &info);
    printf("bench_pagelist: %s, %llu MB, %llu available pages (free %llu, zeroed %llu)\n",
           info.arch_name, (unsigned long long)(info.ram_bytes >> 20),
           (unsigned long long)info.available_pages,
           (unsigned long long)pagelist_total(mm, FreePageList),
           (unsigned long long)pagelist_total(mm, ZeroedPageList));

    /* ---- remove + insert pairs against malloc + free. */
    struct pair_ctx pairs = { mm, mm->pfn_layout->empty, 0 };
    struct bench_side alloc = { pagelist_pairs, NULL, &pairs, PAIRS, 0 };
    struct bench_side host_alloc = { malloc_pairs, NULL, NULL, PAIRS, 0 };
    bench_pair(&alloc, &host_alloc, BENCH_REPS);
    if (pairs.failures)
        bench_die("mm_remove_any_page found no frame");

    /* ---- the zero page thread against memset. Take N frames off the lists
     * (the machine keeps them as if in use); zero_refill puts them on the
     * free list before each run. */
    struct zero_ctx zero = { mm, calloc(ZERO_PAGES, sizeof(uint64_t)), false, 0 };
    struct memset_ctx host_zero = { malloc((size_t)ZERO_PAGES * NTMM_PAGE_SIZE) };
    if (!zero.frames || !host_zero.buffer)
        bench_die("out of host memory");
    for (unsigned i = 0; i < ZERO_PAGES; i++) {
        zero.frames[i] = mm_remove_any_page(mm);
        if (zero.frames[i] == mm->pfn_layout->empty)
            bench_die("not enough frames");
    }
    if (pagelist_total(mm, FreePageList) != 0)
        bench_die("free list not empty after taking the frames");
    struct bench_side zero_side = { zero_run, zero_refill, &zero, ZERO_PAGES, 0 };
    struct bench_side memset_side = { memset_run, NULL, &host_zero, ZERO_PAGES, 0 };
    bench_pair(&zero_side, &memset_side, BENCH_REPS);
    if (zero.short_runs)
        bench_die("the zero page thread zeroed fewer frames than were free");

    /* Give the frames back (the last run left them on the zeroed list) and
     * check that the machine is consistent after all this traffic. */
    for (unsigned i = 0; i < ZERO_PAGES; i++) {
        pagelist_unlink(mm, zero.frames[i]);
        mm_insert_page_in_free_list(mm, zero.frames[i]);
    }
    char message[256];
    if (ntmm_verify(machine, message, sizeof message) != STATUS_SUCCESS) {
        fprintf(stderr, "bench_pagelist: verifier after the benchmark: %s\n", message);
        return 1;
    }

    printf("  %-22s %10s        %-23s %10s        %s\n", "subject", "ns/op", "reference",
           "ns/op", "ratio");
    bench_table_row("pagelist_alloc_free", alloc.best_ns, "malloc_free_4096",
                    host_alloc.best_ns, "ns");
    bench_table_row("zero_page_thread", zero_side.best_ns, "memset_4096", memset_side.best_ns,
                    "ns");
    bench_report("pagelist_alloc_free", alloc.best_ns, "ns", "malloc_free_4096",
                 alloc.best_ns / host_alloc.best_ns);
    bench_report("zero_page_thread", zero_side.best_ns, "ns", "memset_4096",
                 zero_side.best_ns / memset_side.best_ns);

    free(zero.frames);
    free(host_zero.buffer);
    ntmm_machine_destroy(machine);
    bench_finish("bench_pagelist");
    return 0;
}
