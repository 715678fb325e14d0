/*
 * section.h — sections, as Windows builds them (the memory manager's part of
 * NtCreateSection, NtMapViewOfSection and their kin): a Section object names
 * a control area; the control area and its segment describe the shared
 * pages, one prototype PTE each, in paged pool; subsections say where each
 * run of prototype PTEs finds its data (a file, or nothing: pagefile-backed
 * pages start as demand zero). Views are Mapped VADs whose process PTEs
 * point at the prototype PTEs.
 *
 *   Section object --> control area --> subsection 0 --> subsection 1 ...
 *                        (segment)        | SubsectionBase
 *                                         v
 *                      prototype PTEs in paged pool:  valid -> shared frame
 *                                                     transition -> standby/modified frame
 *                                                     demand zero (pagefile-backed)
 *                                                     subsection (file data not read yet)
 *                                                     zero (SEC_RESERVE, not committed)
 *   process PTE of a view: prototype (-> the prototype PTE), valid with the
 *   Prototype bit (the shared frame), or valid without it (a private copy
 *   made by copy-on-write).
 *
 * Control areas, segments and subsections are host structures (like VADs)
 * with stable pseudo addresses in nonpaged pool for the debugger; the
 * prototype PTEs themselves are in simulated memory, because process PTEs
 * and PFN entries point at them by address.
 *
 * (1) A frame a prototype PTE maps (valid, or transition) has PrototypePte
 *     set, PteAddress the prototype PTE's address, PteFrame the pool page
 *     holding it (whose ShareCount counts it), and OriginalPte the prototype
 *     PTE it replaced (demand zero or subsection, carrying the protection).
 * (2) An Active section frame's ShareCount is the number of valid process
 *     PTEs that map it; each of them also counts in its own page table's
 *     ShareCount. When the last goes, the prototype PTE becomes a transition
 *     PTE and the frame goes to the modified list (written since it was last
 *     clean) or the standby list.
 * (3) A file-backed page that becomes modified is written to the file when a
 *     view that wrote it is unmapped or flushed, and when the control area
 *     is deleted (ntmm's mapped page writer runs at those moments).
 * (4) A control area lives while a Section object or a view uses it
 *     (NumberOfSectionReferences + NumberOfMappedViews > 0); its deletion
 *     writes back modified file pages, frees every frame and pool page and
 *     returns its commit. A file has at most one data control area: every
 *     section of the same file shares it, and a larger section extends it
 *     with another subsection.
 * (5) Commit: a pagefile-backed segment charges the system for its committed
 *     pages (all of them with SEC_COMMIT, those committed later with
 *     SEC_RESERVE) in mm->section_commit; a view charges its process (VAD
 *     CommitCharge) for each page it may copy or has copied (view.c (4)):
 *     at map time, and as VirtualProtect changes which pages may copy.
 */
#ifndef NTMM_SECTION_H
#define NTMM_SECTION_H

#include "ldr/pe.h"
#include "mm/mm.h"
#include "ntmm/nt.h"

struct io_file;
struct ob_type;

struct mm_subsection {           /* _SUBSECTION */
    struct mm_control_area *control_area;
    uint64_t address;            /* pseudo address: what subsection PTEs encode */
    uint64_t proto_va;           /* SubsectionBase: its first prototype PTE */
    uint64_t first_page;         /* the segment page its first prototype PTE describes */
    uint64_t ptes;               /* PtesInSubsection */
    uint64_t pool_pages;         /* pool pages its prototype PTEs own (0: inside another run) */
    uint64_t file_offset;        /* where its data starts in the file */
    uint64_t file_bytes;         /* bytes of the file it was made for (pages read the whole file page) */
    uint32_t rva;                /* image: the RVA of its first page */
    unsigned protection;         /* SubsectionFlags.Protection (MM_*) */
};

/* An image segment's loader view (Windows keeps it in the segment's
 * _SECTION_IMAGE_INFORMATION and reads pages through the file object). */
struct mm_image {
    uint64_t file_size;          /* the image file's size at creation, bytes */
    struct pe_image pe;          /* its headers */
    struct pe_relocs relocs;     /* its relocation blocks by page (image.c (5)) */
    uint64_t base;               /* where views go: ImageBase, or where ASLR moved it */
};

struct mm_control_area {         /* _CONTROL_AREA with its _SEGMENT */
    struct mm *mm;
    uint64_t address;            /* pseudo address, for !ca */
    uint64_t total_ptes;         /* Segment->TotalNumberOfPtes */
    uint64_t size;               /* Segment->SizeOfSegment, bytes */
    uint64_t commit;             /* Segment->NumberOfCommittedPages (pagefile-backed) */
    unsigned protection;         /* MM_*: the protection its prototype PTEs carry */
    struct io_file *file;        /* FilePointer (holds a reference); NULL: pagefile-backed */
    bool image;                  /* u.Flags.Image: a SEC_IMAGE section */
    unsigned long section_refs;  /* NumberOfSectionReferences */
    unsigned long mapped_views;  /* NumberOfMappedViews */
    unsigned subsection_count;
    struct mm_subsection *subsections;
    struct mm_image *image_info;  /* an image's headers and relocations (image.c), else NULL */
    struct mm_control_area *next; /* mm->control_areas */
};

