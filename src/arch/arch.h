/*
 * arch.h — the processor as ntmm models it: the three paging modes' PTE
 * formats (hardware and Windows' software PTEs), the page-table walk and the
 * PTE self-map addresses. One implementation file per format
 * (pte_x86.c, pte_pae.c, pte_x64.c) fills a struct pte_format; shared code
 * never tests which architecture it runs on, it reads the format.
 *
 * Invariants:
 * (1) decode(encode(f)) == f for every representable f of every kind, and
 *     encode(decode(raw)) == raw for every raw value a format produces.
 * (2) Hardware bits sit where the processor reads them: Valid 0, Write 1,
 *     Owner 2, WriteThrough 3, CacheDisable 4, Accessed 5, Dirty 6,
 *     LargePage 7, Global 8, NoExecute 63 (PAE and x64 only); the walk reads
 *     them with the PTE_HW_* masks below and never through decode.
 * (3) A raw value of 0 is PTE_KIND_ZERO in every format.
 */
#ifndef NTMM_ARCH_H
#define NTMM_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "ntmm/ntmm.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE 0x1000ull

/* Hardware bits common to the three formats (Intel SDM vol. 3, 4.3-4.5). */
#define PTE_HW_VALID (1ull << 0)
#define PTE_HW_WRITE (1ull << 1)
#define PTE_HW_OWNER (1ull << 2) /* 1 = user-mode accessible */
#define PTE_HW_WRITE_THROUGH (1ull << 3)
#define PTE_HW_CACHE_DISABLE (1ull << 4)
#define PTE_HW_ACCESSED (1ull << 5)
#define PTE_HW_DIRTY (1ull << 6)
#define PTE_HW_LARGE_PAGE (1ull << 7) /* in a PDE (or x64 PPE) */
#define PTE_HW_GLOBAL (1ull << 8)
#define PTE_HW_NO_EXECUTE (1ull << 63) /* PAE and x64 */

/* Windows' 5-bit software protection (the Protection field of software,
 * transition, prototype and subsection PTEs). The low three bits are the base
 * protection; MM_NOCACHE and MM_GUARD_PAGE modify it; with a base of 0 they
 * mean decommitted (MM_DECOMMIT) and no access (MM_NOACCESS); MM_NOCACHE |
 * MM_GUARD_PAGE with a non-zero base is write-combined (MM_WRITECOMBINE). */
#define MM_ZERO_ACCESS 0
#define MM_READONLY 1
#define MM_EXECUTE 2
#define MM_EXECUTE_READ 3
#define MM_READWRITE 4
#define MM_WRITECOPY 5
#define MM_EXECUTE_READWRITE 6
#define MM_EXECUTE_WRITECOPY 7
#define MM_NOCACHE 0x08
#define MM_GUARD_PAGE 0x10
#define MM_DECOMMIT 0x10
#define MM_NOACCESS 0x18
#define MM_WRITECOMBINE 0x18
#define MM_PROTECTION_MASK 0x1f

/* The kinds of PTE Windows' fault dispatcher tells apart. */
enum pte_kind {
    PTE_KIND_ZERO,        /* all bits 0: nothing here, only a VAD can say more */
    PTE_KIND_VALID,       /* _MMPTE_HARDWARE: Valid = 1 */
    PTE_KIND_DEMAND_ZERO, /* _MMPTE_SOFTWARE with Protection and no pagefile offset */
    PTE_KIND_PAGEFILE,    /* _MMPTE_SOFTWARE: PageFileLow (file) and PageFileHigh (page offset) */
    PTE_KIND_TRANSITION,  /* _MMPTE_TRANSITION: frame on the standby or modified list */
    PTE_KIND_PROTOTYPE,   /* _MMPTE_PROTOTYPE: points at a prototype PTE */
    PTE_KIND_SUBSECTION,  /* _MMPTE_SUBSECTION: a prototype PTE pointing at its subsection */
};

/* One PTE decoded. Which fields mean something depends on kind; the others
 * are zero after decode and ignored by encode. */
struct pte_fields {
    enum pte_kind kind;
    /* PTE_KIND_VALID (_MMPTE_HARDWARE); write/owner/write_through/cache_disable
     * also in PTE_KIND_TRANSITION (_MMPTE_TRANSITION keeps them) */
    bool write;          /* hardware Write, bit 1 */
    bool owner;          /* 1: user-mode accessible */
    bool write_through;  /* PWT */
    bool cache_disable;  /* PCD */
    bool accessed;       /* set by the MMU on any access */
    bool dirty;          /* set by the MMU on a write */
    bool large_page;     /* PDE (or PPE) maps a large page */
    bool global;         /* survives a CR3 switch in the TLB */
    bool copy_on_write;  /* software bit 9: write faults copy the page */
    bool prototype;      /* software bit 10 of a valid PTE: frame is a section page */
    bool write_software; /* software bit 11: the page may be written (x86 MP Write bit) */
    bool no_execute;     /* bit 63, PAE and x64 */
    uint64_t page_frame_number; /* VALID, TRANSITION: the frame */
    uint32_t protection;        /* DEMAND_ZERO, PAGEFILE, TRANSITION, PROTOTYPE, SUBSECTION: MM_* */
    uint32_t page_file_low;     /* PAGEFILE: pagefile number, 0-15 */
    uint64_t page_file_high;    /* PAGEFILE: offset in the pagefile, pages, never 0 */
    uint64_t proto_address;     /* PROTOTYPE: virtual address of the prototype PTE */
    bool read_only;             /* PROTOTYPE: ReadOnly bit */
    uint64_t subsection_address; /* SUBSECTION: virtual address of the _SUBSECTION */
};

