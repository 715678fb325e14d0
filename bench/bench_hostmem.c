/*
 * bench_hostmem.c — host memory that an idle, freshly booted machine costs,
 * to show that simulated RAM is committed lazily: the RAM is one
 * MAP_NORESERVE reservation, and only frames that boot writes (the PFN
 * database, the page tables, the kernel image's pages) become resident.
 *
 * For PAE with 64 GB, x64 with 64 GB and x86 with 4 GB: the process's
 * resident set (/proc/self/statm, resident pages * the host page size) is
 * read just before ntmm_machine_create and just after it; the difference is
 * reported as idle_host_bytes_<arch>, and, on its own line, the part of it
 * that the PFN database alone accounts for (MmNumberOfPhysicalPages *
 * sizeof(_MMPFN)), as pfn_database_bytes_<arch>.
 *
 * Reference (simulated_ram): the machine's configured RAM in bytes, a
 * property of the same machine; ratio = host bytes / simulated RAM bytes, so
 * a ratio far below 1 means the RAM was not committed up front. The machine
 * is destroyed (munmap returns its memory) before the next one is made, so
 * that each difference is one machine's. A machine the host cannot create is
 * reported on stderr and its lines are skipped.
 */
#include <unistd.h>

#include "bench.h"
#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"

static uint64_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        bench_die("cannot open /proc/self/statm");
    unsigned long long size = 0, resident = 0;
    int n = fscanf(f, "%llu %llu", &size, &resident);
    fclose(f);
    if (n != 2)
        bench_die("cannot parse /proc/self/statm");
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void measure(enum ntmm_arch arch, uint64_t ram_bytes, const char *suffix)
{
    struct ntmm_config config;
    ntmm_config_init(&config);
    config.arch = arch;
    config.ram_bytes = ram_bytes;

    uint64_t before = resident_bytes();
    uint64_t t0 = bench_now_ns();
    struct ntmm_machine *machine;
    NTSTATUS st = ntmm_machine_create(&config, &machine);
    uint64_t t1 = bench_now_ns();
    uint64_t after = resident_bytes();
    if (st != STATUS_SUCCESS) {
        fprintf(stderr, "bench_hostmem: %s: ntmm_machine_create failed: %s (0x%08x); skipped\n",
                suffix, ntmm_status_name(st), (unsigned)st);
        return;
    }
    struct ntmm_machine_info info;
    ntmm_machine_info(machine, &info);
    uint64_t host = after > before ? after - before : 0;
    uint64_t pfn_db = info.number_of_physical_pages * info.pfn_entry_size;
    double ram = (double)info.ram_bytes;

    printf("  %-8s RAM %6llu MB  resident +%8.1f MB (%.3f%% of RAM)  PFN database %8.1f MB  "
           "other %6.1f MB  boot %.0f ms\n",
           suffix, (unsigned long long)(info.ram_bytes >> 20), (double)host / 1048576.0,
           100.0 * (double)host / ram, (double)pfn_db / 1048576.0,
           ((double)host - (double)pfn_db) / 1048576.0, (double)(t1 - t0) / 1e6);
    char name[64];
    snprintf(name, sizeof name, "idle_host_bytes_%s", suffix);
    bench_report(name, (double)host, "bytes", "simulated_ram", (double)host / ram);
    snprintf(name, sizeof name, "pfn_database_bytes_%s", suffix);
    bench_report(name, (double)pfn_db, "bytes", "simulated_ram", (double)pfn_db / ram);

    uint64_t t2 = bench_now_ns();
    ntmm_machine_destroy(machine);
    uint64_t t3 = bench_now_ns();
    uint64_t released = resident_bytes();
    fprintf(stderr, "bench_hostmem: %s: resident before %llu, after create %llu, after destroy "
                    "%llu bytes (destroy %.1f ms)\n",
            suffix, (unsigned long long)before, (unsigned long long)after,
            (unsigned long long)released, (double)(t3 - t2) / 1e6);
    bench_sink += host;
}

int main(void)
{
    printf("bench_hostmem: host page size %ld bytes\n", sysconf(_SC_PAGESIZE));
    measure(NTMM_ARCH_X86_PAE, 64ull << 30, "pae_64g");
    measure(NTMM_ARCH_X64, 64ull << 30, "x64_64g");
    measure(NTMM_ARCH_X86, 4ull << 30, "x86_4g");
    bench_finish("bench_hostmem");
    return 0;
}
