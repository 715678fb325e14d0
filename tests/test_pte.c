/*
 * test_pte.c — the three PTE formats (pte_x86.c, pte_pae.c, pte_x64.c) and
 * the self-map arithmetic of pte.c, checked against the Windows layouts of
 * _MMPTE_HARDWARE, _MMPTE_SOFTWARE, _MMPTE_TRANSITION, _MMPTE_PROTOTYPE and
 * _MMPTE_SUBSECTION and against addresses WinDbg's !pte prints.
 *
 * (1) Expected raw values are computed here from the documented layouts,
 *     never by calling encode, so a test fails if a field moves even when
 *     encode and decode move it together.
 * (2) Every field combination a test builds goes through round_trip, which
 *     checks both halves of arch.h's invariant (1) and that a PTE outside a
 *     prototype means the same in both contexts.
 * (3) Each format-dependent test runs once per format, named after it; the
 *     expectations of a format are in its struct expect.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "arch/arch.h"

#define PROTOTYPE_BIT (1ull << 10)
#define TRANSITION_BIT (1ull << 11)

typedef uint64_t (*expected_raw_fn)(uint64_t address, uint32_t protection, bool read_only);

/* A list of addresses: explicit edges plus base + (1 << i) for lo <= i < hi. */
struct address_set {
    const uint64_t *edges;
    size_t edge_count;
    uint64_t walk_base;
    unsigned walk_lo, walk_hi;
};

