/*
 * bench_machine.h — what the benchmarks of a simulated machine share.
 */
#ifndef NTMM_BENCH_MACHINE_H
#define NTMM_BENCH_MACHINE_H

#include "bench.h"
#include "ntmm/introspect.h"
#include "ntmm/ntmm.h"

/* Makes the host back the first `frames` frames of the zeroed list (writes
 * zeros over their zeros, so the list stays valid): the simulated RAM is a
 * lazily committed host mapping, and a fresh machine's zeroed frames have
 * never been touched on the host. */
static inline void bench_warm_zeroed_list(struct ntmm_machine *machine, uint64_t frames)
{
    static const uint8_t zero[4096];
    struct ntmm_list_info list;
    if (ntmm_list_query(machine, NTMM_ZEROED, &list) != STATUS_SUCCESS)
        bench_die("ntmm_list_query failed");
    uint64_t pfn = list.flink;
    for (uint64_t i = 0; i < frames && pfn != list.empty; i++) {
        struct ntmm_pfn_info info;
        if (ntmm_write_physical(machine, pfn * NTMM_PAGE_SIZE, zero, sizeof zero) !=
                STATUS_SUCCESS ||
            ntmm_pfn_query(machine, pfn, &info) != STATUS_SUCCESS)
            bench_die("warming the zeroed list failed");
        pfn = info.u1; /* Flink */
    }
}

#endif
