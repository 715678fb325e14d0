/*
 * bench_virtual.c — the Win32 virtual-memory API of a simulated process,
 * each figure against the host doing the same job, on a default machine
 * (x86 PAE, 512 MB).
 *
 * virtualalloc_free_64k: ns per pair VirtualAlloc(NULL, 64 KB,
 *   MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE) + VirtualFree(p, 0, MEM_RELEASE),
 *   no page touched. Reference mmap_munmap_64k: the host's mmap of 64 KB
 *   anonymous private memory + munmap, also untouched. Both reserve address
 *   space, charge commit (Linux: overcommit accounting) and give it back, so
 *   this is the same service on either side.
 *
 * demand_zero_fault: ns per page of first-touch writes, ntmm_write of 8 bytes
 *   to each page of a freshly committed 4 MB region (the region is released
 *   and allocated again before each repetition, untimed). Reference
 *   linux_first_touch: an 8-byte store to each page of a fresh 4 MB host
 *   mmap (munmap / mmap before each repetition, untimed), with
 *   MADV_NOHUGEPAGE so that the host, like the simulated machine, takes one
 *   4 KB fault per page rather than one 2 MB fault per half region. Both
 *   sides pay a fault, a zeroed frame and a PTE per page; the host zeroes the
 *   frame in the fault, the simulated machine takes frames the zero page
 *   thread zeroed beforehand (boot leaves RAM on the zeroed list), as
 *   Windows does. But the simulated RAM is a lazily committed host mapping:
 *   a fresh machine's zeroed frames have never been touched on the host, so
 *   each simulated first touch also pays a host first-touch fault.
 *   demand_zero_fault_resident, a diagnostic figure, repeats the measurement
 *   with zeroed frames the host already backs: the memory manager's own cost.
 *
 * virtualquery_10000: ns per VirtualQuery of a random address in a process
 *   with 10,000 allocations (reserved, committed, partly committed and
 *   re-protected ones in turn, so neighbouring regions differ), and
 *   virtualquery_walk: ns per region for a walk of the whole user address
 *   space region by region (BaseAddress + RegionSize). Reference
 *   binary_search_10000: a binary search of a sorted host array of the
 *   10,000 allocation starts for the same random addresses. It is a fair
 *   floor: any VirtualQuery must at least find which of the 10,000
 *   allocations holds the address (Windows searches the VAD tree, O(log n)),
 *   and a binary search over one contiguous array is the cheapest form of
 *   that search; what VirtualQuery does beyond it (the handle, the page
 *   tables read to find the region's end, the structure filled in) is the
 *   overhead the ratio shows.
 */
#include <sys/mman.h>

#include "bench.h"
#include "bench_machine.h"
#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"
#include "ntmm/win32.h"

#define KB64 0x10000u
#define REGION_4MB (4u << 20)
#define PAIRS 2000
#define ALLOCS 10000
#define QUERIES 20000

static struct ntmm_machine *machine;
static struct ntmm_process *process;

/* ---- VirtualAlloc + VirtualFree of 64 KB ---- */

