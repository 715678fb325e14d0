/*
 * bench_paging.c — paging: a soft fault, a hard fault, and a pass over a
 * working set twice the size of RAM, each against what the host does for
 * the same job, measured in the same run (x86 PAE).
 *
 * soft_fault: ns per 8-byte read of a page that EmptyWorkingSet took out of
 *   a 4 MB region of a 512 MB machine (its frame on the modified list: a
 *   transition fault makes it valid again). Reference linux_first_touch: an
 *   8-byte store to each page of a fresh 4 MB host mmap (MADV_NOHUGEPAGE),
 *   the cheapest page fault the host takes. Goal: at most 0.3.
 *
 * hard_fault: ns per 8-byte read of a page of a 4 MB region whose pages are
 *   all in the pagefile (written by the modified page writer, their frames
 *   then reused), read from the last page to the first so that each fault
 *   reads exactly one page (the cluster after it is resident already), on a
 *   32 MB machine with a 64 MB pagefile. Reference pread_plus_fault: a
 *   4 KB pread of a host file in the page cache plus one linux_first_touch
 *   fault (the two things a hard fault must do: read the page and map a
 *   frame). Goal: at most 1.5.
 *
 * twice_ram_pass: simulated accesses per second of a pass writing 8 bytes to
 *   every page of a 64 MB region on the 32 MB machine (every access a fault
 *   that trims, writes and reads pages). Reference host_pass: the same pass
 *   over 64 MB of host memory already resident. The ratio (simulated over
 *   host) is far below 1: the host pass never faults.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"
#include "ntmm/win32.h"

#define REGION (4u << 20)
#define PAGES (REGION / NTMM_PAGE_SIZE)
#define BIG (64u << 20)

static struct ntmm_machine *machine;
static struct ntmm_process *process;
static uint64_t region, big;

static struct ntmm_machine *boot(uint64_t ram, uint64_t pagefile)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = NTMM_ARCH_X86_PAE;
    config.ram_bytes = ram;
    config.pagefile_count = 1;
    config.pagefiles[0] = (struct ntmm_pagefile_config){ pagefile, pagefile };
    struct ntmm_machine *m = NULL;
    if (ntmm_machine_create(&config, &m) != STATUS_SUCCESS ||
        ntmm_process_create(m, NULL, &process) != STATUS_SUCCESS)
        bench_die("booting the machine failed");
    ntmm_set_current_process(process);
    return m;
}

static void write_page(uint64_t va)
{
    uint64_t v = va;
    if (ntmm_write(process, va, &v, sizeof v) != STATUS_SUCCESS)
        bench_die("ntmm_write failed");
}

static uint64_t read_page(uint64_t va)
{
    uint64_t v = 0;
    if (ntmm_read(process, va, &v, sizeof v) != STATUS_SUCCESS || v != va)
        bench_die("ntmm_read failed or read the wrong bytes");
    return v;
}

static uint64_t commit(uint64_t size)
{
    LPVOID p = VirtualAlloc(NULL, size, MEM_COMMIT, PAGE_READWRITE);
    if (!p)
        bench_die("VirtualAlloc failed");
    return (uint64_t)(uintptr_t)p;
}

/* ---- soft faults ---- */

static void setup_soft(void *ctx)
{
    (void)ctx;
    if (!EmptyWorkingSet(GetCurrentProcess()))
        bench_die("EmptyWorkingSet failed");
}

static uint64_t run_soft(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < PAGES; i++)
        sum += read_page(region + i * NTMM_PAGE_SIZE);
    return sum;
}

/* ---- hard faults ---- */

/* Every page of the region goes to the pagefile and loses its frame: out of
 * the working set, written by the modified page writer (idle), then the
 * standby frames reused by touching the big region, which is released. */
static void setup_hard(void *ctx)
{
    (void)ctx;
    if (!EmptyWorkingSet(GetCurrentProcess()))
        bench_die("EmptyWorkingSet failed");
    ntmm_machine_idle(machine);
    big = commit(BIG / 2);
    for (uint64_t off = 0; off < BIG / 2; off += NTMM_PAGE_SIZE)
        write_page(big + off);
    if (!VirtualFree((LPVOID)(uintptr_t)big, 0, MEM_RELEASE))
        bench_die("VirtualFree failed");
    struct ntmm_walk walk;
    if (ntmm_pte_walk(machine, process, region, &walk) != STATUS_SUCCESS ||
        walk.level[walk.levels - 1].pte.kind != NTMM_PTE_PAGEFILE)
        bench_die("the region's first page is not in the pagefile");
}

static uint64_t run_hard(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (uint64_t i = PAGES; i-- > 0;)
        sum += read_page(region + i * NTMM_PAGE_SIZE);
    return sum;
}

/* ---- the host's references ---- */

static uint8_t *host_region;

