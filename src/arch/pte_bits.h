/*
 * pte_bits.h — what the three PTE format files (pte_x86.c, pte_pae.c,
 * pte_x64.c) share: bit-field access, and the encoding of the PTE kinds that
 * Windows lays out alike in every format once the field widths are given:
 * _MMPTE_HARDWARE (valid), _MMPTE_SOFTWARE (demand zero, pagefile) and
 * _MMPTE_TRANSITION. Each format file adds only its _MMPTE_PROTOTYPE and
 * _MMPTE_SUBSECTION, the two structures whose layouts really differ.
 *
 * (1) Bits 0-11 have the same meaning in all three formats: Windows chose the
 *     software PTE layouts so that Valid, Protection, Prototype and Transition
 *     sit at the same place whatever the PTE size, and the fault dispatcher
 *     classifies a PTE by these bits alone.
 * (2) A PTE is classified in the order Windows' fault handler tests it: Valid,
 *     then Prototype, then Transition, then pagefile offset. So Prototype
 *     wins over Transition (on x86 bit 11 is an address bit of a prototype
 *     PTE), and only a PTE with Prototype and Transition clear is software.
 * (3) pte_encode_common and pte_decode_common never touch prototype or
 *     subsection PTEs; a raw value with Valid clear and Prototype set goes to
 *     the format's own code.
 */
#ifndef NTMM_PTE_BITS_H
#define NTMM_PTE_BITS_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/arch.h"

/* Software bits of a PTE's low 12 (the processor ignores 9-11 and, with
 * Valid clear, everything else). */
#define PTE_SW_COPY_ON_WRITE (1ull << 9)
#define PTE_SW_PROTOTYPE (1ull << 10)
#define PTE_SW_WRITE (1ull << 11)      /* in a valid PTE */
#define PTE_SW_TRANSITION (1ull << 11) /* in an invalid, non-prototype PTE */

#define PTE_PFN_POS 12
#define PTE_PAGE_FILE_LOW_POS 1
#define PTE_PAGE_FILE_LOW_BITS 4
#define PTE_PROTECTION_POS 5
#define PTE_PROTECTION_BITS 5

/* What differs between the formats: the common kinds' field widths, and the
 * format's own prototype and subsection PTE code. */
struct pte_layout {
    unsigned pfn_bits;            /* PageFrameNumber, from bit 12 */
    unsigned page_file_high_pos;  /* PageFileHigh: 12 on x86, 32 with 8-byte PTEs */
    unsigned page_file_high_bits; /* 20 on x86, 32 with 8-byte PTEs */
    bool has_nx;                  /* NoExecute at bit 63 */
    uint64_t raw_mask;            /* bits of a raw value that belong to the PTE */
    bool (*encode_proto)(const struct pte_fields *f, uint64_t *raw);
    bool (*encode_subsection)(const struct pte_fields *f, uint64_t *raw);
    void (*decode_proto)(uint64_t raw, struct pte_fields *f);
    void (*decode_subsection)(uint64_t raw, struct pte_fields *f);
};

static inline uint64_t pte_field_mask(unsigned width)
{
    return width >= 64 ? ~0ull : (1ull << width) - 1;
}

/* The width-bit field at pos. */
static inline uint64_t pte_get(uint64_t raw, unsigned pos, unsigned width)
{
    return (raw >> pos) & pte_field_mask(width);
}

/* raw with the width-bit field at pos replaced by value (callers check that
 * value fits first: a silently truncated field would break round trips). */
static inline uint64_t pte_put(uint64_t raw, unsigned pos, unsigned width, uint64_t value)
{
    uint64_t mask = pte_field_mask(width) << pos;
    return (raw & ~mask) | ((value << pos) & mask);
}

static inline bool pte_fits(uint64_t value, unsigned width)
{
    return (value & ~pte_field_mask(width)) == 0;
}

static inline bool pte_has(uint64_t raw, uint64_t mask)
{
    return (raw & mask) != 0;
}

static inline uint64_t pte_bit_if(bool set, uint64_t mask)
{
    return set ? mask : 0;
}

/* The width-bit value v as a signed quantity: Windows declares the 64-bit
 * formats' address fields LONGLONG so that kernel addresses come back
 * canonical. */
static inline uint64_t pte_sign_extend(uint64_t v, unsigned width)
{
    uint64_t sign = 1ull << (width - 1);
    v &= pte_field_mask(width);
    return (v ^ sign) - sign;
}

static inline bool pte_protection_ok(uint32_t protection)
{
    return protection <= MM_PROTECTION_MASK;
}

/* Windows' MI_PTE_LOOKUP_NEEDED, alike in every format: a software PTE with
 * Prototype set and PageFileHigh all ones, "find the prototype PTE through
 * the VAD", whose Protection (bits 5-9) is the page's own (a view page
 * VirtualProtect changed). pte_fields carry it as proto_address `marker`. */
