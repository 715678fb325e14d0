/*
 * pagefile.h — the paging files (Windows: MmPagingFile[], _MMPAGING_FILE,
 * NtCreatePagingFile, MiAllocatePagingFileSpace's cluster search in the
 * modified page writer, MiReleasePageFileSpace, MiExtendPagingFiles): where
 * pages that leave memory are kept, and the pagefile part of the commit
 * limit.
 *
 * A paging file is a host file on the machine's C: drive (C:\pagefile.sys,
 * then C:\pagefile2.sys ...) with a bitmap of its page-sized slots. The
 * file number (0-15, a pagefile PTE's PageFileLow) is its index in
 * MmPagingFile[]; a slot's offset (in pages, PageFileHigh) is its bit.
 *
 *        mi_allocate_paging_file_space        mi_write_paging_file
 *   free ------------------------------> used ---------------------> used, holding
 *    ^                                     |                          the page's bytes
 *    +------- mi_release_paging_file_space-+--------------------------+
 *
 * (1) Bit 0 of every bitmap is set and never handed out or released: a
 *     pagefile PTE's offset is never 0 (a software PTE with offset 0 is
 *     demand zero).
 * (2) The bitmap has Size bits; FreeSpace + CurrentUsage == Size - 1, where
 *     CurrentUsage is the set bits other than bit 0; PeakUsage >= CurrentUsage.
 * (3) MinimumSize <= Size <= MaximumSize; Size only grows (an extension,
 *     which also raises MmTotalCommitLimit by the pages it adds); the host
 *     file is at least Size pages long.
 * (4) Each file's contribution to the commit limits is what it can hold:
 *     Size - 1 pages to MmTotalCommitLimit, MaximumSize - 1 to
 *     MmTotalCommitLimitMaximum (Windows' FreeSpace at creation).
 * (5) A failed I/O (host error or injected fault) changes nothing the memory
 *     manager keeps: bitmaps and counters are as before. An injected fault
 *     moves no byte; a host error may have filled some of a read's buffers
 *     (the frames being read into) or written some of a write's slots (which
 *     the caller holds).
 * (6) File numbers and offsets given to these functions may come from
 *     simulated memory (a PTE the debugger edited): out-of-range ones are
 *     refused with a status, never trusted.
 */
#ifndef NTMM_MM_PAGEFILE_H
#define NTMM_MM_PAGEFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mm.h"

struct io_file;

#define MM_MAXIMUM_PAGING_FILES 16u  /* MAX_PAGE_FILES: PageFileLow has 4 bits */
#define MM_MINIMUM_PAGING_FILE 256u  /* MINIMUM_PAGE_FILE_SIZE: 1 MB, in pages */
#define MM_PAGE_FILE_EXTENSION 256u  /* MmPageFileExtension: 1 MB, the smallest step */
#define MM_PAGE_FILE_PATH_MAX 26u    /* "C:\pagefile16.sys" with room for any number */

/* Windows: _MMPAGING_FILE */
struct mm_paging_file {
    uint64_t size;            /* Size: pages the file has now */
    uint64_t maximum_size;    /* MaximumSize: pages it may grow to */
    uint64_t minimum_size;    /* MinimumSize: pages it was created with */
    uint64_t free_space;      /* FreeSpace: free slots, pages */
    uint64_t current_usage;   /* CurrentUsage: used slots, pages */
    uint64_t peak_usage;      /* PeakUsage: the most CurrentUsage has been, pages */
    uint64_t hint;            /* where the next search for free slots starts (a bit) */
    unsigned number;          /* PageFileNumber: its index in MmPagingFile[] */
    char name[MM_PAGE_FILE_PATH_MAX + 4]; /* PageFileName: "\??\C:\pagefile.sys" */
    struct io_file *file;     /* File: the host file (holds a reference) */
    uint64_t *bitmap;         /* Bitmap: size bits, 1 = used (host memory) */
};

/* MmPagingFile[] and MmNumberOfPagingFiles, with the system-wide peak. */
struct mm_paging_files {
    unsigned count;                                   /* MmNumberOfPagingFiles */
    struct mm_paging_file file[MM_MAXIMUM_PAGING_FILES]; /* MmPagingFile[0 .. count) */
    uint64_t peak_usage;                              /* the most slots used at once, all files */
};

/* The path of pagefile number (0: "C:\pagefile.sys", n: "C:\pagefile<n+1>.sys"),
 * and its Windows name ("\??\C:\pagefile.sys"). */