struct expect {
    const struct pte_format *fmt;
    unsigned pfn_bits;            /* PageFrameNumber width */
    unsigned page_file_high_pos;  /* PageFileHigh position and width */
    unsigned page_file_high_bits;
    bool proto_has_protection;    /* x86 prototype PTEs have none */
    uint64_t lookup_needed;       /* all-ones prototype address: look in the VAD */
    uint64_t lookup_raw_windows;  /* a lookup-needed PTE as Windows writes it */
    struct address_set proto;
    struct address_set subsection;
    expected_raw_fn proto_raw;
    expected_raw_fn subsection_raw;
    const uint64_t *proto_refused;
    size_t proto_refused_count;
    const uint64_t *subsection_refused;
    size_t subsection_refused_count;
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* x86: ReactOS MI_MAKE_PROTOTYPE_PTE / MI_MAKE_SUBSECTION_PTE arithmetic. */
#define X86_PAGED_POOL_START 0xE1000000ull
#define X86_SUBSECTION_BASE 0x80000000ull
#define X86_NONPAGED_POOL_END 0xFFBE0000ull

/* MI_PTE_LOOKUP_NEEDED: a software PTE, Prototype set, PageFileHigh all ones. */
static uint64_t lookup_raw(unsigned page_file_high_pos, uint32_t protection)
{
    return PROTOTYPE_BIT | (uint64_t)protection << 5 | ~0ull << page_file_high_pos;
}

static uint64_t x86_proto_raw(uint64_t address, uint32_t protection, bool read_only)
{
    if (address == 0xFFFFFFFFull)
        return lookup_raw(12, protection) & 0xFFFFFFFFull;
    uint64_t offset = address - X86_PAGED_POOL_START;
    return PROTOTYPE_BIT | ((offset & 0x1FC) >> 2) << 1 | (uint64_t)read_only << 8 |
           (offset >> 9) << 11;
}

static uint64_t x86_subsection_raw(uint64_t address, uint32_t protection, bool read_only)
{
    bool up = address >= X86_SUBSECTION_BASE && address < X86_SUBSECTION_BASE + (1ull << 27);
    uint64_t offset = up ? address - X86_SUBSECTION_BASE : X86_NONPAGED_POOL_END - address;
    (void)read_only;
    return PROTOTYPE_BIT | ((offset & 0x78) >> 3) << 1 | (uint64_t)protection << 5 |
           (offset >> 7) << 11 | (uint64_t)up << 31;
}

static uint64_t pae_proto_raw(uint64_t address, uint32_t protection, bool read_only)
{
    if (address == 0xFFFFFFFFull)
        return lookup_raw(32, protection);
    return PROTOTYPE_BIT | (uint64_t)read_only << 8 | (uint64_t)protection << 11 | address << 32;
}

static uint64_t pae_subsection_raw(uint64_t address, uint32_t protection, bool read_only)
{
    (void)read_only;
    return PROTOTYPE_BIT | (uint64_t)protection << 5 | address << 32;
}

static uint64_t x64_proto_raw(uint64_t address, uint32_t protection, bool read_only)
{
    if (address == 0xFFFFFFFFFFFFFFFFull)
        return lookup_raw(32, protection);
    return PROTOTYPE_BIT | (uint64_t)read_only << 8 | (uint64_t)protection << 11 | address << 16;
}

static uint64_t x64_subsection_raw(uint64_t address, uint32_t protection, bool read_only)
{
    (void)read_only;
    return PROTOTYPE_BIT | (uint64_t)protection << 5 | address << 16;
}

static const uint64_t x86_proto_edges[] = {
    0xE1000000, 0xE1000004, 0xE10001FC, 0xE1000200, 0xE1000204, 0xE8000000,
    0xFFFFFFF8, 0xFFFFFFFC, 0xFFFFFFFF, /* lookup needed */
};
static const uint64_t x86_proto_refused[] = {
    0xE0FFFFFC, 0xE1000001, 0xE1000002, 0x00000000, 0x80000000, 0x100000000, 0x1E1000000,
};
static const uint64_t x86_subsection_edges[] = {
    0x80000000, 0x80000008, 0x80000078, 0x80000080, 0x87FFFFF8,
    0xFFBE0000, 0xFFBDFFF8, 0xFFBDFF80, 0xF7BE0008,
};
static const uint64_t x86_subsection_refused[] = {
    0x7FFFFFF8, 0x88000000, 0x90000000, 0xF7BE0000, 0xFFBE0008, 0xFFFFFFF8,
    0x80000004, 0x100000000,
};

static const uint64_t pae_edges[] = {
    0x00000000, 0x00000008, 0x7FFFFFF8, 0x80000000, 0xE1000000, 0xFFFFFFF0, 0xFFFFFFF8,
};
static const uint64_t pae_proto_edges[] = {
    0x00000000, 0x00000008, 0x7FFFFFF8, 0x80000000, 0xE1000000, 0xFFFFFFF8, 0xFFFFFFFF,
};
static const uint64_t pae_refused[] = {
    0x00000004, 0xE1000001, 0x100000000, 0xFFFFFFFF00000000,
};

static const uint64_t x64_proto_edges[] = {
    0x0000000000000000, 0x0000000000000008, 0x00007FFFFFFFFFF8, 0xFFFF800000000000,
    0xFFFFF8A000000000, 0xFFFFFFFFFFFEFFF8, 0xFFFFFFFFFFFFFFFF,
};
static const uint64_t x64_proto_refused[] = {
    0x0000800000000000, 0x00FF000000000000, 0x7FFFFFFFFFFFFFF8, 0xFFFF7FFFFFFFFFF8,
    0xFFFFF8A000000004, 0xFFFFFFFFFFFF0000, 0xFFFFFFFFFFFFFFF8,
};
static const uint64_t x64_subsection_edges[] = {
    0x0000000000000000, 0x0000000000000008, 0x00007FFFFFFFFFF8, 0xFFFF800000000000,
    0xFFFFFA8000000000, 0xFFFFFFFFFFFF0000, 0xFFFFFFFFFFFFFFF8,
};
static const uint64_t x64_subsection_refused[] = {
    0x0000800000000000, 0x7FFFFFFFFFFFFFF8, 0xFFFF7FFFFFFFFFF8, 0xFFFFFA8000000004,
    0xFFFFFFFFFFFFFFFF,
};

static const struct expect expect_x86 = {
    .fmt = &pte_format_x86,
    .pfn_bits = 20,
    .page_file_high_pos = 12,
    .page_file_high_bits = 20,
    .proto_has_protection = false,
    .lookup_needed = 0xFFFFFFFF,
    .lookup_raw_windows = 0xFFFFF400,
    .proto = { x86_proto_edges, COUNT(x86_proto_edges), 0xE1000000, 2, 29 },
    .subsection = { x86_subsection_edges, COUNT(x86_subsection_edges), 0x80000000, 3, 27 },
    .proto_raw = x86_proto_raw,
    .subsection_raw = x86_subsection_raw,
    .proto_refused = x86_proto_refused,
    .proto_refused_count = COUNT(x86_proto_refused),
    .subsection_refused = x86_subsection_refused,
    .subsection_refused_count = COUNT(x86_subsection_refused),
};

static const struct expect expect_pae = {
    .fmt = &pte_format_pae,
    .pfn_bits = 26,
    .page_file_high_pos = 32,
    .page_file_high_bits = 32,
    .proto_has_protection = true,
    .lookup_needed = 0xFFFFFFFF,
    .lookup_raw_windows = 0xFFFFFFFF00000400,
    .proto = { pae_proto_edges, COUNT(pae_proto_edges), 0, 3, 32 },
    .subsection = { pae_edges, COUNT(pae_edges), 0, 3, 32 },
    .proto_raw = pae_proto_raw,
    .subsection_raw = pae_subsection_raw,
    .proto_refused = pae_refused,
    .proto_refused_count = COUNT(pae_refused),
    .subsection_refused = pae_refused,
    .subsection_refused_count = COUNT(pae_refused),
};

static const struct expect expect_x64 = {
    .fmt = &pte_format_x64,
    .pfn_bits = 36,
    .page_file_high_pos = 32,
    .page_file_high_bits = 32,
    .proto_has_protection = true,
    .lookup_needed = 0xFFFFFFFFFFFFFFFF,
    .lookup_raw_windows = 0xFFFFFFFF00000400,
    .proto = { x64_proto_edges, COUNT(x64_proto_edges), 0, 3, 47 },
    .subsection = { x64_subsection_edges, COUNT(x64_subsection_edges), 0xFFFF800000000000, 3, 47 },
    .proto_raw = x64_proto_raw,
    .subsection_raw = x64_subsection_raw,
    .proto_refused = x64_proto_refused,
    .proto_refused_count = COUNT(x64_proto_refused),
    .subsection_refused = x64_subsection_refused,
    .subsection_refused_count = COUNT(x64_subsection_refused),
};

/* ---- helpers ---------------------------------------------------------- */

static const struct expect *expectation(void **state)
{
    return *state;
}

static uint64_t low_mask(unsigned width)
{
    return width >= 64 ? ~0ull : (1ull << width) - 1;
}

#define SAME_FIELD(a, b, name, raw)                                                       \
    do {                                                                                  \
        if ((a)->name != (b)->name)                                                       \
            fail_msg("raw %#llx: field " #name ": expected %#llx, decoded %#llx",         \
                     (unsigned long long)(raw), (unsigned long long)(a)->name,            \
                     (unsigned long long)(b)->name);                                      \
    } while (0)

static void assert_same_fields(const struct pte_fields *a, const struct pte_fields *b, uint64_t raw)
{
    SAME_FIELD(a, b, kind, raw);
    SAME_FIELD(a, b, write, raw);
    SAME_FIELD(a, b, owner, raw);
    SAME_FIELD(a, b, write_through, raw);
    SAME_FIELD(a, b, cache_disable, raw);
    SAME_FIELD(a, b, accessed, raw);
    SAME_FIELD(a, b, dirty, raw);
    SAME_FIELD(a, b, large_page, raw);
    SAME_FIELD(a, b, global, raw);
    SAME_FIELD(a, b, copy_on_write, raw);
    SAME_FIELD(a, b, prototype, raw);
    SAME_FIELD(a, b, write_software, raw);
    SAME_FIELD(a, b, no_execute, raw);
    SAME_FIELD(a, b, page_frame_number, raw);
    SAME_FIELD(a, b, protection, raw);
    SAME_FIELD(a, b, page_file_low, raw);
    SAME_FIELD(a, b, page_file_high, raw);
    SAME_FIELD(a, b, proto_address, raw);
    SAME_FIELD(a, b, read_only, raw);
    SAME_FIELD(a, b, subsection_address, raw);
}

static enum pte_context context_of(enum pte_kind kind)
{
    return kind == PTE_KIND_SUBSECTION ? PTE_IN_PROTOTYPE : PTE_IN_PAGE_TABLE;
}

/* Encodes f, checks decode gives f back and re-encoding gives the same raw
 * value, and returns the raw value. */
static uint64_t round_trip(const struct pte_format *fmt, const struct pte_fields *f)
{
    uint64_t raw = 0, again = 0;
    struct pte_fields back;
    if (!fmt->encode(f, &raw))
        fail_msg("%s: encode refused kind %d", fmt->name, (int)f->kind);
    if (fmt->pte_size == 4 && raw > 0xFFFFFFFFull)
        fail_msg("%s: raw %#llx wider than a PTE", fmt->name, (unsigned long long)raw);
    fmt->decode(raw, context_of(f->kind), &back);
    assert_same_fields(f, &back, raw);
    if (f->kind != PTE_KIND_PROTOTYPE && f->kind != PTE_KIND_SUBSECTION) {
        fmt->decode(raw, PTE_IN_PROTOTYPE, &back);
        assert_same_fields(f, &back, raw);
    }
    if (!fmt->encode(&back, &again) || again != raw)
        fail_msg("%s: raw %#llx re-encodes as %#llx", fmt->name, (unsigned long long)raw,
                 (unsigned long long)again);
    return raw;
}

static void assert_raw(uint64_t expected, uint64_t raw)
{
    if (expected != raw)
        fail_msg("raw: expected %#llx, got %#llx", (unsigned long long)expected,
                 (unsigned long long)raw);
}

static void assert_refused(const struct pte_format *fmt, const struct pte_fields *f)
{
    uint64_t raw = 0x5A5A5A5A;
    if (fmt->encode(f, &raw))
        fail_msg("%s: encode accepted kind %d (raw %#llx)", fmt->name, (int)f->kind,
                 (unsigned long long)raw);
    assert_int_equal(raw, 0x5A5A5A5A);
}

/* PFNs at the edges of the field and walking ones and zeros across it. */
static size_t pfn_patterns(unsigned bits, uint64_t *out)
{
    size_t n = 0;
    uint64_t max = low_mask(bits);
    out[n++] = 0;
    out[n++] = 1;
    out[n++] = max;
    for (unsigned i = 0; i < bits; i++) {
        out[n++] = 1ull << i;
        out[n++] = max ^ (1ull << i);
    }
    return n;
}

static size_t address_list(const struct address_set *s, uint64_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < s->edge_count; i++)
        out[n++] = s->edges[i];
    for (unsigned i = s->walk_lo; i < s->walk_hi; i++)
        out[n++] = s->walk_base + (1ull << i);
    return n;
}

