/*
 * phys.c — the host reservation behind the simulated RAM (see phys.h).
 * A host that cannot reserve the range gives STATUS_NO_MEMORY, as Windows
 * reports a failed allocation; nothing is left half-made.
 */
#include "arch/phys.h"

#include <stdlib.h>
#include <sys/mman.h>

NTSTATUS phys_create(struct phys *phys, uint64_t bytes)
{
    void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return STATUS_NO_MEMORY;
    uint64_t chunks = (bytes >> 12) / PHYS_CHUNK_FRAMES + 1;
    phys->committed = calloc((size_t)(chunks + 7) / 8, 1);
    if (!phys->committed) {
        munmap(p, (size_t)bytes);
        return STATUS_NO_MEMORY;
    }
    phys->base = p;
    phys->frames = bytes >> 12;
    return STATUS_SUCCESS;
}

/* MADV_POPULATE_WRITE backs the range as writes would, in one call; a host
 * without it just takes the faults later. */
void phys_commit_chunk(struct phys *phys, uint64_t pfn)
{
    uint64_t chunk = pfn / PHYS_CHUNK_FRAMES;
    uint64_t first = chunk * PHYS_CHUNK_FRAMES;
    uint64_t count = phys->frames - first < PHYS_CHUNK_FRAMES ? phys->frames - first
                                                                : PHYS_CHUNK_FRAMES;
    madvise(phys->base + (first << 12), (size_t)(count << 12), MADV_POPULATE_WRITE);
    phys->committed[chunk / 8] |= (uint8_t)(1u << (chunk % 8));
}

void phys_destroy(struct phys *phys)
{
    if (phys->base)
        munmap(phys->base, (size_t)(phys->frames << 12));
    free(phys->committed);
    phys->committed = NULL;
    phys->base = NULL;
    phys->frames = 0;
}
