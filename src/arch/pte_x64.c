/*
 * pte_x64.c — the x64 PTE format (4-level 9-9-9-9-12 paging, 8-byte PTEs,
 * NX at bit 63) as 64-bit Windows lays it out from XP x64 / Server 2003 x64
 * to Windows 7 (before the randomised self-map of Windows 10 1607):
 * _MMPTE_HARDWARE, _MMPTE_SOFTWARE, _MMPTE_TRANSITION (shared code in
 * pte_bits.h), _MMPTE_PROTOTYPE and _MMPTE_SUBSECTION.
 *
 * Layouts (bit positions):
 *   _MMPTE_HARDWARE   bits 0-11 as on x86, PageFrameNumber 12-47,
 *                     reserved 48-51, SoftwareWsIndex 52-62, NoExecute 63
 *   _MMPTE_SOFTWARE   Valid 0, PageFileLow 1-4, Protection 5-9, Prototype 10,
 *                     Transition 11, UsedPageTableEntries/reserved 12-31,
 *                     PageFileHigh 32-63
 *   _MMPTE_TRANSITION bits 0-11 as on x86, PageFrameNumber 12-47
 *   _MMPTE_PROTOTYPE  Valid 0, unused 1-7, ReadOnly 8, unused 9,
 *                     Prototype 10, Protection 11-15, ProtoAddress 16-63
 *   _MMPTE_SUBSECTION Valid 0, unused 1-4, Protection 5-9, Prototype 10,
 *                     unused 11-15, SubsectionAddress 16-63
 *
 * (1) The PageFrameNumber is 36 bits wide (48-bit physical addresses), as in
 *     Windows Vista and 7; Server 2003 x64 declared 28 and Windows 8 and
 *     later 40. Bits 48-62 of a valid PTE (SoftwareWsIndex in Windows 7) are
 *     written 0 and ignored on decode.
 * (2) Address fields are 48-bit signed (Windows declares them LONGLONG:48):
 *     decode sign-extends to a canonical address, encode refuses a
 *     non-canonical one.
 * (3) A prototype PTE address is a multiple of 8 (it is an MMPTE), a
 *     subsection address a multiple of 8 (pool alignment).
 * (4) Windows marks "find the prototype PTE through the VAD" by
 *     PageFileHigh (bits 32-63) == MI_PTE_LOOKUP_NEEDED (all ones). Such a
 *     PTE decodes as proto_address 0xFFFFFFFFFFFFFFFF (the all-ones
 *     ProtoAddress, sign-extended) and is laid out as a software PTE with
 *     the page's Protection in bits 5-9 (pte_bits.h); the real addresses
 *     0xFFFFFFFFFFFF0000 and up would look the same and are refused.
 * (5) Round trips of raw values hold for the values encode produces: the
 *     ignored bits above, the unused fields and the low half of a lookup
 *     marker below its Protection are not preserved.
 */
#include "arch/pte_bits.h"

#define X64_VA_BITS 48
#define X64_PROTO_LOOKUP_NEEDED 0xFFFFFFFFFFFFFFFFull
#define X64_ADDRESS_POS 16
#define X64_PROTO_READ_ONLY (1ull << 8)
#define X64_PROTO_PROTECTION_POS 11
#define X64_LOOKUP_POS 32
#define X64_LOOKUP_BITS 32

static bool x64_address_ok(uint64_t address)
{
    return pte_sign_extend(address, X64_VA_BITS) == address && (address & 7) == 0;
}

static bool x64_is_lookup_needed(uint64_t raw)
{
    return pte_get(raw, X64_LOOKUP_POS, X64_LOOKUP_BITS) == pte_field_mask(X64_LOOKUP_BITS);
}

