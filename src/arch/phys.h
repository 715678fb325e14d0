/*
 * phys.h — physical memory: the frames of the simulated RAM, with real bytes.
 *
 * The whole RAM is one host reservation made with MAP_NORESERVE, so the host
 * commits memory only for frames that are touched: a large machine that uses
 * little costs little. A frame's bytes are reached from its PFN with one add.
 *
 * When the memory manager hands a frame out it calls phys_commit, which has
 * the host back the frame's whole 2 MB chunk in one call: one host fault per
 * frame would cost more than the simulated fault it serves.
 *
 * (1) frames * PAGE_SIZE == the configured RAM; every PFN below frames is RAM.
 * (2) A frame never touched since boot reads as zero (the host zero-fills,
 *     and phys_commit fills with zeros too).
 */
#ifndef NTMM_PHYS_H
#define NTMM_PHYS_H

#include <stddef.h>
#include <stdint.h>

#include "ntmm/nt.h"

#define PHYS_CHUNK_FRAMES 512u /* frames the host commits at once: 2 MB */

struct phys {
    uint8_t *base;      /* host address of physical address 0 */
    uint64_t frames;    /* number of 4 KB frames (MmNumberOfPhysicalPages) */
    uint8_t *committed; /* bit per 2 MB chunk: the host has backed it (phys_commit) */
};

NTSTATUS phys_create(struct phys *phys, uint64_t bytes);
void phys_destroy(struct phys *phys);
/* Has the host back the 2 MB chunk of frame pfn, once. */
void phys_commit_chunk(struct phys *phys, uint64_t pfn);

static inline void phys_commit(struct phys *phys, uint64_t pfn)
{
    uint64_t chunk = pfn / PHYS_CHUNK_FRAMES;
    if (!(phys->committed[chunk / 8] & (1u << (chunk % 8))))
        phys_commit_chunk(phys, pfn);
}

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
