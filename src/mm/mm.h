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
 *   prototype    a section's PTE that describes a shared page; it lives in
 *   PTE          paged pool (pool.c), in the segment (section.h).
 *   commit       virtual memory the system has promised to back with RAM or
 *   charge       pagefile.
 *
 * The PFN database and the list heads live in simulated memory; struct mm
 * holds only where they are (host and virtual addresses) and their layout,
 * never a second copy of their contents.
 */
#ifndef NTMM_MM_H
#define NTMM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arch/cpu.h"
#include "mm/vad.h"

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
    SYM_MmTotalCommittedPages,
    SYM_MmTotalCommitLimit,
    SYM_MmTotalCommitLimitMaximum,
    SYM_MmPeakCommitment,
    SYM_MmInfoCounters,
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
    uint64_t system_range_start; /* MmSystemRangeStart: 2 GB, or the increaseuserva value */
    uint64_t shared_user_data;   /* KI_USER_SHARED_DATA: the kernel's view of KUSER_SHARED_DATA */
    uint64_t hyperspace;         /* each process's own kernel range (MmHyperSpace) */
    uint64_t working_set_list;   /* MmWorkingSetList: each process's _MMWSL, in its hyperspace */
    uint64_t working_set_list_end; /* the last byte of hyperspace the list may grow to */
};

/* MM_SHARED_USER_DATA_VA: where every process sees KUSER_SHARED_DATA,
 * read-only, in a 64 KB reservation of its own. */
#define MM_SHARED_USER_DATA_VA 0x7ffe0000ull

#define MM_KERNEL_IMAGE_PAGES 0x200u /* the boot image: 2 MB, like ntoskrnl */
#define MM_KERNEL_DATA_PAGE 1u       /* image page that holds the kernel variables */
#define MM_KERNEL_PDPT_PAGE 2u       /* first of the image pages that hold PAE PDPTs (the System's first) */
#define MM_KERNEL_PDPT_PAGES (MM_PDPT_SLOTS / 128u) /* 128 32-byte PDPTs a page */
#define MM_MINIMUM_RAM (16ull << 20) /* smallest machine ntmm boots */

/* A process's user address space (the Mm part of EPROCESS). */
struct mm_address_space {
    uint64_t directory_table_base;   /* CR3: the PD, PAE PDPT or PML4 */
    unsigned pdpt_slot;              /* PAE: the PDPT's slot in the kernel's PDPT pages */
    struct vad_tree vads;            /* VadRoot */
    uint64_t highest_user_address;   /* last usable byte (MM_HIGHEST_USER_ADDRESS) */
    uint64_t commit_charge;          /* pages of private commit (CommitCharge) */
    uint64_t peak_commit_charge;     /* its peak (PeakPagefileUsage) */
    /* Vm (_MMSUPPORT; with EPROCESS, in host memory for now) */
    uint64_t working_set_pages;      /* Vm.WorkingSetSize: the valid WSLEs (wsl.c (1)) */
    uint64_t peak_working_set_pages; /* Vm.PeakWorkingSetSize */
    uint64_t minimum_working_set;    /* Vm.MinimumWorkingSetSize, pages */
    uint64_t maximum_working_set;    /* Vm.MaximumWorkingSetSize, pages */
    bool hard_minimum, hard_maximum; /* QUOTA_LIMITS_HARDWS_MIN_ENABLE, _MAX_ENABLE */
    bool working_set_list;           /* its _MMWSL exists (wsl.c) */
    uint64_t locked_pages;           /* user pages LockedInWs (wsl.c (3)) */
    uint64_t wsl_pages;              /* pages of its working-set list mapped (wsl.c (4)) */
    uint64_t ws_search_hint;         /* where mi_ws_remove's search by address starts (a hint only) */
    uint64_t page_fault_count;       /* Vm.PageFaultCount */
    uint64_t virtual_bytes;          /* reserved address space (VirtualSize) */
    uint64_t peak_virtual_bytes;     /* PeakVirtualSize */
    uint64_t next_vad_serial;        /* the serial the next VAD gets */
    struct mm_address_space *next;   /* the machine's list of process address spaces */
};

/* Pages a process may lock: its minimum working set less the pages Windows
 * keeps for its own use of it. */
#define MM_LOCK_OVERHEAD 8u

#define MM_PDPT_SLOTS 1024u    /* PAE PDPTs the kernel's PDPT pages hold (slot 0: System) */

/* Paged pool (pool.c): 32 MB, mapped by page tables boot builds. */
#define MM_POOL_PAGES 8192u
#define MM_POOL_TABLES 16u     /* page tables that map it: 8 on x86, 16 on PAE and x64 */

/* Fault injection (design.md section 5, SQLite's one-shot fault simulator):
 * the nth next allocation of a kind fails as if the machine or the host were
 * out of memory. Frames are counted in mm_remove_zero_page and
 * mm_remove_any_page, host memory in mm_host_alloc and mm_host_realloc. */
#define MM_FAULT_KINDS 5 /* indexed by enum ntmm_fault_kind (1-4); 0 unused */
struct mm_fault_injector {
    uint64_t count[MM_FAULT_KINDS];   /* allocations of each kind since boot */
    uint64_t fail_at[MM_FAULT_KINDS]; /* the count of the one that fails; 0: none pending */
};

/* A bug check (bugcheck.c): the first corruption the memory manager found,
 * with the scratch page its stores go to once the machine has stopped. */
struct mm_bug_check {
    uint32_t code;           /* 0 while the machine runs */
    uint64_t parameters[4];
    void (*notify)(void *context); /* told once, when the machine stops (ke: callbacks) */
    void *notify_context;
    uint64_t scratch[PAGE_SIZE / 8];
};