static bool x64_encode_proto(const struct pte_fields *f, uint64_t *raw)
{
    if (f->proto_address == X64_PROTO_LOOKUP_NEEDED)
        return pte_encode_lookup_needed(f, X64_LOOKUP_POS, X64_LOOKUP_BITS, raw);
    if (!pte_protection_ok(f->protection) || !x64_address_ok(f->proto_address))
        return false;
    uint64_t v = PTE_SW_PROTOTYPE | pte_bit_if(f->read_only, X64_PROTO_READ_ONLY);
    v = pte_put(v, X64_PROTO_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    v = pte_put(v, X64_ADDRESS_POS, X64_VA_BITS, f->proto_address);
    if (x64_is_lookup_needed(v))
        return false;
    *raw = v;
    return true;
}

static void x64_decode_proto(uint64_t raw, struct pte_fields *f)
{
    if (x64_is_lookup_needed(raw)) {
        pte_decode_lookup_needed(raw, X64_PROTO_LOOKUP_NEEDED, f);
        return;
    }
    f->kind = PTE_KIND_PROTOTYPE;
    f->read_only = pte_has(raw, X64_PROTO_READ_ONLY);
    f->protection = (uint32_t)pte_get(raw, X64_PROTO_PROTECTION_POS, PTE_PROTECTION_BITS);
    f->proto_address = pte_sign_extend(raw >> X64_ADDRESS_POS, X64_VA_BITS);
}

static bool x64_encode_subsection(const struct pte_fields *f, uint64_t *raw)
{
    if (!pte_protection_ok(f->protection) || !x64_address_ok(f->subsection_address))
        return false;
    uint64_t v = pte_put(PTE_SW_PROTOTYPE, PTE_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    *raw = pte_put(v, X64_ADDRESS_POS, X64_VA_BITS, f->subsection_address);
    return true;
}

static void x64_decode_subsection(uint64_t raw, struct pte_fields *f)
{
    f->kind = PTE_KIND_SUBSECTION;
    f->protection = (uint32_t)pte_get(raw, PTE_PROTECTION_POS, PTE_PROTECTION_BITS);
    f->subsection_address = pte_sign_extend(raw >> X64_ADDRESS_POS, X64_VA_BITS);
}

static const struct pte_layout x64_layout = {
    .pfn_bits = 36,
    .page_file_high_pos = 32,
    .page_file_high_bits = 32,
    .has_nx = true,
    .raw_mask = ~0ull,
    .encode_proto = x64_encode_proto,
    .encode_subsection = x64_encode_subsection,
    .decode_proto = x64_decode_proto,
    .decode_subsection = x64_decode_subsection,
};

static bool x64_encode(const struct pte_fields *f, uint64_t *raw)
{
    return pte_encode_kind(&x64_layout, f, raw);
}

static void x64_decode(uint64_t raw, enum pte_context context, struct pte_fields *f)
{
    pte_decode_kind(&x64_layout, raw, context, f);
}

const struct pte_format pte_format_x64 = {
    .arch = NTMM_ARCH_X64,
    .name = "x64",
    .pte_size = 8,
    .pte_shift = 3,
    .levels = 4,
    .level_shift = { 39, 30, 21, 12 },
    .level_bits = { 9, 9, 9, 9 },
    .level_name = { "PXE", "PPE", "PDE", "PTE" },
    .large_page_levels = (1u << 1) | (1u << 2), /* 1 GB PPE and 2 MB PDE pages */
    .va_bits = 48,
    .pfn_mask = 0x0000FFFFFFFFF000ull,
    .max_physical = 128ull << 30, /* Windows XP Professional x64's limit */
    .top_table_mask = 0x000FFFFFFFFFF000ull,
    .has_nx = true,
    .pte_base = 0xFFFFF68000000000ull,
    .self_map_level = 0,
    .self_map_index = 0x1ED,
    .self_map_count = 1,
    .permissionless_levels = 0,
    .proto_base = 0,
    .proto_lookup_needed = X64_PROTO_LOOKUP_NEEDED,
    .subsection_base = 0,
    .encode = x64_encode,
    .decode = x64_decode,
};
