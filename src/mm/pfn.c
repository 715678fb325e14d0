/*
 * pfn.c — the PFN database (Windows: MmPfnDatabase, an array of _MMPFN), read
 * and written in place in simulated memory through one layout per
 * architecture.
 *
 * Layouts (offsets in bytes), the XP / Server 2003 family that seed 004 shows:
 *            u1   PteAddress  u2   u3   OriginalPte  u4    size
 *   x86      0    4           8    0xc  0x10 (4)     0x14  0x18
 *   PAE      0    4           8    0xc  0x10 (8)     0x18  0x1c
 *   x64      0    8           0x10 0x18 0x20 (8)     0x28  0x30
 * u1 is Flink on a list and WsIndex when Active; u2 is Blink on a list and
 * ShareCount when Active; u3 holds the 16 _MMPFNENTRY flag bits (e1) with
 * ReferenceCount in its upper 16 bits (e2.ReferenceCount, at u3 + 2); u4
 * holds PteFrame in its low bits. On x64 the four bytes after u3 are unused.
 *
 * (1) Every field is read from and written to the simulated bytes; nothing
 *     here caches a field.
 * (2) An Active frame has ReferenceCount >= 1 and ShareCount >= 1, and its
 *     PteFrame page's ShareCount counts it (pfn_initialize_active).
 * (3) A PFN beyond RAM reaches no host address: reads and writes of its
 *     entry (the accessors, inline in mm.h) go to the scratch page and the
 *     machine stops (bugcheck.c); once stopped, every write does
 *     (bugcheck.c (2)).
 */
#include <string.h>

#include "mm/mm.h"

static const struct pfn_layout layout_x86 = {
    .size = 0x18, .word = 4, .u1 = 0, .pte_address = 4, .u2 = 8, .u3 = 0xc,
    .original_pte = 0x10, .original_pte_size = 4, .u4 = 0x14, .pte_frame_bits = 25,
    .list_size = 0x10, .list_name = 4, .list_flink = 8, .list_blink = 0xc,
    .empty = 0xffffffffull,
};

static const struct pfn_layout layout_pae = {
    .size = 0x1c, .word = 4, .u1 = 0, .pte_address = 4, .u2 = 8, .u3 = 0xc,
    .original_pte = 0x10, .original_pte_size = 8, .u4 = 0x18, .pte_frame_bits = 25,
    .list_size = 0x10, .list_name = 4, .list_flink = 8, .list_blink = 0xc,
    .empty = 0xffffffffull,
};

static const struct pfn_layout layout_x64 = {
    .size = 0x30, .word = 8, .u1 = 0, .pte_address = 8, .u2 = 0x10, .u3 = 0x18,
    .original_pte = 0x20, .original_pte_size = 8, .u4 = 0x28, .pte_frame_bits = 52,
    .list_size = 0x20, .list_name = 8, .list_flink = 0x10, .list_blink = 0x18,
    .empty = ~0ull,
};

const struct pfn_layout *pfn_layout_for(enum ntmm_arch arch)
{
    switch (arch) {
    case NTMM_ARCH_X86:
        return &layout_x86;
    case NTMM_ARCH_X86_PAE:
        return &layout_pae;
    case NTMM_ARCH_X64:
        return &layout_x64;
    }
    return NULL;
}