/* Where a software PTE is found changes what its Prototype bit means: in a
 * process (hardware) page table it marks a _MMPTE_PROTOTYPE, in a prototype
 * PTE (a section's segment) a _MMPTE_SUBSECTION. */
enum pte_context { PTE_IN_PAGE_TABLE, PTE_IN_PROTOTYPE };

#define PTE_MAX_LEVELS 4

struct pte_format {
    enum ntmm_arch arch;
    const char *name;           /* "x86", "PAE", "x64" */
    unsigned pte_size;          /* bytes in one entry: 4 or 8 */
    unsigned pte_shift;         /* log2(pte_size): 2 or 3 */
    unsigned levels;            /* 2, 3 or 4 */
    unsigned level_shift[PTE_MAX_LEVELS]; /* VA bit where each level's index starts, top level first */
    unsigned level_bits[PTE_MAX_LEVELS];  /* width of each level's index */
    const char *level_name[PTE_MAX_LEVELS]; /* WinDbg's names, top first: PXE PPE PDE PTE */
    unsigned large_page_levels; /* bit L set: an entry at level L (0 = top) may map a large page */
    unsigned va_bits;           /* implemented virtual address bits (32 or 48) */
    uint64_t pfn_mask;          /* PageFrameNumber bits of a hardware PTE, in place */
    uint64_t max_physical;      /* bytes of RAM the paging mode can address */
    uint64_t top_table_mask;    /* bits of CR3 that hold the top table's physical address */
    bool has_nx;                /* NoExecute bit honoured */
    uint64_t pte_base;          /* PTE_BASE: the self-map, where MiGetPteAddress starts */
    unsigned self_map_level;    /* level whose tables hold the self-map entries: 0 (x86, x64), 1 (PAE) */
    unsigned self_map_index;    /* index of the first self-map entry in the table at self_map_level that covers pte_base */
    unsigned self_map_count;    /* self-map entries: 1 (x86, x64), 4 (PAE: PD3[0..3] -> PD0..PD3) */
    unsigned permissionless_levels; /* bit L set: level L entries have no Write/Owner/NX bits (PAE PDPTEs) */
    uint64_t proto_base;        /* x86 only (0 for PAE, x64): base added to encoded prototype PTE addresses */
    uint64_t subsection_base;   /* x86 only (0 for PAE, x64): base added to encoded subsection addresses */
    uint64_t proto_lookup_needed; /* the proto_address of MI_PTE_LOOKUP_NEEDED (pte_bits.h) */
    /* Encodes f; returns false (and leaves *raw alone) if f cannot be
     * represented in this format (a field too wide, an unaligned address). */
    bool (*encode)(const struct pte_fields *f, uint64_t *raw);
    void (*decode)(uint64_t raw, enum pte_context context, struct pte_fields *f);
};

extern const struct pte_format pte_format_x86;
extern const struct pte_format pte_format_pae;
extern const struct pte_format pte_format_x64;

const struct pte_format *pte_format_for(enum ntmm_arch arch);

/* Canonical form of a virtual address (sign-extended above va_bits on x64,
 * truncated to 32 bits on x86). */
static inline uint64_t pte_canonical(const struct pte_format *fmt, uint64_t va)
{
    unsigned unused = 64 - fmt->va_bits;
    if (fmt->va_bits == 32)
        return va & 0xffffffffull;
    return (uint64_t)((int64_t)(va << unused) >> unused);
}

/* Windows: MiGetPteAddress — the self-map address of the entry that maps va
 * at the given level (0 = PTE, 1 = PDE, 2 = PPE, 3 = PXE). */
uint64_t pte_address(const struct pte_format *fmt, uint64_t va, unsigned level);

/* Windows: MiGetVirtualAddressMappedByPte — the inverse of pte_address(va, 0). */
uint64_t pte_mapped_address(const struct pte_format *fmt, uint64_t pte_va);

/* The VA range of the self-map: every paging-structure entry of the address
 * space is visible in [pte_base, self_map_end). */
uint64_t pte_self_map_end(const struct pte_format *fmt);

/* True if pte_va lies where the self-map shows entries above the PTE level
 * (PDEs, PPEs, PXEs): an entry there maps a paging structure. */
bool pte_is_upper_level_address(const struct pte_format *fmt, uint64_t pte_va);

/* Index of va in the table of the given level (0 = top). */
static inline unsigned pte_index(const struct pte_format *fmt, uint64_t va, unsigned level)
{
    return (unsigned)((va >> fmt->level_shift[level]) & ((1ull << fmt->level_bits[level]) - 1));
}

#endif
