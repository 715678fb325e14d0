/*
 * mm.h — the memory manager's types: the PFN database in Windows' byte
 * layout, the page lists, and the system address space the machine boots.
 *
 * Glossary (these words mean only this throughout src/mm):
 *   frame        a 4 KB page of simulated physical memory.
 *   PFN          page frame number: a frame's index, physical address >> 12.
 *   VPN          virtual page number: virtual address >> 12.
 *   PFN entry    the frame's _MMPFN in the PFN database (MmPfnDatabase[PFN]).
 *   page table   any paging-structure page (PTE page, page directory, PDPT,
 *   page         PML4); its frame is Active like any other.
 *   PteAddress   the virtual address, in the PTE self-map, of the entry that
 *                maps a frame.
 *   PteFrame     the PFN of the page table page holding that entry.
 *   prototype    a section's PTE that describes a shared page (sections
 *   PTE          arrive with a later issue).
 *   commit       virtual memory the system has promised to back with RAM or
 *   charge       pagefile (a later issue).
 *
 * The PFN database and the list heads live in simulated memory; struct mm
 * holds only where they are (host and virtual addresses) and their layout,
 * never a second copy of their contents.
 */
#ifndef NTMM_MM_H
#define NTMM_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arch/cpu.h"

/* PageLocation values and MMLISTS ListName values (Windows' numbering). */
enum mm_list {
    ZeroedPageList = 0,
    FreePageList = 1,
    StandbyPageList = 2,
    ModifiedPageList = 3,
    ModifiedNoWritePageList = 4,
    BadPageList = 5,
    ActiveAndValid = 6,
    TransitionPage = 7,
};
#define MM_LIST_HEADS 7 /* the six page lists of PageLocation 0-5, then the ROM list */
#define MM_ROM_LIST 6   /* index of MmRomPageListHead among the heads */

/* MM_EMPTY_LIST: the PFN that ends a list (all ones at pointer width). */
#define MM_EMPTY_LIST(mm) ((mm)->pfn_layout->empty)

/* Where each field of _MMPFN and MMPFNLIST sits for one architecture. */
struct pfn_layout {
    unsigned size;         /* sizeof(_MMPFN), bytes */
    unsigned word;         /* bytes of a PFN_NUMBER / pointer: 4 or 8 */
    unsigned u1;           /* offset of u1 (Flink / WsIndex) */
    unsigned pte_address;  /* offset of PteAddress */
    unsigned u2;           /* offset of u2 (Blink / ShareCount) */
    unsigned u3;           /* offset of u3: e1 flags (16 bits), then ReferenceCount (16 bits) */
    unsigned original_pte; /* offset of OriginalPte */
    unsigned original_pte_size; /* bytes of an _MMPTE */
    unsigned u4;           /* offset of u4 (PteFrame and flags) */
    unsigned pte_frame_bits; /* width of u4.PteFrame */
    unsigned list_size;    /* sizeof(MMPFNLIST): Total, ListName, Flink, Blink */
    unsigned list_name;    /* offset of ListName */
    unsigned list_flink;   /* offset of Flink */
    unsigned list_blink;   /* offset of Blink */
    uint64_t empty;        /* MM_EMPTY_LIST */
};

/* _MMPFNENTRY (u3.e1) bit positions, as seed 004's `dt _MMPFNENTRY` shows. */
#define PFN_E1_MODIFIED 0
#define PFN_E1_READ_IN_PROGRESS 1
#define PFN_E1_WRITE_IN_PROGRESS 2
#define PFN_E1_PROTOTYPE_PTE 3
#define PFN_E1_PAGE_COLOR 4 /* 3 bits */
#define PFN_E1_PARITY_ERROR 7
#define PFN_E1_PAGE_LOCATION 8 /* 3 bits */
#define PFN_E1_REMOVAL_REQUESTED 11
#define PFN_E1_CACHE_ATTRIBUTE 12 /* 2 bits */
#define PFN_E1_ROM 14
#define PFN_E1_LOCK_CHARGED 15

/* Kernel variables the machine keeps in simulated memory, in the kernel
 * image's data page, each named in the symbol table. */
