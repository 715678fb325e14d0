/*
 * phys.h — physical memory: the frames of the simulated RAM, with real bytes.
 *
 * The whole RAM is one host reservation made with MAP_NORESERVE, so the host
 * commits memory only for frames that are touched: a large machine that uses
 * little costs little. A frame's bytes are reached from its PFN with one add.
 *
 * (1) frames * PAGE_SIZE == the configured RAM; every PFN below frames is RAM.
 * (2) A frame never touched since boot reads as zero (the host zero-fills).
 */
#ifndef NTMM_PHYS_H
#define NTMM_PHYS_H

#include <stddef.h>
#include <stdint.h>

#include "ntmm/nt.h"

struct phys {
    uint8_t *base;   /* host address of physical address 0 */
    uint64_t frames; /* number of 4 KB frames (MmNumberOfPhysicalPages) */
};

NTSTATUS phys_create(struct phys *phys, uint64_t bytes);
void phys_destroy(struct phys *phys);

static inline uint8_t *phys_frame(const struct phys *phys, uint64_t pfn)
{
    return phys->base + (pfn << 12);
}

static inline uint8_t *phys_address(const struct phys *phys, uint64_t pa)
{
    return phys->base + pa;
}

/* True if [pa, pa + size) lies in RAM. */
static inline int phys_contains(const struct phys *phys, uint64_t pa, uint64_t size)
{
    uint64_t end = phys->frames << 12;
    return pa <= end && size <= end - pa;
}

#endif
