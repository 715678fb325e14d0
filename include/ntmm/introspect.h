/*
 * introspect.h — read-only views of a machine for the debugger commands and
 * tools (WinDbg's !pfn, !pte, !vtop, !memusage, !vad, !ca, lm, x nt!*, dt;
 * VMMap, RAMMap). Tools read the machine only through this header and ntmm.h.
 *
 * (1) Nothing here changes the machine: no Accessed bit, TLB entry or counter
 *     moves because a view was taken (except ntmm_verify's own scratch memory).
 */
#ifndef NTMM_INTROSPECT_H
#define NTMM_INTROSPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntmm.h"

/* PageLocation / MMLISTS values, as Windows numbers them. */
enum ntmm_page_location {
    NTMM_ZEROED = 0,
    NTMM_FREE = 1,
    NTMM_STANDBY = 2,
    NTMM_MODIFIED = 3,
    NTMM_MODIFIED_NO_WRITE = 4,
    NTMM_BAD = 5,
    NTMM_ACTIVE = 6,
    NTMM_TRANSITION = 7,
};
#define NTMM_ROM_LIST 6 /* ntmm_list_query index of MmRomPageListHead */
#define NTMM_LIST_HEADS 7

const char *ntmm_page_location_name(unsigned location); /* "Zeroed", "Free", ... "Active" */

struct ntmm_machine_info {
    enum ntmm_arch arch;
    const char *arch_name;       /* "x86", "PAE", "x64" */
    uint64_t ram_bytes;
    uint64_t number_of_physical_pages; /* MmNumberOfPhysicalPages */
    uint64_t highest_physical_page;    /* MmHighestPhysicalPage */
    uint64_t available_pages;          /* MmAvailablePages */
    uint64_t pfn_database;             /* MmPfnDatabase (virtual address) */
    unsigned pfn_entry_size;           /* sizeof(_MMPFN) */
    unsigned pte_size;                 /* bytes per PTE */
    unsigned paging_levels;
    uint64_t pte_base;                 /* PTE_BASE of the self-map */
    uint64_t system_directory_table_base; /* CR3 of the System process */
    uint64_t boot_pages;               /* frames the kernel image, PFN database and page tables use */
    uint64_t kernel_base;              /* where the kernel image (nt) is mapped */
    uint64_t kernel_end;               /* one past its last byte */
    uint64_t paged_pool_start;         /* MmPagedPoolStart: prototype PTEs live from here */
    uint64_t paged_pool_end;           /* one past paged pool's last byte */
    uint64_t hyperspace;               /* HYPER_SPACE: each process's own, from here ... */
    uint64_t hyperspace_end;           /* ... to here (its last byte); MmWorkingSetList is in it */
};
void ntmm_machine_info(const struct ntmm_machine *machine, struct ntmm_machine_info *info);

/* One _MMPFN, decoded. */
struct ntmm_pfn_info {
    uint64_t pfn;
    uint64_t entry_address;   /* MmPfnDatabase + pfn * sizeof(_MMPFN) */
    uint64_t u1;              /* Flink on a list, WsIndex when Active */
    uint64_t pte_address;     /* PteAddress */
    uint64_t u2;              /* Blink on a list, ShareCount when Active */
    unsigned reference_count; /* u3.e2.ReferenceCount */
    unsigned flags;           /* u3.e1 (16 bits) */
    unsigned page_location;   /* e1.PageLocation */
    unsigned page_color;      /* e1.PageColor */
    bool modified, read_in_progress, write_in_progress, prototype_pte, parity_error;
    bool removal_requested, rom, lock_charged;
    unsigned cache_attribute;
    uint64_t original_pte;    /* OriginalPte */
    uint64_t pte_frame;       /* u4.PteFrame */
    uint64_t u4;              /* u4 as a whole */
};
NTSTATUS ntmm_pfn_query(const struct ntmm_machine *machine, uint64_t pfn,
                        struct ntmm_pfn_info *info);

