/*
 * ntmm.h — the simulated machine: configuration, life cycle, physical and
 * system-space memory access, and the machine's explicit moments (idle time,
 * when the system worker routines such as the zero page thread run).
 *
 * (1) A machine is deterministic: the same configuration and seed and the same
 *     sequence of calls give byte-identical results.
 * (2) No call aborts on bad input; every failure is an NTSTATUS with Windows'
 *     value (see nt.h).
 */
#ifndef NTMM_NTMM_H
#define NTMM_NTMM_H

#include <stddef.h>
#include <stdint.h>

#include "nt.h"

#define NTMM_VERSION "0.1.0"

#define NTMM_PAGE_SIZE 0x1000u
#define NTMM_ALLOCATION_GRANULARITY 0x10000u

enum ntmm_arch {
    NTMM_ARCH_X86 = 1,     /* 32-bit, 10-10-12 paging, 4-byte PTEs */
    NTMM_ARCH_X86_PAE = 2, /* 32-bit, 2-9-9-12 paging, 8-byte PTEs with NX */
    NTMM_ARCH_X64 = 3,     /* 64-bit, 9-9-9-9-12 paging, 8-byte PTEs with NX */
};

struct ntmm_config {
    enum ntmm_arch arch; /* paging mode of the processor */
    uint64_t ram_bytes;  /* physical memory, bytes; a multiple of 4 KB */
    uint64_t seed;       /* seed of the machine's generator */
};

struct ntmm_machine;

/* Defaults: x86 PAE, 512 MB of RAM, seed 1. */
void ntmm_config_init(struct ntmm_config *config);

/* Checks a configuration without building anything. On failure returns the
 * status ntmm_machine_create would return and writes a one-line reason into
 * message (when message is not NULL). */
NTSTATUS ntmm_config_validate(const struct ntmm_config *config, char *message,
                              size_t message_size);

/* Boots a machine: physical memory, the PFN database and page lists, the
 * system page tables with their self-map, the kernel image and its symbols. */
NTSTATUS ntmm_machine_create(const struct ntmm_config *config,
                             struct ntmm_machine **machine);
void ntmm_machine_destroy(struct ntmm_machine *machine);

/* The configuration the machine was built from. */
const struct ntmm_config *ntmm_machine_config(const struct ntmm_machine *machine);

/* Idle time: runs the system worker routines that Windows runs from its idle
 * and low-priority threads (the zero page thread, for now) until they have
 * nothing left to do. Returns the number of pages they processed. */
uint64_t ntmm_machine_idle(struct ntmm_machine *machine);

/* Physical memory, byte-addressed (the debugger's !db / !dd view). */
NTSTATUS ntmm_read_physical(struct ntmm_machine *machine, uint64_t address,
                            void *buffer, size_t size);
NTSTATUS ntmm_write_physical(struct ntmm_machine *machine, uint64_t address,
                             const void *buffer, size_t size);

/* System address space, as kernel-mode code sees it through the MMU (the
 * debugger's db / dd view of kernel addresses). Faults give
 * STATUS_ACCESS_VIOLATION. */
NTSTATUS ntmm_read_virtual(struct ntmm_machine *machine, uint64_t address,
                           void *buffer, size_t size);
NTSTATUS ntmm_write_virtual(struct ntmm_machine *machine, uint64_t address,
                            const void *buffer, size_t size);

/* A short English description of a status ntmm returns. */
const char *ntmm_status_name(NTSTATUS status);

#endif
