/*
 * pte_pae.c — the x86 PAE PTE format (2-9-9-12 paging, 8-byte PTEs, NX at
 * bit 63) as the Windows XP SP2 / Server 2003 PAE kernel lays it out: the
 * _PAE variants of _MMPTE_HARDWARE, _MMPTE_SOFTWARE and _MMPTE_TRANSITION
 * (shared code in pte_bits.h) and of _MMPTE_PROTOTYPE and _MMPTE_SUBSECTION.
 *
 * Layouts (bit positions):
 *   _MMPTE_HARDWARE   bits 0-11 as on x86, PageFrameNumber 12-37,
 *                     reserved 38-62, NoExecute 63
 *   _MMPTE_SOFTWARE   Valid 0, PageFileLow 1-4, Protection 5-9, Prototype 10,
 *                     Transition 11, unused 12-31, PageFileHigh 32-63
 *   _MMPTE_TRANSITION bits 0-11 as on x86, PageFrameNumber 12-37
 *   _MMPTE_PROTOTYPE  Valid 0, unused 1-7, ReadOnly 8, unused 9,
 *                     Prototype 10, Protection 11-15, unused 16-31,
 *                     ProtoAddress 32-63
 *   _MMPTE_SUBSECTION Valid 0, unused 1-4, Protection 5-9, Prototype 10,
 *                     unused 11-31, SubsectionAddress 32-63
 *
 * (1) With 8-byte PTEs the upper half holds a whole 32-bit virtual address,
 *     so prototype and subsection PTEs need no pool-relative compression:
 *     proto_base and subsection_base are 0.
 * (2) A prototype PTE address is a multiple of 8 (it is an MMPTE) and a
 *     subsection address a multiple of 8 (pool alignment); encode refuses
 *     others.
 * (3) ProtoAddress 0xFFFFFFFF is Windows' MI_PTE_LOOKUP_NEEDED (find the
 *     prototype PTE through the VAD); it is carried as that proto_address,
 *     which (2) otherwise excludes, and laid out as a software PTE with the
 *     page's Protection in bits 5-9 (pte_bits.h).
 * (4) The PageFrameNumber is 26 bits wide (64 GB is PAE's 36-bit physical
 *     space); bits 38-62 of a valid PTE are written 0 and ignored on decode,
 *     as are the unused fields above: round trips of raw values hold for the
 *     values encode produces.
 */
#include "arch/pte_bits.h"

#define PAE_PROTO_LOOKUP_NEEDED 0xFFFFFFFFull
#define PAE_ADDRESS_POS 32
#define PAE_ADDRESS_BITS 32
#define PAE_PROTO_READ_ONLY (1ull << 8)
#define PAE_PROTO_PROTECTION_POS 11

static bool pae_address_ok(uint64_t address)
{
    return pte_fits(address, PAE_ADDRESS_BITS) && (address & 7) == 0;
}

static bool pae_encode_proto(const struct pte_fields *f, uint64_t *raw)
{
    if (f->proto_address == PAE_PROTO_LOOKUP_NEEDED)
        return pte_encode_lookup_needed(f, PAE_ADDRESS_POS, PAE_ADDRESS_BITS, raw);
    if (!pte_protection_ok(f->protection) || !pae_address_ok(f->proto_address))
        return false;
    uint64_t v = PTE_SW_PROTOTYPE | pte_bit_if(f->read_only, PAE_PROTO_READ_ONLY);
    v = pte_put(v, PAE_PROTO_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    *raw = pte_put(v, PAE_ADDRESS_POS, PAE_ADDRESS_BITS, f->proto_address);
    return true;
}

static void pae_decode_proto(uint64_t raw, struct pte_fields *f)
{
    if (pte_get(raw, PAE_ADDRESS_POS, PAE_ADDRESS_BITS) == PAE_PROTO_LOOKUP_NEEDED) {
        pte_decode_lookup_needed(raw, PAE_PROTO_LOOKUP_NEEDED, f);
        return;
    }
    f->kind = PTE_KIND_PROTOTYPE;
    f->read_only = pte_has(raw, PAE_PROTO_READ_ONLY);
    f->protection = (uint32_t)pte_get(raw, PAE_PROTO_PROTECTION_POS, PTE_PROTECTION_BITS);
    f->proto_address = pte_get(raw, PAE_ADDRESS_POS, PAE_ADDRESS_BITS);
}

static bool pae_encode_subsection(const struct pte_fields *f, uint64_t *raw)
{
    if (!pte_protection_ok(f->protection) || !pae_address_ok(f->subsection_address))
        return false;
    uint64_t v = pte_put(PTE_SW_PROTOTYPE, PTE_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    *raw = pte_put(v, PAE_ADDRESS_POS, PAE_ADDRESS_BITS, f->subsection_address);
    return true;
}

static void pae_decode_subsection(uint64_t raw, struct pte_fields *f)
{
    f->kind = PTE_KIND_SUBSECTION;
    f->protection = (uint32_t)pte_get(raw, PTE_PROTECTION_POS, PTE_PROTECTION_BITS);
    f->subsection_address = pte_get(raw, PAE_ADDRESS_POS, PAE_ADDRESS_BITS);
}

static const struct pte_layout pae_layout = {
    .pfn_bits = 26,
    .page_file_high_pos = 32,
    .page_file_high_bits = 32,
    .has_nx = true,
    .raw_mask = ~0ull,
    .encode_proto = pae_encode_proto,
    .encode_subsection = pae_encode_subsection,
    .decode_proto = pae_decode_proto,
    .decode_subsection = pae_decode_subsection,
};

static bool pae_encode(const struct pte_fields *f, uint64_t *raw)
{
    return pte_encode_kind(&pae_layout, f, raw);
}

static void pae_decode(uint64_t raw, enum pte_context context, struct pte_fields *f)
{
    pte_decode_kind(&pae_layout, raw, context, f);
}

const struct pte_format pte_format_pae = {
    .arch = NTMM_ARCH_X86_PAE,
    .name = "PAE",
    .pte_size = 8,
    .pte_shift = 3,
    .levels = 3,
    .level_shift = { 30, 21, 12 },
    .level_bits = { 2, 9, 9 },
    .level_name = { "PPE", "PDE", "PTE" },
    .large_page_levels = 1u << 1, /* 2 MB PDE pages */
    .va_bits = 32,
    .pfn_mask = 0x0000003FFFFFF000ull,
    .max_physical = 64ull << 30,
    .top_table_mask = 0xFFFFFFE0ull, /* CR3 points at a 32-byte aligned PDPT */
    .has_nx = true,
    .pte_base = 0xC0000000ull,
    .self_map_level = 1,
    .self_map_index = 0, /* PD3[0..3] map PD0..PD3 */
    .self_map_count = 4,
    .permissionless_levels = 1u << 0, /* PDPTEs have no Write, Owner or NX */
    .proto_base = 0,
    .proto_lookup_needed = PAE_PROTO_LOOKUP_NEEDED,
    .subsection_base = 0,
    .encode = pae_encode,
    .decode = pae_decode,
};