/* One MMPFNLIST head. */
struct ntmm_list_info {
    const char *symbol;   /* "MmZeroedPageListHead", ... */
    uint64_t address;     /* its virtual address */
    uint64_t total;       /* Total */
    unsigned list_name;   /* ListName */
    uint64_t flink;       /* first PFN, or the empty marker */
    uint64_t blink;       /* last PFN, or the empty marker */
    uint64_t empty;       /* MM_EMPTY_LIST for this architecture */
};
NTSTATUS ntmm_list_query(const struct ntmm_machine *machine, unsigned list,
                         struct ntmm_list_info *info);

/* One pagefile, as _MMPAGING_FILE holds it (!vm's paging file lines,
 * SYSTEM_PAGEFILE_INFORMATION); sizes in pages. */
struct ntmm_paging_file_info {
    unsigned number;          /* PageFileNumber: a pagefile PTE's PageFileLow */
    const char *name;         /* PageFileName: "\??\C:\pagefile.sys"; valid while the machine is */
    uint64_t size;            /* Size: what the file holds now */
    uint64_t minimum_size;    /* MinimumSize: its size at boot */
    uint64_t maximum_size;    /* MaximumSize: how far it may grow */
    uint64_t free_space;      /* FreeSpace: slots free (slot 0 is never one) */
    uint64_t current_usage;   /* CurrentUsage: slots holding a page */
    uint64_t peak_usage;      /* PeakUsage */
};
/* The machine's pagefiles in file-number order: the first max of them into
 * out (may be NULL when max is 0); *count gets how many there are. */
void ntmm_query_paging_files(const struct ntmm_machine *machine,
                             struct ntmm_paging_file_info *out, unsigned max, unsigned *count);

/* A process's working set (!wsle): the _MMWSL header at MmWorkingSetList
 * in its hyperspace, as the simulated bytes hold it, and its Vm counters. */
struct ntmm_working_set_info {
    uint64_t address;                  /* MmWorkingSetList: where the _MMWSL is */
    uint64_t first_free;               /* FirstFree: head of the free entries (NULL index: none) */
    uint64_t first_dynamic;            /* FirstDynamic: entries below it are locked for good */
    uint64_t last_entry;               /* LastEntry: highest valid index */
    uint64_t next_slot;                /* NextSlot: where replacement looks next */
    uint64_t wsle;                     /* Wsle: address of entry 0 */
    uint64_t last_initialized_wsle;    /* LastInitializedWsle: entries [0, it] are in use */
    uint64_t non_direct_count;         /* NonDirectCount: entries of shared frames */
    uint64_t hash_table;               /* HashTable (0: ntmm keeps none) */
    uint64_t hash_table_size;          /* HashTableSize */
    uint64_t working_set_size;         /* Vm.WorkingSetSize, pages */
    uint64_t peak_working_set_size;    /* Vm.PeakWorkingSetSize, pages */
    uint64_t minimum_working_set_size; /* Vm.MinimumWorkingSetSize, pages */
    uint64_t maximum_working_set_size; /* Vm.MaximumWorkingSetSize, pages */
    uint64_t page_fault_count;         /* Vm.PageFaultCount */
};
/* STATUS_INVALID_PARAMETER for NULL or a process without a list;
 * STATUS_INVALID_ADDRESS when the list's page does not translate (a script
 * edited its PTE): the view never faults or stops the machine. */
NTSTATUS ntmm_working_set_info(const struct ntmm_process *process,
                               struct ntmm_working_set_info *info);

/* One _MMWSLE, decoded. A free entry has valid false and next_free set. */
struct ntmm_wsle_info {
    uint64_t index;            /* its index in the list */
    uint64_t address;          /* where it is: Wsle + index * sizeof(ULONG_PTR) */
    uint64_t raw;              /* the entry as stored */
    bool valid;                /* Valid */
    uint64_t virtual_address;  /* VirtualPageNumber << 12 (valid entries) */
    bool locked_in_ws;         /* LockedInWs: VirtualLock or the list's own pages */
    bool locked_in_memory;     /* LockedInMemory */
    bool direct;               /* Direct: the frame's WsIndex is this index */
    bool hashed;               /* Hashed */
    unsigned age;              /* Age (0-3): manager passes without an access */
    unsigned protection;       /* Protection: MM_* (0: the PTE's) */
    uint64_t next_free;        /* free entries: the next free index (0x0fffffff ends) */
};
/* Entry index of the process's list: STATUS_INVALID_PARAMETER past
 * LastInitializedWsle, else as ntmm_working_set_info. */
