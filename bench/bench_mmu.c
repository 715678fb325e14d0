/*
 * bench_mmu.c — the cost of an 8-byte kernel-mode read through the simulated
 * MMU, against the same 8-byte load done natively by the host.
 *
 * A default machine (PAE, 512 MB) is booted; the reads go to its PFN database
 * (MmPfnDatabase, ~3.5 MB mapped at boot with 4 KB system pages).
 *
 *   tlb_hit_read8   cpu_read64 (the inline fast path: TLB lookup + host load)
 *                   over 64 consecutive pages (64 < TLB_ENTRIES, so each page
 *                   has its own direct-mapped slot), TLB warmed first; checked
 *                   afterwards: hits == reads, misses == 0.
 *   api_read8       the same addresses through the public ntmm_read_virtual.
 *   tlb_miss_read8  cpu_read64 over every page of the PFN database in order,
 *                   cycling: more consecutive pages than TLB slots, so each
 *                   page has been evicted by the one TLB_ENTRIES pages later
 *                   before it comes round again; checked: misses == reads.
 *
 * Reference (native_load8 / native_load8_wide): the same offset sequence read
 * with 8-byte loads from a host array of the same size as the simulated range
 * (256 KB for the hit and API figures, the PFN database's size for the miss
 * figure). Why it is fair: both loops read their addresses from the same
 * precomputed offset array, do one 8-byte load per offset, and add the value
 * into a checksum that an empty asm keeps in a register on every iteration
 * (BENCH_KEEP), so neither loop can be vectorised, unrolled into wider loads
 * or dropped; the only difference left is the translation itself.
 * ratio = simulated ns per read / native ns per read.
 */
#include <string.h>

#include "bench.h"
#include "ke/machine.h"
#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"

#define HIT_PAGES 64u
#define HIT_OFFSETS (HIT_PAGES * 512u) /* every 8-byte word of the 64 pages once */
#define HIT_ROUNDS 64u                 /* passes over the offsets per timed run */
#define API_ROUNDS 8u
#define MISS_WORDS_PER_PAGE 8u
#define MISS_ROUNDS 16u

struct read_ctx {
    struct ntmm_machine *machine;
    uint64_t base_va;        /* simulated: first byte of the range */
    const uint8_t *host;     /* native: first byte of the host array */
    const uint32_t *offsets;
    size_t count;            /* offsets */
    unsigned rounds;         /* passes over the offsets */
    uint64_t failures;
};

/* The loops copy the context into locals first: a store into the TLB's hit
 * counter (a uint64_t) could otherwise alias the context's size_t / uint64_t
 * fields and force reloads that are the harness's cost, not the MMU's. */
static uint64_t sim_read_loop(void *p)
{
    struct read_ctx *c = p;
    struct cpu *const cpu = &c->machine->cpu;
    const uint64_t base = c->base_va;
    const uint32_t *const offsets = c->offsets;
    const size_t count = c->count;
    const unsigned rounds = c->rounds;
    struct cpu_fault fault;
    uint64_t sum = 0, failures = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (size_t i = 0; i < count; i++) {
            uint64_t v;
            if (!cpu_read64(cpu, base + offsets[i], MODE_KERNEL, &v, &fault)) {
                failures++;
                v = 0;
            }
            sum += v;
            BENCH_KEEP(sum);
        }
    }
    c->failures += failures;
    return sum;
}

static uint64_t api_read_loop(void *p)
{
    struct read_ctx *c = p;
    struct ntmm_machine *const machine = c->machine;
    const uint64_t base = c->base_va;
    const uint32_t *const offsets = c->offsets;
    const size_t count = c->count;
    const unsigned rounds = c->rounds;
    uint64_t sum = 0, failures = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (size_t i = 0; i < count; i++) {
            uint64_t v;
            if (ntmm_read_virtual(machine, base + offsets[i], &v, 8) != STATUS_SUCCESS) {
                failures++;
                v = 0;
            }
            sum += v;
            BENCH_KEEP(sum);
        }
    }
    c->failures += failures;
    return sum;
}

