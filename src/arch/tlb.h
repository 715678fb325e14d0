/*
 * tlb.h — the software TLB: recently used translations, so that an access
 * that hits costs a compare and an add.
 *
 * One direct-mapped array per (processor mode, access kind): a translation
 * is entered for exactly the access that the walk proved allowed, so a hit
 * needs no permission check. A write entry exists only once the walk has set
 * Dirty in the PTE; a later first write through a read-only entry misses and
 * walks again, as hardware re-walks to set Dirty.
 *
 * (1) An entry's bias plus a virtual address in its page is the host address
 *     of that byte in the frame the page tables map there now: whoever
 *     changes a paging-structure entry invalidates (tlb_invalidate) or
 *     flushes (tlb_flush) first.
 * (2) tag == TLB_EMPTY marks an empty slot; no VPN equals it.
 * (3) A slot holds only a VPN congruent to its index, so looking up the slot
 *     of va's page with the VPN of the access's last byte hits only when the
 *     access stays inside one page: one compare does both checks.
 */
#ifndef NTMM_TLB_H
#define NTMM_TLB_H

#include <stdbool.h>
#include <stdint.h>

#define TLB_ENTRIES 256u
#define TLB_EMPTY UINT64_MAX

enum cpu_mode { MODE_KERNEL = 0, MODE_USER = 1 };
enum cpu_access { ACCESS_READ = 0, ACCESS_WRITE = 1, ACCESS_EXECUTE = 2 };

struct tlb_entry {
    uint64_t tag;   /* VPN (virtual address >> 12) or TLB_EMPTY */
    uintptr_t bias; /* host address of the frame minus the page's virtual address */
};

struct tlb {
    struct tlb_entry entry[2][3][TLB_ENTRIES]; /* [mode][access][VPN % TLB_ENTRIES] */
    bool global[2][3][TLB_ENTRIES];            /* entry came from a Global PTE: kept across CR3 loads */
    uint64_t hits;          /* lookups answered from an entry */
    uint64_t misses;        /* lookups that had to walk */
    uint64_t flushes;       /* whole-TLB flushes (CR3 loads included) */
    uint64_t invalidations; /* single-page invalidations (INVLPG) */
};

/* The host address of [va, va + size) if one entry translates all of it for
 * this access, else NULL (size >= 1). */
static inline uint8_t *tlb_lookup_span(struct tlb *tlb, enum cpu_mode mode,
                                       enum cpu_access access, uint64_t va, uint64_t size)
{
    const struct tlb_entry *e = &tlb->entry[mode][access][(va >> 12) % TLB_ENTRIES];
    if (e->tag != (va + size - 1) >> 12)
        return 0;
    tlb->hits++;
    return (uint8_t *)(e->bias + (uintptr_t)va);
}

static inline uint8_t *tlb_lookup(struct tlb *tlb, enum cpu_mode mode, enum cpu_access access,
                                  uint64_t va)
{
    return tlb_lookup_span(tlb, mode, access, va, 1);
}

void tlb_init(struct tlb *tlb);
void tlb_fill(struct tlb *tlb, enum cpu_mode mode, enum cpu_access access, uint64_t va,
              uint8_t *frame_host, bool global);
/* INVLPG: forgets every translation of the page holding va. */
void tlb_invalidate(struct tlb *tlb, uint64_t va);
/* Forgets every translation; with keep_global, those from Global PTEs stay
 * (a CR3 load); without, none does. */
void tlb_flush(struct tlb *tlb, bool keep_global);

#endif