static void setup_host_region(void *ctx)
{
    (void)ctx;
    if (host_region && munmap(host_region, REGION))
        bench_die("munmap failed");
    host_region = mmap(NULL, REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (host_region == MAP_FAILED)
        bench_die("mmap failed");
    madvise(host_region, REGION, MADV_NOHUGEPAGE); /* best effort */
}

static uint64_t run_first_touch(void *ctx)
{
    (void)ctx;
    for (size_t off = 0; off < REGION; off += 4096) {
        volatile uint64_t *p = (volatile uint64_t *)(host_region + off);
        *p = off;
    }
    BENCH_ESCAPE(host_region);
    return (uint64_t)(uintptr_t)host_region;
}

static int host_file = -1;

static uint64_t run_pread(void *ctx)
{
    (void)ctx;
    static uint8_t page[4096];
    uint64_t sum = 0;
    for (uint64_t i = 0; i < PAGES; i++) {
        if (pread(host_file, page, sizeof page, (off_t)(i * sizeof page)) != (ssize_t)sizeof page)
            bench_die("pread failed");
        sum += page[i % sizeof page];
    }
    return sum;
}

static void open_host_file(void)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_paging.XXXXXX", dir);
    host_file = mkstemp(path);
    if (host_file < 0)
        bench_die("mkstemp failed");
    unlink(path);
    static uint8_t page[4096];
    for (uint64_t i = 0; i < PAGES; i++)
        if (write(host_file, page, sizeof page) != (ssize_t)sizeof page)
            bench_die("writing the host file failed");
}

/* ---- the pass over twice RAM ---- */

static uint8_t *host_big;

static uint64_t run_big_pass(void *ctx)
{
    (void)ctx;
    for (uint64_t off = 0; off < BIG; off += NTMM_PAGE_SIZE)
        write_page(big + off);
    return big;
}

static uint64_t run_host_pass(void *ctx)
{
    (void)ctx;
    for (size_t off = 0; off < BIG; off += 4096) {
        volatile uint64_t *p = (volatile uint64_t *)(host_big + off);
        *p = off;
    }
    BENCH_ESCAPE(host_big);
    return (uint64_t)(uintptr_t)host_big;
}

static void verify(void)
{
    char message[256];
    if (!NT_SUCCESS(ntmm_verify(machine, message, sizeof message)))
        bench_die(message);
}

int main(void)
{
    machine = boot(512ull << 20, 768ull << 20);
    region = commit(REGION);
    for (uint64_t i = 0; i < PAGES; i++)
        write_page(region + i * NTMM_PAGE_SIZE);
    struct bench_side soft = { run_soft, setup_soft, NULL, PAGES, 0 };
    struct bench_side touch = { run_first_touch, setup_host_region, NULL, PAGES, 0 };
    bench_pair(&soft, &touch, BENCH_REPS);
    verify();
    ntmm_process_terminate(process);
    ntmm_machine_destroy(machine);

    machine = boot(32ull << 20, 64ull << 20);
    region = commit(REGION);
    for (uint64_t i = 0; i < PAGES; i++)
        write_page(region + i * NTMM_PAGE_SIZE);
    open_host_file();
    struct bench_side hard = { run_hard, setup_hard, NULL, PAGES, 0 };
    struct bench_side pr = { run_pread, NULL, NULL, PAGES, 0 };
    struct bench_side touch2 = { run_first_touch, setup_host_region, NULL, PAGES, 0 };
    bench_pair(&hard, &pr, BENCH_REPS);
    bench_pair(&touch2, NULL, BENCH_REPS);
    verify();

    if (!VirtualFree((LPVOID)(uintptr_t)region, 0, MEM_RELEASE))
        bench_die("VirtualFree failed");
    big = commit(BIG);
    host_big = malloc(BIG);
    if (!host_big)
        bench_die("malloc failed");
    memset(host_big, 1, BIG);
    uint64_t accesses = BIG / NTMM_PAGE_SIZE;
    struct bench_side pass = { run_big_pass, NULL, NULL, accesses, 0 };
    struct bench_side host = { run_host_pass, NULL, NULL, accesses, 0 };
    bench_pair(&pass, &host, 3);
    verify();

    double reference = pr.best_ns + touch2.best_ns;
    printf("bench_paging: PAE; soft faults on 512 MB, hard faults and the pass on 32 MB + 64 MB pagefile\n");
    bench_table_row("soft_fault", soft.best_ns, "linux_first_touch", touch.best_ns, "ns");
    bench_table_row("hard_fault", hard.best_ns, "pread_plus_fault", reference, "ns");
    bench_table_row("twice_ram_pass", pass.best_ns, "host_pass", host.best_ns, "ns");
    bench_report("soft_fault", soft.best_ns, "ns", "linux_first_touch", soft.best_ns / touch.best_ns);
    bench_report("hard_fault", hard.best_ns, "ns", "pread_plus_fault", hard.best_ns / reference);
    bench_report("twice_ram_pass", 1e9 / pass.best_ns, "accesses/s", "host_pass",
                 host.best_ns / pass.best_ns);
    ntmm_process_terminate(process);
    ntmm_machine_destroy(machine);
    free(host_big);
    close(host_file);
    bench_finish("bench_paging");
    return 0;
}