/* The flag fields of a valid PTE and the bit each must land on. */
struct flag {
    size_t offset;
    uint64_t bit;
};

static const struct flag valid_flags[] = {
    /* Write, Owner, WriteThrough, CacheDisable first: a transition PTE keeps these four. */
    { offsetof(struct pte_fields, write), 1ull << 1 },
    { offsetof(struct pte_fields, owner), 1ull << 2 },
    { offsetof(struct pte_fields, write_through), 1ull << 3 },
    { offsetof(struct pte_fields, cache_disable), 1ull << 4 },
    { offsetof(struct pte_fields, accessed), 1ull << 5 },
    { offsetof(struct pte_fields, dirty), 1ull << 6 },
    { offsetof(struct pte_fields, large_page), 1ull << 7 },
    { offsetof(struct pte_fields, global), 1ull << 8 },
    { offsetof(struct pte_fields, copy_on_write), 1ull << 9 },
    { offsetof(struct pte_fields, prototype), 1ull << 10 },
    { offsetof(struct pte_fields, write_software), 1ull << 11 },
    { offsetof(struct pte_fields, no_execute), 1ull << 63 },
};
#define TRANSITION_FLAGS 4

/* Sets the flags selected by mask; returns the raw bits they stand for. */
static uint64_t set_flags(struct pte_fields *f, unsigned count, unsigned mask)
{
    uint64_t bits = 0;
    for (unsigned i = 0; i < count; i++) {
        bool on = (mask >> i) & 1;
        *(bool *)((char *)f + valid_flags[i].offset) = on;
        if (on)
            bits |= valid_flags[i].bit;
    }
    return bits;
}

static unsigned valid_flag_count(const struct pte_format *fmt)
{
    return fmt->has_nx ? COUNT(valid_flags) : COUNT(valid_flags) - 1;
}

/* ---- format descriptions ------------------------------------------------ */