enum mm_symbol {
    SYM_MmPfnDatabase,
    SYM_MmNumberOfPhysicalPages,
    SYM_MmHighestPhysicalPage,
    SYM_MmAvailablePages,
    SYM_MmZeroedPageListHead,
    SYM_MmFreePageListHead,
    SYM_MmStandbyPageListHead,
    SYM_MmModifiedPageListHead,
    SYM_MmModifiedNoWritePageListHead,
    SYM_MmBadPageListHead,
    SYM_MmRomPageListHead,
    SYM_MmPageLocationList,
    SYM_COUNT
};

struct mm_symbol_info {
    const char *name;  /* without the "nt!" prefix */
    const char *type;  /* WinDbg's type name */
    uint64_t va;       /* address in the kernel image */
    unsigned size;     /* bytes */
};

/* Virtual layout of the system space for one architecture. */
struct mm_system_layout {
    uint64_t kernel_base;    /* where the kernel image is mapped */
    uint64_t pfn_database;   /* MmPfnDatabase */
};

#define MM_KERNEL_IMAGE_PAGES 0x200u /* the boot image: 2 MB, like ntoskrnl */
#define MM_KERNEL_DATA_PAGE 1u       /* image page that holds the kernel variables */
#define MM_KERNEL_PDPT_PAGE 2u       /* image page that holds the PAE PDPT */
#define MM_MINIMUM_RAM (16ull << 20) /* smallest machine ntmm boots */

struct mm {
    struct cpu *cpu;                     /* the processor and RAM */
    const struct pfn_layout *pfn_layout; /* _MMPFN layout of this architecture */
    const struct mm_system_layout *layout;
    uint64_t frames;                     /* MmNumberOfPhysicalPages */
    uint8_t *pfn_host;                   /* host address of MmPfnDatabase[0] */
    uint8_t *data_host;                  /* host address of the kernel data page */
    uint64_t data_va;                    /* its virtual address */
    uint64_t system_cr3;                 /* DirectoryTableBase of the System process */
    struct mm_symbol_info symbols[SYM_COUNT];
    uint64_t boot_frames;                /* frames the boot image, PFN database and page tables took */
};

/* Little-endian fields of simulated memory, 2, 4 or 8 bytes wide; fixed-size
 * copies so that each is one load or store. */
static inline uint64_t mm_load(const uint8_t *p, unsigned width)
{
    uint64_t v64;
    uint32_t v32;
    uint16_t v16;
    switch (width) {
    case 8:
        memcpy(&v64, p, 8);
        return v64;
    case 4:
        memcpy(&v32, p, 4);
        return v32;
    default:
        memcpy(&v16, p, 2);
        return v16;
    }
}

static inline void mm_store(uint8_t *p, unsigned width, uint64_t v)
{
    uint32_t v32 = (uint32_t)v;
    uint16_t v16 = (uint16_t)v;
    switch (width) {
    case 8:
        memcpy(p, &v, 8);
        break;
    case 4:
        memcpy(p, &v32, 4);
        break;
    default:
        memcpy(p, &v16, 2);
        break;
    }
}

/* ---- pfn.c: the PFN database, read and written in place ---- */
const struct pfn_layout *pfn_layout_for(enum ntmm_arch arch);

static inline uint8_t *pfn_entry(const struct mm *mm, uint64_t pfn)
{
    return mm->pfn_host + pfn * mm->pfn_layout->size;
}

uint64_t pfn_flink(const struct mm *mm, uint64_t pfn);       /* u1 */
void pfn_set_flink(struct mm *mm, uint64_t pfn, uint64_t v);
uint64_t pfn_blink(const struct mm *mm, uint64_t pfn);       /* u2 */
void pfn_set_blink(struct mm *mm, uint64_t pfn, uint64_t v);
#define pfn_share_count pfn_blink                            /* u2 of an active page */
#define pfn_set_share_count pfn_set_blink
uint64_t pfn_pte_address(const struct mm *mm, uint64_t pfn);
void pfn_set_pte_address(struct mm *mm, uint64_t pfn, uint64_t v);
unsigned pfn_reference_count(const struct mm *mm, uint64_t pfn);
void pfn_set_reference_count(struct mm *mm, uint64_t pfn, unsigned v);
unsigned pfn_e1(const struct mm *mm, uint64_t pfn, unsigned pos, unsigned width);
void pfn_set_e1(struct mm *mm, uint64_t pfn, unsigned pos, unsigned width, unsigned v);
uint64_t pfn_original_pte(const struct mm *mm, uint64_t pfn);
void pfn_set_original_pte(struct mm *mm, uint64_t pfn, uint64_t v);
uint64_t pfn_pte_frame(const struct mm *mm, uint64_t pfn);
void pfn_set_pte_frame(struct mm *mm, uint64_t pfn, uint64_t v);

