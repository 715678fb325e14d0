/*
 * bench_section.c — views of sections, each figure against a reference
 * measured in the same run, on a default machine (x86 PAE, 512 MB).
 *
 * map_unmap_view_64k: ns per pair MapViewOfFile(FILE_MAP_WRITE) of a 64 KB
 *   section of a file on the C: drive + UnmapViewOfFile, no page touched.
 *   Reference mmap_munmap_file_64k: the host's mmap of 64 KB of a host file,
 *   MAP_SHARED, + munmap, untouched. Both find address space, make the
 *   mapping point at the file's pages and take it down again; ntmm also
 *   writes a prototype PTE pointer into each of the view's 16 PTEs (making
 *   the page table when it is missing) and zeroes them at unmap.
 *
 * shared_page_fault: ns per page for the first read of each page of a fresh
 *   4 MB view of a pagefile-backed section whose pages are already resident
 *   (another view holds them): the fault finds the prototype PTE valid and
 *   maps its frame, ShareCount + 1. Reference private_demand_zero_fault: the
 *   first 8-byte write to each page of a fresh 4 MB private commit, its
 *   zeroed frames already backed by the host (so both sides measure the
 *   memory manager, not the host's first touch).
 */
#include "bench.h"
#include "bench_machine.h"
#include "ntmm/win32.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define KB64 0x10000u
#define REGION_4MB (4u << 20)
#define PAIRS 2000

static struct ntmm_machine *machine;
static struct ntmm_process *process;
static HANDLE file_section, pagefile_section;
static int host_fd;

static uint64_t run_map_unmap(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (int i = 0; i < PAIRS; i++) {
        LPVOID p = MapViewOfFile(file_section, FILE_MAP_WRITE, 0, 0, KB64);
        if (!p)
            bench_die("MapViewOfFile failed");
        sum += (uint64_t)(uintptr_t)p;
        if (!UnmapViewOfFile(p))
            bench_die("UnmapViewOfFile failed");
    }
    return sum;
}

static uint64_t run_host_map_unmap(void *ctx)
{
    (void)ctx;
    uint64_t sum = 0;
    for (int i = 0; i < PAIRS; i++) {
        void *p = mmap(NULL, KB64, PROT_READ | PROT_WRITE, MAP_SHARED, host_fd, 0);
        if (p == MAP_FAILED)
            bench_die("mmap of the file failed");
        sum += (uint64_t)(uintptr_t)p;
        if (munmap(p, KB64))
            bench_die("munmap failed");
    }
    return sum;
}

static LPVOID shared_view, private_region;

static void setup_shared_view(void *ctx)
{
    (void)ctx;
    if (shared_view && !UnmapViewOfFile(shared_view))
        bench_die("UnmapViewOfFile failed");
    shared_view = MapViewOfFile(pagefile_section, FILE_MAP_READ, 0, 0, 0);
    if (!shared_view)
        bench_die("MapViewOfFile of the 4 MB section failed");
}

static uint64_t run_shared_fault(void *ctx)
{
    (void)ctx;
    uint64_t base = (uint64_t)(uintptr_t)shared_view, sum = 0, v;
    for (uint64_t off = 0; off < REGION_4MB; off += NTMM_PAGE_SIZE) {
        if (ntmm_read(process, base + off, &v, sizeof v) != STATUS_SUCCESS)
            bench_die("ntmm_read failed");
        sum += v;
    }
    return sum;
}

static void setup_private_region(void *ctx)
{
    (void)ctx;
    if (private_region && !VirtualFree(private_region, 0, MEM_RELEASE))
        bench_die("VirtualFree failed");
    private_region = VirtualAlloc(NULL, REGION_4MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (!private_region)
        bench_die("VirtualAlloc failed");
}

static uint64_t run_private_fault(void *ctx)
{
    (void)ctx;
    uint64_t base = (uint64_t)(uintptr_t)private_region, v = 0x0123456789abcdefull;
    for (uint64_t off = 0; off < REGION_4MB; off += NTMM_PAGE_SIZE)
        if (ntmm_write(process, base + off, &v, sizeof v) != STATUS_SUCCESS)
            bench_die("ntmm_write failed");
    return base;
}

static void open_files(void)
{
    HANDLE f = CreateFileA("C:\\bench.bin", GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           0, NULL);
    if (f == INVALID_HANDLE_VALUE)
        bench_die("CreateFile failed");
    file_section = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, KB64, NULL);
    CloseHandle(f);
    pagefile_section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                          REGION_4MB, NULL);
    if (!file_section || !pagefile_section)
        bench_die("CreateFileMapping failed");
    char path[] = "/tmp/ntmm-bench-XXXXXX";
    host_fd = mkstemp(path);
    if (host_fd < 0 || ftruncate(host_fd, KB64))
        bench_die("host file failed");
    unlink(path);
}

int main(void)
{
    struct ntmm_config config;
    ntmm_config_init(&config); /* x86 PAE, 512 MB */
    if (ntmm_machine_create(&config, &machine) != STATUS_SUCCESS ||
        ntmm_process_create(machine, NULL, &process) != STATUS_SUCCESS)
        bench_die("machine or process creation failed");
    ntmm_set_current_process(process);
    open_files();

    struct bench_side view = { run_map_unmap, NULL, NULL, PAIRS, 0 };
    struct bench_side host = { run_host_map_unmap, NULL, NULL, PAIRS, 0 };
    bench_pair(&view, &host, BENCH_REPS);
    bench_report("map_unmap_view_64k", view.best_ns, "ns", "mmap_munmap_file_64k",
                 view.best_ns / host.best_ns);

    /* the pages stay resident in a holder view; the private side's frames
     * are backed by the host before it runs */
    LPVOID holder = MapViewOfFile(pagefile_section, FILE_MAP_WRITE, 0, 0, 0);
    uint64_t pages = REGION_4MB / NTMM_PAGE_SIZE, v = 1;
    for (uint64_t i = 0; holder && i < pages; i++)
        if (ntmm_write(process, (uint64_t)(uintptr_t)holder + i * NTMM_PAGE_SIZE, &v, 1))
            bench_die("touching the holder view failed");
    bench_warm_zeroed_list(machine, (BENCH_REPS + 2) * pages);
    struct bench_side shared = { run_shared_fault, setup_shared_view, NULL, pages, 0 };
    struct bench_side priv = { run_private_fault, setup_private_region, NULL, pages, 0 };
    bench_pair(&shared, &priv, BENCH_REPS);
    bench_report("shared_page_fault", shared.best_ns, "ns", "private_demand_zero_fault",
                 shared.best_ns / priv.best_ns);

    close(host_fd);
    ntmm_machine_destroy(machine);
    bench_finish("bench_section");
    return 0;
}