static void test_x86_format(void **state)
{
    const struct pte_format *f = &pte_format_x86;
    (void)state;
    assert_int_equal(f->arch, NTMM_ARCH_X86);
    assert_string_equal(f->name, "x86");
    assert_int_equal(f->pte_size, 4);
    assert_int_equal(f->levels, 2);
    assert_int_equal(f->level_shift[0], 22);
    assert_int_equal(f->level_shift[1], 12);
    assert_int_equal(f->level_bits[0], 10);
    assert_int_equal(f->level_bits[1], 10);
    assert_string_equal(f->level_name[0], "PDE");
    assert_string_equal(f->level_name[1], "PTE");
    assert_int_equal(f->large_page_levels, 1u << 0);
    assert_int_equal(f->va_bits, 32);
    assert_int_equal(f->pfn_mask, 0xFFFFF000ull);
    assert_int_equal(f->max_physical, 4ull << 30);
    assert_int_equal(f->top_table_mask, 0xFFFFF000ull);
    assert_false(f->has_nx);
    assert_int_equal(f->pte_base, 0xC0000000ull);
    assert_int_equal(f->self_map_level, 0);
    assert_int_equal(f->self_map_index, 0x300);
    assert_int_equal(f->self_map_count, 1);
    assert_int_equal(f->permissionless_levels, 0);
    assert_int_equal(f->proto_base, X86_PAGED_POOL_START);
    assert_int_equal(f->subsection_base, X86_SUBSECTION_BASE);
}

static void test_pae_format(void **state)
{
    const struct pte_format *f = &pte_format_pae;
    (void)state;
    assert_int_equal(f->arch, NTMM_ARCH_X86_PAE);
    assert_string_equal(f->name, "PAE");
    assert_int_equal(f->pte_size, 8);
    assert_int_equal(f->levels, 3);
    assert_int_equal(f->level_shift[0], 30);
    assert_int_equal(f->level_shift[1], 21);
    assert_int_equal(f->level_shift[2], 12);
    assert_int_equal(f->level_bits[0], 2);
    assert_int_equal(f->level_bits[1], 9);
    assert_int_equal(f->level_bits[2], 9);
    assert_string_equal(f->level_name[0], "PPE");
    assert_string_equal(f->level_name[1], "PDE");
    assert_string_equal(f->level_name[2], "PTE");
    assert_int_equal(f->large_page_levels, 1u << 1);
    assert_int_equal(f->va_bits, 32);
    assert_int_equal(f->pfn_mask, 0x0000003FFFFFF000ull);
    assert_int_equal(f->max_physical, 64ull << 30);
    assert_int_equal(f->top_table_mask, 0xFFFFFFE0ull);
    assert_true(f->has_nx);
    assert_int_equal(f->pte_base, 0xC0000000ull);
    assert_int_equal(f->self_map_level, 1);
    assert_int_equal(f->self_map_index, 0);
    assert_int_equal(f->self_map_count, 4);
    assert_int_equal(f->permissionless_levels, 1u << 0);
    assert_int_equal(f->proto_base, 0);
    assert_int_equal(f->subsection_base, 0);
}

static void test_x64_format(void **state)
{
    const struct pte_format *f = &pte_format_x64;
    (void)state;
    assert_int_equal(f->arch, NTMM_ARCH_X64);
    assert_string_equal(f->name, "x64");
    assert_int_equal(f->pte_size, 8);
    assert_int_equal(f->levels, 4);
    for (unsigned l = 0; l < 4; l++) {
        assert_int_equal(f->level_shift[l], 39 - 9 * l);
        assert_int_equal(f->level_bits[l], 9);
    }
    assert_string_equal(f->level_name[0], "PXE");
    assert_string_equal(f->level_name[1], "PPE");
    assert_string_equal(f->level_name[2], "PDE");
    assert_string_equal(f->level_name[3], "PTE");
    assert_int_equal(f->large_page_levels, (1u << 1) | (1u << 2));
    assert_int_equal(f->va_bits, 48);
    assert_int_equal(f->pfn_mask, 0x0000FFFFFFFFF000ull);
    assert_int_equal(f->max_physical, 128ull << 30);
    assert_int_equal(f->top_table_mask, 0x000FFFFFFFFFF000ull);
    assert_true(f->has_nx);
    assert_int_equal(f->pte_base, 0xFFFFF68000000000ull);
    assert_int_equal(f->self_map_level, 0);
    assert_int_equal(f->self_map_index, 0x1ED);
    assert_int_equal(f->self_map_count, 1);
    assert_int_equal(f->permissionless_levels, 0);
    assert_int_equal(f->proto_base, 0);
    assert_int_equal(f->subsection_base, 0);
}

static void test_format_for(void **state)
{
    (void)state;
    assert_ptr_equal(pte_format_for(NTMM_ARCH_X86), &pte_format_x86);
    assert_ptr_equal(pte_format_for(NTMM_ARCH_X86_PAE), &pte_format_pae);
    assert_ptr_equal(pte_format_for(NTMM_ARCH_X64), &pte_format_x64);
    assert_null(pte_format_for((enum ntmm_arch)0));
}

/* The PFN mask and hardware masks agree with the PFN width the format
 * encodes: the page-table walk reads them instead of decode. */
static void test_masks_match_encoding(void **state)
{
    const struct expect *e = expectation(state);
    const struct pte_format *fmt = e->fmt;
    struct pte_fields f = { .kind = PTE_KIND_VALID, .page_frame_number = low_mask(e->pfn_bits) };
    uint64_t raw = round_trip(fmt, &f);
    assert_raw(PTE_HW_VALID | fmt->pfn_mask, raw);
    assert_int_equal(fmt->pfn_mask, low_mask(e->pfn_bits) << 12);
    assert_true(fmt->max_physical <= (fmt->pfn_mask | 0xFFF) + 1);
}

