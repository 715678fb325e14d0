/*
 * pte_x86.c — the x86 non-PAE PTE format (10-10-12 paging, 4-byte PTEs) as
 * Windows XP and Server 2003 lay it out: _MMPTE_HARDWARE, _MMPTE_SOFTWARE,
 * _MMPTE_TRANSITION (shared with the other formats, see pte_bits.h) and the
 * two structures that only fit in 32 bits by compression, _MMPTE_PROTOTYPE
 * and _MMPTE_SUBSECTION, which hold pool offsets instead of addresses.
 *
 * Layouts (bit positions):
 *   _MMPTE_HARDWARE   Valid 0, Write 1, Owner 2, WriteThrough 3,
 *                     CacheDisable 4, Accessed 5, Dirty 6, LargePage 7,
 *                     Global 8, CopyOnWrite 9, Prototype 10, Write (MP) 11,
 *                     PageFrameNumber 12-31
 *   _MMPTE_SOFTWARE   Valid 0, PageFileLow 1-4, Protection 5-9, Prototype 10,
 *                     Transition 11, PageFileHigh 12-31
 *   _MMPTE_TRANSITION Valid 0, Write 1, Owner 2, WriteThrough 3,
 *                     CacheDisable 4, Protection 5-9, Prototype 10,
 *                     Transition 11, PageFrameNumber 12-31
 *   _MMPTE_PROTOTYPE  Valid 0, ProtoAddressLow 1-7, ReadOnly 8, WhichPool 9,
 *                     Prototype 10, ProtoAddressHigh 11-31
 *   _MMPTE_SUBSECTION Valid 0, SubsectionAddressLow 1-4, Protection 5-9,
 *                     Prototype 10, SubsectionAddressHigh 11-30, WhichPool 31
 *
 * (1) A prototype PTE address is proto_base + offset, offset a multiple of
 *     4 below 1 GB: Low holds offset bits 2-8, High bits 9-29. Prototype PTEs
 *     live in paged pool, so proto_base is XP's paged pool start and encode
 *     refuses addresses below it or not 4-aligned.
 * (2) A subsection address is a multiple of 8 within 128 MB of either end of
 *     nonpaged pool: WhichPool 1 measures up from subsection_base
 *     (MmSubsectionBase, the start of nonpaged pool), WhichPool 0 down from
 *     X86_NONPAGED_POOL_END. Low holds offset bits 3-6, High bits 7-26.
 * (3) A prototype PTE whose PageFileHigh bits (12-31) are all ones is
 *     Windows' MI_PTE_LOOKUP_NEEDED: the prototype PTE must be found through
 *     the VAD. It is laid out as a software PTE (pte_bits.h), with the
 *     page's Protection in bits 5-9, and decodes as proto_address 0xFFFFFFFF
 *     (the all-ones value of a 32-bit address, never 4-aligned, so it
 *     cannot clash with a real one).
 * (4) Any other x86 prototype PTE has no Protection field (its bits 5-9 are
 *     address bits): decode leaves protection 0 and encode refuses any
 *     other. Its WhichPool bit is always written 0 and ignored on decode.
 * (5) Round trips of raw values hold for the values encode produces; a raw
 *     value with prototype WhichPool set, or whose prototype offset carries
 *     the address past 4 GB, decodes to fields that encode refuses or writes
 *     differently. Decode looks at the low 32 bits only: a PTE is 4 bytes.
 */
#include "arch/pte_bits.h"

/* Windows XP's MmPagedPoolStart on x86 without /3GB (ReactOS:
 * MI_PAGED_POOL_START). */
#define X86_PROTO_BASE 0xE1000000ull
/* Start of nonpaged pool; XP computes it at boot. Until ntmm's pool layout
 * fixes it, the bottom of system space, so the first 128 MB of system space
 * encode upward from it. */
#define X86_SUBSECTION_BASE 0x80000000ull
/* MmNonPagedPoolEnd, fixed on x86 (ReactOS: MI_NONPAGED_POOL_END). */
#define X86_NONPAGED_POOL_END 0xFFBE0000ull

#define X86_VA_MASK 0xFFFFFFFFull
#define X86_PROTO_LOOKUP_NEEDED 0xFFFFFFFFull

#define X86_PROTO_LOW_POS 1
#define X86_PROTO_LOW_BITS 7
#define X86_PROTO_HIGH_POS 11
#define X86_PROTO_HIGH_BITS 21
#define X86_PROTO_OFFSET_BITS 30
#define X86_PROTO_READ_ONLY (1ull << 8)
#define X86_LOOKUP_POS 12
#define X86_LOOKUP_BITS 20

#define X86_SUBSECT_LOW_POS 1
#define X86_SUBSECT_LOW_BITS 4
#define X86_SUBSECT_HIGH_POS 11
#define X86_SUBSECT_HIGH_BITS 20
#define X86_SUBSECT_OFFSET_BITS 27
#define X86_SUBSECT_WHICH_POOL (1ull << 31)

static bool x86_is_lookup_needed(uint64_t raw)
{
    return pte_get(raw, X86_LOOKUP_POS, X86_LOOKUP_BITS) == pte_field_mask(X86_LOOKUP_BITS);
}

/* The offset of a prototype PTE from paged pool, see (1). */
static bool x86_proto_offset(uint64_t address, uint64_t *offset)
{
    if (address > X86_VA_MASK || address < X86_PROTO_BASE || (address & 3) != 0)
        return false;
    *offset = address - X86_PROTO_BASE;
    return pte_fits(*offset, X86_PROTO_OFFSET_BITS);
}