/* The Section object body (Windows: SECTION). */
struct mm_section {
    struct mm_control_area *control_area;
    uint64_t size;               /* SizeOfSection, bytes */
    unsigned protection;         /* InitialPageProtection (MM_*) */
    ULONG attributes;            /* SEC_* as given, SEC_FILE added for a file */
};

extern const struct ob_type mm_section_type;

/* Windows: MmCreateSection for data (not SEC_IMAGE) sections, up to the
 * object: fills *section with its control area (new, or the file's own, (4)).
 * file NULL: pagefile-backed, size > 0. STATUS_COMMITMENT_LIMIT,
 * STATUS_INSUFFICIENT_RESOURCES (pool), STATUS_MAPPED_FILE_SIZE_ZERO,
 * STATUS_SECTION_TOO_BIG (a read-only section past the end of its file),
 * the file's errors. */
NTSTATUS mm_create_data_section(struct mm *mm, struct io_file *file, uint64_t size,
                                unsigned protection, bool reserve, struct mm_section *section);
/* Windows: MiCreateImageFileMap — a SEC_IMAGE section of a PE file (image.c):
 * one control area per file, shared by every section and process; its
 * prototype PTEs are subsection PTEs, a subsection for the headers and one
 * per PE section, each with its section's protection. A DYNAMIC_BASE image
 * that can move gets its base from ASLR (image.c (2)).
 * STATUS_INVALID_FILE_FOR_SECTION (empty file), STATUS_INVALID_IMAGE_NOT_MZ,
 * STATUS_INVALID_IMAGE_FORMAT (pe_parse, a 64-bit image on a 32-bit
 * machine, bad relocations), STATUS_IN_PAGE_ERROR (the file's read failed),
 * STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS mm_create_image_section(struct mm *mm, struct io_file *file, struct mm_section *section);
/* Windows: MmCanFileBeTruncated / MmFlushImageSection, reduced: true while
 * a control area (a section or a view; with image, an image's) uses the
 * host file (dev, ino); the I/O manager then refuses to shrink
 * (STATUS_USER_MAPPED_FILE) or delete (STATUS_CANNOT_DELETE) it, or to
 * open it for writing under an image (io.h (8)). */
bool mm_file_has_section(const struct mm *mm, uint64_t dev, uint64_t ino, bool image);
/* The cache manager's side of (3): the host address of file page `page`
 * (file offset >> 12) while the data control area of the host file (dev,
 * ino) holds it in a frame (valid or transition), else NULL. ReadFile and
 * WriteFile go through that frame, so they and the views see the same
 * bytes, as Windows' cached I/O shares the section's pages. */
uint8_t *mm_resident_file_page(struct mm *mm, uint64_t dev, uint64_t ino, uint64_t page);
/* The Section object is gone: (4). */
void mm_delete_section(struct mm_section *section);

/* Windows: MmMapViewOfSection. *base 0 picks an address as mm_reserve does
 * (below highest); *size 0 maps from offset to the end. protection is the
 * view's (MM_*), page_protect its PAGE_* value. STATUS_INVALID_VIEW_SIZE,
 * STATUS_CONFLICTING_ADDRESSES, STATUS_NO_MEMORY, STATUS_COMMITMENT_LIMIT,
 * STATUS_INSUFFICIENT_RESOURCES. */
NTSTATUS mm_map_view(struct mm *mm, struct mm_address_space *as, struct mm_section *section,
                     uint64_t *base, uint64_t *size, uint64_t offset, uint64_t highest,
                     bool top_down, unsigned protection, ULONG page_protect);
/* Windows: MmUnmapViewOfSection — the view holding va. STATUS_NOT_MAPPED_VIEW. */
NTSTATUS mm_unmap_view(struct mm *mm, struct mm_address_space *as, uint64_t va);
/* Windows: MmFlushVirtualMemory — writes the modified file pages of
 * [*base, *base + *size) (size 0: to the end of the view) to the file;
 * *base and *size receive the range flushed. STATUS_NOT_MAPPED_VIEW. */
NTSTATUS mm_flush_view(struct mm *mm, struct mm_address_space *as, uint64_t *base,
                       uint64_t *size);

/* ---- for virtual.c, fault.c, query.c, verify.c ---- */
/* A view page: mi_read_page for a Mapped VAD. */
void mi_read_view_page(const struct mm *mm, const struct mm_address_space *as,
                       const struct vad *vad, uint64_t va, struct mm_page *p);
/* Windows: MiResolveProtoPteFault — a fault on a process PTE pointing at its
 * prototype PTE (fault.c's dispatcher). */
enum mi_fault_result mi_resolve_proto_fault(struct mm *mm, struct mi_fault *f);
/* Windows: MiCopyOnWrite — a write to a valid shared page that copies on write. */
enum mi_fault_result mi_resolve_copy_on_write(struct mm *mm, struct mi_fault *f);
/* Pages of commit a view's VAD charges, (5): as NULL for a view being
 * mapped (its protections as the VAD and subsections give them), else read
 * from the view's pages in as without the MMU. */