/* ---- zero --------------------------------------------------------------- */

static void test_zero(void **state)
{
    const struct pte_format *fmt = expectation(state)->fmt;
    struct pte_fields f = { .kind = PTE_KIND_ZERO }, back;
    assert_raw(0, round_trip(fmt, &f));
    fmt->decode(0, PTE_IN_PROTOTYPE, &back);
    assert_int_equal(back.kind, PTE_KIND_ZERO);
    fmt->decode(0, PTE_IN_PAGE_TABLE, &back);
    assert_int_equal(back.kind, PTE_KIND_ZERO);
}

/* ---- valid -------------------------------------------------------------- */

static void test_valid_round_trip(void **state)
{
    const struct expect *e = expectation(state);
    uint64_t pfns[3 + 2 * 64];
    size_t pfn_count = pfn_patterns(e->pfn_bits, pfns);
    unsigned flags = valid_flag_count(e->fmt);
    for (unsigned mask = 0; mask < (1u << flags); mask++) {
        for (size_t p = 0; p < pfn_count; p++) {
            struct pte_fields f = { .kind = PTE_KIND_VALID, .page_frame_number = pfns[p] };
            uint64_t bits = set_flags(&f, flags, mask);
            assert_raw(PTE_HW_VALID | bits | pfns[p] << 12, round_trip(e->fmt, &f));
        }
    }
}

static void test_valid_bit_positions(void **state)
{
    const struct pte_format *fmt = expectation(state)->fmt;
    struct pte_fields f = { .kind = PTE_KIND_VALID, .write = true, .page_frame_number = 0x12345 };
    assert_raw(PTE_HW_VALID | PTE_HW_WRITE | 0x12345ull << 12, round_trip(fmt, &f));
    f = (struct pte_fields){ .kind = PTE_KIND_VALID, .owner = true, .accessed = true,
                             .dirty = true, .global = true };
    assert_raw(PTE_HW_VALID | PTE_HW_OWNER | PTE_HW_ACCESSED | PTE_HW_DIRTY | PTE_HW_GLOBAL,
               round_trip(fmt, &f));
    f = (struct pte_fields){ .kind = PTE_KIND_VALID, .large_page = true, .write_through = true,
                             .cache_disable = true };
    assert_raw(0x99, round_trip(fmt, &f));
    f = (struct pte_fields){ .kind = PTE_KIND_VALID, .copy_on_write = true, .prototype = true,
                             .write_software = true };
    assert_raw(0xE01, round_trip(fmt, &f));
}

static void test_valid_ignores_unused_bits(void **state)
{
    const struct expect *e = expectation(state);
    const struct pte_format *fmt = e->fmt;
    struct pte_fields f;
    /* PAE bits 38-62 are reserved, x64 bits 48-62 hold SoftwareWsIndex, and
     * an x86 PTE has nothing above bit 31. */
    uint64_t above_pfn = low_mask(63) & ~low_mask(12 + e->pfn_bits);
    fmt->decode(PTE_HW_VALID | above_pfn, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.kind, PTE_KIND_VALID);
    assert_int_equal(f.page_frame_number, 0);
    assert_false(f.no_execute);
}

/* ---- transition --------------------------------------------------------- */

static void test_transition_round_trip(void **state)
{
    const struct expect *e = expectation(state);
    uint64_t pfns[3 + 2 * 64];
    size_t pfn_count = pfn_patterns(e->pfn_bits, pfns);
    for (unsigned mask = 0; mask < (1u << TRANSITION_FLAGS); mask++) {
        for (uint32_t prot = 0; prot <= MM_PROTECTION_MASK; prot++) {
            for (size_t p = 0; p < pfn_count; p++) {
                struct pte_fields f = { .kind = PTE_KIND_TRANSITION, .protection = prot,
                                        .page_frame_number = pfns[p] };
                uint64_t bits = set_flags(&f, TRANSITION_FLAGS, mask);
                assert_raw(TRANSITION_BIT | bits | (uint64_t)prot << 5 | pfns[p] << 12,
                           round_trip(e->fmt, &f));
            }
        }
    }
}

/* ---- software: demand zero and pagefile ---------------------------------- */

static void test_demand_zero_round_trip(void **state)
{
    const struct pte_format *fmt = expectation(state)->fmt;
    for (uint32_t prot = 1; prot <= MM_PROTECTION_MASK; prot++) {
        struct pte_fields f = { .kind = PTE_KIND_DEMAND_ZERO, .protection = prot };
        assert_raw((uint64_t)prot << 5, round_trip(fmt, &f));
    }
    struct pte_fields decommit = { .kind = PTE_KIND_DEMAND_ZERO, .protection = MM_DECOMMIT };
    assert_raw(0x200, round_trip(fmt, &decommit));
    struct pte_fields noaccess = { .kind = PTE_KIND_DEMAND_ZERO, .protection = MM_NOACCESS };
    assert_raw(0x300, round_trip(fmt, &noaccess));
}

static void test_pagefile_round_trip(void **state)
{
    const struct expect *e = expectation(state);
    uint64_t highs[3 + 2 * 64];
    size_t high_count = pfn_patterns(e->page_file_high_bits, highs);
    for (size_t h = 1; h < high_count; h++) { /* highs[0] is 0: never a pagefile offset */
        for (uint32_t low = 0; low < 16; low++) {
            for (uint32_t prot = 0; prot <= MM_PROTECTION_MASK; prot++) {
                struct pte_fields f = { .kind = PTE_KIND_PAGEFILE, .protection = prot,
                                        .page_file_low = low, .page_file_high = highs[h] };
                uint64_t expected = (uint64_t)low << 1 | (uint64_t)prot << 5 |
                                    highs[h] << e->page_file_high_pos;
                assert_raw(expected, round_trip(e->fmt, &f));
            }
        }
    }
}