static uint64_t run_virtualalloc_free(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (int i = 0; i < PAIRS; i++) {
        LPVOID p = VirtualAlloc(NULL, KB64, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
        if (!p)
            bench_die("VirtualAlloc failed");
        sum += (uint64_t)(uintptr_t)p;
        if (!VirtualFree(p, 0, MEM_RELEASE))
            bench_die("VirtualFree failed");
    }
    return sum;
}

static uint64_t run_mmap_munmap(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (int i = 0; i < PAIRS; i++) {
        void *p = mmap(NULL, KB64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            bench_die("mmap failed");
        sum += (uint64_t)(uintptr_t)p;
        if (munmap(p, KB64))
            bench_die("munmap failed");
    }
    return sum;
}

/* ---- first-touch faults ---- */

static LPVOID sim_region;

static void setup_sim_region(void *ctx)
{
    (void)ctx;
    if (sim_region && !VirtualFree(sim_region, 0, MEM_RELEASE))
        bench_die("VirtualFree of the 4 MB region failed");
    sim_region = VirtualAlloc(NULL, REGION_4MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!sim_region)
        bench_die("VirtualAlloc of the 4 MB region failed");
}

static uint64_t run_demand_zero(void *ctx)
{
    (void)ctx;
    uint64_t base = (uint64_t)(uintptr_t)sim_region, v = 0x0123456789abcdefull;
    for (uint64_t off = 0; off < REGION_4MB; off += NTMM_PAGE_SIZE)
        if (ntmm_write(process, base + off, &v, sizeof v) != STATUS_SUCCESS)
            bench_die("ntmm_write failed");
    return base;
}

static uint8_t *host_region;

static void setup_host_region(void *ctx)
{
    (void)ctx;
    if (host_region && munmap(host_region, REGION_4MB))
        bench_die("munmap failed");
    host_region = mmap(NULL, REGION_4MB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                       0);
    if (host_region == MAP_FAILED)
        bench_die("mmap failed");
    madvise(host_region, REGION_4MB, MADV_NOHUGEPAGE); /* best effort */
}

static uint64_t run_first_touch(void *ctx)
{
    (void)ctx;
    uint64_t v = 0x0123456789abcdefull;
    for (size_t off = 0; off < REGION_4MB; off += 4096) {
        volatile uint64_t *p = (volatile uint64_t *)(host_region + off);
        *p = v;
    }
    BENCH_ESCAPE(host_region);
    return (uint64_t)(uintptr_t)host_region;
}

/* ---- VirtualQuery over 10,000 allocations ---- */

static uint64_t alloc_start[ALLOCS]; /* sorted: allocations are made bottom-up */
static uint64_t query_va[QUERIES];
static uint64_t regions_walked;

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Four kinds in turn: reserved; committed read-write; half committed
 * read-only; committed with a no-access page and a guard page inside. */
static void build_allocations(void)
{
    for (int i = 0; i < ALLOCS; i++) {
        DWORD kind = (DWORD)(i % 4);
        SIZE_T size = (SIZE_T)(4 + i % 5) * NTMM_PAGE_SIZE;
        LPVOID p = VirtualAlloc(NULL, size, kind == 0 || kind == 2 ? MEM_RESERVE
                                                                   : MEM_RESERVE | MEM_COMMIT,
                                kind == 2 ? PAGE_READONLY : PAGE_READWRITE);
        if (!p)
            bench_die("VirtualAlloc of the 10,000 allocations failed");
        alloc_start[i] = (uint64_t)(uintptr_t)p;
        if (i && alloc_start[i] <= alloc_start[i - 1])
            bench_die("allocations are not in address order");
        DWORD old;
        if (kind == 2 && !VirtualAlloc(p, size / 2, MEM_COMMIT, PAGE_READONLY))
            bench_die("commit failed");
        if (kind == 3 &&
            (!VirtualProtect((uint8_t *)p + NTMM_PAGE_SIZE, NTMM_PAGE_SIZE, PAGE_NOACCESS, &old) ||
             !VirtualProtect((uint8_t *)p + 3 * NTMM_PAGE_SIZE, NTMM_PAGE_SIZE,
                             PAGE_READWRITE | PAGE_GUARD, &old)))
            bench_die("VirtualProtect failed");
    }
    uint64_t lo = alloc_start[0], hi = alloc_start[ALLOCS - 1] + KB64, s = 42;
    for (int i = 0; i < QUERIES; i++)
        query_va[i] = lo + xorshift(&s) % (hi - lo);
}

static uint64_t run_query_random(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    MEMORY_BASIC_INFORMATION mbi;
    for (int i = 0; i < QUERIES; i++) {
        if (VirtualQuery((LPCVOID)(uintptr_t)query_va[i], &mbi, sizeof mbi) != sizeof mbi)
            bench_die("VirtualQuery failed");
        sum += (uint64_t)(uintptr_t)mbi.AllocationBase + mbi.RegionSize;
    }
    return sum;
}

static uint64_t run_binary_search(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (int i = 0; i < QUERIES; i++) {
        uint64_t va = query_va[i];
        size_t low = 0, high = ALLOCS; /* the last start <= va */
        while (high - low > 1) {
            size_t mid = low + (high - low) / 2;
            if (alloc_start[mid] <= va)
                low = mid;
            else
                high = mid;
        }
        sum += alloc_start[low];
        BENCH_KEEP(sum);
    }
    return sum;
}

static uint64_t run_query_walk(void *ctx)
{
    (void)ctx;
    uint64_t va = 0, sum = 0, n = 0;
    MEMORY_BASIC_INFORMATION mbi;
    while (VirtualQuery((LPCVOID)(uintptr_t)va, &mbi, sizeof mbi) == sizeof mbi) {
        sum += mbi.State;
        n++;
        va = (uint64_t)(uintptr_t)mbi.BaseAddress + mbi.RegionSize;
    }
    regions_walked = n;
    return sum;
}

int main(void)
{
    struct ntmm_config config;
    ntmm_config_init(&config); /* x86 PAE, 512 MB */
    if (ntmm_machine_create(&config, &machine) != STATUS_SUCCESS)
        bench_die("ntmm_machine_create failed");
    if (ntmm_process_create(machine, NULL, &process) != STATUS_SUCCESS)
        bench_die("ntmm_process_create failed");
    ntmm_set_current_process(process);

    struct bench_side va = { run_virtualalloc_free, NULL, NULL, PAIRS, 0 };
    struct bench_side mm = { run_mmap_munmap, NULL, NULL, PAIRS, 0 };
    bench_pair(&va, &mm, BENCH_REPS);

    uint64_t pages = REGION_4MB / NTMM_PAGE_SIZE;
    struct bench_side dz = { run_demand_zero, setup_sim_region, NULL, pages, 0 };
    struct bench_side ft = { run_first_touch, setup_host_region, NULL, pages, 0 };
    bench_pair(&dz, &ft, BENCH_REPS);
    /* The same with frames the host already backs: the memory manager's own
     * cost of a demand-zero fault, without the host's first touch of the
     * simulated RAM (a diagnostic figure). */
    bench_warm_zeroed_list(machine, (BENCH_REPS + 2) * pages);
    struct bench_side dzr = { run_demand_zero, setup_sim_region, NULL, pages, 0 };
    struct bench_side ft2 = { run_first_touch, setup_host_region, NULL, pages, 0 };
    bench_pair(&dzr, &ft2, BENCH_REPS);
    if (!VirtualFree(sim_region, 0, MEM_RELEASE) || munmap(host_region, REGION_4MB))
        bench_die("releasing the 4 MB regions failed");

    build_allocations();
    struct bench_side q = { run_query_random, NULL, NULL, QUERIES, 0 };
    struct bench_side bs = { run_binary_search, NULL, NULL, QUERIES, 0 };
    bench_pair(&q, &bs, BENCH_REPS);
    run_query_walk(NULL); /* counts the regions */
    struct bench_side walk = { run_query_walk, NULL, NULL, regions_walked, 0 };
    bench_pair(&walk, NULL, BENCH_REPS);

    char message[256];
    if (!NT_SUCCESS(ntmm_verify(machine, message, sizeof message)))
        bench_die(message);

    printf("bench_virtual: PAE 512 MB; %llu regions in the walk\n",
           (unsigned long long)regions_walked);
    bench_table_row("virtualalloc_free_64k", va.best_ns, "mmap_munmap_64k", mm.best_ns, "ns");
    bench_table_row("demand_zero_fault", dz.best_ns, "linux_first_touch", ft.best_ns, "ns");
    bench_table_row("demand_zero_resident", dzr.best_ns, "linux_first_touch", ft2.best_ns,
                    "ns");
    bench_table_row("virtualquery_10000", q.best_ns, "binary_search_10000", bs.best_ns, "ns");
    bench_table_row("virtualquery_walk", walk.best_ns, "binary_search_10000", bs.best_ns, "ns");
    bench_report("virtualalloc_free_64k", va.best_ns, "ns", "mmap_munmap_64k",
                 va.best_ns / mm.best_ns);
    bench_report("demand_zero_fault", dz.best_ns, "ns", "linux_first_touch",
                 dz.best_ns / ft.best_ns);
    bench_report("demand_zero_fault_resident", dzr.best_ns, "ns", "linux_first_touch",
                 dzr.best_ns / ft2.best_ns);
    bench_report("virtualquery_10000", q.best_ns, "ns", "binary_search_10000",
                 q.best_ns / bs.best_ns);
    bench_report("virtualquery_walk", walk.best_ns, "ns", "binary_search_10000",
                 walk.best_ns / bs.best_ns);

    ntmm_process_terminate(process);
    ntmm_machine_destroy(machine);
    bench_finish("bench_virtual");
    return 0;
}