void mi_paging_file_path(unsigned number, char path[MM_PAGE_FILE_PATH_MAX]);

/* Windows: NtCreatePagingFile, after IoCreateFile has made the host file of
 * minimum pages: the next file number, its bitmap, and its share of the
 * commit limits (4). Takes the caller's reference to file, also on failure
 * (the file is then deleted). STATUS_TOO_MANY_PAGING_FILES past 16,
 * STATUS_INVALID_PARAMETER_2 / _3 for sizes Windows refuses,
 * STATUS_NO_MEMORY when the host has no memory for the bitmap. */
NTSTATUS mm_create_paging_file(struct mm *mm, struct io_file *file, uint64_t minimum,
                               uint64_t maximum);
/* Deletes every paging file's host file and frees the structures (machine
 * teardown). */
void mm_delete_paging_files(struct mm *mm);

/* The largest pagefile a PTE can name: MI_MAXIMUM_PAGEFILE_SIZE, in pages. */
uint64_t mi_maximum_paging_file_pages(enum ntmm_arch arch);

/* Windows: the modified page writer's search for pagefile space
 * (MiGatherPagefilePages' RtlFindClearBitsAndSet): up to want contiguous
 * free slots in one file, taken. The files are searched in order for a run
 * of want; failing that, the longest free run anywhere is taken; when every
 * file is full, one is extended toward its maximum (MiExtendPagingFiles)
 * and searched again. Returns how many slots were taken (*number and
 * *offset name the first), 0 when there is no space at all. */
uint64_t mi_allocate_paging_file_space(struct mm *mm, uint64_t want, unsigned *number,
                                       uint64_t *offset);
/* Windows: MiReleasePageFileSpace — the slot is free again. False (and
 * nothing changes) if it names no used slot (6). */
bool mi_release_paging_file_space(struct mm *mm, unsigned number, uint64_t offset);
/* Is the slot used? False for one out of range (6). For the verifier. */
bool mi_paging_file_slot_used(const struct mm *mm, unsigned number, uint64_t offset);
/* Are the count slots from offset all used? */
bool mi_paging_file_slots_used(const struct mm *mm, unsigned number, uint64_t offset,
                               uint64_t count);

/* Windows: IoPageRead for a pagefile (the in-page I/O of a hard fault):
 * count pages from slots offset .. offset + count - 1 into the 4096-byte
 * buffers pages[0 .. count), all of them used slots. STATUS_IN_PAGE_ERROR
 * for a host error, an injected NTMM_FAULT_PAGEFILE_READ (counted once per
 * valid call) or slots not in use (5), (6). */
NTSTATUS mi_read_paging_file(struct mm *mm, unsigned number, uint64_t offset,
                             uint8_t *const *pages, unsigned count);
/* Windows: IoAsynchronousPageWrite for a pagefile (the modified page
 * writer's cluster): count pages from the buffers to consecutive slots from
 * offset, which the caller holds (mi_allocate_paging_file_space).
 * STATUS_IN_PAGE_ERROR for an injected NTMM_FAULT_PAGEFILE_WRITE (once per
 * valid call) or slots not in use, the host's status (STATUS_DISK_FULL …)
 * for a host error (5), (6). */
NTSTATUS mi_write_paging_file(struct mm *mm, unsigned number, uint64_t offset,
                              const uint8_t *const *pages, unsigned count);

/* Windows: MiExtendPagingFiles, for a commit charge needing pages more than
 * MmTotalCommitLimit allows: extends one pagefile by at least that (16 MB
 * steps, or 1 MB ones if the host refuses those, never past a maximum),
 * or, if no single file can, several of them together; raises
 * MmTotalCommitLimit by what was added and returns it (0: nothing grew). */
uint64_t mi_extend_paging_files(struct mm *mm, uint64_t pages);

/* Sums over all pagefiles: Size, CurrentUsage, and the peak of their sum. */
struct mm_paging_totals {
    uint64_t size;  /* pages */
    uint64_t used;  /* pages */
    uint64_t peak;  /* pages */
};
void mi_paging_file_totals(const struct mm *mm, struct mm_paging_totals *totals);

/* Invariants (1)-(3) of every paging file; false with the first broken one
 * in message. For mm_verify. */
bool mi_check_paging_files(const struct mm *mm, char *message, size_t size);

#endif