/* A PTE with a pagefile number but offset 0 is demand zero only if the
 * number is 0 too; Windows never writes the other case, and decode calls it
 * a pagefile PTE. */
static void test_software_classification(void **state)
{
    const struct expect *e = expectation(state);
    const struct pte_format *fmt = e->fmt;
    struct pte_fields f;
    fmt->decode(MM_READWRITE << 5, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.kind, PTE_KIND_DEMAND_ZERO);
    assert_int_equal(f.protection, MM_READWRITE);
    fmt->decode(1ull << e->page_file_high_pos, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.kind, PTE_KIND_PAGEFILE);
    assert_int_equal(f.protection, 0);
    assert_int_equal(f.page_file_high, 1);
    fmt->decode(MM_READONLY << 5 | 3 << 1, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.kind, PTE_KIND_PAGEFILE);
    assert_int_equal(f.page_file_low, 3);
    assert_int_equal(f.page_file_high, 0);
}

/* ---- prototype and subsection ------------------------------------------ */

static void proto_round_trips(const struct expect *e, uint64_t address)
{
    bool lookup = address == e->lookup_needed; /* its Protection is the page's, never read-only */
    uint32_t max_prot = e->proto_has_protection || lookup ? MM_PROTECTION_MASK : 0;
    for (uint32_t prot = 0; prot <= max_prot; prot++) {
        for (int ro = 0; ro < 2 - lookup; ro++) {
            struct pte_fields f = { .kind = PTE_KIND_PROTOTYPE, .protection = prot,
                                    .read_only = ro, .proto_address = address };
            uint64_t raw = round_trip(e->fmt, &f);
            assert_raw(e->proto_raw(address, prot, ro), raw);
        }
    }
}

static void test_prototype_round_trip(void **state)
{
    const struct expect *e = expectation(state);
    uint64_t addresses[64 + 16];
    size_t n = address_list(&e->proto, addresses);
    for (size_t i = 0; i < n; i++)
        proto_round_trips(e, addresses[i]);
}

static void test_subsection_round_trip(void **state)
{
    const struct expect *e = expectation(state);
    uint64_t addresses[64 + 16];
    size_t n = address_list(&e->subsection, addresses);
    for (size_t i = 0; i < n; i++) {
        for (uint32_t prot = 0; prot <= MM_PROTECTION_MASK; prot++) {
            struct pte_fields f = { .kind = PTE_KIND_SUBSECTION, .protection = prot,
                                    .subsection_address = addresses[i] };
            uint64_t raw = round_trip(e->fmt, &f);
            assert_raw(e->subsection_raw(addresses[i], prot, false), raw);
        }
    }
}

/* The prototype bit means a prototype PTE in a page table and a subsection
 * PTE inside a prototype PTE; it wins over the transition bit. */
static void test_prototype_context(void **state)
{
    const struct expect *e = expectation(state);
    const struct pte_format *fmt = e->fmt;
    struct pte_fields f;
    fmt->decode(PROTOTYPE_BIT | TRANSITION_BIT, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.kind, PTE_KIND_PROTOTYPE);
    fmt->decode(PROTOTYPE_BIT | TRANSITION_BIT, PTE_IN_PROTOTYPE, &f);
    assert_int_equal(f.kind, PTE_KIND_SUBSECTION);
    fmt->decode(PROTOTYPE_BIT | PTE_HW_VALID, PTE_IN_PROTOTYPE, &f);
    assert_int_equal(f.kind, PTE_KIND_VALID);
    assert_true(f.prototype);
}

/* Windows marks "find the prototype PTE through the VAD" by PageFileHigh
 * all ones; decode reports it as the all-ones address whatever the bits
 * below, with the software PTE's Protection (bits 5-9), and the marker the
 * format writes is what pte_canonical makes of all ones. A read-only marker
 * does not exist. */
static void test_lookup_needed(void **state)
{
    const struct expect *e = expectation(state);
    const struct pte_format *fmt = e->fmt;
    struct pte_fields f;
    assert_int_equal(e->lookup_needed, pte_canonical(fmt, ~0ull));
    fmt->decode(e->lookup_raw_windows, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.kind, PTE_KIND_PROTOTYPE);
    assert_int_equal(f.proto_address, e->lookup_needed);
    assert_int_equal(f.protection, 0);
    fmt->decode(e->lookup_raw_windows | MM_EXECUTE_READWRITE << 5, PTE_IN_PAGE_TABLE, &f);
    assert_int_equal(f.protection, MM_EXECUTE_READWRITE);
    struct pte_fields marker = { .kind = PTE_KIND_PROTOTYPE, .proto_address = e->lookup_needed,
                                 .protection = MM_NOACCESS };
    uint64_t raw = round_trip(fmt, &marker);
    assert_int_equal(raw, e->lookup_raw_windows | MM_NOACCESS << 5);
    marker.read_only = true;
    assert_false(fmt->encode(&marker, &raw));
}

/* ---- refusals ----------------------------------------------------------- */

