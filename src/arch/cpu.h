/*
 * cpu.h — the processor: paging format, CR3, TLB, and memory access through
 * them. Every virtual access of the machine, kernel or user, comes here.
 *
 * The fast path (cpu_read64 and friends) is a TLB lookup and a host load; a
 * miss walks the page tables (walk.c) and fills the TLB with what the walk
 * proved allowed.
 *
 * (1) The TLB is never stale: writes through the PTE self-map are never
 *     cached and each one invalidates what the written entry maps; writes to
 *     physical memory, which may hold page tables, flush the TLB.
 * (2) A fault leaves memory, TLB contents and counters other than the miss
 *     count as they were, and says why in struct cpu_fault.
 * (3) Whoever changes a paging-structure entry without the MMU (the memory
 *     manager writes PTEs in their table's frame) invalidates explicitly:
 *     cpu_invalidate_page, cpu_invalidate_space or cpu_invalidate_all. Each
 *     is announced to the registered follower (another translation cache,
 *     an emulator's) for every address space, loaded or not; ntmm's own TLB
 *     holds only the loaded space's translations and acts only for it.
 */
#ifndef NTMM_CPU_H
#define NTMM_CPU_H

#include <stddef.h>
#include <string.h>

#include "arch/arch.h"
#include "arch/phys.h"
#include "arch/tlb.h"
#include "arch/walk.h"

/* What a follower of the TLB is told (3). */
enum cpu_tlb_event {
    CPU_TLB_PAGE,  /* one page of an address space (cr3, va) */
    CPU_TLB_SPACE, /* every non-global translation of an address space (cr3) */
    CPU_TLB_ALL,   /* every translation of every space, global ones too */
};
typedef void (*cpu_tlb_follower)(void *context, enum cpu_tlb_event event, uint64_t cr3,
                                 uint64_t va);

struct cpu {
    const struct pte_format *fmt; /* paging mode */
    struct phys phys;             /* the RAM */
    uint64_t cr3;                 /* physical address of the top-level table (PDPT on PAE) */
    struct tlb tlb;
    cpu_tlb_follower follower;    /* (3), or NULL */
    void *follower_context;
};

/* Why an access failed. */
struct cpu_fault {
    uint64_t va;             /* the first byte that could not be accessed */
    enum cpu_access access;  /* read, write or execute */
    enum cpu_mode mode;      /* kernel or user */
    struct walk walk;        /* the walk that failed: level and reason */
};

/* Loads CR3: drops every non-global translation. */
void cpu_load_cr3(struct cpu *cpu, uint64_t cr3);

/* (3) INVLPG in the space whose CR3 is cr3 (CPU_EVERY_SPACE: a global
 * page, in every space); a whole space's non-global translations;
 * everything. */
#define CPU_EVERY_SPACE UINT64_MAX
void cpu_invalidate_page(struct cpu *cpu, uint64_t cr3, uint64_t va);
void cpu_invalidate_space(struct cpu *cpu, uint64_t cr3);
void cpu_invalidate_all(struct cpu *cpu);

/* Translates one page for an access and returns the host address of the
 * byte at va, or NULL with *fault filled in. */
uint8_t *cpu_translate(struct cpu *cpu, uint64_t va, enum cpu_access access,
                       enum cpu_mode mode, struct cpu_fault *fault);

/* Byte-range accesses; they may cross pages. On a fault the bytes before the
 * faulting page have been transferred (as a rep movs would). */
bool cpu_read(struct cpu *cpu, uint64_t va, void *buffer, size_t size, enum cpu_mode mode,
              struct cpu_fault *fault);
bool cpu_write(struct cpu *cpu, uint64_t va, const void *buffer, size_t size,
               enum cpu_mode mode, struct cpu_fault *fault);
/* An instruction fetch of one byte at va. */
bool cpu_fetch(struct cpu *cpu, uint64_t va, enum cpu_mode mode, struct cpu_fault *fault);

/* Physical accesses; they bypass paging and, for writes, flush the TLB. */
bool cpu_read_physical(struct cpu *cpu, uint64_t pa, void *buffer, size_t size);
bool cpu_write_physical(struct cpu *cpu, uint64_t pa, const void *buffer, size_t size);

/* The fast path: an 8-byte read within one page that hits the TLB. */
static inline bool cpu_read64(struct cpu *cpu, uint64_t va, enum cpu_mode mode, uint64_t *value,
                              struct cpu_fault *fault)
{
    uint8_t *host = tlb_lookup_span(&cpu->tlb, mode, ACCESS_READ, va, 8);
    if (host) {
        memcpy(value, host, 8);
        return true;
    }
    return cpu_read(cpu, va, value, 8, mode, fault);
}

static inline bool cpu_write64(struct cpu *cpu, uint64_t va, enum cpu_mode mode, uint64_t value,
                               struct cpu_fault *fault)
{
    uint8_t *host = tlb_lookup_span(&cpu->tlb, mode, ACCESS_WRITE, va, 8);
    if (host) {
        memcpy(host, &value, 8);
        return true;
    }
    return cpu_write(cpu, va, &value, 8, mode, fault);
}

#endif
