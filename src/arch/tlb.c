/*
 * tlb.c — filling and invalidating the software TLB (see tlb.h).
 * Models the x86 TLB's contract: INVLPG drops one page in every mode, a CR3
 * load drops all but global translations, a full flush drops everything.
 */
#include "arch/tlb.h"

#include <string.h>

void tlb_init(struct tlb *tlb)
{
    memset(tlb, 0, sizeof *tlb);
    tlb_flush(tlb, false);
    tlb->flushes = 0;
}

void tlb_fill(struct tlb *tlb, enum cpu_mode mode, enum cpu_access access, uint64_t va,
              uint8_t *frame_host, bool global)
{
    uint64_t vpn = va >> 12;
    unsigned slot = (unsigned)(vpn % TLB_ENTRIES);
    tlb->entry[mode][access][slot] =
        (struct tlb_entry){ .tag = vpn, .bias = (uintptr_t)frame_host - (uintptr_t)(vpn << 12) };
    tlb->global[mode][access][slot] = global;
}

void tlb_invalidate(struct tlb *tlb, uint64_t va)
{
    uint64_t vpn = va >> 12;
    unsigned slot = (unsigned)(vpn % TLB_ENTRIES);
    tlb->invalidations++;
    for (int mode = 0; mode < 2; mode++)
        for (int access = 0; access < 3; access++)
            if (tlb->entry[mode][access][slot].tag == vpn)
                tlb->entry[mode][access][slot].tag = TLB_EMPTY;
}

void tlb_flush(struct tlb *tlb, bool keep_global)
{
    tlb->flushes++;
    for (int mode = 0; mode < 2; mode++)
        for (int access = 0; access < 3; access++)
            for (unsigned slot = 0; slot < TLB_ENTRIES; slot++)
                if (!(keep_global && tlb->global[mode][access][slot]))
                    tlb->entry[mode][access][slot].tag = TLB_EMPTY;
}