static bool x86_encode_proto(const struct pte_fields *f, uint64_t *raw)
{
    uint64_t offset;
    if (f->proto_address == X86_PROTO_LOOKUP_NEEDED)
        return pte_encode_lookup_needed(f, X86_LOOKUP_POS, X86_LOOKUP_BITS, raw);
    if (f->protection != 0 || !x86_proto_offset(f->proto_address, &offset))
        return false;
    uint64_t v = PTE_SW_PROTOTYPE | pte_bit_if(f->read_only, X86_PROTO_READ_ONLY);
    v = pte_put(v, X86_PROTO_LOW_POS, X86_PROTO_LOW_BITS, offset >> 2);
    v = pte_put(v, X86_PROTO_HIGH_POS, X86_PROTO_HIGH_BITS, offset >> 9);
    /* An offset that happens to fill PageFileHigh would read back as (3). */
    if (x86_is_lookup_needed(v))
        return false;
    *raw = v;
    return true;
}

static void x86_decode_proto(uint64_t raw, struct pte_fields *f)
{
    if (x86_is_lookup_needed(raw)) {
        pte_decode_lookup_needed(raw, X86_PROTO_LOOKUP_NEEDED, f);
        return;
    }
    uint64_t offset = pte_get(raw, X86_PROTO_HIGH_POS, X86_PROTO_HIGH_BITS) << 9 |
                      pte_get(raw, X86_PROTO_LOW_POS, X86_PROTO_LOW_BITS) << 2;
    f->kind = PTE_KIND_PROTOTYPE;
    f->read_only = pte_has(raw, X86_PROTO_READ_ONLY);
    f->proto_address = (X86_PROTO_BASE + offset) & X86_VA_MASK;
}

/* Which end of nonpaged pool a subsection is measured from, see (2). */
static bool x86_subsection_offset(uint64_t address, uint64_t *offset, bool *from_base)
{
    uint64_t span = 1ull << X86_SUBSECT_OFFSET_BITS;
    if (address > X86_VA_MASK || (address & 7) != 0)
        return false;
    *from_base = address >= X86_SUBSECTION_BASE && address - X86_SUBSECTION_BASE < span;
    if (*from_base) {
        *offset = address - X86_SUBSECTION_BASE;
        return true;
    }
    *offset = X86_NONPAGED_POOL_END - address;
    return address <= X86_NONPAGED_POOL_END && *offset < span;
}

static bool x86_encode_subsection(const struct pte_fields *f, uint64_t *raw)
{
    uint64_t offset;
    bool from_base;
    if (!pte_protection_ok(f->protection) ||
        !x86_subsection_offset(f->subsection_address, &offset, &from_base))
        return false;
    uint64_t v = PTE_SW_PROTOTYPE | pte_bit_if(from_base, X86_SUBSECT_WHICH_POOL);
    v = pte_put(v, PTE_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    v = pte_put(v, X86_SUBSECT_LOW_POS, X86_SUBSECT_LOW_BITS, offset >> 3);
    *raw = pte_put(v, X86_SUBSECT_HIGH_POS, X86_SUBSECT_HIGH_BITS, offset >> 7);
    return true;
}

static void x86_decode_subsection(uint64_t raw, struct pte_fields *f)
{
    uint64_t offset = pte_get(raw, X86_SUBSECT_HIGH_POS, X86_SUBSECT_HIGH_BITS) << 7 |
                      pte_get(raw, X86_SUBSECT_LOW_POS, X86_SUBSECT_LOW_BITS) << 3;
    f->kind = PTE_KIND_SUBSECTION;
    f->protection = (uint32_t)pte_get(raw, PTE_PROTECTION_POS, PTE_PROTECTION_BITS);
    if (pte_has(raw, X86_SUBSECT_WHICH_POOL))
        f->subsection_address = (X86_SUBSECTION_BASE + offset) & X86_VA_MASK;
    else
        f->subsection_address = (X86_NONPAGED_POOL_END - offset) & X86_VA_MASK;
}

static const struct pte_layout x86_layout = {
    .pfn_bits = 20,
    .page_file_high_pos = 12,
    .page_file_high_bits = 20,
    .has_nx = false,
    .raw_mask = X86_VA_MASK,
    .encode_proto = x86_encode_proto,
    .encode_subsection = x86_encode_subsection,
    .decode_proto = x86_decode_proto,
    .decode_subsection = x86_decode_subsection,
};

static bool x86_encode(const struct pte_fields *f, uint64_t *raw)
{
    return pte_encode_kind(&x86_layout, f, raw);
}

static void x86_decode(uint64_t raw, enum pte_context context, struct pte_fields *f)
{
    pte_decode_kind(&x86_layout, raw, context, f);
}

const struct pte_format pte_format_x86 = {
    .arch = NTMM_ARCH_X86,
    .name = "x86",
    .pte_size = 4,
    .pte_shift = 2,
    .levels = 2,
    .level_shift = { 22, 12 },
    .level_bits = { 10, 10 },
    .level_name = { "PDE", "PTE" },
    .large_page_levels = 1u << 0, /* 4 MB PDE pages (CR4.PSE) */
    .va_bits = 32,
    .pfn_mask = 0xFFFFF000ull,
    .max_physical = 4ull << 30,
    .top_table_mask = 0xFFFFF000ull,
    .has_nx = false,
    .pte_base = 0xC0000000ull,
    .self_map_level = 0,
    .self_map_index = 0x300,
    .self_map_count = 1,
    .permissionless_levels = 0,
    .proto_base = X86_PROTO_BASE,
    .proto_lookup_needed = X86_PROTO_LOOKUP_NEEDED,
    .subsection_base = X86_SUBSECTION_BASE,
    .encode = x86_encode,
    .decode = x86_decode,
};