static inline bool pte_encode_lookup_needed(const struct pte_fields *f, unsigned high_pos,
                                            unsigned high_bits, uint64_t *raw)
{
    if (!pte_protection_ok(f->protection) || f->read_only)
        return false;
    uint64_t v = pte_put(PTE_SW_PROTOTYPE, PTE_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    *raw = pte_put(v, high_pos, high_bits, pte_field_mask(high_bits));
    return true;
}

static inline void pte_decode_lookup_needed(uint64_t raw, uint64_t marker, struct pte_fields *f)
{
    f->kind = PTE_KIND_PROTOTYPE;
    f->read_only = false;
    f->protection = (uint32_t)pte_get(raw, PTE_PROTECTION_POS, PTE_PROTECTION_BITS);
    f->proto_address = marker;
}

static inline bool pte_is_prototype_bit(uint64_t raw)
{
    return !pte_has(raw, PTE_HW_VALID) && pte_has(raw, PTE_SW_PROTOTYPE);
}

/* Write, Owner, WriteThrough, CacheDisable: the bits 1-4 a transition PTE
 * keeps from the valid PTE it replaced, so the page can be made valid again
 * without consulting the VAD. */
static inline uint64_t pte_put_kept_bits(const struct pte_fields *f)
{
    return pte_bit_if(f->write, PTE_HW_WRITE) | pte_bit_if(f->owner, PTE_HW_OWNER) |
           pte_bit_if(f->write_through, PTE_HW_WRITE_THROUGH) |
           pte_bit_if(f->cache_disable, PTE_HW_CACHE_DISABLE);
}

static inline void pte_get_kept_bits(uint64_t raw, struct pte_fields *f)
{
    f->write = pte_has(raw, PTE_HW_WRITE);
    f->owner = pte_has(raw, PTE_HW_OWNER);
    f->write_through = pte_has(raw, PTE_HW_WRITE_THROUGH);
    f->cache_disable = pte_has(raw, PTE_HW_CACHE_DISABLE);
}

static inline bool pte_encode_valid(const struct pte_layout *l, const struct pte_fields *f,
                                    uint64_t *raw)
{
    if (!pte_fits(f->page_frame_number, l->pfn_bits) || (f->no_execute && !l->has_nx))
        return false;
    uint64_t v = PTE_HW_VALID | pte_put_kept_bits(f) |
                 pte_bit_if(f->accessed, PTE_HW_ACCESSED) | pte_bit_if(f->dirty, PTE_HW_DIRTY) |
                 pte_bit_if(f->large_page, PTE_HW_LARGE_PAGE) |
                 pte_bit_if(f->global, PTE_HW_GLOBAL) |
                 pte_bit_if(f->copy_on_write, PTE_SW_COPY_ON_WRITE) |
                 pte_bit_if(f->prototype, PTE_SW_PROTOTYPE) |
                 pte_bit_if(f->write_software, PTE_SW_WRITE) |
                 pte_bit_if(f->no_execute, PTE_HW_NO_EXECUTE);
    *raw = pte_put(v, PTE_PFN_POS, l->pfn_bits, f->page_frame_number);
    return true;
}

/* Bits between the PFN and NoExecute (PAE's reserved bits, x64's
 * SoftwareWsIndex) are ignored: the format never writes them. */
static inline void pte_decode_valid(const struct pte_layout *l, uint64_t raw, struct pte_fields *f)
{
    f->kind = PTE_KIND_VALID;
    pte_get_kept_bits(raw, f);
    f->accessed = pte_has(raw, PTE_HW_ACCESSED);
    f->dirty = pte_has(raw, PTE_HW_DIRTY);
    f->large_page = pte_has(raw, PTE_HW_LARGE_PAGE);
    f->global = pte_has(raw, PTE_HW_GLOBAL);
    f->copy_on_write = pte_has(raw, PTE_SW_COPY_ON_WRITE);
    f->prototype = pte_has(raw, PTE_SW_PROTOTYPE);
    f->write_software = pte_has(raw, PTE_SW_WRITE);
    f->no_execute = l->has_nx && pte_has(raw, PTE_HW_NO_EXECUTE);
    f->page_frame_number = pte_get(raw, PTE_PFN_POS, l->pfn_bits);
}

static inline bool pte_encode_transition(const struct pte_layout *l, const struct pte_fields *f,
                                         uint64_t *raw)
{
    if (!pte_fits(f->page_frame_number, l->pfn_bits) || !pte_protection_ok(f->protection))
        return false;
    uint64_t v = pte_put_kept_bits(f) | PTE_SW_TRANSITION;
    v = pte_put(v, PTE_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    *raw = pte_put(v, PTE_PFN_POS, l->pfn_bits, f->page_frame_number);
    return true;
}

static inline void pte_decode_transition(const struct pte_layout *l, uint64_t raw,
                                         struct pte_fields *f)
{
    f->kind = PTE_KIND_TRANSITION;
    pte_get_kept_bits(raw, f);
    f->protection = (uint32_t)pte_get(raw, PTE_PROTECTION_POS, PTE_PROTECTION_BITS);
    f->page_frame_number = pte_get(raw, PTE_PFN_POS, l->pfn_bits);
}

static inline bool pte_page_file_ok(const struct pte_layout *l, const struct pte_fields *f)
{
    return f->page_file_high != 0 && pte_fits(f->page_file_high, l->page_file_high_bits) &&
           pte_fits(f->page_file_low, PTE_PAGE_FILE_LOW_BITS);
}

/* A demand-zero PTE with protection 0 would be raw 0, which is
 * PTE_KIND_ZERO; a pagefile PTE at offset 0 would read back as demand zero.
 * Windows never writes either, and encode refuses both. */
static inline bool pte_encode_software(const struct pte_layout *l, const struct pte_fields *f,
                                       uint64_t *raw)
{
    bool pagefile = f->kind == PTE_KIND_PAGEFILE;
    if (!pte_protection_ok(f->protection))
        return false;
    if (!pagefile && f->protection == 0)
        return false;
    if (pagefile && !pte_page_file_ok(l, f))
        return false;
    uint64_t v = pte_put(0, PTE_PROTECTION_POS, PTE_PROTECTION_BITS, f->protection);
    if (pagefile) {
        v = pte_put(v, PTE_PAGE_FILE_LOW_POS, PTE_PAGE_FILE_LOW_BITS, f->page_file_low);
        v = pte_put(v, l->page_file_high_pos, l->page_file_high_bits, f->page_file_high);
    }
    *raw = v;
    return true;
}

static inline void pte_decode_software(const struct pte_layout *l, uint64_t raw,
                                       struct pte_fields *f)
{
    uint64_t high = pte_get(raw, l->page_file_high_pos, l->page_file_high_bits);
    uint32_t low = (uint32_t)pte_get(raw, PTE_PAGE_FILE_LOW_POS, PTE_PAGE_FILE_LOW_BITS);
    if (raw == 0) {
        f->kind = PTE_KIND_ZERO;
        return;
    }
    f->protection = (uint32_t)pte_get(raw, PTE_PROTECTION_POS, PTE_PROTECTION_BITS);
    if (high == 0 && low == 0) {
        f->kind = PTE_KIND_DEMAND_ZERO;
        return;
    }
    f->kind = PTE_KIND_PAGEFILE;
    f->page_file_low = low;
    f->page_file_high = high;
}

/* Every kind but PROTOTYPE and SUBSECTION; false for those two, for an
 * unknown kind and for fields the layout cannot hold. */
static inline bool pte_encode_common(const struct pte_layout *l, const struct pte_fields *f,
                                     uint64_t *raw)
{
    switch (f->kind) {
    case PTE_KIND_ZERO:
        *raw = 0;
        return true;
    case PTE_KIND_VALID:
        return pte_encode_valid(l, f, raw);
    case PTE_KIND_DEMAND_ZERO:
    case PTE_KIND_PAGEFILE:
        return pte_encode_software(l, f, raw);
    case PTE_KIND_TRANSITION:
        return pte_encode_transition(l, f, raw);
    case PTE_KIND_PROTOTYPE:
    case PTE_KIND_SUBSECTION:
        break;
    }
    return false;
}

/* Any raw value that is not a prototype or subsection PTE (see (3)). */
static inline void pte_decode_common(const struct pte_layout *l, uint64_t raw,
                                     struct pte_fields *f)
{
    *f = (struct pte_fields){ .kind = PTE_KIND_ZERO };
    if (pte_has(raw, PTE_HW_VALID))
        pte_decode_valid(l, raw, f);
    else if (pte_has(raw, PTE_SW_TRANSITION))
        pte_decode_transition(l, raw, f);
    else
        pte_decode_software(l, raw, f);
}

/* A format's encode: every kind, the prototype and subsection kinds through
 * the format's own code. *raw is written only on success. */
static inline bool pte_encode_kind(const struct pte_layout *l, const struct pte_fields *f,
                                   uint64_t *raw)
{
    uint64_t v;
    bool ok;
    if (f->kind == PTE_KIND_PROTOTYPE)
        ok = l->encode_proto(f, &v);
    else if (f->kind == PTE_KIND_SUBSECTION)
        ok = l->encode_subsection(f, &v);
    else
        ok = pte_encode_common(l, f, &v);
    if (ok)
        *raw = v;
    return ok;
}

/* A format's decode: the Prototype bit of an invalid PTE means a prototype
 * PTE in a page table and a subsection PTE in a prototype PTE. */
static inline void pte_decode_kind(const struct pte_layout *l, uint64_t raw,
                                   enum pte_context context, struct pte_fields *f)
{
    raw &= l->raw_mask;
    if (!pte_is_prototype_bit(raw)) {
        pte_decode_common(l, raw, f);
        return;
    }
    *f = (struct pte_fields){ .kind = PTE_KIND_ZERO };
    if (context == PTE_IN_PROTOTYPE)
        l->decode_subsection(raw, f);
    else
        l->decode_proto(raw, f);
}

#endif
