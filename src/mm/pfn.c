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
 *     entry go to the scratch page and the machine stops (bugcheck.c); once
 *     stopped, every write does (bugcheck.c (2)).
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

static const uint8_t *entry(const struct mm *mm, uint64_t pfn)
{
    if (!mi_check_pfn(mm, pfn))
        return (const uint8_t *)mm->bug_check->scratch;
    return mm->pfn_host + pfn * mm->pfn_layout->size;
}

static uint64_t field(const struct mm *mm, uint64_t pfn, unsigned offset, unsigned width)
{
    return mm_load(entry(mm, pfn) + offset, width);
}

static void set_field(struct mm *mm, uint64_t pfn, unsigned offset, unsigned width, uint64_t v)
{
    const uint8_t *e = entry(mm, pfn);
    mm_store(mm_stopped(mm) ? (uint8_t *)mm->bug_check->scratch : (uint8_t *)e + offset, width, v);
}

uint64_t pfn_flink(const struct mm *mm, uint64_t pfn)
{
    return field(mm, pfn, mm->pfn_layout->u1, mm->pfn_layout->word);
}

void pfn_set_flink(struct mm *mm, uint64_t pfn, uint64_t v)
{
    set_field(mm, pfn, mm->pfn_layout->u1, mm->pfn_layout->word, v);
}

uint64_t pfn_blink(const struct mm *mm, uint64_t pfn)
{
    return field(mm, pfn, mm->pfn_layout->u2, mm->pfn_layout->word);
}

void pfn_set_blink(struct mm *mm, uint64_t pfn, uint64_t v)
{
    set_field(mm, pfn, mm->pfn_layout->u2, mm->pfn_layout->word, v);
}

uint64_t pfn_pte_address(const struct mm *mm, uint64_t pfn)
{
    return field(mm, pfn, mm->pfn_layout->pte_address, mm->pfn_layout->word);
}

void pfn_set_pte_address(struct mm *mm, uint64_t pfn, uint64_t v)
{
    set_field(mm, pfn, mm->pfn_layout->pte_address, mm->pfn_layout->word, v);
}

unsigned pfn_reference_count(const struct mm *mm, uint64_t pfn)
{
    return (unsigned)field(mm, pfn, mm->pfn_layout->u3 + 2, 2);
}

void pfn_set_reference_count(struct mm *mm, uint64_t pfn, unsigned v)
{
    set_field(mm, pfn, mm->pfn_layout->u3 + 2, 2, v);
}

unsigned pfn_e1(const struct mm *mm, uint64_t pfn, unsigned pos, unsigned width)
{
    uint64_t flags = field(mm, pfn, mm->pfn_layout->u3, 2);
    return (unsigned)((flags >> pos) & ((1u << width) - 1));
}

void pfn_set_e1(struct mm *mm, uint64_t pfn, unsigned pos, unsigned width, unsigned v)
{
    uint64_t mask = ((1ull << width) - 1) << pos;
    uint64_t flags = field(mm, pfn, mm->pfn_layout->u3, 2);
    set_field(mm, pfn, mm->pfn_layout->u3, 2, (flags & ~mask) | (((uint64_t)v << pos) & mask));
}

uint64_t pfn_original_pte(const struct mm *mm, uint64_t pfn)
{
    return field(mm, pfn, mm->pfn_layout->original_pte, mm->pfn_layout->original_pte_size);
}

void pfn_set_original_pte(struct mm *mm, uint64_t pfn, uint64_t v)
{
    set_field(mm, pfn, mm->pfn_layout->original_pte, mm->pfn_layout->original_pte_size, v);
}

uint64_t pfn_pte_frame(const struct mm *mm, uint64_t pfn)
{
    uint64_t mask = (1ull << mm->pfn_layout->pte_frame_bits) - 1;
    return field(mm, pfn, mm->pfn_layout->u4, mm->pfn_layout->word) & mask;
}

uint64_t pfn_u4(const struct mm *mm, uint64_t pfn)
{
    return field(mm, pfn, mm->pfn_layout->u4, mm->pfn_layout->word);
}

void pfn_set_pte_frame(struct mm *mm, uint64_t pfn, uint64_t v)
{
    uint64_t mask = (1ull << mm->pfn_layout->pte_frame_bits) - 1;
    uint64_t u4 = field(mm, pfn, mm->pfn_layout->u4, mm->pfn_layout->word);
    set_field(mm, pfn, mm->pfn_layout->u4, mm->pfn_layout->word, (u4 & ~mask) | (v & mask));
}

/* Windows: MiInitializePfn */
void pfn_initialize_active(struct mm *mm, uint64_t pfn, uint64_t pte_address,
                           uint64_t pte_frame, uint64_t original_pte)
{
    pfn_set_flink(mm, pfn, 0);
    pfn_set_share_count(mm, pfn, 1);
    pfn_set_reference_count(mm, pfn, 1);
    pfn_set_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3, ActiveAndValid);
    pfn_set_e1(mm, pfn, PFN_E1_PROTOTYPE_PTE, 1, 0); /* a section's page says so itself */
    pfn_set_pte_address(mm, pfn, pte_address);
    pfn_set_original_pte(mm, pfn, original_pte);
    pfn_set_pte_frame(mm, pfn, pte_frame);
    if (pte_frame != pfn)
        pfn_set_share_count(mm, pte_frame, pfn_share_count(mm, pte_frame) + 1);
}