NTSTATUS ntmm_working_set_entry(const struct ntmm_process *process, uint64_t index,
                                struct ntmm_wsle_info *info);

/* The walk of one virtual address, as !pte and !vtop show it. */
enum ntmm_pte_kind {
    NTMM_PTE_ZERO,
    NTMM_PTE_VALID,
    NTMM_PTE_DEMAND_ZERO,
    NTMM_PTE_PAGEFILE,
    NTMM_PTE_TRANSITION,
    NTMM_PTE_PROTOTYPE,
    NTMM_PTE_SUBSECTION,
};

struct ntmm_pte_info {
    enum ntmm_pte_kind kind;
    uint64_t raw;
    bool write, owner, write_through, cache_disable, accessed, dirty, large_page, global;
    bool copy_on_write, prototype, write_software, no_execute;
    uint64_t pfn;                 /* VALID, TRANSITION */
    unsigned protection;          /* software kinds: MM_* value */
    unsigned page_file_number;    /* PAGEFILE */
    uint64_t page_file_offset;    /* PAGEFILE, pages */
    uint64_t proto_address;       /* PROTOTYPE */
    uint64_t subsection_address;  /* SUBSECTION */
};
/* Decodes a raw entry of this machine's format (a page-table context). */
void ntmm_pte_decode(const struct ntmm_machine *machine, uint64_t raw, struct ntmm_pte_info *info);
/* Decodes a prototype PTE (an entry of a segment, in paged pool), where the
 * Prototype bit of an invalid entry marks a subsection PTE. */
void ntmm_proto_pte_decode(const struct ntmm_machine *machine, uint64_t raw,
                           struct ntmm_pte_info *info);
/* WinDbg's !pte flag columns of an entry, e.g. "-G-DA--KWEV". */
void ntmm_pte_flags_string(const struct ntmm_pte_info *info, char out[12]);

struct ntmm_walk_level {
    const char *name;         /* "PXE", "PPE", "PDE", "PTE" */
    uint64_t entry_address;   /* virtual address in the self-map (0 for a PAE PDPTE) */
    uint64_t entry_physical;  /* physical address of the entry */
    struct ntmm_pte_info pte; /* its contents, decoded */
};

struct ntmm_walk {
    uint64_t va;
    unsigned levels;          /* entries read, top first */
    struct ntmm_walk_level level[4];
    bool translated;          /* the walk reached a valid leaf */
    uint64_t physical;        /* translated physical address */
    uint64_t page_size;       /* 4 KB or a large page's size */
    const char *stopped;      /* when not translated: why ("not present", ...) */
};
/* Walks va in the address space of process (NULL: the System process's).
 * Sets no Accessed bits and fills no TLB entry. */
NTSTATUS ntmm_pte_walk(const struct ntmm_machine *machine, const struct ntmm_process *process,
                       uint64_t va, struct ntmm_walk *walk);

struct ntmm_tlb_stats {
    uint64_t hits, misses, flushes, invalidations;
    unsigned entries; /* slots per (mode, access) array */
};
void ntmm_tlb_stats(const struct ntmm_machine *machine, struct ntmm_tlb_stats *stats);

/* Symbols (x nt!Mm*): look one up by name, with or without "nt!"
 * (STATUS_OBJECT_NAME_NOT_FOUND if there is none), or list them by index
 * (ntmm_symbol_at returns false past the last). */
struct ntmm_symbol {
    const char *name;  /* "MmPfnDatabase" */
    const char *type;  /* WinDbg type, e.g. "_MMPFNLIST" */
    uint64_t address;
    unsigned size;
};
NTSTATUS ntmm_symbol_lookup(const struct ntmm_machine *machine, const char *name,
                            struct ntmm_symbol *symbol);
bool ntmm_symbol_at(const struct ntmm_machine *machine, unsigned index, struct ntmm_symbol *symbol);

/* Page counts by PageLocation, from a walk of the whole PFN database
 * (!memusage). counts[NTMM_ZEROED .. NTMM_TRANSITION]. */
void ntmm_memusage(const struct ntmm_machine *machine, uint64_t counts[8]);

/* The invariant checker (!verify): STATUS_SUCCESS, or STATUS_INTERNAL_ERROR
 * and the first broken invariant in message. */
