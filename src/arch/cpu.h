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
 * (4) The paging-structure cache (cpu_table_cache) remembers, for a few
 *     self-map pages of any space, the frame of the table they show, as the
 *     TLB entry of that self-map page would. Only a change of an upper-level
 *     entry changes those frames, and every such change that can be cached
 *     invalidates a space or everything (cpu_invalidate_space, _all), which
 *     empties the cache; a page invalidation leaves it. PAE's top-level
 *     entries are outside the self-map (a kernel page holds every space's
 *     PDPT): an entry is used only while the top-level entry it went
 *     through still holds the value it had.
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

/* (4) One entry: the self-map page `page` of the space whose CR3 is cr3
 * shows the table whose bytes are at host (NULL: empty), found through the
 * top-level entry at top, which held top_value. */
#define CPU_TABLE_CACHE_SIZE 16
struct cpu_table_cache {
    uint64_t cr3, page, top_value;
    const uint8_t *top;
    uint8_t *host;
};

struct cpu {
    const struct pte_format *fmt; /* paging mode */
    struct phys phys;             /* the RAM */
    uint64_t cr3;                 /* physical address of the top-level table (PDPT on PAE) */
    struct tlb tlb;
    cpu_tlb_follower follower;    /* (3), or NULL */
    void *follower_context;
    struct cpu_table_cache tables[CPU_TABLE_CACHE_SIZE]; /* (4) */
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

/* (4) The bytes of the table that self-map address pte_va shows in the
 * space whose CR3 is cr3, if cached; remembering them. */
static inline struct cpu_table_cache *cpu_table_slot(struct cpu *cpu, uint64_t cr3, uint64_t pte_va)
{
    uint64_t page = pte_va >> PAGE_SHIFT;
    return &cpu->tables[(page ^ (cr3 >> PAGE_SHIFT)) % CPU_TABLE_CACHE_SIZE];
}

static inline uint8_t *cpu_cached_table(struct cpu *cpu, uint64_t cr3, uint64_t pte_va)
{
    const struct cpu_table_cache *c = cpu_table_slot(cpu, cr3, pte_va);
    if (!c->host || c->cr3 != cr3 || c->page != pte_va >> PAGE_SHIFT)
        return NULL;
    uint64_t top;
    if (cpu->fmt->pte_size == 8) {
        memcpy(&top, c->top, 8);
    } else {
        uint32_t top32;
        memcpy(&top32, c->top, 4);
        top = top32;
    }
    return top == c->top_value ? c->host : NULL;
}

static inline void cpu_cache_table(struct cpu *cpu, uint64_t cr3, uint64_t pte_va,
                                   const uint8_t *top, uint64_t top_value, uint8_t *host)
{
    *cpu_table_slot(cpu, cr3, pte_va) =
        (struct cpu_table_cache){ cr3, pte_va >> PAGE_SHIFT, top_value, top, host };
}

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
