/*
 * walk.h — the page-table walk, as the MMU does it: one loop over the levels
 * from CR3 down, reading each entry from simulated physical memory.
 *
 * (1) Rights are the intersection over the levels (Write and Owner must be
 *     set at every level that has them; NoExecute anywhere forbids fetches),
 *     and kernel-mode writes honour Write (Windows runs with CR0.WP set).
 * (2) With update set, a successful walk sets Accessed in every entry it used
 *     and Dirty in the last one for a write, in the simulated bytes, as the
 *     processor does; a failed or read-only (update clear) walk changes nothing
 *     but the Accessed bits of the upper levels it passed.
 */
#ifndef NTMM_WALK_H
#define NTMM_WALK_H

#include "arch/arch.h"
#include "arch/phys.h"
#include "arch/tlb.h"

enum walk_status {
    WALK_OK,
    WALK_NOT_PRESENT,   /* an entry at fault_level has Valid clear */
    WALK_WRITE_DENIED,  /* a write where some level has Write clear */
    WALK_USER_DENIED,   /* a user-mode access where some level has Owner clear */
    WALK_NO_EXECUTE,    /* a fetch where some level has NoExecute set */
    WALK_BAD_PHYSICAL,  /* an entry points outside RAM */
    WALK_NON_CANONICAL, /* x64: the address is not canonical */
};

struct walk {
    enum walk_status status;
    unsigned depth;       /* entries read, top level first */
    unsigned fault_level; /* level of the entry that stopped the walk */
    uint64_t entry_pa[PTE_MAX_LEVELS]; /* physical address of each entry read */
    uint64_t entry[PTE_MAX_LEVELS];    /* its contents, after any Accessed/Dirty update */
    uint64_t pa;          /* WALK_OK: the translated physical address */
    uint64_t page_size;   /* WALK_OK: 4 KB, or the large page's size */
    bool global;          /* WALK_OK: the last entry has Global set */
};

void walk_translate(const struct pte_format *fmt, const struct phys *phys, uint64_t cr3,
                    uint64_t va, enum cpu_access access, enum cpu_mode mode, bool update,
                    struct walk *w);

const char *walk_status_name(enum walk_status status);

#endif
