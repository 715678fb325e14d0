/*
 * phys.c — the host reservation behind the simulated RAM (see phys.h).
 * A host that cannot reserve the range gives STATUS_NO_MEMORY, as Windows
 * reports a failed allocation; nothing is left half-made.
 */
#include "arch/phys.h"

#include <sys/mman.h>

NTSTATUS phys_create(struct phys *phys, uint64_t bytes)
{
    void *p = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED)
        return STATUS_NO_MEMORY;
    phys->base = p;
    phys->frames = bytes >> 12;
    return STATUS_SUCCESS;
}

void phys_destroy(struct phys *phys)
{
    if (phys->base)
        munmap(phys->base, (size_t)(phys->frames << 12));
    phys->base = NULL;
    phys->frames = 0;
}