static uint64_t native_read_loop(void *p)
{
    struct read_ctx *c = p;
    const uint8_t *const host = c->host;
    const uint32_t *const offsets = c->offsets;
    const size_t count = c->count;
    const unsigned rounds = c->rounds;
    uint64_t sum = 0;
    for (unsigned r = 0; r < rounds; r++) {
        for (size_t i = 0; i < count; i++) {
            uint64_t v;
            memcpy(&v, host + offsets[i], 8);
            sum += v;
            BENCH_KEEP(sum);
        }
    }
    return sum;
}

/* A host array of size bytes with non-zero, committed contents. */
static uint8_t *host_array(size_t size)
{
    uint8_t *a = malloc(size);
    if (!a)
        bench_die("out of host memory");
    for (size_t i = 0; i < size; i++)
        a[i] = (uint8_t)(i * 131 + 7);
    return a;
}

int main(void)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    struct ntmm_machine *machine;
    NTSTATUS st = ntmm_machine_create(&config, &machine);
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "bench_mmu: ntmm_machine_create: %s\n", ntmm_status_name(st));
        return 1;
    }
    struct ntmm_machine_info info;
    ntmm_machine_info(machine, &info);
    uint64_t db_bytes = info.number_of_physical_pages * info.pfn_entry_size;
    uint64_t db_pages = db_bytes / NTMM_PAGE_SIZE; /* whole pages only */
    if (db_pages <= TLB_ENTRIES + 1)
        bench_die("PFN database too small for the miss benchmark");

    printf("bench_mmu: %s, %llu MB, PFN database at %#llx, %llu pages; TLB %u entries\n",
           info.arch_name, (unsigned long long)(info.ram_bytes >> 20),
           (unsigned long long)info.pfn_database, (unsigned long long)db_pages, TLB_ENTRIES);

    /* ---- hits: 64 pages visited in a fixed shuffled order, the word within
     * the page advancing by 8 bytes each time a page comes round. */
    static uint32_t hit_offsets[HIT_OFFSETS];
    for (uint32_t j = 0; j < HIT_OFFSETS; j++) {
        uint32_t page = ((j % HIT_PAGES) * 29u) % HIT_PAGES; /* 29 odd: a permutation */
        uint32_t word = (j / HIT_PAGES + page * 8u) % 512u; /* page p starts at line p: no set aliasing */
        hit_offsets[j] = page * NTMM_PAGE_SIZE + word * 8u;
    }
    uint8_t *hit_host = host_array(HIT_PAGES * NTMM_PAGE_SIZE);
    struct read_ctx sim_hit = { machine, info.pfn_database, NULL, hit_offsets, HIT_OFFSETS,
                                HIT_ROUNDS, 0 };
    struct read_ctx nat_hit = { NULL, 0, hit_host, hit_offsets, HIT_OFFSETS, HIT_ROUNDS, 0 };

    /* Warm the TLB: one read per page (the warm-up run of bench_pair also does). */
    for (uint32_t p = 0; p < HIT_PAGES; p++) {
        uint64_t v;
        if (ntmm_read_virtual(machine, info.pfn_database + p * NTMM_PAGE_SIZE, &v, 8) !=
            STATUS_SUCCESS)
            bench_die("PFN database not readable");
    }
    uint64_t hits0 = machine->cpu.tlb.hits, misses0 = machine->cpu.tlb.misses;
    uint64_t one_run = sim_read_loop(&sim_hit);
    uint64_t dh = machine->cpu.tlb.hits - hits0, dm = machine->cpu.tlb.misses - misses0;
    bench_sink += one_run;
    uint64_t reads = (uint64_t)HIT_OFFSETS * HIT_ROUNDS;
    fprintf(stderr, "tlb_hit check: %llu reads, %llu hits, %llu misses\n",
            (unsigned long long)reads, (unsigned long long)dh, (unsigned long long)dm);
    if (dh != reads || dm != 0)
        bench_die("hit benchmark does not hit the TLB on every read");

    struct bench_side hit = { sim_read_loop, NULL, &sim_hit, reads, 0 };
    struct bench_side nat = { native_read_loop, NULL, &nat_hit, reads, 0 };
    bench_pair(&hit, &nat, BENCH_REPS);

    /* ---- the public API on the same hits. */
    struct read_ctx api_hit = sim_hit;
    api_hit.rounds = API_ROUNDS;
    struct read_ctx nat_api = nat_hit;
    nat_api.rounds = API_ROUNDS;
    uint64_t api_reads = (uint64_t)HIT_OFFSETS * API_ROUNDS;
    struct bench_side api = { api_read_loop, NULL, &api_hit, api_reads, 0 };
    struct bench_side nat2 = { native_read_loop, NULL, &nat_api, api_reads, 0 };
    bench_pair(&api, &nat2, BENCH_REPS);
    double native_hit_ns = nat.best_ns < nat2.best_ns ? nat.best_ns : nat2.best_ns;

    /* ---- misses: every whole page of the PFN database in order, cycling;
     * MISS_WORDS_PER_PAGE passes, each at a different word of the page. */
    size_t miss_count = (size_t)db_pages * MISS_WORDS_PER_PAGE;
    uint32_t *miss_offsets = malloc(miss_count * sizeof *miss_offsets);
    if (!miss_offsets)
        bench_die("out of host memory");
    for (size_t j = 0; j < miss_count; j++) {
        uint32_t page = (uint32_t)(j % db_pages);
        uint32_t word = (uint32_t)((j / db_pages) * 67u + page * 13u) % 512u;
        miss_offsets[j] = page * NTMM_PAGE_SIZE + word * 8u;
    }
    uint8_t *miss_host = host_array((size_t)db_pages * NTMM_PAGE_SIZE);
    struct read_ctx sim_miss = { machine, info.pfn_database, NULL, miss_offsets, miss_count,
                                 MISS_ROUNDS, 0 };
    struct read_ctx nat_miss = { NULL, 0, miss_host, miss_offsets, miss_count, MISS_ROUNDS, 0 };
    uint64_t miss_reads = (uint64_t)miss_count * MISS_ROUNDS;
    sim_read_loop(&sim_miss); /* reach the steady state before counting */
    hits0 = machine->cpu.tlb.hits;
    misses0 = machine->cpu.tlb.misses;
    bench_sink += sim_read_loop(&sim_miss);
    dh = machine->cpu.tlb.hits - hits0;
    dm = machine->cpu.tlb.misses - misses0;
    fprintf(stderr, "tlb_miss check: %llu reads, %llu hits, %llu misses\n",
            (unsigned long long)miss_reads, (unsigned long long)dh, (unsigned long long)dm);
    if (dm != miss_reads || dh != 0)
        bench_die("miss benchmark does not miss the TLB on every read");
    struct bench_side miss = { sim_read_loop, NULL, &sim_miss, miss_reads, 0 };
    struct bench_side natm = { native_read_loop, NULL, &nat_miss, miss_reads, 0 };
    bench_pair(&miss, &natm, BENCH_REPS);

    if (sim_hit.failures || api_hit.failures || sim_miss.failures)
        bench_die("a simulated read faulted");

    printf("  %-22s %10s        %-23s %10s        %s\n", "subject", "ns/read", "reference",
           "ns/read", "ratio");
    bench_table_row("tlb_hit_read8", hit.best_ns, "native_load8", native_hit_ns, "ns");
    bench_table_row("api_read8", api.best_ns, "native_load8", native_hit_ns, "ns");
    bench_table_row("tlb_miss_read8", miss.best_ns, "native_load8_wide", natm.best_ns, "ns");
    bench_report("tlb_hit_read8", hit.best_ns, "ns", "native_load8", hit.best_ns / native_hit_ns);
    bench_report("api_read8", api.best_ns, "ns", "native_load8", api.best_ns / native_hit_ns);
    bench_report("tlb_miss_read8", miss.best_ns, "ns", "native_load8_wide",
                 miss.best_ns / natm.best_ns);

    free(miss_offsets);
    free(miss_host);
    free(hit_host);
    ntmm_machine_destroy(machine);
    bench_finish("bench_mmu");
    return 0;
}