NTSTATUS ntmm_verify(struct ntmm_machine *machine, char *message, size_t size);

/* One VAD (!vad), in address order; false past the last. */
struct ntmm_vad_info {
    uint64_t node_address;      /* where !vad shows the node: a stable pseudo address in nonpaged pool */
    uint64_t starting_vpn;      /* StartingVpn */
    uint64_t ending_vpn;        /* EndingVpn (inclusive) */
    unsigned level;             /* depth in the tree, the root at 1 */
    uint64_t commit_charge;     /* u.VadFlags.CommitCharge, pages */
    unsigned protection;        /* u.VadFlags.Protection (MM_*) */
    const char *protection_name;/* as !vad prints it: "READWRITE", "EXECUTE_WRITECOPY" ... */
    bool private_memory;        /* u.VadFlags.PrivateMemory */
    bool mem_commit;            /* u.VadFlags.MemCommit */
    bool image_map;             /* "Exe" in !vad */
    /* A view (private_memory false); all 0 / NULL for private memory: */
    uint64_t control_area;      /* its control area's pseudo address (!ca) */
    uint64_t first_proto_pte;   /* FirstPrototypePte: the prototype PTE of its first page */
    uint64_t last_proto_pte;    /* LastContiguousPte: the prototype PTE of its last page */
    uint64_t section_offset;    /* bytes from the segment's start to its first page */
    bool file_backed;           /* the control area maps a file (else the pagefile) */
    const char *file_name;      /* that file's name as it was opened (NULL: none) */
    uint64_t shared_commit;     /* pagefile-backed: the segment's committed pages */
};
bool ntmm_vad_at(const struct ntmm_process *process, unsigned index, struct ntmm_vad_info *info);
/* The VAD that contains the user address va, found in the tree;
 * STATUS_INVALID_ADDRESS when none does. */
NTSTATUS ntmm_vad_query(const struct ntmm_process *process, uint64_t va,
                        struct ntmm_vad_info *info);

/* One control area with its segment (WinDbg's !ca: _CONTROL_AREA and
 * _SEGMENT). ntmm keeps them in host memory; each has a stable pseudo
 * address in nonpaged pool (the one its subsection PTEs and !vad show). */
struct ntmm_control_area_info {
    uint64_t address;             /* the _CONTROL_AREA's pseudo address */
    uint64_t segment;             /* Segment: its _SEGMENT's pseudo address */
    uint64_t section_references;  /* NumberOfSectionReferences: Section objects */
    uint64_t pfn_references;      /* NumberOfPfnReferences: resident pages (valid or transition prototype PTEs) */
    uint64_t mapped_views;        /* NumberOfMappedViews */
    uint64_t user_references;     /* NumberOfUserReferences: section references + mapped views */
    uint64_t modified_pages;      /* resident pages written since they were last clean */
    bool file;                    /* u.Flags.File: backed by a file (else the pagefile) */
    bool image;                   /* u.Flags.Image: a SEC_IMAGE section */
    bool reserve;                 /* pagefile-backed with pages not committed (SEC_RESERVE) */
    const char *file_name;        /* the file's name as it was opened (NULL: none) */
    uint64_t total_ptes;          /* Segment->TotalNumberOfPtes */
    uint64_t segment_size;        /* Segment->SizeOfSegment, bytes */
    uint64_t committed;           /* Segment->NumberOfCommittedPages (pagefile-backed) */
    unsigned protection;          /* MM_*: Segment->SegmentPteTemplate's protection */
    unsigned subsection_count;
    uint64_t image_base;          /* an image: its headers' ImageBase (else 0) */
    uint64_t based_address;       /* an image: where its views go, ImageBase or where ASLR moved it */
};
/* The machine's control areas, oldest first; false past the last. */
bool ntmm_control_area_at(const struct ntmm_machine *machine, unsigned index,
                          struct ntmm_control_area_info *info);
/* The control area at its pseudo address (or whose segment or subsection is
 * there, or whose prototype PTEs hold the paged-pool address), else
 * STATUS_INVALID_PARAMETER. */
NTSTATUS ntmm_control_area_query(const struct ntmm_machine *machine, uint64_t address,
                                 struct ntmm_control_area_info *info);