struct mm {
    struct cpu *cpu;                     /* the processor and RAM */
    const struct pfn_layout *pfn_layout; /* _MMPFN layout of this architecture */
    struct mm_system_layout layout;      /* where the kernel and the user space end */
    uint64_t frames;                     /* MmNumberOfPhysicalPages */
    uint8_t *pfn_host;                   /* host address of MmPfnDatabase[0] */
    uint8_t *data_host;                  /* host address of the kernel data page */
    uint64_t data_va;                    /* its virtual address */
    uint64_t system_cr3;                 /* DirectoryTableBase of the System process */
    struct mm_symbol_info symbols[SYM_COUNT];
    uint64_t boot_frames;                /* frames the boot image, PFN database and page tables took */
    uint64_t system_range_start;         /* MmSystemRangeStart: first kernel address */
    uint64_t shared_user_data_pfn;       /* the KUSER_SHARED_DATA frame */
    struct mm_address_space *spaces;     /* process address spaces, newest first */
    bool pdpt_used[MM_PDPT_SLOTS];       /* PAE: which PDPT slots are taken */
    struct mm_fault_injector faults;     /* pending injected faults and allocation counts */
    uint64_t pool_base;                  /* MmPagedPoolStart */
    uint64_t pool_tables[MM_POOL_TABLES]; /* frames of the page tables that map paged pool */
    uint8_t pool_used[MM_POOL_PAGES];    /* pool pages in use (pool.c (1)) */
    uint64_t faults_since_tick;          /* resolved faults since the last manager pass */
    uint64_t default_minimum_working_set; /* a new process's limits, pages (init.c) */
    uint64_t default_maximum_working_set;
    struct mm_control_area *control_areas; /* every control area, newest first (section.c) */
    uint64_t next_control_area_serial;   /* for their pseudo addresses */
    uint64_t section_commit;             /* pages of commit segments hold (MmSharedCommit) */
    uint64_t random;                     /* the machine's seeded generator (mi_random) */
    unsigned image_bias;                 /* MiImageBias: ASLR's per-boot offset, in 64 KB units */
    uint64_t next_dll_base[2];           /* where ASLR puts the next 32-bit, 64-bit DLL (image.c) */
    struct mm_image_base *image_bases;   /* the base ASLR gave each DLL file this boot (image.c (2)) */
    size_t image_base_count;
    /* Points at bug_check_record, so that readers holding a const mm can
     * still stop the machine when what they read is corrupt; mm_stopped
     * reads the record itself (one load on every PFN store). */
    struct mm_bug_check *bug_check;
    struct mm_bug_check bug_check_record;
    struct mm_paging_files *paging_files; /* MmPagingFile[], MmNumberOfPagingFiles (pagefile.h) */
};