static void test_encode_refuses_common(void **state)
{
    const struct expect *e = expectation(state);
    const struct pte_format *fmt = e->fmt;
    uint64_t wide_pfn = 1ull << e->pfn_bits;
    uint64_t wide_high = 1ull << e->page_file_high_bits;
    const struct pte_fields refused[] = {
        { .kind = PTE_KIND_VALID, .page_frame_number = wide_pfn },
        { .kind = PTE_KIND_VALID, .page_frame_number = ~0ull },
        { .kind = PTE_KIND_TRANSITION, .page_frame_number = wide_pfn },
        { .kind = PTE_KIND_TRANSITION, .protection = 32 },
        { .kind = PTE_KIND_DEMAND_ZERO, .protection = 0 },
        { .kind = PTE_KIND_DEMAND_ZERO, .protection = 32 },
        { .kind = PTE_KIND_PAGEFILE, .page_file_high = 0, .protection = 4 },
        { .kind = PTE_KIND_PAGEFILE, .page_file_high = wide_high },
        { .kind = PTE_KIND_PAGEFILE, .page_file_high = 1, .page_file_low = 16 },
        { .kind = PTE_KIND_PAGEFILE, .page_file_high = 1, .protection = 32 },
        { .kind = PTE_KIND_SUBSECTION, .protection = 32,
          .subsection_address = e->subsection.edges[0] },
        { .kind = PTE_KIND_PROTOTYPE, .protection = 32, .proto_address = e->proto.edges[0] },
        { .kind = (enum pte_kind)99 },
    };
    for (size_t i = 0; i < COUNT(refused); i++)
        assert_refused(fmt, &refused[i]);
    if (!fmt->has_nx)
        assert_refused(fmt, &(struct pte_fields){ .kind = PTE_KIND_VALID, .no_execute = true });
}

static void test_encode_refuses_addresses(void **state)
{
    const struct expect *e = expectation(state);
    for (size_t i = 0; i < e->proto_refused_count; i++)
        assert_refused(e->fmt, &(struct pte_fields){ .kind = PTE_KIND_PROTOTYPE,
                                                     .proto_address = e->proto_refused[i] });
    for (size_t i = 0; i < e->subsection_refused_count; i++) {
        uint64_t address = e->subsection_refused[i];
        assert_refused(e->fmt, &(struct pte_fields){ .kind = PTE_KIND_SUBSECTION,
                                                     .subsection_address = address });
    }
    if (!e->proto_has_protection)
        assert_refused(e->fmt, &(struct pte_fields){ .kind = PTE_KIND_PROTOTYPE, .protection = 1,
                                                     .proto_address = e->proto.edges[0] });
}

/* ---- arbitrary raw values ------------------------------------------------ */

static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Whatever decode makes of a raw value, encode either refuses it or writes
 * something that decodes the same: decode . encode . decode == decode. */
static void test_decode_is_stable(void **state)
{
    const struct pte_format *fmt = expectation(state)->fmt;
    uint64_t seed = 0x9E3779B97F4A7C15ull;
    uint64_t width_mask = fmt->pte_size == 4 ? 0xFFFFFFFFull : ~0ull;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t raw = next_random(&seed) & width_mask;
        enum pte_context context = (i & 1) ? PTE_IN_PROTOTYPE : PTE_IN_PAGE_TABLE;
        struct pte_fields f, again;
        uint64_t encoded;
        fmt->decode(raw, context, &f);
        assert_int_equal(f.kind == PTE_KIND_VALID, (raw & PTE_HW_VALID) != 0);
        if (!fmt->encode(&f, &encoded))
            continue;
        fmt->decode(encoded, context, &again);
        assert_same_fields(&f, &again, raw);
    }
}

/* ---- self-map arithmetic (pte.c) ---------------------------------------- */

static void test_x86_self_map(void **state)
{
    const struct pte_format *fmt = &pte_format_x86;
    (void)state;
    assert_int_equal(pte_address(fmt, 0x00390000, 0), 0xC0000E40);
    assert_int_equal(pte_address(fmt, 0x00390000, 1), 0xC0300000);
    assert_int_equal(pte_address(fmt, 0x80000000, 1), 0xC0300800);
    assert_int_equal(pte_address(fmt, 0xC0300000, 0), 0xC0300C00); /* PD[0x300] maps the PD */
    assert_int_equal(pte_mapped_address(fmt, 0xC0000E40), 0x00390000);
    assert_int_equal(pte_mapped_address(fmt, 0xC0300000), 0xC0000000);
    assert_int_equal(pte_self_map_end(fmt), 0xC0400000);
    assert_true(pte_is_upper_level_address(fmt, 0xC0300000));
    assert_true(pte_is_upper_level_address(fmt, 0xC0300FFC));
    assert_false(pte_is_upper_level_address(fmt, 0xC0000E40));
    assert_false(pte_is_upper_level_address(fmt, 0xC0301000));
    assert_int_equal(pte_canonical(fmt, 0x123456789ull), 0x23456789);
}

static void test_pae_self_map(void **state)
{
    const struct pte_format *fmt = &pte_format_pae;
    (void)state;
    assert_int_equal(pte_address(fmt, 0x00390000, 0), 0xC0001C80);
    /* A PAE PDE covers 2 MB, so 0x390000 is under the second PDE of PD0. */
    assert_int_equal(pte_address(fmt, 0x00390000, 1), 0xC0600008);
    assert_int_equal(pte_address(fmt, 0x00000000, 1), 0xC0600000);
    assert_int_equal(pte_address(fmt, 0x80000000, 1), 0xC0602000);
    assert_int_equal(pte_address(fmt, 0x00390000, 2), 0xC0603000); /* PD3[0] maps PD0 */
    for (unsigned i = 0; i < 4; i++) /* the four self-map PDEs */
        assert_int_equal(pte_address(fmt, 0xC0600000 + i * 0x1000ull, 0), 0xC0603000 + i * 8ull);
    assert_int_equal(pte_mapped_address(fmt, 0xC0001C80), 0x00390000);
    assert_int_equal(pte_mapped_address(fmt, 0xC0602000), 0xC0400000);
    assert_int_equal(pte_self_map_end(fmt), 0xC0800000);
    assert_true(pte_is_upper_level_address(fmt, 0xC0600000));
    assert_true(pte_is_upper_level_address(fmt, 0xC0603FF8));
    assert_false(pte_is_upper_level_address(fmt, 0xC0001C80));
    assert_false(pte_is_upper_level_address(fmt, 0xC0604000));
}