/* One subsection of a control area (!ca; _SUBSECTION). Sectors are 512
 * bytes. An image has one for its headers and one per PE section, whose
 * file data is the section's raw data (PointerToRawData, SizeOfRawData). */
struct ntmm_subsection_info {
    uint64_t address;             /* its pseudo address: what its subsection PTEs encode */
    uint64_t control_area;        /* ControlArea */
    uint64_t base_pte;            /* SubsectionBase: its first prototype PTE, in paged pool */
    uint64_t ptes;                /* PtesInSubsection */
    uint64_t first_page;          /* the segment page its first prototype PTE describes */
    uint64_t starting_sector;     /* StartingSector: file offset / 512 */
    uint64_t number_of_sectors;   /* NumberOfFullSectors: whole sectors of file data behind it */
    uint64_t file_offset;         /* bytes */
    uint64_t file_bytes;          /* bytes of file data behind it (zeros after them) */
    unsigned protection;          /* SubsectionFlags.Protection (MM_*) */
};
/* Subsection index of the control area at control_area; false past the
 * last (or for an address that is not a control area). */
bool ntmm_subsection_at(const struct ntmm_machine *machine, uint64_t control_area,
                        unsigned index, struct ntmm_subsection_info *info);

/* One loaded module of a process (lm): an image view (a VAD with ImageMap),
 * in address order; false past the last. */
struct ntmm_module_info {
    uint64_t base;                /* the view's first byte */
    uint64_t end;                 /* one past its last byte */
    uint64_t control_area;        /* the image's control area (!ca) */
    const char *file_name;        /* the image file's name as it was opened (NULL: none) */
};
bool ntmm_module_at(const struct ntmm_process *process, unsigned index,
                    struct ntmm_module_info *info);

/* Reads size bytes at va of the process's image views (!dh) as the process
 * would read them, without a fault: a page's resident frame (the process's
 * own copy, or the shared frame of its prototype PTE, valid or transition),
 * else the bytes its first fault would bring in, laid out and relocated
 * from the image (what WinDbg reads from the image file on its image path
 * for a module page that is not in memory). STATUS_INVALID_ADDRESS, with
 * nothing copied, when a byte lies outside every image view;
 * STATUS_IN_PAGE_ERROR when the image's relocations cannot be applied. */
NTSTATUS ntmm_image_read(const struct ntmm_process *process, uint64_t va, void *buffer,
                         size_t size);

/* The region of the process's address space holding va, as VirtualQueryEx
 * reports it, without changing anything (no Accessed bit, TLB entry or last
 * error). STATUS_INVALID_PARAMETER past the user address space. */
NTSTATUS ntmm_region_query(struct ntmm_process *process, uint64_t va,
                           MEMORY_BASIC_INFORMATION *info);

/* A process as !process shows it. */
struct ntmm_process_info {
    uint32_t cid;                   /* UniqueProcessId */
    const char *image_name;         /* ImageFileName */
    uint64_t directory_table_base;  /* DirBase (CR3) */
    uint64_t vad_count;             /* nodes under VadRoot */
    uint64_t highest_user_address;  /* last usable user byte */
    bool is_64bit;                  /* else a 32-bit process (WOW64 on x64) */
    bool large_address_aware;       /* its image's IMAGE_FILE_LARGE_ADDRESS_AWARE */
    uint64_t commit_charge;         /* pages */
    uint64_t working_set_pages;     /* Vm.WorkingSetSize */
    uint64_t peak_working_set_pages; /* Vm.PeakWorkingSetSize */
    uint64_t minimum_working_set;   /* Vm.MinimumWorkingSetSize, pages */
    uint64_t maximum_working_set;   /* Vm.MaximumWorkingSetSize, pages */
    uint64_t page_fault_count;      /* Vm.PageFaultCount */
    uint64_t virtual_bytes;         /* VirtualSize */
    uint64_t peak_virtual_bytes;    /* PeakVirtualSize */
    uint64_t handle_count;          /* ObjectTable->HandleCount */
};
void ntmm_process_info(const struct ntmm_process *process, struct ntmm_process_info *info);
/* The machine's processes, newest first; false past the last. */
bool ntmm_process_at(const struct ntmm_machine *machine, unsigned index,
                     struct ntmm_process **process);

#endif