/* One DLL file's ASLR base (Windows: its slot in MiImageBitMap). */
struct mm_image_base {
    uint64_t dev, ino; /* the host file */
    uint64_t base;
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

/* ---- bugcheck.c: corrupted kernel structures stop the machine ---- */
/* Bug check codes and the parameter 1 values the memory manager uses. */
#define BUGCODE_MEMORY_MANAGEMENT 0x1Au
#define MM_BUGCHECK_CORRUPT_PTE 0x411u          /* p2: PTE address, p3: contents */
#define MM_BUGCHECK_PFN_STATE 0x403u            /* p2: PFN, p3: its PageLocation, p4: ShareCount */
#define MM_BUGCHECK_WORKING_SET 0x41284u        /* p2: the address, p3: the PTE or PFN */
#define BUGCODE_PFN_LIST_CORRUPT 0x4Eu
#define MM_BUGCHECK_LIST_HEAD 0x1u              /* p2: the head's link, p3: MmAvailablePages */
#define MM_BUGCHECK_LIST_ENTRY 0x2u             /* p2: the entry, p3: highest page, p4: its ReferenceCount */
#define MM_BUGCHECK_SHARE_COUNT 0x7u            /* p2: PFN, p3: its ShareCount */
#define MM_BUGCHECK_PFN 0x99u                   /* p2: PFN, p3: highest page */
#define BUGCODE_PAGE_FAULT_IN_NONPAGED_AREA 0x50u /* p1: address, p2: 0 read, 1 write */

/* Windows: KeBugCheckEx, as the memory manager calls it. The first call
 * stops the machine (bugcheck.c (1)); later ones change nothing. */
void mm_bug_check(const struct mm *mm, uint32_t code, uint64_t p1, uint64_t p2, uint64_t p3,
                  uint64_t p4);
static inline bool mm_stopped(const struct mm *mm)
{
    return mm->bug_check_record.code != 0;
}
/* True if pfn names a frame of RAM; if not, the machine stops with
 * PFN_LIST_CORRUPT (0x99). For PFNs the memory manager read from
 * simulated memory, before it forms a host address from one. */
bool mi_check_pfn(const struct mm *mm, uint64_t pfn);

/* ---- pfn.c: the PFN database, read and written in place ---- */
const struct pfn_layout *pfn_layout_for(enum ntmm_arch arch);

/* The fields of one _MMPFN, through the architecture's layout. A PFN read
 * from simulated memory may be anything: one beyond RAM stops the machine
 * (mi_check_pfn) and reads and writes the scratch page; once stopped, no
 * store reaches simulated memory (bugcheck.c (2)). Inline: every list
 * operation and fault goes through them. */
static inline const uint8_t *pfn_entry(const struct mm *mm, uint64_t pfn)
{
    if (pfn < mm->frames)
        return mm->pfn_host + pfn * mm->pfn_layout->size;
    mi_check_pfn(mm, pfn);
    return (const uint8_t *)mm->bug_check->scratch;
}

static inline uint64_t pfn_field(const struct mm *mm, uint64_t pfn, unsigned offset,
                                 unsigned width)
{
    return mm_load(pfn_entry(mm, pfn) + offset, width);
}

static inline void pfn_set_field(struct mm *mm, uint64_t pfn, unsigned offset, unsigned width,
                                 uint64_t v)
{
    const uint8_t *e = pfn_entry(mm, pfn);
    mm_store(mm_stopped(mm) ? (uint8_t *)mm->bug_check->scratch : (uint8_t *)e + offset, width, v);
}

static inline uint64_t pfn_flink(const struct mm *mm, uint64_t pfn) /* u1 */
{
    return pfn_field(mm, pfn, mm->pfn_layout->u1, mm->pfn_layout->word);
}

static inline void pfn_set_flink(struct mm *mm, uint64_t pfn, uint64_t v)
{
    pfn_set_field(mm, pfn, mm->pfn_layout->u1, mm->pfn_layout->word, v);
}

static inline uint64_t pfn_blink(const struct mm *mm, uint64_t pfn) /* u2 */
{
    return pfn_field(mm, pfn, mm->pfn_layout->u2, mm->pfn_layout->word);
}

static inline void pfn_set_blink(struct mm *mm, uint64_t pfn, uint64_t v)
{
    pfn_set_field(mm, pfn, mm->pfn_layout->u2, mm->pfn_layout->word, v);
}

#define pfn_share_count pfn_blink /* u2 of an active page */
#define pfn_set_share_count pfn_set_blink

static inline uint64_t pfn_pte_address(const struct mm *mm, uint64_t pfn)
{
    return pfn_field(mm, pfn, mm->pfn_layout->pte_address, mm->pfn_layout->word);
}

static inline void pfn_set_pte_address(struct mm *mm, uint64_t pfn, uint64_t v)
{
    pfn_set_field(mm, pfn, mm->pfn_layout->pte_address, mm->pfn_layout->word, v);
}

static inline unsigned pfn_reference_count(const struct mm *mm, uint64_t pfn)
{
    return (unsigned)pfn_field(mm, pfn, mm->pfn_layout->u3 + 2, 2);
}

static inline void pfn_set_reference_count(struct mm *mm, uint64_t pfn, unsigned v)
{
    pfn_set_field(mm, pfn, mm->pfn_layout->u3 + 2, 2, v);
}

static inline unsigned pfn_e1(const struct mm *mm, uint64_t pfn, unsigned pos, unsigned width)
{
    uint64_t flags = pfn_field(mm, pfn, mm->pfn_layout->u3, 2);
    return (unsigned)((flags >> pos) & ((1u << width) - 1));
}

static inline void pfn_set_e1(struct mm *mm, uint64_t pfn, unsigned pos, unsigned width,
                              unsigned v)
{
    uint64_t mask = ((1ull << width) - 1) << pos;
    uint64_t flags = pfn_field(mm, pfn, mm->pfn_layout->u3, 2);
    pfn_set_field(mm, pfn, mm->pfn_layout->u3, 2, (flags & ~mask) | (((uint64_t)v << pos) & mask));
}

static inline uint64_t pfn_original_pte(const struct mm *mm, uint64_t pfn)
{
    return pfn_field(mm, pfn, mm->pfn_layout->original_pte, mm->pfn_layout->original_pte_size);
}

static inline void pfn_set_original_pte(struct mm *mm, uint64_t pfn, uint64_t v)
{
    pfn_set_field(mm, pfn, mm->pfn_layout->original_pte, mm->pfn_layout->original_pte_size, v);
}

static inline uint64_t pfn_u4(const struct mm *mm, uint64_t pfn) /* the whole of u4 */
{
    return pfn_field(mm, pfn, mm->pfn_layout->u4, mm->pfn_layout->word);
}

static inline uint64_t pfn_pte_frame(const struct mm *mm, uint64_t pfn)
{
    return pfn_u4(mm, pfn) & ((1ull << mm->pfn_layout->pte_frame_bits) - 1);
}

static inline void pfn_set_pte_frame(struct mm *mm, uint64_t pfn, uint64_t v)
{
    uint64_t mask = (1ull << mm->pfn_layout->pte_frame_bits) - 1;
    pfn_set_field(mm, pfn, mm->pfn_layout->u4, mm->pfn_layout->word,
                  (pfn_u4(mm, pfn) & ~mask) | (v & mask));
}

static inline enum mm_list pfn_location(const struct mm *mm, uint64_t pfn)
{
    return (enum mm_list)pfn_e1(mm, pfn, PFN_E1_PAGE_LOCATION, 3);
}


/* ---- pagelist.c: the page lists ---- */
/* Kernel variables, read and written in simulated memory (init.c); once
 * stopped, no store reaches them (bugcheck.c (2)). */
static inline uint8_t *mm_symbol_host(const struct mm *mm, enum mm_symbol sym)
{
    return mm->data_host + (mm->symbols[sym].va - mm->data_va);
}

static inline uint64_t mm_symbol_word(const struct mm *mm, enum mm_symbol sym)
{
    return mm_load(mm_symbol_host(mm, sym), mm->pfn_layout->word);
}

static inline void mm_set_symbol_word(struct mm *mm, enum mm_symbol sym, uint64_t v)
{
    if (!mm_stopped(mm))
        mm_store(mm_symbol_host(mm, sym), mm->pfn_layout->word, v);
}

static inline uint8_t *pagelist_head(const struct mm *mm, unsigned list)
{
    return mm_symbol_host(mm, (enum mm_symbol)(SYM_MmZeroedPageListHead + list));
}

static inline uint64_t pagelist_total(const struct mm *mm, unsigned list)
{
    return mm_load(pagelist_head(mm, list), mm->pfn_layout->word);
}

static inline uint64_t pagelist_first(const struct mm *mm, unsigned list)
{
    return mm_load(pagelist_head(mm, list) + mm->pfn_layout->list_flink, mm->pfn_layout->word);
}

static inline uint64_t pagelist_last(const struct mm *mm, unsigned list)
{
    return mm_load(pagelist_head(mm, list) + mm->pfn_layout->list_blink, mm->pfn_layout->word);
}
void pagelist_insert_tail(struct mm *mm, enum mm_list list, uint64_t pfn);
void pagelist_unlink(struct mm *mm, uint64_t pfn);
uint64_t pagelist_remove_head(struct mm *mm, enum mm_list list);
uint64_t mm_available_pages(const struct mm *mm);

/* Windows: MiRemoveZeroPage — a zero-filled frame off the zeroed list (or
 * a free one, zeroed), unlinked; MM_EMPTY_LIST when both are empty. Only
 * mi_take_page calls it after boot. */
uint64_t mm_remove_zero_page(struct mm *mm);
/* Windows: MiRemoveAnyPage — a frame off the free (or zeroed) list. */
uint64_t mm_remove_any_page(struct mm *mm);
/* Windows: MiInsertPageInFreeList — a frame no one uses any more. */
void mm_insert_page_in_free_list(struct mm *mm, uint64_t pfn);

/* ---- pagestate.c: a frame's state changes, one primitive each ---- */
/* Windows: MiInitializePfn — makes a frame just taken off a list Active,
 * mapped by the PTE at pte_address in page table page pte_frame, and counts
 * it in that page table's ShareCount. */
void pfn_initialize_active(struct mm *mm, uint64_t pfn, uint64_t pte_address,
                           uint64_t pte_frame, uint64_t original_pte);
/* The one way a frame is taken after boot (pagestate.c (4)): zero-filled
 * (zeroed) or with any contents; MM_EMPTY_LIST when memory is exhausted. */
uint64_t mi_take_page(struct mm *mm, bool zeroed);
/* Windows: MiDecrementShareCount — an Active frame loses a mapping (dirty:
 * the mapping wrote it). At 0 it enters transition: a prototype PTE becomes
 * a transition PTE here (a process PTE's owner writes its own first), and
 * the frame goes to the modified list if Modified, else to standby. */
void mi_decrement_share_count(struct mm *mm, uint64_t pfn, bool dirty);
/* The frame holds data no copy elsewhere has: Modified, and a pagefile copy
 * it had is released (pagestate.c (5)). */
void mi_set_modified(struct mm *mm, uint64_t pfn);
/* A private frame's OriginalPte takes protection; a pagefile copy keeps
 * its slot. */
void mi_set_original_protection(struct mm *mm, uint64_t pfn, unsigned protection);
/* MEM_RESET: the frame's pagefile copy, if any, is not needed. */
void mi_discard_page_file_copy(struct mm *mm, uint64_t pfn);
/* A PTE being deleted that names a pagefile slot releases it. */
void mi_release_page_file_pte(struct mm *mm, uint64_t raw, enum pte_context context);
/* The transition PTE of frame pfn, with the protection of its OriginalPte. */
uint64_t mi_transition_pte(const struct mm *mm, uint64_t pfn, bool write, bool owner);
/* Windows: MiResolveTransitionFault, the frame's part — a Standby or
 * Modified frame becomes Active with one mapping; its owner writes the
 * valid PTE. */
void mi_restore_to_active(struct mm *mm, uint64_t pfn);
/* The frame's data is safe elsewhere (written out, or MEM_RESET said it is
 * not needed): Modified clears; a Modified-list frame moves to standby. */
void mi_modified_to_standby(struct mm *mm, uint64_t pfn);
/* Windows: MiDecrementShareCount to zero for a PTE being deleted — the frame
 * leaves its page table's ShareCount and goes to the free list. */
void mi_release_page(struct mm *mm, uint64_t pfn);
/* A transition frame whose PTE is being deleted goes to the free list. */
void mi_delete_transition_page(struct mm *mm, uint64_t pfn);

/* ---- inject.c: injected faults and host memory ---- */
/* The nth next allocation of kind fails (1: the very next); 0 cancels. */
void mm_inject_fault(struct mm *mm, enum ntmm_fault_kind kind, uint64_t nth);
/* Allocations of kind since boot. */
uint64_t mm_fault_count(const struct mm *mm, enum ntmm_fault_kind kind);
/* Counts one allocation of kind; true if it is the one that must fail. */
bool mm_fault_fires(struct mm *mm, enum ntmm_fault_kind kind);
/* Host memory for the memory manager's and the process manager's own
 * structures (VADs, processes, lock arrays): zeroed like calloc; NULL when
 * the host is out of memory or an injected fault fires. */
void *mm_host_alloc(struct mm *mm, size_t size);
/* realloc under the same rule; on failure ptr is untouched. */
void *mm_host_realloc(struct mm *mm, void *ptr, size_t size);

/* A frame's bytes for reading, or the scratch page if pfn is not RAM (the
 * machine stops); for writing, the scratch page too once it has stopped. */
const uint8_t *mi_frame(const struct mm *mm, uint64_t pfn);
uint8_t *mi_frame_for_write(struct mm *mm, uint64_t pfn);

/* ---- zero.c: the zero page thread ---- */
/* Windows: MmZeroPageThread — zeroes up to budget frames from the free list
 * onto the zeroed list; returns how many it zeroed. */
uint64_t mm_zero_page_thread(struct mm *mm, uint64_t budget);

/* ---- init.c: boot ---- */
/* The system layout of a configuration (kernel placement, MmSystemRangeStart). */
void mm_system_layout_for(const struct ntmm_config *config, struct mm_system_layout *layout);
/* Windows: MmInitSystem — builds everything above on a machine whose RAM is
 * fresh (all zero). */
NTSTATUS mm_init(struct mm *mm, struct cpu *cpu, const struct ntmm_config *config);


/* ---- pagetable.c: visiting and building the page tables of an address space ---- */
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
enum pt_next { PT_CONTINUE, PT_SKIP, PT_STOP }; /* descend, skip the entry's table, stop */
/* Called for every valid entry reachable from cr3, parents before children. */
typedef enum pt_next (*pt_visitor)(struct mm *mm, const struct pt_visit *v, void *context);
/* Returns false if a visitor stopped it or an entry pointed outside RAM
 * (then *bad holds that entry's visit). */
bool mm_visit_page_tables(struct mm *mm, uint64_t cr3, pt_visitor visitor, void *context,
                          struct pt_visit *bad);

/* The self-map entries of an address space: tables[k] is the frame of the
 * k-th table at fmt->self_map_level (all of them, in address order). */
void mm_write_self_map(struct mm *mm, const uint64_t *tables);

/* Where ASLR packs DLLs downward from (Windows Vista's MiImageBase region
 * for 32-bit images; the 64-bit one below 8 TB). */
#define MM_DLL_BASE_32 0x78000000ull
#define MM_DLL_BASE_64 0x7ff00000000ull

/* The machine's seeded generator (splitmix64), for ASLR: the same seed
 * gives the same addresses. */
uint64_t mi_random(struct mm *mm);

/* ---- pool.c: paged pool ---- */
/* Windows: MiAllocatePoolPages — pages of zeroed, contiguous pool. */
NTSTATUS mi_pool_alloc(struct mm *mm, uint64_t pages, uint64_t *va);
void mi_pool_free(struct mm *mm, uint64_t va, uint64_t pages);
/* The host address of the pool byte at va (an allocated page), to read or
 * (write) to write; an edited system PTE that no longer maps it stops the
 * machine with PAGE_FAULT_IN_NONPAGED_AREA and gives the scratch page. */
uint8_t *mi_pool_host(const struct mm *mm, uint64_t va, bool write);
/* The frame holding the pool page at va; the list's empty value if va is
 * not a mapped pool page. */
uint64_t mi_pool_frame(const struct mm *mm, uint64_t va);
/* Is va on a mapped pool page? (never stops the machine: for the verifier) */
bool mi_pool_mapped(const struct mm *mm, uint64_t va);
/* Page tables that map paged pool on this architecture. */
unsigned mi_pool_table_count(const struct mm *mm);

/* ---- addrspace.c: process address spaces ---- */
/* Windows: MmCreateProcessAddressSpace — top-level tables with the kernel's
 * entries and the space's own self-map; STATUS_INSUFFICIENT_RESOURCES when
 * no frame or PDPT slot is left. */
NTSTATUS mm_create_address_space(struct mm *mm, struct mm_address_space *as);
/* Windows: MmDeleteProcessAddressSpace — after every VAD is gone. */
void mm_delete_address_space(struct mm *mm, struct mm_address_space *as);
/* Windows: KiSwapProcess / KeStackAttachProcess: load the space's CR3 (NULL: System). */
void mm_attach(struct mm *mm, const struct mm_address_space *as);

/* ---- pteio.c: PTEs of any address space, in their table pages ---- */
/* The entry at self-map address pte_va (a PTE, PDE, PPE or PXE) of space as
 * (NULL: the System's), read without the MMU: 0 if its tables are absent. */
uint64_t mi_read_pte(const struct mm *mm, const struct mm_address_space *as, uint64_t pte_va);
/* Writes it; the TLB forgets what it mapped (pteio.c (2)). Its tables must exist. */
void mi_write_pte(struct mm *mm, const struct mm_address_space *as, uint64_t pte_va,
                  uint64_t value);
/* The raw PTE of f; a PTE the format cannot hold stops the machine (0x411). */
uint64_t mi_encode_pte(const struct mm *mm, const struct pte_fields *f);
/* Decodes a PTE (or prototype PTE) read at pte_va; a valid or transition one
 * naming a frame beyond RAM stops the machine with MEMORY_MANAGEMENT 0x411. */
void mi_decode_pte(const struct mm *mm, uint64_t pte_va, uint64_t raw, enum pte_context context,
                   struct pte_fields *f);
/* True if every table above va's PTE exists in space as. */
bool mi_pte_exists(const struct mm *mm, const struct mm_address_space *as, uint64_t va);
/* Where the span of va with no page table ends (the first address a present
 * upper entry could cover), or va itself if va's PTE exists: loops over
 * pages skip whole absent tables, 2 MB, 1 GB or 512 GB at a time. */
uint64_t mi_absent_span_end(const struct mm *mm, const struct mm_address_space *as, uint64_t va);
/* Windows: MiMakePdeExistAndMakeValid — creates the missing tables above
 * va's PTE (counted in as's working set); STATUS_INSUFFICIENT_RESOURCES if no
 * frame is left. */
NTSTATUS mi_make_tables(struct mm *mm, struct mm_address_space *as, uint64_t va);
/* mi_make_tables for every page of [base, base + size); on failure the
 * empty tables of the range are freed again, so nothing has changed. */
NTSTATUS mi_make_tables_for_range(struct mm *mm, struct mm_address_space *as, uint64_t base,
                                  uint64_t size);
/* Frees the page tables covering [start, end] whose entries are all zero,
 * then the tables above them that became empty. */
void mi_free_empty_tables(struct mm *mm, struct mm_address_space *as, uint64_t start,
                          uint64_t end);
/* The frame of the table holding va's entry at level l (levels - 1: its PTE). */
uint64_t mi_holding_table(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                          unsigned l);
/* A software PTE (demand zero) carrying protection; 0 for MM_ZERO_ACCESS. */
uint64_t mi_software_pte(const struct mm *mm, unsigned protection);
/* The valid user PTE for frame pfn with protection (Windows: MI_MAKE_VALID_PTE). */
uint64_t mi_valid_pte(const struct mm *mm, uint64_t pfn, unsigned protection);

/* ---- commit.c: commit charge ---- */
/* Charges pages of commit to the system (MmTotalCommittedPages) and to as
 * (NULL: to no process, for a segment);
 * STATUS_COMMITMENT_LIMIT, and nothing charged, past MmTotalCommitLimit. */
NTSTATUS mi_charge_commit(struct mm *mm, struct mm_address_space *as, uint64_t pages);
void mi_return_commit(struct mm *mm, struct mm_address_space *as, uint64_t pages);

/* ---- virtual.c: private virtual memory of the attached space ---- */
enum mm_state { MM_STATE_FREE, MM_STATE_RESERVE, MM_STATE_COMMIT };

/* One VirtualQuery region, in mm terms (protections are MM_* values). */
struct mm_region {
    uint64_t base;               /* first byte */
    uint64_t size;               /* bytes */
    enum mm_state state;
    unsigned protection;         /* committed pages: MM_* */
    const struct vad *vad;       /* the allocation, NULL for free memory */
};

/* One page of a private VAD, as its PTE and VAD record it. */
struct mm_page {
    bool committed;
    unsigned protection;  /* MM_* of a committed page */
    uint64_t pte_va;      /* its PTE's self-map address */
    struct pte_fields f;  /* the PTE (PTE_KIND_ZERO without a page table) */
    uint64_t proto_va;    /* a view page: its prototype PTE (section.h) */
    struct pte_fields proto; /* that prototype PTE */
};
void mi_read_page(const struct mm *mm, const struct mm_address_space *as, const struct vad *vad,
                  uint64_t va, struct mm_page *p);
/* Windows: MiDeletePte — a valid or transition page's frame goes to the free
 * list; the PTE becomes replacement. */
void mi_delete_page(struct mm *mm, struct mm_address_space *as, const struct mm_page *p,
                    uint64_t replacement);
/* A committed page takes a new protection (protect.c): STATUS_WAS_UNLOCKED
 * when a locked page had to leave memory for it, the failure of a page table
 * it needed. */
NTSTATUS mi_set_page_protection(struct mm *mm, struct mm_address_space *as,
                                const struct mm_page *p, unsigned protection);

/* A valid private page (or a view's private copy) leaves the working set
 * (protect.c): its PTE becomes a transition PTE carrying protection, its
 * frame goes to the modified or standby list; true if it was locked. */
bool mi_make_private_transition(struct mm *mm, struct mm_address_space *as,
                                const struct mm_page *p, unsigned protection);

/* Windows: MiAllocateVirtualMemory, reserving: *base 0 picks the lowest
 * (highest with top_down) free 64 KB-aligned range ending at or below
 * highest (the last usable byte: the user limit, or less with ZeroBits). With commit the range is
 * committed too (MemCommit: its PTEs stay zero until touched). */
NTSTATUS mm_reserve(struct mm *mm, struct mm_address_space *as, uint64_t *base, uint64_t size,
                    uint64_t highest, bool top_down, bool commit, unsigned protection,
                    unsigned allocation_protect);
/* Windows: MiAllocateVirtualMemory, committing inside one reservation; pages
 * already committed take the new protection. */
NTSTATUS mm_commit(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size,
                   unsigned protection);
/* Windows: MiDecommitPages */
NTSTATUS mm_decommit(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size);
/* Windows: NtFreeVirtualMemory with MEM_RELEASE: the whole allocation at base. */
NTSTATUS mm_release(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size);
/* Windows: MiResetVirtualMemory — MEM_RESET: the pages' contents are no
 * longer needed, so they are not worth writing to the pagefile: valid pages
 * become clean, modified transition pages move to the standby list.
 * MEM_RESET_UNDO (undo true) finds every page still holding its data. */
NTSTATUS mm_reset(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size,
                  bool undo);
/* Maps KUSER_SHARED_DATA read-only at MM_SHARED_USER_DATA_VA: a NoChange
 * private VAD of 64 KB whose first page is the kernel's shared frame. As in
 * Windows the user PTE is a copy that no ShareCount counts. */
NTSTATUS mm_map_shared_user_data(struct mm *mm, struct mm_address_space *as);
/* Deletes a VAD with its pages, page tables, locks and commit (a view's
 * control area loses the view). */
void mi_delete_vad(struct mm *mm, struct mm_address_space *as, struct vad *vad);
/* Every allocation of the space, at process exit. */
void mm_delete_virtual_memory(struct mm *mm, struct mm_address_space *as);
/* Windows: MiProtectVirtualMemory — *old gets the first page's protection;
 * STATUS_WAS_UNLOCKED (a success) when a locked page became no-access or guard. */
NTSTATUS mm_protect(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size,
                    unsigned protection, unsigned *old);
/* Windows: NtQueryVirtualMemory(MemoryBasicInformation). Changes nothing:
 * it reads the space's PTEs by walking its tables, not through the MMU. */
NTSTATUS mm_query(struct mm *mm, struct mm_address_space *as, uint64_t va,
                  struct mm_region *region);
/* A region as MEMORY_BASIC_INFORMATION reports it. */
void mm_basic_information(const struct mm_region *region, MEMORY_BASIC_INFORMATION *info);
/* Windows: MiMakeProtectionMask — the MM_* value of a PAGE_* protection, or
 * false for an invalid one. */
bool mi_make_protection_mask(ULONG protect, unsigned *protection);
/* The PAGE_* value of an MM_* protection. */
ULONG mi_page_protection(unsigned protection);

/* ---- wsl.c: working-set lists (_MMWSL, _MMWSLE) ---- */
#define MI_WSLE_VALID 0x1u
#define MI_WSLE_LOCKED_IN_WS 0x2u
#define MI_WSLE_LOCKED_IN_MEMORY 0x4u
#define MI_WSLE_PROTECTION_SHIFT 3u  /* 5 bits */
#define MI_WSLE_HASHED 0x100u
#define MI_WSLE_DIRECT 0x200u
#define MI_WSLE_AGE_SHIFT 10u
#define MI_WSLE_AGE_MASK 0xc00u
#define MI_FREE_WSLE_SHIFT 4u        /* a free entry: the next free index << 4 */
#define MI_WSLE_NULL_INDEX 0x0fffffffull
enum mi_wsl_field {
    MI_WSL_FIRST_FREE, MI_WSL_FIRST_DYNAMIC, MI_WSL_LAST_ENTRY, MI_WSL_NEXT_SLOT, MI_WSL_WSLE,
    MI_WSL_LAST_INITIALIZED, MI_WSL_NON_DIRECT, MI_WSL_HASH_TABLE, MI_WSL_HASH_TABLE_SIZE,
};
uint64_t mi_wsl_field(const struct mm *mm, const struct mm_address_space *as, enum mi_wsl_field f);
/* The entries the list's mapped pages hold, and LastEntry bounded by them:
 * what loops over the entries use (wsl.c (4)). */
uint64_t mi_wsl_entries(const struct mm *mm, const struct mm_address_space *as);
uint64_t mi_wsl_last_entry(const struct mm *mm, const struct mm_address_space *as);
/* The raw _MMWSLE at index. */
uint64_t mi_wsle(const struct mm *mm, const struct mm_address_space *as, uint64_t index);
/* Builds the space's list with its first page and its locked entries. */
NTSTATUS mi_create_working_set(struct mm *mm, struct mm_address_space *as);
void mi_delete_working_set(struct mm *mm, struct mm_address_space *as);
/* Windows: MiAddWorkingSetPage when the list is full — makes sure the next
 * mi_ws_insert has a free entry: the list grows, or (no frame) an entry is
 * replaced; STATUS_INSUFFICIENT_RESOURCES if neither can be done. */
NTSTATUS mi_ws_reserve(struct mm *mm, struct mm_address_space *as);
/* True if mi_ws_reserve would change anything (trim, or grow the list). */
bool mi_ws_reserve_changes(const struct mm *mm, const struct mm_address_space *as);
/* Windows: MiInsertWsle — the page at va (frame pfn) joins the working set;
 * its index, MI_WSLE_NULL_INDEX before the list exists. */
uint64_t mi_ws_insert(struct mm *mm, struct mm_address_space *as, uint64_t va, uint64_t pfn);
/* Windows: MiLocateWsle — the index of va's entry, MI_WSLE_NULL_INDEX if none. */
uint64_t mi_ws_find(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                    uint64_t pfn);
/* Windows: MiRemoveWsle — the page leaves the working set; true if it was locked. */
bool mi_ws_remove(struct mm *mm, struct mm_address_space *as, uint64_t va, uint64_t pfn);
bool mi_ws_remove_index(struct mm *mm, struct mm_address_space *as, uint64_t index);
void mi_ws_set_locked(struct mm *mm, struct mm_address_space *as, uint64_t index, bool locked);
void mi_ws_set_age(struct mm *mm, struct mm_address_space *as, uint64_t index, unsigned age);
/* A shared page's own protection (wsl.c (6)): MM_* or 0 for its VAD's. */
void mi_ws_set_protection(struct mm *mm, struct mm_address_space *as, uint64_t index,
                          unsigned protection);
unsigned mi_ws_protection(const struct mm *mm, const struct mm_address_space *as, uint64_t va,
                          uint64_t pfn);

void mi_set_next_slot(struct mm *mm, struct mm_address_space *as, uint64_t index);

/* ---- wsmanager.c: the working-set manager (balance set manager) ---- */
#define MM_WS_TICK_FAULTS 64u /* resolved faults between two passes (mi_working_set_tick) */
/* Windows: MiReplaceWorkingSetEntry — trims one entry of as (the clock hand
 * from NextSlot, second chance for accessed pages); false if nothing can be
 * trimmed. */
bool mi_replace_ws_entry(struct mm *mm, struct mm_address_space *as);
/* True if a fault of as at its maximum must replace a page, not add one. */
bool mi_ws_must_replace(const struct mm *mm, const struct mm_address_space *as);
/* Windows: MmWorkingSetManager — ages every working set, trims if memory is
 * short; returns the pages trimmed. */
uint64_t mi_working_set_manager(struct mm *mm);
/* Counts a resolved fault; every MM_WS_TICK_FAULTS of them, a manager pass. */
void mi_working_set_tick(struct mm *mm);
/* No frame is left: trims and writes modified pages; true if frames became
 * available. */
bool mi_obtain_free_pages(struct mm *mm);
/* Idle time (ntmm_machine_idle): a manager pass, the modified and mapped
 * page writers until the modified list is empty (what they cannot place
 * stays), the zero page thread; returns the pages processed. */
uint64_t mm_idle(struct mm *mm);

/* Working-set limits (Windows: MmMinimumWorkingSetSize, MM_FLUID_WORKING_SET,
 * MmMaximumWorkingSetSize, pfnlist.c's MM_HIGH_LIMIT), pages. */
#define MM_MINIMUM_WORKING_SET_SIZE 20u
#define MM_FLUID_WORKING_SET MM_LOCK_OVERHEAD /* pages above the locked ones a working set keeps */
#define MM_HIGH_LIMIT 19
/* The system-wide maximum a limit is clamped to: physical pages less 512. */
static inline uint64_t mm_maximum_working_set_size(const struct mm *mm)
{
    return mm->frames - 512;
}
/* Windows: MiEmptyWorkingSet — trims every page that may be trimmed (not
 * locked, not a page table or hyperspace page); returns how many went. */
uint64_t mm_empty_working_set(struct mm *mm, struct mm_address_space *as);
/* Windows: MmAdjustWorkingSetSizeEx — new limits in bytes (0: keep that
 * limit; both (SIZE_T)-1: empty the working set, limits kept) and
 * QUOTA_LIMITS_HARDWS_* flags (0: keep). Limits outside [20 pages, the
 * system maximum] are clamped with STATUS_WORKING_SET_LIMIT_RANGE (a
 * success); STATUS_BAD_WORKING_SET_LIMIT for a minimum above the maximum, a
 * maximum within MM_FLUID_WORKING_SET of the locked entries (or, with a hard
 * limit, of the minimum) or one the trim cannot reach;
 * STATUS_PRIVILEGE_NOT_HELD to raise the minimum without increase_okay;
 * STATUS_INSUFFICIENT_RESOURCES when resident pages cannot back the raise.
 * A lower maximum trims the working set down to it, oldest pages first. */
NTSTATUS mm_set_working_set_limits(struct mm *mm, struct mm_address_space *as,
                                   uint64_t minimum_bytes, uint64_t maximum_bytes, ULONG flags,
                                   bool increase_okay);

/* ---- wsinfo.c: the working-set list as psapi reports it ---- */
struct mm_ws_entry {
    uint64_t va;           /* the page's first byte */
    unsigned protection;   /* MM_* (wsinfo.c (2)) */
    unsigned share_count;  /* the frame's ShareCount, at most 7 */
    bool shared;           /* a section's frame (PrototypePte) */
    bool locked;           /* never trimmed (wsinfo.c (3)) */
};
/* Windows: MiGetWorkingSetInfo — the valid entries in index order, the
 * first `capacity` of them written; returns how many there are. */
uint64_t mm_query_working_set(const struct mm *mm, const struct mm_address_space *as,
                              struct mm_ws_entry *entries, uint64_t capacity);
/* Windows: MiGetWorkingSetInfoEx for one address: false if its page is not
 * in the working set. */
bool mm_query_working_set_page(const struct mm *mm, const struct mm_address_space *as,
                               uint64_t va, struct mm_ws_entry *entry);

/* ---- modwriter.c: the modified and mapped page writers ---- */
#define MM_MODIFIED_WRITE_CLUSTER 16u /* pages a writer pass takes when memory is short */
/* Windows: MiModifiedPageWriter / MiMappedPageWriter — writes up to budget
 * modified pages to their files, which move to standby; returns how many. */
uint64_t mi_modified_page_writer(struct mm *mm, uint64_t budget);

/* ---- lock.c: pages locked in the working set ---- */
/* Windows: MiLockVirtualMemory — faults each page in and locks it;
 * STATUS_WAS_LOCKED (a success) if a page was locked already;
 * STATUS_WORKING_SET_QUOTA past the limit, the fault's exception for a page
 * that cannot be touched; no lock is taken on failure. */
NTSTATUS mm_lock(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size);
/* Windows: MiUnlockVirtualMemory — STATUS_NOT_LOCKED, and nothing unlocked,
 * if any page is not locked. */
NTSTATUS mm_unlock(struct mm *mm, struct mm_address_space *as, uint64_t base, uint64_t size);

/* ---- fault.c: MmAccessFault, one resolver per PTE kind ---- */
/* What a resolver says: the access may be retried by the processor, the
 * fault must be dispatched again (the PTE changed kind: a prototype made
 * valid for a write that copies), or the access raises f->status. */
enum mi_fault_result { MI_FAULT_RESOLVED, MI_FAULT_RETRY, MI_FAULT_RAISE };

/* MmInfoCounters (_MMINFO_COUNTERS, ULONGs in Windows' order), in the kernel
 * data page; a fault's resolvers mark which ones it counts. */
enum mi_info_counter {
    MI_INFO_PAGE_FAULT,            /* PageFaultCount */
    MI_INFO_COPY_ON_WRITE,         /* CopyOnWriteCount */
    MI_INFO_TRANSITION,            /* TransitionCount */
    MI_INFO_CACHE_TRANSITION,      /* CacheTransitionCount */
    MI_INFO_DEMAND_ZERO,           /* DemandZeroCount */
    MI_INFO_PAGE_READ,             /* PageReadCount: pages read */
    MI_INFO_PAGE_READ_IO,          /* PageReadIoCount: read operations */
    MI_INFO_CACHE_READ,            /* CacheReadCount */
    MI_INFO_CACHE_IO,              /* CacheIoCount */
    MI_INFO_DIRTY_PAGES_WRITE,     /* DirtyPagesWriteCount: pagefile pages written */
    MI_INFO_DIRTY_WRITE_IO,        /* DirtyWriteIoCount */
    MI_INFO_MAPPED_PAGES_WRITE,    /* MappedPagesWriteCount: file pages written */
    MI_INFO_MAPPED_WRITE_IO,       /* MappedWriteIoCount */
    MI_INFO_COUNTERS
};
#define MI_INFO_BIT(c) (1u << (c))
uint32_t mi_info_counter(const struct mm *mm, enum mi_info_counter c);
void mi_count_info(struct mm *mm, enum mi_info_counter c, uint32_t n);

/* One page fault, as the resolvers see it. */
struct mi_fault {
    struct mm_address_space *as;
    struct vad *vad;             /* the VAD holding va */
    uint64_t va;                 /* the faulting address */
    enum cpu_access access;
    struct mm_page page;         /* its PTE (and a view's prototype PTE), read afresh each dispatch */
    NTSTATUS status;             /* MI_FAULT_RAISE: the exception */
    unsigned counted;            /* MI_INFO_BIT()s of the counters this fault adds to */
};

/* A resolver's success: the fault counts in PageFaultCount and in c. */
static inline void mi_fault_counts(struct mi_fault *f, enum mi_info_counter c)
{
    f->counted |= MI_INFO_BIT(MI_INFO_PAGE_FAULT) | MI_INFO_BIT(c);
}

/* Windows: MmAccessFault — resolves a fault of space as at user address va:
 * STATUS_SUCCESS (retry the access), or the exception Windows raises
 * (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION,
 * STATUS_IN_PAGE_ERROR), or STATUS_INSUFFICIENT_RESOURCES when no frame is
 * left. */
NTSTATUS mm_access_fault(struct mm *mm, struct mm_address_space *as, uint64_t va,
                         enum cpu_access access);
/* What a protection lets the page do (Windows: the MmReadWrite table). */
bool mi_protection_allows(const struct mm *mm, unsigned protection, enum cpu_access access);
/* A resolver's failure: the access raises st. */
enum mi_fault_result mi_fault_raise(struct mi_fault *f, NTSTATUS st);

/* ---- verify.c ---- */
NTSTATUS mm_verify(struct mm *mm, char *message, size_t size);

#endif