static inline enum mm_list pfn_location(const struct mm *mm, uint64_t pfn)
{
    return (enum mm_list)pfn_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3);
}

/* Windows: MiInitializePfn — makes a frame just taken off a list Active,
 * mapped by the PTE at pte_address in page table page pte_frame, and counts
 * it in that page table's ShareCount. */
void pfn_initialize_active(struct mm *mm, uint64_t pfn, uint64_t pte_address,
                           uint64_t pte_frame, uint64_t original_pte);

/* ---- pagelist.c: the page lists ---- */
uint8_t *pagelist_head(const struct mm *mm, unsigned list);
uint64_t pagelist_total(const struct mm *mm, unsigned list);
uint64_t pagelist_first(const struct mm *mm, unsigned list);
uint64_t pagelist_last(const struct mm *mm, unsigned list);
void pagelist_insert_tail(struct mm *mm, enum mm_list list, uint64_t pfn);
void pagelist_unlink(struct mm *mm, uint64_t pfn);
uint64_t pagelist_remove_head(struct mm *mm, enum mm_list list);
uint64_t mm_available_pages(const struct mm *mm);

/* Windows: MiRemoveZeroPage — a zero-filled frame for a demand-zero fault,
 * unlinked; MM_EMPTY_LIST when none is left. */
uint64_t mm_remove_zero_page(struct mm *mm);
/* Windows: MiRemoveAnyPage — a frame whose contents will be overwritten. */
uint64_t mm_remove_any_page(struct mm *mm);
/* Windows: MiInsertPageInFreeList — a frame no one uses any more. */
void mm_insert_page_in_free_list(struct mm *mm, uint64_t pfn);

/* ---- zero.c: the zero page thread ---- */
/* Windows: MmZeroPageThread — zeroes up to budget frames from the free list
 * onto the zeroed list; returns how many it zeroed. */
uint64_t mm_zero_page_thread(struct mm *mm, uint64_t budget);

/* ---- init.c: boot ---- */
const struct mm_system_layout *mm_system_layout_for(enum ntmm_arch arch);
/* Windows: MmInitSystem — builds everything above on a machine whose RAM is
 * fresh (all zero). */
NTSTATUS mm_init(struct mm *mm, struct cpu *cpu, enum ntmm_arch arch);

/* Kernel variables, read and written in simulated memory. */
static inline uint8_t *mm_symbol_host(const struct mm *mm, enum mm_symbol sym)
{
    return mm->data_host + (mm->symbols[sym].va - mm->data_va);
}
uint64_t mm_symbol_word(const struct mm *mm, enum mm_symbol sym);
void mm_set_symbol_word(struct mm *mm, enum mm_symbol sym, uint64_t v);

/* ---- pagetable.c: visiting the page tables of an address space ---- */
struct pt_visit {
    unsigned level;      /* of the table holding the entry: 0 = top */
    uint64_t va;         /* first virtual address the entry maps */
    uint64_t entry_va;   /* the entry's address in the self-map (MiGetPteAddress) */
    uint64_t entry;      /* its contents */
    uint64_t table_pfn;  /* frame of the table holding the entry */
    uint64_t target_pfn; /* frame the entry points at */
    uint64_t pages;      /* frames it maps: 1, or a large page's count; 0 for a table */
    bool counted;        /* a PTE in Windows' sense: visible in the self-map (not a PAE PDPTE) */
    bool self_map;       /* one of the self-map entries: its target is not descended */
};
/* Called for every valid entry reachable from cr3, parents before children;
 * returns false to stop the visit. */
typedef bool (*pt_visitor)(struct mm *mm, const struct pt_visit *v, void *context);
/* Returns false if a visitor stopped it or an entry pointed outside RAM
 * (then *bad holds that entry's visit). */
bool mm_visit_page_tables(struct mm *mm, uint64_t cr3, pt_visitor visitor, void *context,
                          struct pt_visit *bad);

/* ---- verify.c ---- */
NTSTATUS mm_verify(struct mm *mm, char *message, size_t size);

#endif