uint64_t mi_view_commit_charge(struct mm *mm, struct mm_address_space *as, const struct vad *vad);
/* A view page that is a private copy (valid without the Prototype bit, or
 * in transition after a protection change). */
bool mi_view_page_private(const struct mm_page *p);
/* Windows: MiProtectVirtualMemory on a view — view.c (5). */
NTSTATUS mi_protect_view(struct mm *mm, struct mm_address_space *as, struct vad *vad,
                         uint64_t base, uint64_t size, unsigned protection, unsigned *old);
/* Frees an image control area's loader view. */
void mi_free_image(struct mm_control_area *ca);
/* The bytes of image page `page` as a view at base holds them: laid out
 * from the file and relocated for base (image.c). */
NTSTATUS mi_read_image_page(const struct mm_control_area *ca, uint64_t page, uint64_t base,
                            uint8_t *frame);
/* Reads segment page `page` of a file-backed control area into frame. */
NTSTATUS mi_read_section_page(struct mm_control_area *ca, uint64_t page, uint8_t *frame);
/* A view page's process PTE takes replacement (0 when it is deleted,
 * mi_view_page_pte's when it leaves the working set); a valid one's
 * shared frame loses the mapping (section.h (2)) and the working set the page;
 * true if the page was locked there. */
bool mi_unmap_view_page(struct mm *mm, struct mm_address_space *as, const struct mm_page *p,
                        uint64_t replacement);
/* The process PTE that points at the prototype PTE at proto_va. */
uint64_t mi_proto_pointer_pte(const struct mm *mm, uint64_t proto_va);
/* view.c (5): the PTE a shared view page out of the working set has with
 * `protection`: a prototype PTE pointer, or MI_PTE_LOOKUP_NEEDED with it. */
uint64_t mi_view_page_pte(const struct mm *mm, const struct vad *vad, const struct mm_page *p,
                          unsigned protection);
/* The view is gone: its control area loses a view, (4). */
void mi_view_deleted(struct mm *mm, struct vad *vad);
/* Windows: MiCommitSectionPages — commits the prototype PTEs behind
 * [base, base + size) of a view of a SEC_RESERVE section (a no-op where
 * they are committed). STATUS_ACCESS_DENIED in a view of a file,
 * STATUS_INVALID_PAGE_PROTECTION for a protection the view does not allow. */
NTSTATUS mi_commit_view(struct mm *mm, struct mm_address_space *as, struct vad *vad,
                        uint64_t base, uint64_t size, unsigned protection);
/* Windows: MiIsProtectionCompatible — wanted neither writes nor executes
 * where allowed does not (copy-on-write needs neither). */
bool mi_protection_compatible(unsigned wanted, unsigned allowed);
/* An MM_* protection that writes in place (READWRITE, EXECUTE_READWRITE),
 * or executes. */
bool mi_protection_writes(unsigned protection);
bool mi_protection_executes(unsigned protection);
/* The prototype PTE of segment page `page` (its address; 0 past the
 * segment), the page a prototype PTE describes (UINT64_MAX if none), and
 * the subsection holding a page (NULL past the segment). */
uint64_t mi_proto_address(const struct mm_control_area *ca, uint64_t page);
uint64_t mi_proto_page(const struct mm_control_area *ca, uint64_t proto_va);
struct mm_subsection *mi_subsection_of_page(const struct mm_control_area *ca, uint64_t page);
/* Prototype PTEs are read and written in paged pool, not through the MMU. */
uint64_t mi_read_proto(const struct mm *mm, uint64_t proto_va);
void mi_write_proto(struct mm *mm, uint64_t proto_va, uint64_t value);

/* ---- building control areas (section.c) ---- */
/* A control area with no subsection yet (not linked in); NULL: no host memory. */
struct mm_control_area *mi_new_control_area(struct mm *mm, struct io_file *file,
                                            unsigned protection);
/* Appends a subsection of ptes prototype PTEs in a pool run of its own,
 * each the subsection PTE of a file, else demand zero (or zero with reserve). */
NTSTATUS mi_add_subsection(struct mm_control_area *ca, uint64_t ptes, uint64_t file_offset,
                           uint64_t file_bytes, unsigned protection, bool reserve);
/* Links a finished control area in (taking a reference on its file), or
 * frees one that failed half way. */
void mi_insert_control_area(struct mm_control_area *ca);
void mi_discard_control_area(struct mm_control_area *ca);
/* Windows: MiCheckControlArea — deletes it when nothing uses it, (4). */
void mi_check_control_area(struct mm_control_area *ca);
/* Writes segment page `page`, held in frame pfn, to the file, (3); the
 * frame is clean afterwards. */
NTSTATUS mi_write_page(struct mm_control_area *ca, uint64_t page, uint64_t pfn);
/* Checks (1), (2), (5) for every control area; false with a message. */
bool mi_check_sections(struct mm *mm, char *message, size_t size);

#endif