static void test_x64_self_map(void **state)
{
    const struct pte_format *fmt = &pte_format_x64;
    (void)state;
    assert_int_equal(pte_address(fmt, 0x390000, 0), 0xFFFFF68000001C80ull);
    assert_int_equal(pte_address(fmt, 0x390000, 1), 0xFFFFF6FB40000008ull);
    assert_int_equal(pte_address(fmt, 0, 1), 0xFFFFF6FB40000000ull); /* PDE_BASE */
    assert_int_equal(pte_address(fmt, 0, 2), 0xFFFFF6FB7DA00000ull); /* PPE_BASE */
    assert_int_equal(pte_address(fmt, 0, 3), 0xFFFFF6FB7DBED000ull); /* PXE_BASE */
    /* PXE[0x1ED] maps the PML4 itself */
    assert_int_equal(pte_address(fmt, 0xFFFFF6FB7DBED000ull, 0), 0xFFFFF6FB7DBEDF68ull);
    assert_int_equal(pte_address(fmt, 0xFFFFF80000000000ull, 0), 0xFFFFF6FC00000000ull);
    assert_int_equal(pte_mapped_address(fmt, 0xFFFFF68000001C80ull), 0x390000);
    assert_int_equal(pte_mapped_address(fmt, 0xFFFFF6FC00000000ull), 0xFFFFF80000000000ull);
    assert_int_equal(pte_self_map_end(fmt), 0xFFFFF70000000000ull);
    assert_true(pte_is_upper_level_address(fmt, 0xFFFFF6FB40000000ull));
    assert_true(pte_is_upper_level_address(fmt, 0xFFFFF6FB7DBEDF68ull));
    assert_false(pte_is_upper_level_address(fmt, 0xFFFFF68000001C80ull));
    assert_int_equal(pte_canonical(fmt, 0x0000800000000000ull), 0xFFFF800000000000ull);
    assert_int_equal(pte_canonical(fmt, 0x00007FFFFFFFFFFFull), 0x00007FFFFFFFFFFFull);
    assert_int_equal(pte_canonical(fmt, 0x1234F80000000000ull), 0xFFFFF80000000000ull);
}

/* pte.c's invariants over a spread of addresses in every format. */
static void test_self_map_invariants(void **state)
{
    const struct pte_format *fmt = expectation(state)->fmt;
    static const uint64_t samples[] = {
        0x0, 0x10000, 0x390000, 0x7FFEFFFF, 0x80000000, 0xC0000000, 0xE1000000, 0xFFFFF000,
        0x00007FFFFFFEFFFF, 0xFFFF800000000000, 0xFFFFF80000001234, 0xFFFFFFFFFFFFFFFF,
    };
    for (size_t i = 0; i < COUNT(samples); i++) {
        uint64_t va = pte_canonical(fmt, samples[i]);
        uint64_t pte = pte_address(fmt, va, 0);
        assert_int_equal(pte_mapped_address(fmt, pte), va & ~0xFFFull);
        for (unsigned l = 0; l + 1 < fmt->levels; l++) {
            uint64_t entry = pte_address(fmt, va, l);
            assert_int_equal(pte_address(fmt, va, l + 1), pte_address(fmt, entry, 0));
        }
        assert_true(pte_is_upper_level_address(fmt, pte_address(fmt, va, 1)));
        if (va < fmt->pte_base || va >= pte_self_map_end(fmt))
            assert_false(pte_is_upper_level_address(fmt, pte));
    }
}

#define FOR_EACH_FORMAT(fn)                                       \
    { "x86 " #fn, fn, NULL, NULL, (void *)&expect_x86 },          \
    { "PAE " #fn, fn, NULL, NULL, (void *)&expect_pae },          \
    { "x64 " #fn, fn, NULL, NULL, (void *)&expect_x64 }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x86_format),
        cmocka_unit_test(test_pae_format),
        cmocka_unit_test(test_x64_format),
        cmocka_unit_test(test_format_for),
        FOR_EACH_FORMAT(test_masks_match_encoding),
        FOR_EACH_FORMAT(test_zero),
        FOR_EACH_FORMAT(test_valid_round_trip),
        FOR_EACH_FORMAT(test_valid_bit_positions),
        FOR_EACH_FORMAT(test_valid_ignores_unused_bits),
        FOR_EACH_FORMAT(test_transition_round_trip),
        FOR_EACH_FORMAT(test_demand_zero_round_trip),
        FOR_EACH_FORMAT(test_pagefile_round_trip),
        FOR_EACH_FORMAT(test_software_classification),
        FOR_EACH_FORMAT(test_prototype_round_trip),
        FOR_EACH_FORMAT(test_subsection_round_trip),
        FOR_EACH_FORMAT(test_prototype_context),
        FOR_EACH_FORMAT(test_lookup_needed),
        FOR_EACH_FORMAT(test_encode_refuses_common),
        FOR_EACH_FORMAT(test_encode_refuses_addresses),
        FOR_EACH_FORMAT(test_decode_is_stable),
        cmocka_unit_test(test_x86_self_map),
        cmocka_unit_test(test_pae_self_map),
        cmocka_unit_test(test_x64_self_map),
        FOR_EACH_FORMAT(test_self_map_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
